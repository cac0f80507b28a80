/*
 * Joining parsed ILCD datasets into the import (ilcd_read.c says the rules).  Runs on one
 * thread, in entry order, so the import is the same whatever parsed the datasets.
 */
#include "importers/ilcd_read_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-'
                 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return s[36] == '\0';
}

static const ilcd_flow_prop_ref *flow_prop(const ilcd_flow *f, const char *uuid, long id)
{
    for (size_t i = 0; i < f->nprops; i++)
        if (uuid ? (f->props[i].prop && !strcmp(f->props[i].prop, uuid))
                 : f->props[i].internal_id == id)
            return &f->props[i];
    return NULL;
}

/* The flow's reference unit, declared in the import's unit table when it is new there. */
static const ilcd_flow_state *resolve_flow(ilcd_reader *r, size_t fi)
{
    ilcd_flow_state *st = &r->flow_state[fi];
    const ilcd_flow *f = glca_inventories__ilcd_set_rec(&r->sets[ILCD_FLOW], fi);
    const ilcd_flow_prop_ref *pr;
    const ilcd_flowprop *fp;
    const ilcd_unitgroup *ug;
    glca_units *units = glca_inventories__imp_units(r->im);
    glca_error e = GLCA_ERROR_INIT;
    size_t at;
    int dim;
    double factor;

    if (st->resolved)
        return st;
    st->resolved = true;
    if (!(pr = flow_prop(f, NULL, f->ref_prop)) || !pr->prop) {
        st->why = "its reference flow property is not among its flow properties";
        return st;
    }
    if ((at = glca_inventories__ilcd_find(&r->fp_index, pr->prop)) == SIZE_MAX) {
        st->why = "its reference flow property dataset is not in the archive";
        return st;
    }
    fp = glca_inventories__ilcd_set_rec(&r->sets[ILCD_FLOWPROP], at);
    if ((at = glca_inventories__ilcd_find(&r->ug_index, fp->unitgroup)) == SIZE_MAX) {
        st->why = "the unit group of its reference flow property is not in the archive";
        return st;
    }
    ug = glca_inventories__ilcd_set_rec(&r->sets[ILCD_UNITGROUP], at);
    for (size_t i = 0; i < ug->nunits; i++)
        if (ug->units[i].internal_id == ug->ref_unit)
            st->unit = ug->units[i].name;
    if (!st->unit) {
        st->why = "its unit group names no reference unit";
        return st;
    }
    if (!(isfinite(pr->mean) && pr->mean > 0)) {
        st->why = "its reference flow property has no positive value";
        return st;
    }
    /* A unit the table does not know gets a dimension of its own, named by its unit group. */
    if (glca_units_lookup(units, st->unit, &dim, &factor) != 0 &&
        glca_units_declare(units, st->unit, ug->name ? ug->name : ug->uuid, 1.0, &e) < 0) {
        st->why = "its reference unit conflicts with a unit already declared";
        return st;
    }
    st->ref_prop = pr->prop;
    st->ref_mean = pr->mean;
    return st;
}

static int note(ilcd_reader *r, glca_imp_note_kind kind, const ilcd_process *p,
                const ilcd_exchange *x, const char *fmt, ...) GLCA_PRINTF(5, 6);

static int note(ilcd_reader *r, glca_imp_note_kind kind, const ilcd_process *p,
                const ilcd_exchange *x, const char *fmt, ...)
{
    char msg[400];
    glca_imp_note n;
    glca_error e = GLCA_ERROR_INIT;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memset(&n, 0, sizeof n);
    n.kind = kind;
    n.process = p->uuid;
    n.flow = x ? x->flow : NULL;
    n.amount = x ? (isnan(x->resulting) ? x->mean : x->resulting) : NAN;
    n.message = msg;
    n.loc = x ? x->loc : p->loc;
    if (glca_inventories__imp_note(r->im, &n, &e) < 0)
        return glca_diag_report(&r->sink, &e);
    return 0;
}

/* ILCD's distributions (as the brief of the format defines relativeStandardDeviation95In:
 * the square of the geometric standard deviation for log-normal, twice the standard
 * deviation in % of the mean for normal) in the engine's terms; `scale` from a conversion. */
