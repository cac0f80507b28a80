/*
 * Strongly connected components of A's graph (edge provider -> consumer for every stored
 * entry) by Tarjan's algorithm with an explicit stack.  See bench_matrix.h.
 */
#include "bench_matrix.h"

#include <stdio.h>

/* Component sizes: the largest in *largest, their number returned; -1 if out of memory. */
static long tarjan(const glca_matrix_view *a, size_t *largest)
{
    const size_t n = a->ncols, none = (size_t)-1;
    size_t *index = glca_mallocarray(n, sizeof *index), *low = glca_mallocarray(n, sizeof *low);
    size_t *stack = glca_mallocarray(n, sizeof *stack), *call = glca_mallocarray(n, sizeof *call);
    size_t *edge = glca_mallocarray(n, sizeof *edge);
    unsigned char *on = glca_calloc(n, 1);
    size_t next = 0, sp = 0, v, root;
    long count = -1;

    *largest = 0;
    if (!index || !low || !stack || !call || !edge || !on)
        goto cleanup;
    count = 0;
    for (v = 0; v < n; v++)
        index[v] = none;
    for (root = 0; root < n; root++) {
        size_t depth = 0;

        if (index[root] != none)
            continue;
        call[depth++] = root;
        index[root] = low[root] = next++;
        edge[root] = a->colptr[root];
        stack[sp++] = root;
        on[root] = 1;
        while (depth) {
            size_t u = call[depth - 1];

            if (edge[u] < a->colptr[u + 1]) {
                size_t w = a->rowidx[edge[u]++];

                if (index[w] == none) {
                    index[w] = low[w] = next++;
                    edge[w] = a->colptr[w];
                    stack[sp++] = w;
                    on[w] = 1;
                    call[depth++] = w;
                } else if (on[w] && index[w] < low[u]) {
                    low[u] = index[w];
                }
                continue;
            }
            depth--;
            if (depth && low[u] < low[call[depth - 1]])
                low[call[depth - 1]] = low[u];
            if (low[u] == index[u]) {
                size_t size = 0, w;

                do {
                    w = stack[--sp];
                    on[w] = 0;
                    size++;
                } while (w != u);
                if (size > *largest)
                    *largest = size;
                count++;
            }
        }
    }
cleanup:
    glca_free(index);
    glca_free(low);
    glca_free(stack);
    glca_free(call);
    glca_free(edge);
    glca_free(on);
    return count;
}

int glca_bench_shape_of(const glca_background *bg, glca_bench_shape *out)
{
    glca_matrix_view a, b;
    long c;

    glca_background_technosphere(bg, &a);
    glca_background_interventions(bg, &b);
    out->n = a.ncols;
    out->nnz_a = a.nnz;
    out->nnz_b = b.nnz;
    if ((c = tarjan(&a, &out->scc)) < 0)
        return -1;
    out->nscc = (size_t)c;
    return 0;
}

void glca_bench_shape_print(const char *prefix, const glca_bench_shape *s)
{
    double n = s->n ? (double)s->n : 1;

    printf("%sn=%zu nnz_a=%zu (%.1f/col) nnz_b=%zu (%.1f/col) scc=%zu (%.1f%%) sccs=%zu\n",
           prefix, s->n, s->nnz_a, (double)s->nnz_a / n, s->nnz_b, (double)s->nnz_b / n, s->scc,
           100.0 * (double)s->scc / n, s->nscc);
}
