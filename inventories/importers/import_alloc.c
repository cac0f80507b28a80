/*
 * The products of each source process: its reference and, under allocation, its co-products,
 * each an engine process of its own with every other exchange multiplied by its factor.
 * Factors of one exchange must sum to 1 over the process's products (tolerance 1e-6).
 * Without factors of the kind asked for, co-products are left out and noted: the process
 * stands for its reference product alone, as openLCA does without allocation.
 */
#include "importers/import_link_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define SUM_TOLERANCE 1e-6

static const char *mode_name(glca_allocation a)
{
    switch (a) {
    case GLCA_ALLOCATION_PHYSICAL:
        return "physical";
    case GLCA_ALLOCATION_ECONOMIC:
        return "economic";
    case GLCA_ALLOCATION_NONE:
        return "none";
    default:
        return "data";
    }
}

int glca_allocation_parse(const char *name, glca_allocation *out, glca_error *err)
{
    static const glca_allocation all[] = {GLCA_ALLOCATION_DATA, GLCA_ALLOCATION_PHYSICAL,
                                          GLCA_ALLOCATION_ECONOMIC, GLCA_ALLOCATION_NONE};
    size_t i;

    for (i = 0; i < sizeof all / sizeof *all; i++)
        if (strcmp(name, mode_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return glca_error_set(err, GLCA_EPARSE, NULL,
                          "unknown allocation '%s' (data, physical, economic or none)", name);
}

const char *glca_allocation_name(glca_allocation a)
{
    return mode_name(a);
}

double glca_inventories__lk_factor(const glca_linker *lk, size_t p, size_t c, size_t j)
{
    const glca_imp_proc *pr = &lk->im->procs[p];
    double whole = 0;
    size_t k;

    for (k = pr->a0; k < pr->a0 + pr->na; k++) {
        const glca_imp_alloc *a = &lk->im->allocs[k];

        if ((int)a->kind != lk->akind[p] || a->coproduct != c)
            continue;
        if (a->exchange == j)
            return a->fraction;
        if (a->exchange == SIZE_MAX)
            whole = a->fraction;
    }
    return whole;
}

static int add_unit(glca_linker *lk, size_t p, size_t j, size_t f, bool reference)
{
    glca_import *im = lk->im;
    const glca_imp_proc *pr = &im->procs[p];
    glca_eng_unit u;
    bool oom = false;

    if (lk->nunits == lk->capunits) {
        size_t cap = lk->capunits ? 2 * lk->capunits : 64;
        glca_eng_unit *units = glca_reallocarray(lk->units, cap, sizeof *units);

        if (!units)
            return glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory");
        lk->units = units;
        lk->capunits = cap;
    }
    u.proc = p;
    u.x = pr->x0 + j;
    u.flow = f;
    u.entry = glca_inventories__entry(&im->xs[u.x]);
    if (reference) {
        u.id = pr->p.id;
    } else {
        size_t n = strlen(pr->p.id) + strlen(im->flows[f].id) + sizeof GLCA_IMP_COPRODUCT_SEP;
        char *id = glca_malloc(n);

        if (!id)
            return glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory");
        snprintf(id, n, "%s" GLCA_IMP_COPRODUCT_SEP "%s", pr->p.id, im->flows[f].id);
        u.id = glca_inventories__imp_intern(im, id, &oom);
        glca_free(id);
        if (oom)
            return glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory");
    }
    lk->units[lk->nunits++] = u;
    return 0;
}

/* Whether exchange j of process p can be a product: a known product or waste flow, a stated
 * non-zero amount in a unit of its dimension; otherwise noted and false. */
static int usable_product(glca_linker *lk, size_t p, size_t j, size_t *flow, bool *ok)
{
    glca_import *im = lk->im;
    const glca_imp_proc *pr = &im->procs[p];
    const glca_imp_exchange *x = &im->xs[pr->x0 + j];
    glca_imp_note_kind kind = GLCA_IMP_OUT_OF_SCOPE;
    const char *why = NULL;
    char msg[512];
    double ratio;
    size_t f;

    *ok = false;
    if ((f = glca_inventories__imp_find_flow(im, x->flow)) == SIZE_MAX) {
        kind = GLCA_IMP_DANGLING;
        why = "its flow is not defined";
    } else if (im->flows[f].kind == GLCA_IMP_FLOW_ELEMENTARY) {
        why = "it is an elementary flow";
    } else if (isnan(x->amount)) {
        kind = GLCA_IMP_NOT_EVALUABLE;
        why = "its amount is not stated and not evaluable";
    } else if (x->amount == 0) {
        why = "its amount is zero";
    } else if (x->unit &&
               glca_units_ratio(im->units, x->unit, im->flows[f].unit, &ratio, NULL) < 0) {
        kind = GLCA_IMP_UNIT;
        why = "its unit cannot be converted to the flow's";
    }
    if (why) {
        snprintf(msg, sizeof msg, "%s cannot be a product: %s; %s",
                 lk->role[pr->x0 + j] == GLCA_LK_REFERENCE ? "the reference" : "a co-product", why,
                 lk->role[pr->x0 + j] == GLCA_LK_REFERENCE ? "the process is left out"
                                                           : "the co-product is left out");
        return glca_inventories__lk_note(lk, kind, pr->p.id, x, NULL, msg);
    }
    *flow = f;
    *ok = true;
    return 0;
}

/* Every plain exchange's factors must sum to 1 over the products. */
static int check_sums(glca_linker *lk, size_t p)
{
    glca_import *im = lk->im;
    const glca_imp_proc *pr = &im->procs[p];
    size_t j, c;

    for (j = 0; j < pr->nx; j++) {
        const glca_imp_exchange *x = &im->xs[pr->x0 + j];
        glca_srcloc where = x->loc;
        double sum = 0;
        size_t k;

        if (lk->role[pr->x0 + j] != GLCA_LK_PLAIN)
            continue;
        for (c = 0; c < pr->nx; c++)
            if (lk->role[pr->x0 + c] == GLCA_LK_REFERENCE ||
                lk->role[pr->x0 + c] == GLCA_LK_PRODUCT)
                sum += glca_inventories__lk_factor(lk, p, c, j);
        if (fabs(sum - 1) <= SUM_TOLERANCE)
            continue;
        for (k = pr->a0; k < pr->a0 + pr->na; k++)
            if ((int)im->allocs[k].kind == lk->akind[p] && im->allocs[k].exchange == j) {
                where = im->allocs[k].loc;
                break;
            }
        glca_diag_problem(&lk->sink, GLCA_EPARSE, &where,
                          "%s allocation factors of exchange '%s' of process '%s' sum to %.10g %%,"
                          " not 100 %%",
                          mode_name(lk->allocation), x->flow, pr->p.id, 100 * sum);
    }
    return 0;
}

static bool has_factors(const glca_linker *lk, size_t p, int kind)
{
    const glca_imp_proc *pr = &lk->im->procs[p];
    size_t k;

    for (k = pr->a0; k < pr->a0 + pr->na; k++)
        if ((int)lk->im->allocs[k].kind == kind)
            return true;
    return false;
}

int glca_inventories__lk_products(glca_linker *lk, size_t p)
{
    glca_import *im = lk->im;
    const glca_imp_proc *pr = &im->procs[p];
    size_t j, f, ncoproducts = 0;
    int kind = -1, rc;
    bool ok;
    char msg[512];

    lk->ref[p] = SIZE_MAX;
    lk->akind[p] = -1;
    for (j = 0; j < pr->nx; j++) {
        const glca_imp_exchange *x = &im->xs[pr->x0 + j];

        if (x->reference && lk->ref[p] == SIZE_MAX) {
            lk->ref[p] = j;
            lk->role[pr->x0 + j] = GLCA_LK_REFERENCE;
        } else if (x->reference || x->coproduct) {
            lk->role[pr->x0 + j] = GLCA_LK_PRODUCT;
            ncoproducts++;
        }
    }
    if (lk->ref[p] == SIZE_MAX) {
        glca_imp_note n = {GLCA_IMP_OUT_OF_SCOPE,
                           pr->p.id,
                           NULL,
                           NAN,
                           NULL,
                           NULL,
                           "the process has no reference exchange: left out",
                           pr->p.loc};
        glca_error e = GLCA_ERROR_INIT;

        for (j = 0; j < pr->nx; j++)
            lk->role[pr->x0 + j] = GLCA_LK_DROPPED;
        if (glca_inventories__imp_note(im, &n, &e) < 0)
            return glca_diag_report(&lk->sink, &e);
        return 0;
    }
    if ((rc = usable_product(lk, p, lk->ref[p], &f, &ok)) < 0)
        return rc;
    if (!ok) {
        for (j = 0; j < pr->nx; j++)
            lk->role[pr->x0 + j] = GLCA_LK_DROPPED;
        lk->ref[p] = SIZE_MAX;
        return 0;
    }
    if ((rc = add_unit(lk, p, lk->ref[p], f, true)) < 0)
        return rc;
    if (ncoproducts == 0)
        return 0;
    if (lk->allocation == GLCA_ALLOCATION_DATA)
        kind = GLCA_IMP_ALLOC_DATA;
    else if (lk->allocation == GLCA_ALLOCATION_PHYSICAL)
        kind = GLCA_IMP_ALLOC_PHYSICAL;
    else if (lk->allocation == GLCA_ALLOCATION_ECONOMIC)
        kind = GLCA_IMP_ALLOC_ECONOMIC;
    if (kind >= 0 && has_factors(lk, p, kind))
        lk->akind[p] = (signed char)kind;
    for (j = 0; j < pr->nx; j++) {
        const glca_imp_exchange *x = &im->xs[pr->x0 + j];

        if (lk->role[pr->x0 + j] != GLCA_LK_PRODUCT)
            continue;
        if (lk->akind[p] < 0) {
            lk->role[pr->x0 + j] = GLCA_LK_DROPPED;
            snprintf(msg, sizeof msg,
                     "co-product without %s allocation factors: left out, the process stands "
                     "for its reference product alone",
                     mode_name(lk->allocation));
            if ((rc = glca_inventories__lk_note(lk, GLCA_IMP_COPRODUCT, pr->p.id, x, NULL, msg)) <
                0)
                return rc;
            continue;
        }
        if ((rc = usable_product(lk, p, j, &f, &ok)) < 0)
            return rc;
        if (!ok) {
            lk->role[pr->x0 + j] = GLCA_LK_DROPPED;
            continue;
        }
        if ((rc = add_unit(lk, p, j, f, false)) < 0)
            return rc;
    }
    if (lk->akind[p] >= 0)
        return check_sums(lk, p);
    return 0;
}
