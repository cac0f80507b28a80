/*
 * What the benchmarks print about a background's technosphere matrix with every figure: the
 * largest strongly connected component (Tarjan's algorithm without recursion, so a chain of a
 * million processes does not overflow the stack), nonzeros, and KLU's fill and 1-norm condition
 * estimate under the engine's default options.  Shared by bench_background and bench_montecarlo
 * so both describe their data the same way.
 */
#ifndef GLCA_BENCH_MATRIX_H
#define GLCA_BENCH_MATRIX_H

#include <glca/engine.h>

#include <stddef.h>

typedef struct glca_bench_shape {
    size_t n, nnz_a, nnz_b;
    size_t scc;     /* processes in the largest strongly connected component */
    size_t nscc;    /* strongly connected components */
} glca_bench_shape;

/** SCC sizes and nonzeros of A and B; -1 if out of memory. */
int glca_bench_shape_of(const glca_background *bg, glca_bench_shape *out);

/** The line every figure is printed with: "n=.. nnz_a=.. scc=..% ...". */
void glca_bench_shape_print(const char *prefix, const glca_bench_shape *s);

#endif
