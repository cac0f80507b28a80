/*
 * Monte Carlo internals shared by montecarlo.c (parameters, draws, threads, summaries) and
 * montecarlo_solve.c (the ways to solve a perturbed A and the AUTO choice between them).
 */
#ifndef GLCA_ENGINE_MONTECARLO_INT_H
#define GLCA_ENGINE_MONTECARLO_INT_H

#include <glca/engine.h>

#include "background_int.h"
#include "krylov.h"
#include "product_int.h"
#include "rng.h"

/* Counter ids of product lines start here, so background exchanges never share a stream. */
#define LINE_STREAM (UINT64_C(1) << 40)

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
    glca_engine__ilu *ilu;          /* GMRES_ILU: ILU(0) of the nominal A */
    glca_engine__csc *at;           /* GMRES_ILU: A^T (A by rows) and where its entries are */
    size_t *at_perm;                /* in A: entry e of at is entry at_perm[e] of A */
    int stage_col[GLCA_NSTAGES]; /* right-hand side of each stage's demand, -1 if none */
    int col_slot[GLCA_NSTAGES];  /* the stage whose impacts right-hand side q gives */
    int slot[GLCA_NSTAGES];      /* where a line of stage s goes: s, or 0 without stages */
    size_t nrhs;
    glca_mc_stats stats;
};

typedef struct glca_engine__mc_worker {
    glca_engine__solver *solver; /* REFACTOR: refactored each draw; others: stays nominal */
    glca_engine__solver *spare;  /* refactored when an iteration does not converge */
    glca_engine__gmres *gmres;   /* GMRES, GMRES_ILU */
    double *tc;                  /* GMRES_ILU: k category normalizers */
    double *atvals;              /* GMRES_ILU: the perturbed values in A^T's order */
    double *avals, *bvals, *amount, *x, *f, *r, *t, *g, *xs, *fs;
    uint32_t *words; /* the sampler's workspace */
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

/** The worker's solver objects and buffers for the run's solver (mc->opts.solver). */
int glca_engine__mc_worker_init(glca_engine__mc_worker *w, const glca_montecarlo *mc);
void glca_engine__mc_worker_free(glca_engine__mc_worker *w);

/** Solve the perturbed A (w->avals) X = F (w->f, nrhs columns) into w->x. */
int glca_engine__mc_solve(glca_engine__mc_worker *w, const glca_montecarlo *mc);

/**
 * Resolve GLCA_MC_SOLVER_AUTO and prepare what the chosen solver shares between threads
 * (mc->nominal, mc->ilu).  `trial` runs draw i into a scratch result with a given worker.
 */
int glca_engine__mc_prepare(glca_montecarlo *mc,
                            int (*trial)(glca_engine__mc_worker *, const glca_montecarlo *),
                            glca_error *err);

#endif
