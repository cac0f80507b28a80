/*
 * The EcoSpold 2 reader's entry point: a set of datasets (ecospold2_set.c) into the common
 * import (import.h).  Each dataset becomes a process named by its file stem; each exchange
 * gets its flow from MasterData (name, unit, compartment, kind), its unit mapped onto the unit
 * table, its direction from inputGroup/outputGroup and its amount as written.  Allocation
 * factors come from the properties: price (economic) and wet mass (physical), as whole-process
 * factors over the reference product and the co-products, given only when every one of them
 * carries the property with a positive value.  Everything left out gets a note.
 */
#include "importers/ecospold2_int.h"
#include "importers/importers.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * EcoSpold 2 unit names that the built-in table spells differently or lacks.  A unit the table
 * does not know is declared in the dimension given (the first of a dimension is its base).
 */
static const struct {
    const char *es2, *name, *dimension;
    double factor;
} unit_map[] = {
    {"metric ton", "t", "mass", 1e3},
    {"metric ton*km", "t*km", "transport", 1e3},
    {"ton*km", "t*km", "transport", 1e3},
    {"hour", "h", "time", 3600},
    {"day", "d", "time", 86400},
    {"ha", "ha", "area", 1e4},
    {"km2", "km2", "area", 1e6},
    {"m2*year", "m2*year", "area*time", 1},
    {"ha*year", "ha*year", "area*time", 1e4},
    {"m3*year", "m3*year", "volume*time", 1},
    {"m*year", "m*year", "length*time", 1},
    {"km*year", "km*year", "length*time", 1e3},
    {"kg*day", "kg*day", "mass*time", 1},
    {"person*km", "person*km", "person transport", 1},
    {"guest night", "guest night", "guest night", 1},
    {"EUR2005", "EUR2005", "EUR2005", 1},
    {"dimensionless", "dimensionless", "dimensionless", 1},
};

/* The unit table's name for EcoSpold 2 unit `es2`, declaring it if needed; NULL if unknown. */
static const char *map_unit(glca_units *u, const char *es2, glca_error *err, int *rc)
{
    int dim;
    double f;
    size_t i;

    *rc = 0;
    for (i = 0; i < sizeof unit_map / sizeof *unit_map; i++) {
        if (strcmp(unit_map[i].es2, es2) != 0)
            continue;
        if (glca_units_lookup(u, unit_map[i].name, &dim, &f) == 0)
            return unit_map[i].name;
        if ((*rc = glca_units_declare(u, unit_map[i].name, unit_map[i].dimension,
                                      unit_map[i].factor, err)) < 0)
            return NULL;
        return unit_map[i].name;
    }
    return glca_units_lookup(u, es2, &dim, &f) == 0 ? es2 : NULL;
}

typedef struct emitter {
    glca_import *im;
    const glca_es2_master *master;
    glca_units *units;
    const glca_es2_dataset *d;
    glca_error *err;
} emitter;

static int note(emitter *e, glca_imp_note_kind kind, const char *flow, double amount,
                const char *unit, const glca_srcloc *loc, const char *message)
{
    glca_imp_note n;

    memset(&n, 0, sizeof n);
    n.kind = kind;
    n.process = e->d->stem;
    n.flow = flow;
    n.amount = amount;
    n.unit = unit;
    n.message = message;
    n.loc = *loc;
    return glca_inventories__imp_note(e->im, &n, e->err);
}

/* The flow of `x`, added to the import; *unit receives its unit table name (NULL: left out). */
static int add_flow(emitter *e, const glca_es2_exchange *x, const char **unit)
{
    const glca_es2_mflow *mf = glca_inventories__es2_master_find(e->master, x->flow);
    const char *es2_unit = mf ? mf->unit : x->unit;
    glca_imp_flow f;
    char msg[256];
    int rc = 0;

    *unit = NULL;
    if (!mf || mf->elementary != x->elementary) {
        snprintf(msg, sizeof msg, "%s flow '%s' is not in %s/%s; name and unit taken from "
                 "the dataset", x->elementary ? "elementary" : "intermediate", x->flow,
                 e->master->dir, x->elementary ? "ElementaryExchanges.xml"
                                               : "IntermediateExchanges.xml");
        if ((rc = note(e, GLCA_IMP_DANGLING, x->flow, x->amount, x->unit, &x->loc, msg)) < 0)
            return rc;
        mf = NULL;
        es2_unit = x->unit;
    }
    if (!es2_unit || !(*unit = map_unit(e->units, es2_unit, e->err, &rc))) {
        if (rc < 0)
            return rc;
        snprintf(msg, sizeof msg, "unit '%.60s' of flow '%s' is not known: exchange left out",
                 es2_unit ? es2_unit : "", x->flow);
        return note(e, GLCA_IMP_UNIT, x->flow, x->amount, es2_unit, &x->loc, msg);
    }
    memset(&f, 0, sizeof f);
    f.id = x->flow;
    f.name = mf ? mf->name : x->name;
    f.unit = *unit;
    f.compartment = mf ? mf->compartment : x->compartment;
    f.cas = mf ? mf->cas : NULL;
    f.kind = x->elementary ? GLCA_IMP_FLOW_ELEMENTARY
             : mf && mf->waste ? GLCA_IMP_FLOW_WASTE : GLCA_IMP_FLOW_PRODUCT;
    f.loc = mf ? mf->loc : x->loc;
    return glca_inventories__imp_add_flow(e->im, &f, e->err);
}

/* MasterData may classify a flow as waste where the dataset does not. */
static bool mf_waste(const emitter *e, const char *flow)
{
    const glca_es2_mflow *mf = glca_inventories__es2_master_find(e->master, flow);

    return mf && mf->waste;
}