static glca_uncertainty uncertainty(const ilcd_exchange *x, double amount, double scale)
{
    glca_uncertainty u = {GLCA_DIST_NONE, 0, 0};

    if (!x->dist)
        return u;
    if (!strcmp(x->dist, "log-normal") && isfinite(x->rsd95) && x->rsd95 > 1) {
        u.dist = GLCA_DIST_LOGNORMAL;
        u.a = sqrt(x->rsd95);
    } else if (!strcmp(x->dist, "normal") && isfinite(x->rsd95) && x->rsd95 > 0) {
        u.dist = GLCA_DIST_NORMAL;
        u.a = fabs(amount) * x->rsd95 / 100 / 2;
    } else if ((!strcmp(x->dist, "triangular") || !strcmp(x->dist, "uniform")) &&
               isfinite(x->min) && isfinite(x->max)) {
        u.dist = x->dist[0] == 't' ? GLCA_DIST_TRIANGULAR : GLCA_DIST_UNIFORM;
        u.a = x->min * scale;
        u.b = x->max * scale;
    }
    return u;
}

static int dangling(ilcd_reader *r, const ilcd_process *p, const ilcd_exchange *x)
{
    if (is_uuid(x->flow))
        return note(r, GLCA_IMP_DANGLING, p, x,
                    "flow dataset %s is not in the archive: exchange left out", x->flow);
    return note(r, GLCA_IMP_DANGLING, p, x,
                "flow reference '%s' is not a UUID and names no flow dataset: exchange left out",
                x->flow);
}

typedef struct ilcd_resolved {
    size_t flow;       /* flow record, SIZE_MAX: dangling */
    const ilcd_flow_state *st;
    size_t added;      /* index within the process once added, SIZE_MAX: left out */
} ilcd_resolved;

static int add_exchange(ilcd_reader *r, const ilcd_process *p, const ilcd_exchange *x,
                        ilcd_resolved *res, long ref)
{
    const ilcd_flow *f = glca_inventories__ilcd_set_rec(&r->sets[ILCD_FLOW], res->flow);
    const ilcd_flow_state *st = res->st;
    const char *where = x->location ? x->location : p->location;
    double amount = isnan(x->resulting) ? x->mean : x->resulting, scale = 1;
    char id[GLCA_ILCD_ID_MAX];
    glca_imp_exchange ix;
    glca_error e = GLCA_ERROR_INIT;
    int rc;

    if (x->property && strcmp(x->property, st->ref_prop) != 0) {
        const ilcd_flow_prop_ref *pr = flow_prop(f, x->property, 0);
        if (!pr || !(isfinite(pr->mean) && pr->mean != 0))
            return note(r, GLCA_IMP_UNIT, p, x,
                        "exchange in flow property %s, which its flow does not give a value "
                        "for: left out", x->property);
        scale = st->ref_mean / pr->mean;
    }
    if (f->kind == GLCA_IMP_FLOW_ELEMENTARY) {
        char located[GLCA_ILCD_ID_MAX] = "";
        if (where && r->located.n)
            glca_inventories__ilcd_elementary_id(located, f->uuid, x->dir, where);
        if (where && r->located.n && glca_inventories__ilcd_located_has(&r->located, located))
            memcpy(id, located, sizeof id);
        else
            glca_inventories__ilcd_elementary_id(id, f->uuid, x->dir, NULL);
    } else {
        snprintf(id, sizeof id, "%s", f->uuid);
    }
    if (!glca_inventories__imp_has_flow(r->im, id)) {
        glca_imp_flow fl = {id, f->name, st->unit,
                            f->kind == GLCA_IMP_FLOW_ELEMENTARY ? f->compartment : NULL, f->cas,
                            f->kind, f->loc};
        if ((rc = glca_inventories__imp_add_flow(r->im, &fl, &e)) < 0)
            return glca_diag_report(&r->sink, &e);
    }
    memset(&ix, 0, sizeof ix);
    ix.flow = id;
    ix.dir = x->dir;
    ix.amount = amount * scale;
    ix.location = where;
    ix.unc = uncertainty(x, ix.amount, scale);
    ix.reference = x->internal_id == ref;
    ix.coproduct = !ix.reference && x->dir == GLCA_OUTPUT && f->kind == GLCA_IMP_FLOW_PRODUCT;
    ix.loc = x->loc;
    if ((rc = glca_inventories__imp_add_exchange(r->im, &ix, &e)) < 0)
        return glca_diag_report(&r->sink, &e);
    res->added = glca_inventories__imp_nexchanges_of_current(r->im);
    return 0;
}

typedef struct ilcd_idx {
    long id;
    size_t added;
} ilcd_idx;

static int by_id(const void *x, const void *y)
{
    const ilcd_idx *a = x, *b = y;

    return (a->id > b->id) - (a->id < b->id);
}

/* The exchange with internal id `id` as added, or SIZE_MAX. */
static size_t added_of(const ilcd_idx *ids, size_t n, long id)
{
    const ilcd_idx key = {id, 0}, *hit = bsearch(&key, ids, n, sizeof *ids, by_id);

    return hit ? hit->added : SIZE_MAX;
}

