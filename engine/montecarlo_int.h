/*
 * Monte Carlo internals shared by montecarlo.c (parameters, draws, threads, summaries),
 * montecarlo_solve.c (the ways to solve a perturbed A), montecarlo_auto.c (the AUTO choice
 * between them) and montecarlo_block.c (GMRES_BLOCK: a block of draws solved in lockstep).
 */
#ifndef GLCA_ENGINE_MONTECARLO_INT_H
#define GLCA_ENGINE_MONTECARLO_INT_H

#include <glca/engine.h>

#include "background_int.h"
#include "krylov.h"
#include "krylov_draws.h"
#include "product_int.h"
#include "rng.h"

/* Counter ids of product lines start here, so background exchanges never share a stream. */
#define LINE_STREAM (UINT64_C(1) << 40)
/* GMRES_BLOCK's widest block: more would only grow the workspace (A's pass is shared by 8). */
#define MAX_WIDTH 64
/*
 * Goal-oriented estimate of the relative error of the totals at which GMRES_ILU and GMRES_BLOCK
 * stop (one value: a block's draws are bitwise GMRES_ILU's).  On the realistic background
 * (bench/README.md), every total of 400 draws against a solve to 1e-13: at most 1.2e-11
 * relative at 1e-10 (14.3 iterations a draw), 1.3e-12 at 1e-11 (15.3), 3.4e-11 at 3e-10,
 * 1.6e-10 at 1e-9; 1e-10 keeps 80 times below the 1e-9 that draws must meet.
 */
#define GOAL_TOL 1e-10
/* The restart and the iteration cap of every GMRES route of one draw. */
#define GMRES_RESTART 40
#define GMRES_MAX_ITER 200

struct glca_montecarlo {
    const glca_background *bg;
    const glca_product *product;
    glca_montecarlo_options opts;
    size_t k, nlines;
    double *impacts; /* iterations × k × GLCA_NSTAGES */
    size_t nbg;      /* background parameters: bg->uncertain[0..nbg) */
    size_t nfg;      /* product lines drawn: fg_line[0..nfg) */
    size_t *fg_line;
    double *line_factor; /* nlines: reference units per unit as written */
    glca_engine__sampler *sampler;  /* the nbg background parameters, ready to draw */
    glca_engine__solver *nominal;   /* the background's factorization (borrowed), or NULL */
    glca_engine__ilu *ilu;          /* GMRES_ILU, GMRES_BLOCK: ILU(0) of the nominal A */
    glca_engine__csc *at;           /* GMRES_ILU, GMRES_BLOCK: A^T (A by rows) and where its
                                       entries are; while it exists the sampler writes A's
                                       values in its order */
    size_t *at_perm;                /* in A: entry e of at is entry at_perm[e] of A */
    uint32_t *at_col;               /* at's row indexes in 32 bits, for A x by rows */
    /* GMRES_ILU, GMRES_BLOCK: goal weights of the nominal right-hand sides (montecarlo_goal.c) */
    double *goal_w;     /* n × nrhs */
    double *goal_t;     /* k × nrhs: each category's nominal total magnitude */
    size_t *goal_rows;  /* rows of column q's lines: goal_rows[goal_start[q] .. goal_start[q+1]) */
    size_t *goal_start; /* nrhs + 1 */
    int stage_col[GLCA_NSTAGES]; /* right-hand side of each stage's demand, -1 if none */
    int col_slot[GLCA_NSTAGES];  /* the stage whose impacts right-hand side q gives */
    int slot[GLCA_NSTAGES];      /* where a line of stage s goes: s, or 0 without stages */
    size_t nrhs;
    size_t width; /* GMRES_BLOCK: draws per block */
    size_t ready; /* draws 0 .. ready - 1 are in impacts already (made while AUTO timed) */
    glca_mc_stats stats;
};

typedef struct glca_engine__mc_worker {
    glca_engine__solver *solver; /* REFACTOR: refactored each draw; others: stays nominal */
    glca_engine__solver *spare;  /* refactored when an iteration does not converge */
    glca_engine__gmres *gmres;   /* GMRES, GMRES_ILU */
    double *tc;                  /* GMRES_ILU: k category normalizers */
    double *atvals;              /* GMRES_ILU: scratch for the values back in A's order */
    double *avals, *bvals, *amount, *x, *f, *r, *t, *g, *xs, *fs;
    uint32_t *words; /* the sampler's workspace */
    /* GMRES_BLOCK: vectors of the block interleaved, entry i of draw d at [i * width + d] */
    glca_engine__gmres_draws *draws;
    double *ivals;      /* A's perturbed values by rows (A^T's order): nnz × width */
    double *ib, *ix, *iw; /* n × width: right-hand sides, solutions, goal weights of one column */
    double *dvals;      /* each draw's perturbed B: width × nnz(B) */
    double *damount;    /* each draw's line amounts: width × (nlines + 1) */
    double *df, *dx;    /* each draw's right-hand sides and solutions: width × n × nrhs */
    size_t *iters;      /* width */
    bool *converged;    /* 2 × width: of one column's solve, then whether any failed */
    size_t refine_steps, fallbacks;
    int rc;
    size_t failed_at;
    glca_error err;
} glca_engine__mc_worker;

