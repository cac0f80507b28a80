/*
 * Background internals for later engine modules (contributions, Monte Carlo, batch blobs):
 * the struct itself, so they can read A, B, the characterization factors, Lambda and the
 * solver directly.  Everything here is read-only after glca_background_new except the solver,
 * whose solves write KLU workspace (one thread at a time; see solver.h).
 *
 * Matrix conventions (FORMATS.md): column p of A and B is process p per one reference unit of
 * its product; row p of A is the product of process p (a product flow made by several
 * processes has one row per producer); row f of B is elementary flow f in its reference unit.
 */
#ifndef GLCA_ENGINE_BACKGROUND_INT_H
#define GLCA_ENGINE_BACKGROUND_INT_H

#include <glca/engine.h>

#include "arena.h"
#include "krylov.h"
#include "solver.h"
#include "sparse.h"
#include "strmap.h"

/**
 * An exchange with uncertainty, located in A or B: the matrix entry `entry` (index into the
 * CSC values) receives scale · amount, `amount` being the exchange amount as written (median,
 * mean or mode per `unc.dist`, in the exchange's own unit) and `scale` folding in the unit
 * conversion, the division by the reference amount and the sign (negative for inputs in A).
 * Several exchanges may add to one entry; the entry is the sum of their contributions.
 */
typedef struct glca_engine__uncertain {
    bool in_a; /* else in B */
    size_t entry;
    double amount, scale;
    glca_uncertainty unc;
} glca_engine__uncertain;

struct glca_background {
    size_t n, m, k;
    size_t unmatched; /* characterization factors for flows not in the model */
    glca_units *units;
    glca_engine__arena strings;
    const char *method_id;
    const char **process_id, **process_name, **process_unit; /* n each */
    const char **flow_id, **flow_name, **flow_unit;          /* m each */
    const char **category_id, **category_name, **category_unit; /* k each */
    glca_engine__strmap process_ids, flow_ids, category_ids;
    glca_engine__csc *a; /* n × n technosphere */
    glca_engine__csc *b; /* m × n interventions */
    double *cf;          /* m × k: cf[f * k + c] */
    double *lambda;      /* k × n: lambda[c * n + p] */
    double *lambda_pm;   /* n × k: the same by process, lambda_pm[p * k + c] (evaluate.c) */
    glca_engine__solver *solver;
    glca_engine__uncertain *uncertain;
    size_t nuncertain;
    int mass_dimension; /* of the unit table, for BOM materials; -1 if kg is unknown */
    glca_bg_stats stats;
    glca_engine__ilu *ilu; /* ILU of A^T kept from an iterative Lambda, or NULL */
};

/**
 * Analyze A, choose how to solve, compute Lambda (background_lambda.c).  A singular A is
 * GLCA_ESINGULAR naming the processes involved.
 */
int glca_engine__background_prepare(glca_background *bg, const glca_background_options *opts,
                                    glca_error *err);

/**
 * Lambda by process (lambda_pm) from lambda, once Lambda is known: a product line then reads
 * its k values from four cache lines instead of k lines n doubles apart (evaluate.c).
 */
int glca_engine__background_lambda_by_process(glca_background *bg, glca_error *err);

/**
 * The iterative route's preconditioner of A^T (ILU(1) with dropping, else ILU(0)): 1 made,
 * 0 when no incomplete factorization exists (a zero pivot), < 0 on failure.
 */
int glca_engine__background_ilu(const glca_background *bg, glca_engine__ilu **out,
                                glca_error *err);

/**
 * x := A^-1 x.  After an iterative Lambda, GMRES preconditioned by the kept ILU with the
 * componentwise backward error checked, so a single solve does not pay for the LU; otherwise
 * (or if GMRES does not converge) the factorization.  Not concurrently (see solver.h).
 */
int glca_engine__background_solve_a(glca_background *bg, double *x, glca_error *err);

/**
 * The factorized solver of A, factorizing it on first need (Lambda may have been computed
 * iteratively).  Borrowed; a solve writes its workspace, so one thread at a time.  GLCA_ERROR
 * for a background read from the Lambda cache (no A), GLCA_ESINGULAR naming processes.
 */
int glca_engine__background_solver(const glca_background *bg, glca_engine__solver **out,
                                   glca_error *err);

/**
 * The scaling vector of a bound product's technosphere demand: s = A^-1 f with f[p] the sum of
 * amount_ref over the product's input and material lines of process p (direct emissions are
 * not part of f).  `s` has n entries.  Uses the background's solver: not concurrently.
 */
int glca_engine__background_demand(glca_background *bg, const glca_product *p, double *s,
                                   glca_error *err);

#endif
