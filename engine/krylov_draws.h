/*
 * GMRES on a block of Monte Carlo draws in lockstep (krylov_draws.c): each draw has its own
 * perturbed A, but all share A's pattern and the nominal preconditioner, so the operator keeps
 * the draws' values interleaved (value[e * width + d]) and one pass over the indexes of A and of
 * the preconditioner serves the whole block.  Unlike krylov_multi.c (one operator, weights from
 * the componentwise backward error) each system has fixed weights and the goal-oriented stop of
 * glca_engine__gmres_solve_weighted, which is what Monte Carlo's ILU route needs.
 */
#ifndef GLCA_ENGINE_KRYLOV_DRAWS_H
#define GLCA_ENGINE_KRYLOV_DRAWS_H

#include "krylov.h"

typedef struct glca_engine__gmres_draws glca_engine__gmres_draws;

/** Workspace for up to `width` systems of order n; one per thread. */
int glca_engine__gmres_draws_new(glca_engine__gmres_draws **out, size_t n, size_t width,
                                 int restart, glca_error *err);
void glca_engine__gmres_draws_free(glca_engine__gmres_draws *g);

/**
 * glca_engine__gmres_solve_weighted for `width` (at most the workspace's) interleaved systems:
 * b, x and w are n × width (entry i of system d at [i * width + d]), x the initial guesses, w
 * the weights of each system.  ops->apply applies each system's own operator to its own vector.
 * System d's arithmetic involves no other system, so its result is bitwise the same in any block
 * of any width.  `iters[d]` receives system d's iterations and `converged[d]` whether its
 * estimate met `tol`; returns the number of systems that converged.
 */
size_t glca_engine__gmres_draws_solve(glca_engine__gmres_draws *g,
                                      const glca_engine__krylov_multi_ops *ops, const double *b,
                                      double *x, const double *w, size_t width, double tol,
                                      int max_iter, size_t *iters, bool *converged);

#endif
