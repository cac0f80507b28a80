/*
 * Linking an import: one pass decides, per source exchange, its provider (or why it has none,
 * as a note), a second emits every engine process (one per allocated product) into a sink.
 * Allocation factors and the treatment form are in import_alloc.c; the report in
 * import_report.c.
 *
 * Signs: an exchange's entry is (output ? +1 : -1) × amount.  A negative entry (an input of a
 * good, a negative output) is a demand served by a process whose reference entry is positive
 * (a producer); a positive entry that is not a product of its process (a waste output) is a
 * supply served by a process whose reference entry is negative (a treater).  Several engine
 * processes may stand for one source process (allocation): decisions are made once per source
 * exchange so the report lists each exchange once.
 */
#include "importers/import_link_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int sgn(double v)
{
    return (v > 0) - (v < 0);
}

double glca_inventories__entry(const glca_imp_exchange *x)
{
    return x->dir == GLCA_OUTPUT ? x->amount : -x->amount;
}

int glca_inventories__lk_note(glca_linker *lk, glca_imp_note_kind kind, const char *process,
                              const glca_imp_exchange *x, const char *const *candidates,
                              const char *message)
{
    glca_import *im = lk->im;
    glca_imp_note n;
    glca_error e = GLCA_ERROR_INIT;
    int rc;

    memset(&n, 0, sizeof n);
    n.kind = kind;
    n.process = process;
    n.amount = NAN;
    n.candidates = candidates;
    n.message = message;
    if (x) {
        size_t f = glca_inventories__imp_find_flow(im, x->flow);

        n.flow = x->flow;
        n.amount = x->amount;
        n.unit = x->unit ? x->unit : f != SIZE_MAX ? im->flows[f].unit : NULL;
        n.loc = x->loc;
    }
    if ((rc = glca_inventories__imp_note(im, &n, &e)) < 0)
        return glca_diag_report(&lk->sink, &e);
    return 0;
}

/* Providers by flow: for each flow, the engine processes whose product it is (reference or
 * allocated co-product), in source order. */
static int index_providers(glca_linker *lk, glca_error *err)
{
    glca_import *im = lk->im;
    size_t i, k, total = 0;

    if (!(lk->pstart = glca_calloc(im->nflows + 1, sizeof *lk->pstart)))
        return glca_error_oom(err);
    for (i = 0; i < lk->nunits; i++)
        lk->pstart[lk->units[i].flow + 1]++;
    for (i = 0; i < im->nflows; i++)
        lk->pstart[i + 1] += lk->pstart[i];
    total = lk->pstart[im->nflows];
    if (!(lk->plist = glca_mallocarray(total ? total : 1, sizeof *lk->plist)) ||
        !(lk->pfill = glca_calloc(im->nflows ? im->nflows : 1, sizeof *lk->pfill)))
        return glca_error_oom(err);
    for (i = 0; i < lk->nunits; i++) {
        k = lk->units[i].flow;
        lk->plist[lk->pstart[k] + lk->pfill[k]++] = i;
    }
    return 0;
}

/* The unit `u` if it serves entry `e` of flow `f`: the opposite sign. */
static bool serves(const glca_linker *lk, size_t u, double e)
{
    return sgn(lk->units[u].entry) == -sgn(e);
}

/* A provider named by the data or the map: the one serving by sign first; failing that one
 * whose product the flow is with the same sign, so a negative input names its producer (an
 * avoided product, as the data states it). */
static size_t find_named(const glca_linker *lk, size_t f, double e, const char *id)
{
    size_t k;
    int pass;

    for (pass = 0; pass < 2; pass++)
        for (k = lk->pstart[f]; k < lk->pstart[f + 1]; k++) {
            const glca_eng_unit *u = &lk->units[lk->plist[k]];

            if ((pass == 1 || serves(lk, lk->plist[k], e)) &&
                (strcmp(u->id, id) == 0 || strcmp(lk->im->procs[u->proc].p.id, id) == 0))
                return lk->plist[k];
        }
    return SIZE_MAX;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_native(const void *a, const void *b)
{
    const glca_imp_native *p = a, *q = b;
    int r = strcmp(p->flow, q->flow);

    return r ? r : strcmp(p->process, q->process);
}

bool glca_inventories__lk_native_flow(const glca_linker *lk, const char *flow)
{
    const glca_import *im = lk->im;

    return im->nnative_flows && bsearch(&flow, im->native_flows, im->nnative_flows,
                                        sizeof *im->native_flows, cmp_str) != NULL;
}

/* The native producers of `flow`: native[*first .. *first + the count returned). */
static size_t native_producers(const glca_linker *lk, const char *flow, size_t *first)
{
    const glca_import *im = lk->im;
    size_t lo = 0, hi = im->nnative, n = 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(im->native[mid].flow, flow) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo + n < im->nnative && strcmp(im->native[lo + n].flow, flow) == 0)
        n++;
    return n;
}

