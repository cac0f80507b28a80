/*
 * One ILCD process dataset (http://lca.jrc.it/ILCD/Process) into an ilcd_process record: UUID,
 * name, location, the quantitative reference (internal ids of the reference exchanges), and
 * every exchange as written: flow reference, direction, amounts, the flow property it is
 * measured in, location, uncertainty and allocation factors.  Nothing is resolved here: flows,
 * units and references are joined in ilcd_read.c once every dataset has been parsed.
 */
#include "importers/ilcd_int.h"

#include <math.h>
#include <string.h>

#define AT(suffix) ILCD_AT(&path, suffix)

static int grow(void **items, size_t *cap, size_t n, size_t size, glca_error *err)
{
    void *grown;
    size_t want;

    if (n < *cap)
        return 0;
    want = *cap ? 2 * *cap : 8;
    if (!(grown = glca_reallocarray(*items, want, size)))
        return glca_error_oom(err);
    *items = grown;
    *cap = want;
    return 0;
}

static int number_text(glca_xml *x, double *out, glca_error *err)
{
    return glca_inventories__ilcd_number(x, out, err);
}

static int start_exchange(ilcd_process *p, size_t *cap, glca_xml *x, glca_error *err)
{
    ilcd_exchange *e;
    double id;
    int rc;

    if ((rc = grow((void **)&p->xs, cap, p->nxs, sizeof *p->xs, err)) < 0)
        return rc;
    e = &p->xs[p->nxs];
    memset(e, 0, sizeof *e);
    e->mean = e->resulting = e->rsd95 = e->min = e->max = NAN;
    e->loc = glca_xml_loc(x);
    p->nxs++;
    if ((rc = glca_xml_attr_double(x, "dataSetInternalID", true, 0, &id, err)) < 0)
        return rc;
    return glca_inventories__ilcd_id(x, id, &e->internal_id, err);
}

static int start_alloc(ilcd_exchange *e, glca_xml *x, glca_error *err)
{
    ilcd_alloc *grown, *a;
    double co, pct;
    long coproduct;
    int rc;

    if ((rc = glca_xml_attr_double(x, "internalReferenceToCoProduct", true, 0, &co, err)) < 0 ||
        (rc = glca_inventories__ilcd_id(x, co, &coproduct, err)) < 0 ||
        (rc = glca_xml_attr_double(x, "allocatedFraction", true, 0, &pct, err)) < 0)
        return rc;
    if (!(grown = glca_reallocarray(e->allocs, e->nallocs + 1, sizeof *grown)))
        return glca_error_oom(err);
    e->allocs = grown;
    a = &e->allocs[e->nallocs++];
    a->coproduct = coproduct;
    a->percent = pct;
    a->loc = glca_xml_loc(x);
    return 0;
}

static int direction(ilcd_exchange *e, glca_xml *x, glca_error *err)
{
    bool oom = false;
    char *t = glca_inventories__ilcd_text(x, &oom);
    glca_srcloc loc = glca_xml_loc(x);
    int rc = 0;

    if (oom)
        return glca_error_oom(err);
    if (t && !strcmp(t, "Input"))
        e->dir = GLCA_INPUT;
    else if (t && !strcmp(t, "Output"))
        e->dir = GLCA_OUTPUT;
    else
        rc = glca_error_set(err, GLCA_EPARSE, &loc,
                            "exchangeDirection '%.40s' is neither Input nor Output",
                            t ? t : "");
    e->has_dir = rc == 0;
    glca_free(t);
    return rc;
}

static int ref_flow(ilcd_process *p, glca_xml *x, glca_error *err)
{
    long *grown, ref;
    double id;
    int rc;

    if ((rc = glca_inventories__ilcd_number(x, &id, err)) < 0 ||
        (rc = glca_inventories__ilcd_id(x, id, &ref, err)) < 0)
        return rc;
    if (!(grown = glca_reallocarray(p->refs, p->nrefs + 1, sizeof *grown)))
        return glca_error_oom(err);
    p->refs = grown;
    p->refs[p->nrefs++] = ref;
    return 0;
}

/* The end of an element inside <exchange>. */
static int exchange_text(ilcd_exchange *e, const ilcd_path *pp, glca_xml *x, glca_error *err)
{
    const ilcd_path path = *pp;
    bool oom = false;
    char **slot = NULL;

    if (AT("exchange/exchangeDirection"))
        return direction(e, x, err);
    if (AT("exchange/meanAmount"))
        return number_text(x, &e->mean, err);
    if (AT("exchange/resultingAmount"))
        return number_text(x, &e->resulting, err);
    if (AT("exchange/relativeStandardDeviation95In"))
        return number_text(x, &e->rsd95, err);
    if (AT("exchange/minimumAmount"))
        return number_text(x, &e->min, err);
    if (AT("exchange/maximumAmount"))
        return number_text(x, &e->max, err);
    if (AT("exchange/location"))
        slot = &e->location;
    else if (AT("exchange/uncertaintyDistributionType"))
        slot = &e->dist;
    if (slot && !*slot) {
        *slot = glca_inventories__ilcd_text(x, &oom);
        if (oom)
            return glca_error_oom(err);
    }
    return 0;
}

