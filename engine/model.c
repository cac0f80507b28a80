/*
 * The model builder: collects flows, processes and their exchanges by id, in any order and
 * from any number of files, copying every string.  Nothing is resolved here (a flow may be
 * added after the process that uses it); link.c does that once everything is in.  Checks that
 * need no other object (duplicate ids, finite amounts) are made at once so the error points at
 * the offending element.
 */
#include <glca/engine.h>

#include "model_int.h"

#include <math.h>
#include <string.h>

int glca_model_new(glca_model **out, glca_error *err)
{
    glca_model *m = glca_calloc(1, sizeof *m);
    int rc;

    if (!m)
        return glca_error_oom(err);
    if ((rc = glca_units_new(&m->units, err)) < 0) {
        glca_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void glca_model_free(glca_model *m)
{
    if (!m)
        return;
    glca_units_free(m->units);
    glca_engine__strmap_free(&m->flow_ids);
    glca_engine__strmap_free(&m->process_ids);
    glca_engine__arena_free(&m->strings);
    glca_free(m->flows);
    glca_free(m->processes);
    glca_free(m->exchanges);
    glca_free(m);
}

glca_units *glca_model_units(glca_model *m)
{
    return m->units;
}

size_t glca_model_nprocesses(const glca_model *m)
{
    return m->nprocesses;
}

size_t glca_model_nflows(const glca_model *m)
{
    return m->nflows;
}

/* Copy `s` (NULL stays NULL) into the model; false if out of memory. */
static bool copy(glca_model *m, const char *s, const char **out)
{
    *out = NULL;
    return !s || (*out = glca_engine__arena_strdup(&m->strings, s)) != NULL;
}

static int check_id(const char *what, const char *id, const glca_srcloc *loc, glca_error *err)
{
    if (!id || !*id)
        return glca_error_set(err, GLCA_EPARSE, loc, "%s without an id", what);
    return 0;
}

static int duplicate(const char *what, const char *id, const glca_srcloc *first,
                     const glca_srcloc *loc, glca_error *err)
{
    if (first->file)
        return glca_error_set(err, GLCA_EPARSE, loc, "duplicate %s id '%s' (first at %s:%ld:%ld)",
                              what, id, first->file, first->line, first->column);
    return glca_error_set(err, GLCA_EPARSE, loc, "duplicate %s id '%s'", what, id);
}

int glca_model_add_flow(glca_model *m, const char *id, glca_flow_kind kind, const char *name,
                        const char *unit, const char *compartment, const char *cas,
                        const glca_srcloc *loc, glca_error *err)
{
    glca_engine__flow f;
    size_t prior;
    int rc;

    if ((rc = check_id("flow", id, loc, err)) < 0)
        return rc;
    if (kind != GLCA_FLOW_PRODUCT && kind != GLCA_FLOW_ELEMENTARY)
        return glca_error_set(err, GLCA_EPARSE, loc, "flow '%s' has an invalid kind", id);
    if (!unit || glca_units_lookup(m->units, unit, NULL, NULL) < 0)
        return glca_error_set(err, GLCA_EUNIT, loc, "flow '%s': unknown unit '%s'", id,
                              unit ? unit : "");
    if (glca_engine__strmap_get(&m->flow_ids, id, &prior))
        return duplicate("flow", id, &m->flows[prior].loc, loc, err);
    memset(&f, 0, sizeof f);
    f.kind = kind;
    if (!copy(m, id, &f.id) || !copy(m, name, &f.name) || !copy(m, unit, &f.unit) ||
        !copy(m, compartment, &f.compartment) || !copy(m, cas, &f.cas) ||
        glca_engine__arena_srcloc(&m->strings, &m->last_file, loc, &f.loc) < 0 ||
        glca_engine__reserve(&m->flows, &m->capflows, m->nflows, sizeof *m->flows) < 0 ||
        glca_engine__strmap_put(&m->flow_ids, f.id, m->nflows, NULL) < 0)
        return glca_error_oom(err);
    m->flows[m->nflows++] = f;
    m->linked = false;
    return 0;
}

int glca_model_add_process(glca_model *m, const char *id, const char *name, const char *location,
                           const char *product_flow, double amount, const char *unit,
                           const glca_srcloc *loc, glca_error *err)
{
    glca_engine__process p;
    size_t prior;
    int rc;

    if ((rc = check_id("process", id, loc, err)) < 0)
        return rc;
    if (!product_flow || !*product_flow)
        return glca_error_set(err, GLCA_EPARSE, loc, "process '%s' has no reference product",
                              id);
    if (!isfinite(amount) || amount <= 0)
        return glca_error_set(err, GLCA_EPARSE, loc,
                              "process '%s': reference amount %g must be positive and finite",
                              id, amount);
    if (unit && glca_units_lookup(m->units, unit, NULL, NULL) < 0)
        return glca_error_set(err, GLCA_EUNIT, loc, "process '%s': unknown unit '%s'", id,
                              unit);
    if (glca_engine__strmap_get(&m->process_ids, id, &prior))
        return duplicate("process", id, &m->processes[prior].loc, loc, err);
    memset(&p, 0, sizeof p);
    p.amount = amount;
    p.first_exchange = m->nexchanges;
    if (!copy(m, id, &p.id) || !copy(m, name, &p.name) || !copy(m, location, &p.location) ||
        !copy(m, product_flow, &p.product) || !copy(m, unit, &p.unit) ||
        glca_engine__arena_srcloc(&m->strings, &m->last_file, loc, &p.loc) < 0 ||
        glca_engine__reserve(&m->processes, &m->capprocesses, m->nprocesses,
                sizeof *m->processes) < 0 ||
        glca_engine__strmap_put(&m->process_ids, p.id, m->nprocesses, NULL) < 0)
        return glca_error_oom(err);
    m->processes[m->nprocesses++] = p;
    m->linked = false;
    return 0;
}

int glca_model_add_exchange(glca_model *m, glca_direction dir, const char *flow_id, double amount,
                            const char *unit, const char *provider, const glca_uncertainty *unc,
                            const glca_srcloc *loc, glca_error *err)
{
    glca_engine__process *p;
    glca_engine__exchange x;

    if (!m->nprocesses)
        return glca_error_set(err, GLCA_ERROR, loc, "exchange outside any process");
    p = &m->processes[m->nprocesses - 1];
    if (dir != GLCA_INPUT && dir != GLCA_OUTPUT)
        return glca_error_set(err, GLCA_EPARSE, loc, "exchange with an invalid direction");
    if (!flow_id || !*flow_id)
        return glca_error_set(err, GLCA_EPARSE, loc, "exchange of process '%s' without a flow",
                              p->id);
    if (!isfinite(amount))
        return glca_error_set(err, GLCA_EPARSE, loc, "exchange of '%s': amount is not finite",
                              flow_id);
    if (unit && glca_units_lookup(m->units, unit, NULL, NULL) < 0)
        return glca_error_set(err, GLCA_EUNIT, loc, "exchange of '%s': unknown unit '%s'",
                              flow_id, unit);
    if (provider && dir == GLCA_OUTPUT)
        return glca_error_set(err, GLCA_EPARSE, loc,
                              "output of '%s' names a provider; only inputs have one", flow_id);
    memset(&x, 0, sizeof x);
    x.dir = dir;
    x.amount = amount;
    x.provider_index = -1;
    if (unc) {
        if (!isfinite(unc->a) || !isfinite(unc->b))
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "exchange of '%s': uncertainty parameter is not finite",
                                  flow_id);
        x.unc = *unc;
    }
    if (!copy(m, flow_id, &x.flow_id) || !copy(m, unit, &x.unit) ||
        !copy(m, provider, &x.provider) ||
        glca_engine__arena_srcloc(&m->strings, &m->last_file, loc, &x.loc) < 0 ||
        glca_engine__reserve(&m->exchanges, &m->capexchanges, m->nexchanges,
                sizeof *m->exchanges) < 0)
        return glca_error_oom(err);
    m->exchanges[m->nexchanges++] = x;
    p->nexchanges++;
    m->linked = false;
    return 0;
}
