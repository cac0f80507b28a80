/*
 * EcoSpold 1 inside: the datasets as read (ecospold1.c), and the rules that turn them into a
 * glca_import the way the bundled USLCI converter does: exchanges (ecospold1_link.c), ids
 * (ecospold1_ids.c), elementary flows, merging and allocation (ecospold1_flows.c), names
 * (ecospold1_names.c).
 */
#ifndef GLCA_ECOSPOLD1_H
#define GLCA_ECOSPOLD1_H

#include "importers/importers.h"
#include "importers/import_int.h"

#include <math.h>
#include <stdint.h>

/* One <exchange>.  Strings are interned in the import; NULL when absent. */
typedef struct glca_es1_exchange {
    const char *name, *unit, *category, *subcategory, *location, *cas;
    int number;
    bool has_amount; /* meanValue present and a number */
    double amount;
    char dir;  /* 'i' (inputGroup), 'o' (outputGroup), 0: neither */
    int group; /* the group's code, -1 if not a number */
    int utype; /* uncertaintyType, 0 if none */
    double sd95, min, max, mode;
    bool has_sd95, has_min, has_max, has_mode;
    glca_srcloc loc;
} glca_es1_exchange;

/* One <allocation>: `fraction` % of the exchanges `refs` (numbers) go to `coproduct`. */
typedef struct glca_es1_alloc {
    int coproduct;
    double fraction;
    int *refs;
    size_t nrefs;
    glca_srcloc loc;
} glca_es1_alloc;

typedef struct glca_es1_dataset {
    int number;
    const char *name, *unit, *location, *geo_text, *comment;
    bool has_amount;
    double amount;
    int end_year;
    glca_es1_exchange *xs;
    size_t nx, capx;
    glca_es1_alloc *allocs;
    size_t nallocs, capallocs;
    glca_srcloc loc;
} glca_es1_dataset;

typedef struct glca_es1 {
    glca_import *im; /* strings live here */
    glca_es1_dataset *ds;
    size_t nds, capds;
} glca_es1;

void glca_inventories__es1_free(glca_es1 *e);

/* Everything read, as the converter would write it, into e->im (notes included). */
int glca_inventories__es1_emit(glca_es1 *e, glca_error *err);

/* Name rules (ecospold1_names.c). */
void glca_inventories__es1_clean(char *s);
void glca_inventories__es1_slug(const char *text, char *out, size_t size);
bool glca_inventories__es1_cas(const char *cas, char *out, size_t size);

/* ---------------------------------------------------------------- from datasets to an import */

#define GLCA_ES1_SLUG 256

typedef struct glca_es1_proc {
    glca_es1_dataset *ds;
    const char *unit, *dim, *id, *flow, *flow_unit;
    bool us_avg, national;
    bool dropped;
    int ref_number; /* the number of its reference output exchange, -1 if none */
} glca_es1_proc;

/* One exchange kept, before duplicates are merged. */
typedef struct glca_es1_row {
    size_t proc;
    const glca_es1_exchange *x;
    bool product;
    glca_direction dir;
    const char *name, *comp, *dim, *unit; /* elementary key and unit */
    const char *flow, *provider;          /* product: the provider's flow and id */
    double amount;
    glca_uncertainty unc;
    const char *elem; /* elementary flow id, once known */
    bool merged;      /* summed into an earlier row */
    bool coproduct;   /* a joint product of a dataset with allocation records */
    bool native;      /* an input that a process of our own inventories makes */
} glca_es1_row;

/* A sort key: a process's or an elementary row's name and its position. */
typedef struct glca_es1_key {
    const char *name;
    size_t i;
} glca_es1_key;

typedef struct glca_es1_ctx {
    glca_es1 *e;
    glca_import *im;
    glca_es1_proc *procs;
    size_t nprocs;
    glca_es1_key *by_name; /* processes sorted by name, then source order */
    glca_es1_row *rows;
    size_t nrows, caprows;
    bool oom;
} glca_es1_ctx;

static inline const char *str(const char *s)
{
    return s ? s : "";
}

static inline const char *intern(glca_es1_ctx *c, const char *s)
{
    return glca_inventories__imp_intern(c->im, s, &c->oom);
}

/* Native unit name and its dimension name, or false (the converter's unit_of). */
bool glca_inventories__es1_unit_of(glca_es1_ctx *c, const char *u, const char **unit,
                                   const char **dim);
double glca_inventories__es1_factor_of(const glca_es1_ctx *c, const char *unit);
/* A note about process p (and exchange x, may be NULL); 0 or GLCA_ENOMEM. */
int glca_inventories__es1_note(glca_es1_ctx *c, glca_imp_note_kind kind, const glca_es1_proc *p,
                               const glca_es1_exchange *x, const char *const *cands,
                               const char *msg);
/* The tie-break: true when a is preferred to b (U.S. average, national, end year, number). */
bool glca_inventories__es1_preferred(const glca_es1_proc *a, const glca_es1_proc *b);
/* The first process named `name` in c->by_name, or nprocs. */
size_t glca_inventories__es1_first_named(const glca_es1_ctx *c, const char *name);
int glca_inventories__es1_add_row(glca_es1_ctx *c, const glca_es1_row *r);

/* ecospold1_ids.c: processes, product flows and their ids. */
int glca_inventories__es1_assign_ids(glca_es1_ctx *c);
int glca_inventories__es1_unique_ids(glca_es1_ctx *c);
/* ecospold1_flows.c: elementary flows, merging, one process into the import. */
int glca_inventories__es1_elementary(glca_es1_ctx *c);
void glca_inventories__es1_merge(glca_es1_ctx *c);
int glca_inventories__es1_emit_process(glca_es1_ctx *c, size_t pi, size_t r0, size_t r1,
                                       glca_error *err);

#endif