/* A native process named `id` making `flow`, or NULL. */
static const char *native_named(const glca_linker *lk, const char *flow, const char *id)
{
    size_t first, n = native_producers(lk, flow, &first), k;

    for (k = 0; k < n; k++)
        if (strcmp(lk->im->native[first + k].process, id) == 0)
            return lk->im->native[first + k].process;
    return NULL;
}

/* Several native producers and nothing to choose: ambiguous. */
static int native_ambiguous(glca_linker *lk, const char *process, const glca_imp_exchange *x,
                            size_t first, size_t n)
{
    const char **cands = glca_calloc(n + 1, sizeof *cands);
    char msg[512];
    size_t k;
    int rc;

    if (!cands)
        return glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory");
    for (k = 0; k < n; k++)
        cands[k] = lk->im->native[first + k].process;
    snprintf(msg, sizeof msg,
             "%zu processes of the native inventories produce this flow: left out (name one in "
             "a provider map)",
             n);
    rc = glca_inventories__lk_note(lk, GLCA_IMP_AMBIGUOUS, process, x, cands, msg);
    glca_free(cands);
    return rc < 0 ? lk->sink.first : 0;
}

static int resolve(glca_linker *lk, size_t p, size_t j)
{
    glca_import *im = lk->im;
    const glca_imp_proc *pr = &im->procs[p];
    const glca_imp_exchange *x = &im->xs[pr->x0 + j];
    size_t f = glca_inventories__imp_find_flow(im, x->flow), k, n = 0, only = SIZE_MAX;
    double e = glca_inventories__entry(x);
    const char *named;
    const char **cands;
    char msg[512];

    if (x->provider) {
        if ((only = find_named(lk, f, e, x->provider)) != SIZE_MAX)
            goto linked;
        if ((lk->native[pr->x0 + j] = native_named(lk, x->flow, x->provider)))
            return 0;
        snprintf(msg, sizeof msg, "the named provider '%s' does not %s this flow", x->provider,
                 e < 0 ? "produce" : "treat");
        if (glca_inventories__lk_note(lk, GLCA_IMP_DANGLING, pr->p.id, x, NULL, msg) < 0)
            return lk->sink.first;
    }
    if (lk->map && (named = glca_inventories__provider_map_get(lk->map, pr->p.id, x->flow))) {
        if ((only = find_named(lk, f, e, named)) != SIZE_MAX) {
            snprintf(msg, sizeof msg, "provider '%s' chosen by the provider map", named);
            if (glca_inventories__lk_note(lk, GLCA_IMP_PROVIDER_MAP, pr->p.id, x, NULL, msg) < 0)
                return lk->sink.first;
            goto linked;
        }
        if ((lk->native[pr->x0 + j] = native_named(lk, x->flow, named))) {
            snprintf(msg, sizeof msg, "provider '%s' chosen by the provider map", named);
            if (glca_inventories__lk_note(lk, GLCA_IMP_PROVIDER_MAP, pr->p.id, x, NULL, msg) < 0)
                return lk->sink.first;
            return 0;
        }
        snprintf(msg, sizeof msg, "the provider map names '%s', which does not %s this flow", named,
                 e < 0 ? "produce" : "treat");
        if (glca_inventories__lk_note(lk, GLCA_IMP_DANGLING, pr->p.id, x, NULL, msg) < 0)
            return lk->sink.first;
    }
    for (k = lk->pstart[f]; k < lk->pstart[f + 1]; k++)
        if (serves(lk, lk->plist[k], e) && n++ == 0)
            only = lk->plist[k];
    if (n == 1)
        goto linked;
    if (n == 0 && e < 0 && (n = native_producers(lk, x->flow, &k)) > 0) {
        /* none in the import: a producer of our own inventories */
        if (n > 1)
            return native_ambiguous(lk, pr->p.id, x, k, n);
        lk->native[pr->x0 + j] = lk->im->native[k].process;
        return 0;
    }
    if (n == 0) {
        snprintf(msg, sizeof msg, "no process %s this flow: cut off",
                 e < 0 ? "produces" : "treats");
        return glca_inventories__lk_note(lk, GLCA_IMP_CUTOFF, pr->p.id, x, NULL, msg) < 0
                   ? lk->sink.first
                   : 0;
    }
    if (!(cands = glca_calloc(n + 1, sizeof *cands)))
        return glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory");
    for (k = lk->pstart[f], n = 0; k < lk->pstart[f + 1]; k++)
        if (serves(lk, lk->plist[k], e))
            cands[n++] = lk->units[lk->plist[k]].id;
    snprintf(msg, sizeof msg, "%zu processes %s this flow: left out (name one in a provider map)",
             n, e < 0 ? "produce" : "treat");
    k = glca_inventories__lk_note(lk, GLCA_IMP_AMBIGUOUS, pr->p.id, x, cands, msg) < 0;
    glca_free(cands);
    return k ? lk->sink.first : 0;
linked:
    lk->provider[pr->x0 + j] = only;
    return 0;
}

