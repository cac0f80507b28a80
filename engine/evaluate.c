/*
 * Evaluation of a bound product: impacts by category and stage as sums over its lines in file
 * order, of amount × Lambda column (inputs, materials) or amount × characterization factors
 * (direct emissions).  No solve and no allocation: this is the per-product cost of a batch.
 * Lambda is read by process (lambda_pm): a line's k values lie side by side, where Lambda's own
 * order puts them n doubles apart, a cache miss each; two ranks of one host, each with its
 * copy of the background, competed for the cache through those misses (bench_mpi_copies).
 * The fixed summation order makes results bitwise identical whatever thread evaluates them.
 *
 * Also the demand solve s = A^-1 f used by contribution analysis (background_int.h).
 */
#include <glca/engine.h>

#include "background_int.h"
#include "product_int.h"

#include <assert.h>
#include <string.h>

/* A line's row is read this many lines ahead of its turn: the rows are scattered over n·k
 * doubles, a cache miss each, and the sums wait for them one by one otherwise. */
#define PREFETCH_LINES 8

static void prefetch_row(const glca_background *bg, const glca_product_line *l)
{
    const double *row =
        (l->kind == GLCA_LINE_EMISSION ? bg->cf : bg->lambda_pm) + (size_t)l->index * bg->k;
    size_t off;

    for (off = 0; off < bg->k * sizeof *row; off += 64)
        __builtin_prefetch((const char *)row + off);
    __builtin_prefetch(row + bg->k - 1);
}

int glca_evaluate(const glca_background *bg, const glca_product *p, double *impacts,
                  glca_error *err)
{
    const size_t k = bg->k;
    size_t i, c;

    if (p->bound != bg)
        return glca_error_set(err, GLCA_ERROR, &p->loc,
                              "product '%s' is not bound to this background", p->id);
    for (i = 0; i < k * GLCA_NSTAGES; i++)
        impacts[i] = 0;
    for (i = 0; i < p->nlines; i++) {
        const glca_product_line *l = &p->lines[i];
        double *out = impacts + l->stage;
        const double a = l->amount_ref;

        assert(l->index >= 0);
        if (i + PREFETCH_LINES < p->nlines)
            prefetch_row(bg, &p->lines[i + PREFETCH_LINES]);
        if (l->kind == GLCA_LINE_EMISSION) {
            const double *cf = bg->cf + (size_t)l->index * k;

            for (c = 0; c < k; c++)
                out[c * GLCA_NSTAGES] += a * cf[c];
        } else {
            const double *lambda = bg->lambda_pm + (size_t)l->index * k;

            for (c = 0; c < k; c++)
                out[c * GLCA_NSTAGES] += a * lambda[c];
        }
    }
    return 0;
}

int glca_engine__background_lambda_by_process(glca_background *bg, glca_error *err)
{
    const size_t n = bg->n, k = bg->k;
    size_t p, c;

    glca_free(bg->lambda_pm);
    if (!(bg->lambda_pm = glca_mallocarray(n * k + 1, sizeof *bg->lambda_pm)))
        return glca_error_oom(err);
    /* written in order, read in k streams: the other way round wrote a page-faulting cache
       line per entry (0.3 s at 250,000 processes, 25 categories) */
    for (p = 0; p < n; p++)
        for (c = 0; c < k; c++)
            bg->lambda_pm[p * k + c] = bg->lambda[c * n + p];
    return 0;
}

void glca_impacts_totals(size_t ncategories, const double *impacts, double *totals)
{
    size_t c, s;

    for (c = 0; c < ncategories; c++) {
        double t = 0;

        for (s = 0; s < GLCA_NSTAGES; s++)
            t += impacts[c * GLCA_NSTAGES + s];
        totals[c] = t;
    }
}

int glca_engine__background_demand(glca_background *bg, const glca_product *p, double *s,
                                   glca_error *err)
{
    size_t i;

    if (p->bound != bg)
        return glca_error_set(err, GLCA_ERROR, &p->loc,
                              "product '%s' is not bound to this background", p->id);
    memset(s, 0, bg->n * sizeof *s);
    for (i = 0; i < p->nlines; i++) {
        const glca_product_line *l = &p->lines[i];

        if (l->kind != GLCA_LINE_EMISSION)
            s[l->index] += l->amount_ref;
    }
    return glca_engine__background_solve_a(bg, s, err);
}
