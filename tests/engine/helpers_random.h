/*
 * Seeded test data shared by the engine tests that check solves on random models: a xorshift64*
 * generator, the flows and the LCIA method of a random model, and dense Gaussian elimination
 * that gives the expected solutions independently of the engine.
 */
#ifndef GLCA_TESTS_ENGINE_HELPERS_RANDOM_H
#define GLCA_TESTS_ENGINE_HELPERS_RANDOM_H

#include <glca/engine.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* xorshift64*: plenty for test data; `*state` must not be 0. */
uint64_t next_random(uint64_t *state);
/* U[0, 1) with 53 random bits. */
double uniform(uint64_t *state);

/* Product flows "prod-0" .. "prod-<np - 1>", then elementary flows "elem-0" .. "elem-<nf - 1>",
 * all in kg. */
void random_flows(glca_model *m, int np, int nf);

/* Method "random" with categories "cat-0" .. "cat-<nc - 1>", each with a factor U[0, 10) on every
 * elementary flow of random_flows, drawn from `st` category by category; the factors are also
 * left in cf[c * nf + f]. */
glca_method *random_method(int nc, int nf, uint64_t *st, double *cf);

/* Dense Gaussian elimination with partial pivoting on the row-major n × n matrix `a` (not
 * changed): x = A^-1 f, or A^-T f when `trans`. */
void dense_solve(const double *a, const double *f, double *x, size_t n, bool trans);

#endif