/**
 * glca_montecarlo_parameter_draws with the 32-bit Philox word each value was made from: every
 * distribution is a monotone function of its word (rng.h), which sensitivity sorts instead.
 */
void glca_engine__mc_parameter_words(const glca_montecarlo *mc, size_t j, uint32_t *words,
                                     double *out);

/**
 * Draw iteration i's values: line amounts into `amount` (nlines); with background parameters
 * the perturbed A and B into avals (in A^T's order while mc->at exists) and bvals and the
 * right-hand sides into f (n × nrhs).
 */
void glca_engine__mc_draw_values(glca_engine__mc_worker *w, const glca_montecarlo *mc, size_t i,
                                 double *amount, double *avals, double *bvals, double *f);

/** Impacts (k × GLCA_NSTAGES into h) of a draw's amounts, solutions x and B; g is m × nrhs. */
void glca_engine__mc_characterize(const glca_montecarlo *mc, const double *amount,
                                  const double *x, const double *bvals, double *g, double *h);

/** The worker's solver objects and buffers for the run's solver (mc->opts.solver). */
int glca_engine__mc_worker_init(glca_engine__mc_worker *w, const glca_montecarlo *mc);
/** As glca_engine__mc_worker_init for another solver whose shared parts mc has. */
int glca_engine__mc_worker_init_as(glca_engine__mc_worker *w, const glca_montecarlo *mc,
                                   glca_mc_solver solver);
void glca_engine__mc_worker_free(glca_engine__mc_worker *w);

/** Solve the perturbed A (w->avals) X = F (w->f, nrhs columns) into w->x. */
int glca_engine__mc_solve(glca_engine__mc_worker *w, const glca_montecarlo *mc);

/** Solve the perturbed A (w->avals) X = F (w->f) into w->x with a pivot order of its own. */
int glca_engine__mc_solve_from_scratch(glca_engine__mc_worker *w, const glca_montecarlo *mc);

/** The nominal goal weights of every right-hand side (montecarlo_goal.c); once per run. */
int glca_engine__mc_goal_new(glca_montecarlo *mc, glca_error *err);
void glca_engine__mc_goal_free(glca_montecarlo *mc);

/**
 * The goal weights of a draw's right-hand side f, column q, into out (n): the nominal ones
 * scaled to bound the draw's own from above.  tc is a workspace of k.
 */
void glca_engine__mc_goal_weights(const glca_montecarlo *mc, size_t q, const double *f,
                                  double *tc, double *out);

/** GMRES_BLOCK's buffers of the worker (after glca_engine__mc_worker_init's common ones). */
int glca_engine__mc_block_init(glca_engine__mc_worker *w, const glca_montecarlo *mc);
void glca_engine__mc_block_free(glca_engine__mc_worker *w);

/**
 * Draws first .. first + count - 1 (count <= mc->width) as one block: drawn, solved in
 * lockstep, characterized into impacts (count × k × GLCA_NSTAGES).  A draw that does not
 * converge is solved from scratch; no draw's result depends on the others in its block.
 */
int glca_engine__mc_block(glca_engine__mc_worker *w, const glca_montecarlo *mc, size_t first,
                          size_t count, double *impacts);

/** What mc->opts.solver shares between threads (mc->nominal, or mc->at and mc->ilu). */
int glca_engine__mc_shared_parts(glca_montecarlo *mc, glca_error *err);
/** Free what the ILU routes share (mc->at, mc->ilu, the goal weights); A's order again. */
void glca_engine__mc_rows_free(glca_montecarlo *mc);

/**
 * Resolve GLCA_MC_SOLVER_AUTO (montecarlo_auto.c) and prepare what the chosen solver shares
 * between threads (mc->nominal, mc->ilu).  `trial` runs draws first .. first + count - 1
 * (count <= mc->width) with a given worker, by that worker's route, into out (count × k ×
 * GLCA_NSTAGES), or a scratch result if out is NULL; the draws 0 .. mc->ready - 1 it leaves in
 * mc->impacts are counted in mc->stats.
 */
int glca_engine__mc_prepare(glca_montecarlo *mc,
                            int (*trial)(glca_engine__mc_worker *, const glca_montecarlo *,
                                         size_t, size_t, double *),
                            glca_error *err);

#endif