/* Decide what becomes of each exchange of process p (not its products). */
static int decide(glca_linker *lk, size_t p)
{
    glca_import *im = lk->im;
    const glca_imp_proc *pr = &im->procs[p];
    glca_error e = GLCA_ERROR_INIT;
    size_t j, f;
    double ratio;
    int rc;

    for (j = 0; j < pr->nx; j++) {
        const glca_imp_exchange *x = &im->xs[pr->x0 + j];
        const glca_imp_flow *fl;

        if (lk->role[pr->x0 + j] != GLCA_LK_PLAIN)
            continue;
        lk->provider[pr->x0 + j] = SIZE_MAX;
        lk->keep[pr->x0 + j] = false;
        if ((f = glca_inventories__imp_find_flow(im, x->flow)) == SIZE_MAX) {
            rc = glca_inventories__lk_note(lk, GLCA_IMP_DANGLING, pr->p.id, x, NULL,
                                           "the flow is not defined: left out");
            if (rc < 0)
                return rc;
            continue;
        }
        fl = &im->flows[f];
        if (isnan(x->amount)) {
            rc = glca_inventories__lk_note(lk, GLCA_IMP_NOT_EVALUABLE, pr->p.id, x, NULL,
                                           "amount not stated and not evaluable: left out");
            if (rc < 0)
                return rc;
            continue;
        }
        if (x->unit && glca_units_ratio(im->units, x->unit, fl->unit, &ratio, &e) < 0) {
            char msg[512];

            snprintf(msg, sizeof msg, "unit '%s' cannot be converted to the flow's '%s': left out",
                     x->unit, fl->unit);
            if ((rc = glca_inventories__lk_note(lk, GLCA_IMP_UNIT, pr->p.id, x, NULL, msg)) < 0)
                return rc;
            continue;
        }
        /* a zero amount changes no number and needs no provider, but is listed */
        if (x->amount == 0) {
            rc = glca_inventories__lk_note(lk, GLCA_IMP_OUT_OF_SCOPE, pr->p.id, x, NULL,
                                           "amount 0: left out");
            if (rc < 0)
                return rc;
            continue;
        }
        lk->keep[pr->x0 + j] = true;
        if (fl->kind == GLCA_IMP_FLOW_ELEMENTARY)
            continue;
        if ((rc = resolve(lk, p, j)) < 0)
            return rc;
        lk->keep[pr->x0 + j] = lk->provider[pr->x0 + j] != SIZE_MAX || lk->native[pr->x0 + j];
    }
    return 0;
}

static void linker_free(glca_linker *lk)
{
    glca_free(lk->units);
    glca_free(lk->pstart);
    glca_free(lk->plist);
    glca_free(lk->pfill);
    glca_free(lk->provider);
    glca_free(lk->keep);
    glca_free(lk->role);
    glca_free(lk->ref);
    glca_free(lk->akind);
    glca_free(lk->native);
}

int glca_inventories__imp_link(glca_import *im, glca_allocation allocation,
                               const glca_provider_map *map, const glca_imp_sink *sink,
                               glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_linker lk;
    glca_error e = GLCA_ERROR_INIT;
    size_t p;
    int rc = 0;

    memset(&lk, 0, sizeof lk);
    lk.im = im;
    lk.allocation = allocation;
    lk.map = map;
    lk.out = sink;
    glca_diag_init(&lk.sink, diag, payload, err);
    if (!(lk.provider = glca_mallocarray(im->nxs ? im->nxs : 1, sizeof *lk.provider)) ||
        !(lk.keep = glca_calloc(im->nxs ? im->nxs : 1, sizeof *lk.keep)) ||
        !(lk.role = glca_calloc(im->nxs ? im->nxs : 1, sizeof *lk.role)) ||
        !(lk.ref = glca_mallocarray(im->nprocs ? im->nprocs : 1, sizeof *lk.ref)) ||
        !(lk.akind = glca_mallocarray(im->nprocs ? im->nprocs : 1, sizeof *lk.akind)) ||
        !(lk.native = glca_calloc(im->nxs ? im->nxs : 1, sizeof *lk.native))) {
        rc = glca_diag_problem(&lk.sink, GLCA_ENOMEM, NULL, "out of memory");
        goto cleanup;
    }
    if (im->nnative_flows)
        qsort(im->native_flows, im->nnative_flows, sizeof *im->native_flows, cmp_str);
    if (im->nnative)
        qsort(im->native, im->nnative, sizeof *im->native, cmp_native);
    /* products of every process (allocation decides which co-products count) */
    for (p = 0; p < im->nprocs; p++)
        if ((rc = glca_inventories__lk_products(&lk, p)) < 0)
            goto cleanup;
    if ((rc = index_providers(&lk, &e)) < 0) {
        glca_diag_report(&lk.sink, &e);
        goto cleanup;
    }
    for (p = 0; p < im->nprocs; p++)
        if (lk.ref[p] != SIZE_MAX && (rc = decide(&lk, p)) < 0)
            goto cleanup;
    if (lk.sink.first == 0)
        rc = glca_inventories__lk_emit(&lk);
cleanup:
    linker_free(&lk);
    return lk.sink.first ? lk.sink.first : rc;
}