/* A reference element's refObjectId into `slot` (first one wins). */
static int ref_attr(char **slot, glca_xml *x, glca_error *err)
{
    const char *id = glca_xml_attr(x, "refObjectId");
    glca_srcloc loc = glca_xml_loc(x);

    if (!id)
        return glca_error_set(err, GLCA_EPARSE, &loc, "<%s> without refObjectId",
                              glca_xml_name(x));
    if (!*slot && !(*slot = glca_strdup(id)))
        return glca_error_oom(err);
    return 0;
}

int glca_inventories__ilcd_parse_process(ilcd_process *out, glca_xml *x, glca_error *err)
{
    ilcd_path path = {{{0}}, {0}, 0, false};
    ilcd_exchange *e = NULL;
    size_t cap = 0;
    bool oom = false;
    int ev, rc;

    memset(out, 0, sizeof *out);
    while ((ev = glca_inventories__ilcd_next(x, &path, err)) > 0) {
        if (ev == GLCA_XML_START) {
            rc = 0;
            if (path.depth == 1) {
                out->loc = glca_xml_loc(x);
                rc = glca_inventories__ilcd_root(x, "processDataSet", GLCA_NS_ILCD_PROCESS,
                                                 "process", err);
            } else if (AT("processDataSet/exchanges/exchange")) {
                if ((rc = start_exchange(out, &cap, x, err)) == 0)
                    e = &out->xs[out->nxs - 1];
            } else if (e && AT("exchange/referenceToFlowDataSet")) {
                rc = ref_attr(&e->flow, x, err);
            } else if (e && AT("exchange/referenceToFlowPropertyDataSet")) {
                rc = ref_attr(&e->property, x, err);
            } else if (e && AT("exchange/allocations/allocation")) {
                rc = start_alloc(e, x, err);
            } else if (AT("geography/locationOfOperationSupplyOrProduction")) {
                const char *l = glca_xml_attr(x, "location");
                if (l && !out->location && !(out->location = glca_strdup(l)))
                    rc = glca_error_oom(err);
            } else if (AT("processDataSet/LCIAResults")) {
                rc = glca_xml_skip(x, err); /* results, not inventory */
                path.pop = true;
            }
            if (rc < 0)
                return rc;
            continue;
        }
        rc = 0;
        if (e && path.depth >= 4 && AT("exchanges/exchange")) {
            e = NULL; /* this exchange is complete */
        } else if (e) {
            rc = exchange_text(e, &path, x, err);
        } else if (AT("processInformation/dataSetInformation/UUID")) {
            if (!out->uuid)
                out->uuid = glca_inventories__ilcd_text(x, &oom);
        } else if (AT("dataSetInformation/name/baseName")) {
            if (!out->name)
                out->name = glca_inventories__ilcd_text(x, &oom);
        } else if (AT("quantitativeReference/referenceToReferenceFlow")) {
            rc = ref_flow(out, x, err);
        }
        if (oom)
            return glca_error_oom(err);
        if (rc < 0)
            return rc;
    }
    if (ev < 0)
        return ev;
    if (!out->uuid)
        return glca_error_set(err, GLCA_EPARSE, &out->loc, "ILCD process dataset without a UUID");
    for (size_t i = 0; i < out->nxs; i++) {
        const ilcd_exchange *xi = &out->xs[i];
        if (!xi->flow)
            return glca_error_set(err, GLCA_EPARSE, &xi->loc,
                                  "exchange %ld without referenceToFlowDataSet",
                                  xi->internal_id);
        if (!xi->has_dir)
            return glca_error_set(err, GLCA_EPARSE, &xi->loc,
                                  "exchange %ld without exchangeDirection", xi->internal_id);
        if (isnan(xi->mean) && isnan(xi->resulting))
            return glca_error_set(err, GLCA_EPARSE, &xi->loc,
                                  "exchange %ld without meanAmount or resultingAmount",
                                  xi->internal_id);
    }
    return 0;
}

void glca_inventories__ilcd_process_clear(ilcd_process *p)
{
    for (size_t i = 0; i < p->nxs; i++) {
        ilcd_exchange *e = &p->xs[i];
        glca_free(e->flow);
        glca_free(e->property);
        glca_free(e->location);
        glca_free(e->dist);
        glca_free(e->allocs);
    }
    glca_free(p->xs);
    glca_free(p->refs);
    glca_free(p->uuid);
    glca_free(p->name);
    glca_free(p->location);
    memset(p, 0, sizeof *p);
}
