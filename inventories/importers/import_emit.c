/*
 * The linked import into a sink: every flow (and the service "treatment of W" for each waste W
 * that has a treater), then one engine process per product of each source process, in source
 * order, with the exchanges kept, scaled by the allocation factor, demands as inputs with their
 * producer and waste supplies as inputs of the treatment service with their treater.  The
 * engine model sink is here too.
 */
#include "importers/import_link_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static glca_uncertainty scaled(glca_uncertainty u, double factor, bool negate)
{
    double a = u.a, b = u.b;

    switch (u.dist) {
    case GLCA_DIST_NORMAL:
        u.a = fabs(factor) * a;
        break;
    case GLCA_DIST_TRIANGULAR:
    case GLCA_DIST_UNIFORM:
        if (negate) {
            a = -u.b;
            b = -u.a;
        }
        u.a = factor * a;
        u.b = factor * b;
        break;
    default: /* a geometric standard deviation does not scale */
        break;
    }
    return u;
}

/* "treatment/W" for each flow with a treater, else NULL. */
static int service_ids(glca_linker *lk, const char ***out)
{
    glca_import *im = lk->im;
    const char **ids = glca_calloc(im->nflows ? im->nflows : 1, sizeof *ids);
    size_t u;
    bool oom = false;

    *out = ids;
    if (!ids)
        return glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory");
    for (u = 0; u < lk->nunits && !oom; u++) {
        size_t f = lk->units[u].flow, n;
        char *id;

        if (lk->units[u].entry >= 0 || ids[f])
            continue;
        n = strlen(im->flows[f].id) + sizeof GLCA_IMP_TREATMENT_PREFIX;
        if (!(id = glca_malloc(n)))
            return glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory");
        snprintf(id, n, GLCA_IMP_TREATMENT_PREFIX "%s", im->flows[f].id);
        ids[f] = glca_inventories__imp_intern(im, id, &oom);
        glca_free(id);
    }
    return oom ? glca_diag_problem(&lk->sink, GLCA_ENOMEM, NULL, "out of memory") : 0;
}

static int emit_flows(glca_linker *lk, const char **service)
{
    glca_import *im = lk->im;
    const glca_imp_sink *s = lk->out;
    glca_error e = GLCA_ERROR_INIT;
    size_t f;
    int rc;

    for (f = 0; f < im->nflows; f++) {
        const glca_imp_flow *fl = &im->flows[f];
        glca_flow_kind kind =
            fl->kind == GLCA_IMP_FLOW_ELEMENTARY ? GLCA_FLOW_ELEMENTARY : GLCA_FLOW_PRODUCT;

        if (glca_inventories__lk_native_flow(lk, fl->id))
            continue; /* our own inventories define it */

        if ((rc = s->flow(s->payload, fl->id, kind, fl->name, fl->unit, fl->compartment, fl->cas,
                          &fl->loc, &e)) < 0)
            return glca_diag_report(&lk->sink, &e);
    }
    for (f = 0; f < im->nflows; f++) {
        const glca_imp_flow *fl = &im->flows[f];
        char name[512];

        if (!service[f])
            continue;
        snprintf(name, sizeof name, "treatment of %s", fl->name ? fl->name : fl->id);
        if ((rc = s->flow(s->payload, service[f], GLCA_FLOW_PRODUCT, name, fl->unit, NULL, NULL,
                          &fl->loc, &e)) < 0)
            return glca_diag_report(&lk->sink, &e);
    }
    return 0;
}

static int emit_unit(glca_linker *lk, size_t u, const char **service)
{
    glca_import *im = lk->im;
    const glca_imp_sink *s = lk->out;
    const glca_eng_unit *un = &lk->units[u];
    const glca_imp_proc *pr = &im->procs[un->proc];
    const glca_imp_exchange *rx = &im->xs[un->x];
    glca_error e = GLCA_ERROR_INIT;
    size_t j, c = un->x - pr->x0;
    const char *product = un->entry > 0 ? rx->flow : service[un->flow];

    if (s->process(s->payload, un->id, pr->p.name, pr->p.location, product, fabs(rx->amount),
                   rx->unit, &pr->p.loc, &e) < 0)
        return glca_diag_report(&lk->sink, &e);
    for (j = 0; j < pr->nx; j++) {
        const glca_imp_exchange *x = &im->xs[pr->x0 + j];
        size_t v = lk->provider[pr->x0 + j];
        double factor = 1, amount = x->amount;
        glca_direction dir = x->dir;
        const char *flow = x->flow, *provider = NULL;
        bool negate = false;
        glca_uncertainty unc;

        if (lk->role[pr->x0 + j] != GLCA_LK_PLAIN || !lk->keep[pr->x0 + j])
            continue;
        if (lk->akind[un->proc] >= 0)
            factor = glca_inventories__lk_factor(lk, un->proc, c, j);
        if (lk->native[pr->x0 + j]) {
            /* a native producer: an input of its product, as for an imported producer */
            dir = GLCA_INPUT;
            amount = -glca_inventories__entry(x);
            negate = x->dir == GLCA_OUTPUT;
            provider = lk->native[pr->x0 + j];
        } else if (v != SIZE_MAX) {
            double entry = glca_inventories__entry(x);

            /* a producer's customer takes -entry of the product, a treater's customer takes
             * entry of the treatment service; both are inputs */
            dir = GLCA_INPUT;
            provider = lk->units[v].id;
            if (lk->units[v].entry > 0) {
                amount = -entry;
                negate = x->dir == GLCA_OUTPUT;
            } else {
                amount = entry;
                negate = x->dir == GLCA_INPUT;
                flow = service[lk->units[v].flow];
            }
        }
        unc = scaled(x->unc, factor, negate);
        if (s->exchange(s->payload, dir, flow, factor * amount, x->unit, provider,
                        unc.dist == GLCA_DIST_NONE ? NULL : &unc, &x->loc, &e) < 0)
            return glca_diag_report(&lk->sink, &e);
    }
    return 0;
}

int glca_inventories__lk_emit(glca_linker *lk)
{
    const char **service = NULL;
    size_t u;
    int rc;

    if ((rc = service_ids(lk, &service)) < 0)
        goto cleanup;
    if ((rc = emit_flows(lk, service)) < 0)
        goto cleanup;
    for (u = 0; u < lk->nunits; u++)
        if ((rc = emit_unit(lk, u, service)) < 0)
            goto cleanup;
cleanup:
    glca_free(service);
    return rc;
}

/* ---------------------------------------------------------------- the engine model as sink */

static int model_flow(void *payload, const char *id, glca_flow_kind kind, const char *name,
                      const char *unit, const char *compartment, const char *cas,
                      const glca_srcloc *loc, glca_error *err)
{
    return glca_model_add_flow(payload, id, kind, name, unit, compartment, cas, loc, err);
}

static int model_process(void *payload, const char *id, const char *name, const char *location,
                         const char *product_flow, double amount, const char *unit,
                         const glca_srcloc *loc, glca_error *err)
{
    return glca_model_add_process(payload, id, name, location, product_flow, amount, unit, loc,
                                  err);
}

static int model_exchange(void *payload, glca_direction dir, const char *flow, double amount,
                          const char *unit, const char *provider, const glca_uncertainty *unc,
                          const glca_srcloc *loc, glca_error *err)
{
    return glca_model_add_exchange(payload, dir, flow, amount, unit, provider, unc, loc, err);
}

glca_imp_sink glca_inventories__model_sink(glca_model *m)
{
    glca_imp_sink s = {model_flow, model_process, model_exchange, m};

    return s;
}
