/*
 * Linking a model: resolve every flow and provider reference, convert every amount to the
 * reference unit of its flow, and check what FORMATS.md requires of processes and exchanges.
 * Every problem is reported through the diagnostics callback with the location of the element
 * at fault; the first one's code is returned.  After success the model's resolved fields
 * (model_int.h) are what background.c assembles into A and B.
 *
 * Providers are found through a table of producers per product flow (a counting sort of the
 * processes by reference product), so linking stays linear in the number of exchanges.
 */
#include <glca/engine.h>

#include "model_int.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* How many candidate providers an ambiguity message names before "and N more". */
#define LINK_MAX_NAMED 4

typedef struct linker {
    glca_model *m;
    glca_diag_sink sink; /* every problem is reported, the first one kept */
    /* producers of flow f: by_flow[start[f] .. start[f + 1]) */
    size_t *start, *by_flow;
} linker;

static void unit_problem(linker *l, const glca_srcloc *where, const char *what,
                         const glca_error *conv)
{
    glca_diag_problem(&l->sink, conv->code, where, "%s: %s", what, conv->message);
}

static int resolve_processes(linker *l)
{
    glca_model *m = l->m;
    size_t i;

    for (i = 0; i < m->nprocesses; i++) {
        glca_engine__process *p = &m->processes[i];
        const glca_engine__flow *f;
        glca_error conv = GLCA_ERROR_INIT;
        size_t fi;
        double r = 1;

        p->flow = SIZE_MAX;
        if (!glca_engine__strmap_get(&m->flow_ids, p->product, &fi)) {
            glca_diag_problem(&l->sink, GLCA_ENOTFOUND, &p->loc,
                              "process '%s': reference product '%s' not found", p->id, p->product);
            continue;
        }
        f = &m->flows[fi];
        if (f->kind != GLCA_FLOW_PRODUCT) {
            glca_diag_problem(&l->sink, GLCA_EPARSE, &p->loc,
                              "process '%s': reference product '%s' is an elementary flow", p->id,
                              p->product);
            continue;
        }
        if (p->unit && glca_units_ratio(m->units, p->unit, f->unit, &r, &conv) < 0) {
            char what[300];

            snprintf(what, sizeof what, "process '%s' reference amount", p->id);
            unit_problem(l, &p->loc, what, &conv);
            continue;
        }
        assert(isfinite(p->amount) && p->amount > 0);
        p->flow = fi;
        p->amount_ref = p->amount * r;
        if (!isfinite(p->amount_ref) || p->amount_ref <= 0)
            glca_diag_problem(&l->sink, GLCA_EPARSE, &p->loc,
                              "process '%s': reference amount %g %s is out of range in %s", p->id,
                              p->amount, p->unit, f->unit);
    }
    return 0;
}

/* Producers per product flow, by counting sort of the resolved processes. */
static int index_producers(linker *l)
{
    glca_model *m = l->m;
    size_t i, f;

    l->start = glca_calloc(m->nflows + 1, sizeof *l->start);
    l->by_flow = glca_mallocarray(m->nprocesses, sizeof *l->by_flow);
    if (!l->start || !l->by_flow)
        return GLCA_ENOMEM;
    for (i = 0; i < m->nprocesses; i++)
        if (m->processes[i].flow != SIZE_MAX)
            l->start[m->processes[i].flow + 1]++;
    for (f = 0; f < m->nflows; f++)
        l->start[f + 1] += l->start[f];
    for (i = 0; i < m->nprocesses; i++) {
        size_t pf = m->processes[i].flow;

        /* start[pf] is the next free slot; shifted back after the loop */
        if (pf != SIZE_MAX)
            l->by_flow[l->start[pf]++] = i;
    }
    for (f = m->nflows; f > 0; f--)
        l->start[f] = l->start[f - 1];
    l->start[0] = 0;
    return 0;
}

/* "'a', 'b', 'c' and 2 more" */
static void name_candidates(const linker *l, size_t flow, char *buf, size_t size)
{
    size_t n = l->start[flow + 1] - l->start[flow], i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < n && i < LINK_MAX_NAMED; i++) {
        const char *id = l->m->processes[l->by_flow[l->start[flow] + i]].id;
        int w = snprintf(buf + used, size - used, "%s'%s'", i ? ", " : "", id);

        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
    if (n > LINK_MAX_NAMED)
        snprintf(buf + used, size - used, " and %zu more", n - LINK_MAX_NAMED);
}

