/*
 * Comparison of two designs of a product on one background: impacts per category and stage
 * (absolute and relative change), and the lines matched between the designs (same, changed,
 * added, removed) with each line's impact change.  Pure computation; printing is the CLI's.
 *
 * A line's key says what it is in the design, not how much of it there is: a BOM material is
 * "material PATH" (the material's path: components then its own id), any other line
 * "STAGE KIND REF".  The
 * n-th repeat of a key gets " #n" so repeated lines pair up in file order.
 */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *glca_line_change_name(glca_line_change c)
{
    switch (c) {
    case GLCA_LINE_SAME:
        return "same";
    case GLCA_LINE_CHANGED:
        return "changed";
    case GLCA_LINE_ADDED:
        return "added";
    case GLCA_LINE_REMOVED:
        return "removed";
    }
    return "?";
}

void glca_comparison_free(glca_comparison *c)
{
    size_t i;

    if (!c)
        return;
    for (i = 0; c->lines && i < c->nlines; i++)
        glca_free((char *)c->lines[i].key);
    glca_free(c->lines);
    glca_free(c->line_change);
    glca_free(c->a);
    glca_free(c->b);
    glca_free(c->change);
    glca_free(c->relative);
    glca_free(c);
}

static const glca_material *material_of(const glca_product *p, size_t line)
{
    const glca_material *mats;
    size_t n, i;

    mats = glca_product_materials(p, &n);
    for (i = 0; i < n; i++)
        if (mats[i].line == line)
            return &mats[i];
    return NULL;
}

/* Keys of every line of `p`, repeats numbered; NULL on ENOMEM. */
static char **line_keys(const glca_product *p, size_t *count)
{
    const glca_product_line *lines;
    char **keys, buf[1024];
    size_t n, i, j;

    lines = glca_product_lines(p, &n);
    *count = n;
    if (!(keys = glca_calloc(n + 1, sizeof *keys)))
        return NULL;
    for (i = 0; i < n; i++) {
        const glca_material *mat = lines[i].kind == GLCA_LINE_MATERIAL ? material_of(p, i) : NULL;
        size_t repeat = 1;
        int len;

        if (mat)
            /* the path ends with the material's own id: "outdoor/fan/blade" */
            len = snprintf(buf, sizeof buf, "material %s",
                           mat->path && *mat->path ? mat->path : mat->id ? mat->id : lines[i].ref);
        else
            len = snprintf(buf, sizeof buf, "%s %s %s", glca_stage_name(lines[i].stage),
                           lines[i].kind == GLCA_LINE_EMISSION ? "emission" : "input",
                           lines[i].ref);
        for (j = 0; j < i; j++)
            if (strncmp(keys[j], buf, (size_t)len) == 0 &&
                (keys[j][len] == '\0' || strncmp(keys[j] + len, " #", 2) == 0))
                repeat++;
        if (repeat > 1 && len >= 0 && (size_t)len < sizeof buf)
            snprintf(buf + len, sizeof buf - (size_t)len, " #%zu", repeat);
        if (!(keys[i] = glca_strdup(buf))) {
            for (j = 0; j < i; j++)
                glca_free(keys[j]);
            glca_free(keys);
            return NULL;
        }
    }
    return keys;
}

static void free_keys(char **keys, size_t n)
{
    size_t i;

    for (i = 0; keys && i < n; i++)
        glca_free(keys[i]);
    glca_free(keys);
}

static bool line_differs(const glca_product_line *x, const glca_product_line *y)
{
    return x->index != y->index || x->kind != y->kind || x->stage != y->stage ||
           x->amount_ref != y->amount_ref;
}

static double line_impact(const glca_background *bg, const glca_product_line *line, size_t c)
{
    return line->amount_ref * glca_engine__line_unit_impact(bg, line, c);
}

