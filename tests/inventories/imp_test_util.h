/*
 * Helpers of the importer tests: building a glca_import by hand and a sink that records what
 * the linking emits, so a test reads the engine's matrices entry by entry.
 */
#ifndef IMP_TEST_UTIL_H
#define IMP_TEST_UTIL_H

#include <math.h>
#include <stdint.h>

#include "inv_test_util.h"
#include "inventories/importers/import.h"

typedef struct rec_x {
    char process[128], flow[128], provider[128];
    glca_direction dir;
    double amount;
    glca_uncertainty unc;
} rec_x;

typedef struct rec_p {
    char id[128], product[128];
    double amount;
} rec_p;

typedef struct recorder {
    rec_p p[32];
    rec_x x[128];
    char flows[64][128];
    size_t np, nx, nflows;
} recorder;

static inline int rec_flow(void *payload, const char *id, glca_flow_kind kind, const char *name,
                           const char *unit, const char *compartment, const char *cas,
                           const glca_srcloc *loc, glca_error *err)
{
    recorder *r = payload;

    (void)kind, (void)name, (void)unit, (void)compartment, (void)cas, (void)loc, (void)err;
    cr_assert_lt(r->nflows, 64);
    snprintf(r->flows[r->nflows++], 128, "%s", id);
    return 0;
}

static inline int rec_process(void *payload, const char *id, const char *name, const char *location,
                              const char *product_flow, double amount, const char *unit,
                              const glca_srcloc *loc, glca_error *err)
{
    recorder *r = payload;

    (void)name, (void)location, (void)unit, (void)loc, (void)err;
    cr_assert_lt(r->np, 32);
    snprintf(r->p[r->np].id, 128, "%s", id);
    snprintf(r->p[r->np].product, 128, "%s", product_flow);
    r->p[r->np++].amount = amount;
    return 0;
}

static inline int rec_exchange(void *payload, glca_direction dir, const char *flow, double amount,
                               const char *unit, const char *provider, const glca_uncertainty *unc,
                               const glca_srcloc *loc, glca_error *err)
{
    recorder *r = payload;
    rec_x *x = &r->x[r->nx];

    (void)unit, (void)loc, (void)err;
    cr_assert_lt(r->nx, 128);
    cr_assert_gt(r->np, 0);
    memcpy(x->process, r->p[r->np - 1].id, sizeof x->process);
    snprintf(x->flow, 128, "%s", flow);
    snprintf(x->provider, 128, "%s", provider ? provider : "");
    x->dir = dir;
    x->amount = amount;
    x->unc = unc ? *unc : (glca_uncertainty){GLCA_DIST_NONE, 0, 0};
    r->nx++;
    return 0;
}

static inline glca_imp_sink rec_sink(recorder *r)
{
    glca_imp_sink s = {rec_flow, rec_process, rec_exchange, r};

    memset(r, 0, sizeof *r);
    return s;
}

static inline const rec_p *rec_find_p(const recorder *r, const char *id)
{
    size_t i;

    for (i = 0; i < r->np; i++)
        if (strcmp(r->p[i].id, id) == 0)
            return &r->p[i];
    return NULL;
}

static inline const rec_x *rec_find_x(const recorder *r, const char *process, const char *flow)
{
    size_t i;

    for (i = 0; i < r->nx; i++)
        if (strcmp(r->x[i].process, process) == 0 && strcmp(r->x[i].flow, flow) == 0)
            return &r->x[i];
    return NULL;
}

/* A fresh import over the built-in units (both freed by imp_done). */
static inline glca_import *imp_start(glca_units **units)
{
    glca_import *im = NULL;

    cr_assert_eq(glca_units_new(units, NULL), 0);
    cr_assert_eq(glca_inventories__imp_new(&im, *units, NULL), 0);
    return im;
}

static inline void imp_done(glca_import *im, glca_units *units)
{
    glca_inventories__imp_free(im);
    glca_units_free(units);
}

static inline void imp_flow(glca_import *im, const char *id, glca_imp_flow_kind kind,
                            const char *unit)
{
    glca_imp_flow f = {id,
                       id,
                       unit,
                       kind == GLCA_IMP_FLOW_ELEMENTARY ? "air" : NULL,
                       NULL,
                       kind,
                       {"hand.xml", 1, 1}};
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_inventories__imp_add_flow(im, &f, &e), 0, "%s", inv_fmt(&e));
}

static inline void imp_proc(glca_import *im, const char *id, long line)
{
    glca_imp_process p = {id, id, NULL, {"hand.xml", line, 1}};
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_inventories__imp_add_process(im, &p, &e), 0, "%s", inv_fmt(&e));
}

/* An exchange of the current process; returns its index within the process. */
static inline size_t imp_x(glca_import *im, const char *flow, glca_direction dir, double amount,
                           bool reference, bool coproduct, long line)
{
    glca_imp_exchange x;
    glca_error e = GLCA_ERROR_INIT;

    memset(&x, 0, sizeof x);
    x.flow = flow;
    x.dir = dir;
    x.amount = amount;
    x.reference = reference;
    x.coproduct = coproduct;
    x.loc = (glca_srcloc){"hand.xml", line, 1};
    cr_assert_eq(glca_inventories__imp_add_exchange(im, &x, &e), 0, "%s", inv_fmt(&e));
    return glca_inventories__imp_nexchanges_of_current(im);
}

static inline void imp_alloc(glca_import *im, glca_imp_alloc_kind kind, size_t coproduct,
                             size_t exchange, double fraction, long line)
{
    glca_imp_alloc a = {kind, coproduct, exchange, fraction, {"hand.xml", line, 1}};
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_inventories__imp_add_alloc(im, &a, &e), 0, "%s", inv_fmt(&e));
}

/* How many notes of this kind the import holds. */
static inline size_t imp_count(const glca_import *im, glca_imp_note_kind kind)
{
    size_t i, n = 0;

    for (i = 0; i < glca_inventories__imp_nnotes(im); i++)
        n += glca_inventories__imp_note_at(im, i)->kind == kind;
    return n;
}

#endif