static void resolve_provider(linker *l, const glca_engine__process *p, glca_engine__exchange *x)
{
    glca_model *m = l->m;
    const glca_engine__flow *f = &m->flows[x->flow];
    size_t q, n;

    if (x->provider) {
        if (!glca_engine__strmap_get(&m->process_ids, x->provider, &q)) {
            glca_diag_problem(&l->sink, GLCA_ENOTFOUND, &x->loc,
                              "input of '%s': provider '%s' not found", f->id, x->provider);
            return;
        }
        if (m->processes[q].flow == SIZE_MAX)
            return; /* its reference product is broken, reported with that process */
        if (m->processes[q].flow != x->flow) {
            glca_diag_problem(&l->sink, GLCA_ENOTFOUND, &x->loc,
                              "input of '%s': provider '%s' makes '%s', not '%s'", f->id,
                              x->provider, m->processes[q].product, f->id);
            return;
        }
        x->provider_index = (long)q;
        return;
    }
    n = l->start[x->flow + 1] - l->start[x->flow];
    if (n == 1) {
        x->provider_index = (long)l->by_flow[l->start[x->flow]];
    } else if (n == 0) {
        glca_diag_problem(&l->sink, GLCA_ENOTFOUND, &x->loc,
                          "input of '%s' in process '%s': no process makes '%s'", f->id, p->id,
                          f->id);
    } else {
        char names[200];

        name_candidates(l, x->flow, names, sizeof names);
        glca_diag_problem(
            &l->sink, GLCA_ENOTFOUND, &x->loc,
            "input of '%s' in process '%s': %zu processes make it (%s); name one with "
            "provider=",
            f->id, p->id, n, names);
    }
}

static void resolve_exchange(linker *l, size_t pi, glca_engine__exchange *x)
{
    glca_model *m = l->m;
    const glca_engine__process *p = &m->processes[pi];
    const glca_engine__flow *f;
    glca_error conv = GLCA_ERROR_INIT;
    double r = 1;

    x->flow = SIZE_MAX;
    x->provider_index = -1;
    assert(isfinite(x->amount));
    if (!glca_engine__strmap_get(&m->flow_ids, x->flow_id, &x->flow)) {
        x->flow = SIZE_MAX;
        glca_diag_problem(&l->sink, GLCA_ENOTFOUND, &x->loc, "process '%s': flow '%s' not found",
                          p->id, x->flow_id);
        return;
    }
    f = &m->flows[x->flow];
    if (x->unit && glca_units_ratio(m->units, x->unit, f->unit, &r, &conv) < 0) {
        char what[300];

        snprintf(what, sizeof what, "process '%s', exchange of '%s'", p->id, f->id);
        unit_problem(l, &x->loc, what, &conv);
        x->flow = SIZE_MAX;
        return;
    }
    x->amount_ref = x->amount * r;
    if (!isfinite(x->amount_ref)) {
        glca_diag_problem(&l->sink, GLCA_EPARSE, &x->loc,
                          "process '%s': amount of '%s' overflows in %s", p->id, f->id, f->unit);
        x->flow = SIZE_MAX;
        return;
    }
    if (f->kind == GLCA_FLOW_ELEMENTARY) {
        if (x->provider)
            glca_diag_problem(&l->sink, GLCA_EPARSE, &x->loc,
                              "process '%s': '%s' is elementary and takes no provider", p->id,
                              f->id);
        return;
    }
    if (x->dir == GLCA_OUTPUT) {
        if (p->flow == SIZE_MAX)
            return; /* the process itself is broken, reported already */
        /* An extra output of the own reference product adds to the diagonal (the opposite of
         * self-use); any other product output would be a second reference product. */
        if (p->flow == x->flow) {
            x->provider_index = (long)pi;
            return;
        }
        glca_diag_problem(
            &l->sink, GLCA_EPARSE, &x->loc,
            "process '%s': co-product output of '%s' not supported; model it as a negative "
            "input (avoided product)",
            p->id, f->id);
        return;
    }
    resolve_provider(l, p, x);
}

int glca_model_link(glca_model *m, glca_diag_fn diag, void *payload, glca_error *err)
{
    linker l;
    size_t i, j;
    int rc;

    if (m->linked)
        return 0;
    memset(&l, 0, sizeof l);
    l.m = m;
    glca_diag_init(&l.sink, diag, payload, err);
    resolve_processes(&l);
    if ((rc = index_producers(&l)) < 0) {
        glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < m->nprocesses; i++) {
        const glca_engine__process *p = &m->processes[i];

        for (j = 0; j < p->nexchanges; j++)
            resolve_exchange(&l, i, &m->exchanges[p->first_exchange + j]);
    }
    m->nelementary = 0;
    for (i = 0; i < m->nflows; i++)
        if (m->flows[i].kind == GLCA_FLOW_ELEMENTARY)
            m->flows[i].elementary = m->nelementary++;
    rc = l.sink.first;
    m->linked = rc == 0;
cleanup:
    glca_free(l.start);
    glca_free(l.by_flow);
    return rc;
}