static int add_exchange(emitter *e, const glca_es2_exchange *x, size_t *index)
{
    const char *flow_unit, *unit;
    glca_imp_exchange ix;
    glca_error ue = GLCA_ERROR_INIT;
    double ratio;
    char msg[256];
    int rc = 0;

    *index = SIZE_MAX;
    if (isnan(x->amount)) /* noted when the dataset was read */
        return 0;
    if ((rc = add_flow(e, x, &flow_unit)) < 0 || !flow_unit)
        return rc;
    unit = flow_unit;
    if (x->unit && !(unit = map_unit(e->units, x->unit, e->err, &rc))) {
        if (rc < 0)
            return rc;
        snprintf(msg, sizeof msg, "unit '%.60s' is not known: exchange left out", x->unit);
        return note(e, GLCA_IMP_UNIT, x->flow, x->amount, x->unit, &x->loc, msg);
    }
    if (glca_units_ratio(e->units, unit, flow_unit, &ratio, &ue) < 0) {
        snprintf(msg, sizeof msg, "amount in '%.40s' but the flow is in '%.40s' (MasterData): "
                 "exchange left out", x->unit, flow_unit);
        return note(e, GLCA_IMP_UNIT, x->flow, x->amount, x->unit, &x->loc, msg);
    }
    memset(&ix, 0, sizeof ix);
    ix.flow = x->flow;
    ix.dir = x->output ? GLCA_OUTPUT : GLCA_INPUT;
    ix.amount = x->amount;
    ix.unit = unit;
    ix.provider = x->provider;
    ix.location = e->d->geography;
    ix.unc = x->unc;
    ix.reference = x->reference;
    ix.coproduct = x->coproduct && !mf_waste(e, x->flow);
    ix.loc = x->loc;
    if ((rc = glca_inventories__imp_add_exchange(e->im, &ix, e->err)) < 0)
        return rc;
    *index = glca_inventories__imp_nexchanges_of_current(e->im);
    return 0;
}

/*
 * Whole-process factors of one kind over the products (reference and co-products with a
 * non-zero amount): product i's share of sum(amount × property).  Given only when every
 * product has the property and every share is positive; otherwise nothing of that kind.
 */
static int add_factors(emitter *e, const size_t *index, glca_imp_alloc_kind kind)
{
    const glca_es2_dataset *d = e->d;
    double total = 0;
    size_t i, nproducts = 0;
    int rc;

    for (i = 0; i < d->nx; i++) {
        const glca_es2_exchange *x = &d->x[i];
        double p = kind == GLCA_IMP_ALLOC_ECONOMIC ? x->price : x->mass;

        if (!(x->reference || (x->coproduct && !mf_waste(e, x->flow))) || x->amount == 0 ||
            index[i] == SIZE_MAX)
            continue;
        if (!(p * x->amount > 0))
            return 0;
        total += p * x->amount;
        nproducts++;
    }
    if (nproducts < 2)
        return 0;
    for (i = 0; i < d->nx; i++) {
        const glca_es2_exchange *x = &d->x[i];
        double p = kind == GLCA_IMP_ALLOC_ECONOMIC ? x->price : x->mass;
        glca_imp_alloc a;

        if (!(x->reference || (x->coproduct && !mf_waste(e, x->flow))) || x->amount == 0 ||
            index[i] == SIZE_MAX)
            continue;
        a.kind = kind;
        a.coproduct = index[i];
        a.exchange = SIZE_MAX;
        a.fraction = p * x->amount / total;
        a.loc = x->loc;
        if ((rc = glca_inventories__imp_add_alloc(e->im, &a, e->err)) < 0)
            return rc;
    }
    return 0;
}

static int emit_dataset(emitter *e)
{
    const glca_es2_dataset *d = e->d;
    glca_imp_process p;
    size_t i, *index;
    int rc = 0;

    memset(&p, 0, sizeof p);
    p.id = d->stem;
    p.name = d->name;
    p.location = d->geography;
    p.loc = d->loc;
    if ((rc = glca_inventories__imp_add_process(e->im, &p, e->err)) < 0)
        return rc;
    if (!(index = glca_mallocarray(d->nx ? d->nx : 1, sizeof *index)))
        return glca_error_oom(e->err);
    for (i = 0; i < d->nx && rc == 0; i++)
        rc = add_exchange(e, &d->x[i], &index[i]);
    if (rc == 0)
        rc = add_factors(e, index, GLCA_IMP_ALLOC_ECONOMIC);
    if (rc == 0)
        rc = add_factors(e, index, GLCA_IMP_ALLOC_PHYSICAL);
    for (i = 0; i < d->nnotes && rc == 0; i++)
        rc = note(e, d->notes[i].kind, d->notes[i].flow, NAN, NULL, &d->notes[i].loc,
                  d->notes[i].message);
    glca_free(index);
    return rc;
}

int glca_inventories__read_ecospold2(glca_import *im, const char *path,
                                     const glca_xml_limits *limits, glca_diag_fn diag,
                                     void *payload, glca_error *err)
{
    glca_es2_set *s = NULL;
    emitter e;
    size_t i;
    int rc;

    if ((rc = glca_inventories__es2_read_set(&s, path, limits, 0, diag, payload, err)) < 0)
        return rc;
    e.im = im;
    e.master = s->master;
    e.units = glca_inventories__imp_units(im);
    e.err = err;
    for (i = 0; i < s->nds && rc == 0; i++) {
        e.d = s->ds[i];
        rc = emit_dataset(&e);
    }
    glca_inventories__es2_set_free(s);
    return rc;
}