static int match_lines(glca_comparison *cmp, const glca_background *bg, const glca_product *a,
                       const glca_product *b, glca_error *err)
{
    const glca_product_line *la, *lb;
    char **ka = NULL, **kb = NULL;
    bool *used = NULL;
    size_t na, nb, i, j, c, d = 0, k = cmp->ncategories;
    int rc = 0;

    la = glca_product_lines(a, &na);
    lb = glca_product_lines(b, &nb);
    ka = line_keys(a, &na);
    kb = line_keys(b, &nb);
    used = glca_calloc(nb + 1, sizeof *used);
    cmp->lines = glca_calloc(na + nb + 1, sizeof *cmp->lines);
    cmp->line_change = glca_calloc(k * (na + nb) + 1, sizeof *cmp->line_change);
    if (!ka || !kb || !used || !cmp->lines || !cmp->line_change) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    /* Pair up first; the line_change layout needs the final count, so fill it afterwards. */
    for (i = 0; i < na; i++, d++) {
        glca_line_diff *ld = &cmp->lines[d];

        ld->a = (long)i;
        ld->b = -1;
        ld->change = GLCA_LINE_REMOVED;
        for (j = 0; j < nb; j++)
            if (!used[j] && strcmp(ka[i], kb[j]) == 0) {
                used[j] = true;
                ld->b = (long)j;
                ld->change = line_differs(&la[i], &lb[j]) ? GLCA_LINE_CHANGED : GLCA_LINE_SAME;
                break;
            }
        ld->key = ka[i];
        ka[i] = NULL;
    }
    for (j = 0; j < nb; j++) {
        if (used[j])
            continue;
        cmp->lines[d].a = -1;
        cmp->lines[d].b = (long)j;
        cmp->lines[d].change = GLCA_LINE_ADDED;
        cmp->lines[d].key = kb[j];
        kb[j] = NULL;
        d++;
    }
    cmp->nlines = d;
    for (i = 0; i < d; i++)
        for (c = 0; c < k; c++) {
            const glca_line_diff *ld = &cmp->lines[i];
            double va = ld->a >= 0 ? line_impact(bg, &la[ld->a], c) : 0;
            double vb = ld->b >= 0 ? line_impact(bg, &lb[ld->b], c) : 0;

            cmp->line_change[c * d + i] = vb - va;
        }
cleanup:
    free_keys(ka, na);
    free_keys(kb, nb);
    glca_free(used);
    return rc;
}

int glca_compare_products(glca_comparison **out, const glca_background *bg,
                          const glca_product *a, const glca_product *b, glca_error *err)
{
    glca_comparison *cmp;
    size_t k = glca_background_ncategories(bg), c, s, w = GLCA_NSTAGES + 1;
    int rc;

    if (!(cmp = glca_calloc(1, sizeof *cmp)))
        return glca_error_oom(err);
    cmp->ncategories = k;
    cmp->a = glca_calloc(k * GLCA_NSTAGES + 1, sizeof *cmp->a);
    cmp->b = glca_calloc(k * GLCA_NSTAGES + 1, sizeof *cmp->b);
    cmp->change = glca_calloc(k * w + 1, sizeof *cmp->change);
    cmp->relative = glca_calloc(k * w + 1, sizeof *cmp->relative);
    if (!cmp->a || !cmp->b || !cmp->change || !cmp->relative) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if ((rc = glca_evaluate(bg, a, cmp->a, err)) < 0 ||
        (rc = glca_evaluate(bg, b, cmp->b, err)) < 0)
        goto cleanup;
    for (c = 0; c < k; c++) {
        double ta = 0, tb = 0;

        for (s = 0; s <= GLCA_NSTAGES; s++) {
            double va, vb, *rel = &cmp->relative[c * w + s];

            if (s < GLCA_NSTAGES) {
                va = cmp->a[c * GLCA_NSTAGES + s];
                vb = cmp->b[c * GLCA_NSTAGES + s];
                ta += va;
                tb += vb;
            } else {
                va = ta;
                vb = tb;
            }
            cmp->change[c * w + s] = vb - va;
            *rel = va != 0 ? (vb - va) / fabs(va) : (vb == 0 ? 0 : NAN);
        }
    }
    if ((rc = match_lines(cmp, bg, a, b, err)) < 0)
        goto cleanup;
    *out = cmp;
    cmp = NULL;
cleanup:
    glca_comparison_free(cmp);
    return rc;
}