static int add_allocs(ilcd_reader *r, const ilcd_process *p, const ilcd_resolved *res)
{
    glca_error e = GLCA_ERROR_INIT;
    ilcd_idx *ids = NULL;
    size_t i, any = 0;
    int rc = 0;

    for (i = 0; i < p->nxs; i++)
        any += p->xs[i].nallocs;
    if (!any)
        return 0;
    /* internal ids sorted once: a dataset may have very many exchanges with factors */
    if (!(ids = glca_mallocarray(p->nxs, sizeof *ids)))
        return glca_diag_report(&r->sink, (glca_error_oom(&e), &e));
    for (i = 0; i < p->nxs; i++)
        ids[i] = (ilcd_idx){p->xs[i].internal_id, res[i].added};
    qsort(ids, p->nxs, sizeof *ids, by_id);
    for (i = 0; i < p->nxs && rc >= 0; i++) {
        const ilcd_exchange *x = &p->xs[i];
        for (size_t k = 0; k < x->nallocs && res[i].added != SIZE_MAX && rc >= 0; k++) {
            const ilcd_alloc *a = &x->allocs[k];
            size_t c = added_of(ids, p->nxs, a->coproduct);
            if (c == SIZE_MAX) {
                rc = note(r, GLCA_IMP_DANGLING, p, x,
                          "allocation factor for co-product exchange %ld, which is not among "
                          "the exchanges read: factor left out",
                          a->coproduct);
                continue;
            }
            glca_imp_alloc al = {GLCA_IMP_ALLOC_DATA, c, res[i].added, a->percent / 100,
                                 a->loc};
            if (glca_inventories__imp_add_alloc(r->im, &al, &e) < 0 &&
                glca_diag_report(&r->sink, &e) == GLCA_ENOMEM)
                rc = GLCA_ENOMEM;
        }
    }
    glca_free(ids);
    return rc;
}

static int join_process(ilcd_reader *r, const ilcd_process *p)
{
    ilcd_resolved *res = NULL;
    long ref = p->nrefs ? p->refs[0] : -1;
    size_t refx = SIZE_MAX;
    glca_error e = GLCA_ERROR_INIT;
    int rc = 0;

    if (p->nxs && !(res = glca_mallocarray(p->nxs, sizeof *res)))
        return glca_diag_report(&r->sink, (glca_error_oom(&e), &e));
    for (size_t i = 0; i < p->nxs; i++) {
        const ilcd_exchange *x = &p->xs[i];
        res[i].flow = glca_inventories__ilcd_find(&r->flow_index, x->flow);
        res[i].st = res[i].flow == SIZE_MAX ? NULL : resolve_flow(r, res[i].flow);
        res[i].added = SIZE_MAX;
        if (x->internal_id == ref)
            refx = i;
    }
    if (refx == SIZE_MAX || !res[refx].st || res[refx].st->why) {
        /* every dangling exchange still gets its line, then the process its own */
        for (size_t i = 0; i < p->nxs && rc >= 0; i++)
            if (res[i].flow == SIZE_MAX)
                rc = dangling(r, p, &p->xs[i]);
        if (rc >= 0)
            rc = note(r, GLCA_IMP_DANGLING, p, NULL,
                      "the quantitative reference (%s %s) cannot be read: process left out",
                      refx == SIZE_MAX ? "exchange" : "flow",
                      refx == SIZE_MAX ? "named by referenceToReferenceFlow" : p->xs[refx].flow);
        goto cleanup;
    }
    {
        glca_imp_process ip = {p->uuid, p->name, p->location, p->loc};
        if (glca_inventories__imp_add_process(r->im, &ip, &e) < 0) {
            rc = glca_diag_report(&r->sink, &e);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < p->nxs && rc >= 0; i++) {
        const ilcd_exchange *x = &p->xs[i];
        if (res[i].flow == SIZE_MAX)
            rc = dangling(r, p, x);
        else if (res[i].st->why)
            rc = note(r, GLCA_IMP_DANGLING, p, x, "flow %s cannot be used (%s): exchange left out",
                      x->flow, res[i].st->why);
        else
            rc = add_exchange(r, p, x, &res[i], ref);
        if (rc == GLCA_ENOMEM)
            goto cleanup;
        rc = 0;
    }
    rc = add_allocs(r, p, res);
cleanup:
    glca_free(res);
    return rc == GLCA_ENOMEM ? rc : 0;
}

int glca_inventories__ilcd_join(ilcd_reader *r)
{
    const ilcd_set *procs = &r->sets[ILCD_PROCESS];
    int rc;

    for (size_t i = 0; i < procs->n; i++) {
        if (procs->errs[i])
            continue;
        if ((rc = join_process(r, glca_inventories__ilcd_set_rec(procs, i))) < 0)
            return rc;
    }
    return 0;
}
