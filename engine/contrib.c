/*
 * Contributions (hotspots) of one product: by stage and by line straight from Lambda, by
 * background process and by elementary flow from one solve s = A^-1 f with the existing
 * factorization.  Also the stable index sort and line helpers the other analysis files share
 * (analysis.h).
 *
 * Process p's share of category c is (C·B)[c][p]·s[p]: what p itself emits while making what
 * the product needs, directly and through the rest of the background.  The product's own
 * emissions belong to no process and are reported apart (`direct`), so the process shares plus
 * `direct` give the total.
 */
#include "analysis.h"

#include <math.h>
#include <string.h>

#include "background_int.h"

static bool before(const double *values, size_t stride, bool by_magnitude, size_t x, size_t y)
{
    double kx = values[x * stride], ky = values[y * stride];

    if (by_magnitude) {
        kx = -fabs(kx);
        ky = -fabs(ky);
    }
    return kx < ky;
}

void glca_engine__argsort(size_t *idx, size_t *tmp, size_t n, const double *values, size_t stride,
                          bool by_magnitude)
{
    size_t width, i;

    /* Bottom-up merge sort: stable, O(n log n), no recursion. */
    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t lo = i, mid = i + width < n ? i + width : n;
            size_t hi = i + 2 * width < n ? i + 2 * width : n, l = lo, r = mid, o = lo;

            while (l < mid && r < hi)
                tmp[o++] = before(values, stride, by_magnitude, idx[r], idx[l]) ? idx[r++]
                                                                                  : idx[l++];
            while (l < mid)
                tmp[o++] = idx[l++];
            while (r < hi)
                tmp[o++] = idx[r++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

long glca_rank_by_magnitude(const double *values, size_t n, size_t stride, size_t top,
                            size_t *idx)
{
    size_t *all = NULL, *tmp = NULL, i, nz = 0, out = 0;

    if (n == 0 || top == 0)
        return 0;
    all = glca_mallocarray(n, sizeof *all);
    tmp = glca_mallocarray(n, sizeof *tmp);
    if (!all || !tmp) {
        glca_free(all);
        glca_free(tmp);
        return GLCA_ENOMEM;
    }
    for (i = 0; i < n; i++)
        if (values[i * stride] != 0)
            all[nz++] = i;
    glca_engine__argsort(all, tmp, nz, values, stride, true);
    for (out = 0; out < nz && out < top; out++)
        idx[out] = all[out];
    glca_free(all);
    glca_free(tmp);
    return (long)out;
}

int glca_engine__line_factor(const glca_background *bg, const glca_product_line *line,
                             double *out, glca_error *err)
{
    const char *ref_unit;

    if (line->amount != 0) {
        *out = line->amount_ref / line->amount;
        return 0;
    }
    ref_unit = line->kind == GLCA_LINE_EMISSION
                   ? glca_background_flow_unit(bg, (size_t)line->index)
                   : glca_background_process_unit(bg, (size_t)line->index);
    if (!line->unit) {
        *out = 1;
        return 0;
    }
    return glca_units_ratio(glca_background_units(bg), line->unit, ref_unit, out, err);
}

double glca_engine__line_unit_impact(const glca_background *bg, const glca_product_line *line,
                                     size_t c)
{
    if (line->kind == GLCA_LINE_EMISSION)
        return bg->cf[(size_t)line->index * bg->k + c];
    return bg->lambda[c * bg->n + (size_t)line->index];
}

void glca_contributions_free(glca_contributions *c)
{
    if (!c)
        return;
    glca_free(c->total);
    glca_free(c->stage);
    glca_free(c->line);
    glca_free(c->process);
    glca_free(c->direct);
    glca_free(c->flow);
    glca_free(c->scaling);
    glca_free(c);
}

static int alloc_contributions(glca_contributions **out, size_t k, size_t nlines, size_t n,
                               size_t m, glca_error *err)
{
    glca_contributions *c = glca_calloc(1, sizeof *c);

    if (!c)
        return glca_error_oom(err);
    c->ncategories = k;
    c->nlines = nlines;
    c->nprocesses = n;
    c->nflows = m;
    c->total = glca_calloc(k, sizeof *c->total);
    c->stage = glca_calloc(k * GLCA_NSTAGES, sizeof *c->stage);
    c->line = glca_calloc(k * nlines + 1, sizeof *c->line);
    c->process = glca_calloc(k * n + 1, sizeof *c->process);
    c->direct = glca_calloc(k, sizeof *c->direct);
    c->flow = glca_calloc(k * m + 1, sizeof *c->flow);
    c->scaling = glca_calloc(n + 1, sizeof *c->scaling);
    if (!c->total || !c->stage || !c->line || !c->process || !c->direct || !c->flow ||
        !c->scaling) {
        glca_contributions_free(c);
        return glca_error_oom(err);
    }
    *out = c;
    return 0;
}

int glca_contributions_compute(glca_contributions **out, glca_background *bg,
                               const glca_product *p, glca_error *err)
{
    glca_contributions *c = NULL;
    const glca_product_line *lines;
    const glca_engine__csc *b = bg->b;
    double *g = NULL;
    size_t nlines, l, cat, col, e, f, k = bg->k;
    int rc;

    lines = glca_product_lines(p, &nlines);
    if ((rc = alloc_contributions(&c, k, nlines, bg->n, bg->m, err)) < 0)
        return rc;
    if (!(g = glca_calloc(bg->m + 1, sizeof *g))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if ((rc = glca_evaluate(bg, p, c->stage, err)) < 0)
        goto cleanup;
    glca_impacts_totals(k, c->stage, c->total);
    for (l = 0; l < nlines; l++)
        for (cat = 0; cat < k; cat++)
            c->line[cat * nlines + l] =
                lines[l].amount_ref * glca_engine__line_unit_impact(bg, &lines[l], cat);

    if ((rc = glca_engine__background_demand(bg, p, c->scaling, err)) < 0)
        goto cleanup;
    /* (C·B)[c][p]·s[p], one column of B at a time; g = B s on the way. */
    for (col = 0; col < bg->n; col++) {
        double s = c->scaling[col];

        if (s == 0)
            continue;
        for (e = b->colptr[col]; e < b->colptr[col + 1]; e++) {
            double amount = b->values[e] * s;

            f = b->rowidx[e];
            g[f] += amount;
            for (cat = 0; cat < k; cat++)
                c->process[cat * bg->n + col] += bg->cf[f * k + cat] * amount;
        }
    }
    for (l = 0; l < nlines; l++) {
        if (lines[l].kind != GLCA_LINE_EMISSION)
            continue;
        g[lines[l].index] += lines[l].amount_ref;
        for (cat = 0; cat < k; cat++)
            c->direct[cat] += c->line[cat * nlines + l];
    }
    for (f = 0; f < bg->m; f++)
        for (cat = 0; cat < k; cat++)
            c->flow[cat * bg->m + f] = bg->cf[f * k + cat] * g[f];
    *out = c;
    c = NULL;
cleanup:
    glca_free(g);
    glca_contributions_free(c);
    return rc;
}
