/*
 * The linker's state, shared by import_link.c (providers), import_alloc.c (products and
 * allocation factors) and import_emit.c (what the sink receives).
 */
#ifndef GLCA_IMPORT_LINK_INT_H
#define GLCA_IMPORT_LINK_INT_H

#include "importers/import_int.h"

/* What an exchange is to its process. */
enum {
    GLCA_LK_PLAIN = 0, /* an input or output linked (or cut off) by import_link.c */
    GLCA_LK_REFERENCE, /* the quantitative reference */
    GLCA_LK_PRODUCT,   /* a co-product with allocation factors: a product of its own */
    GLCA_LK_DROPPED    /* a co-product left out (noted) */
};

/* One engine process: a source process for one of its products. */
typedef struct glca_eng_unit {
    size_t proc;    /* source process */
    size_t x;       /* its product exchange, index into im->xs */
    size_t flow;    /* the product's flow, index into im->flows */
    double entry;   /* the product exchange's entry: > 0 a producer, < 0 a treater */
    const char *id; /* engine process id (interned) */
} glca_eng_unit;

typedef struct glca_linker {
    glca_import *im;
    glca_allocation allocation;
    const glca_provider_map *map;
    const glca_imp_sink *out;
    glca_diag_sink sink;
    glca_eng_unit *units;
    size_t nunits, capunits;
    size_t *pstart, *plist, *pfill; /* units by product flow (CSR) */
    size_t *provider;               /* per exchange: the unit serving it, SIZE_MAX: none */
    bool *keep;                     /* per exchange: emitted */
    unsigned char *role;            /* per exchange: GLCA_LK_* */
    size_t *ref;        /* per process: its reference exchange (index within the process),
                           SIZE_MAX: the process is left out */
    signed char *akind;    /* per process: glca_imp_alloc_kind applied, -1: none */
    const char **native;   /* per exchange: a process of our own inventories serving it */
} glca_linker;

/* Whether our own inventories define this flow (the import does not emit it again). */
bool glca_inventories__lk_native_flow(const glca_linker *lk, const char *flow);

/* (output ? +1 : -1) × amount */
double glca_inventories__entry(const glca_imp_exchange *x);

/* Add a note about exchange `x` (may be NULL) of `process`; 0, or the sink's first code. */
int glca_inventories__lk_note(glca_linker *lk, glca_imp_note_kind kind, const char *process,
                              const glca_imp_exchange *x, const char *const *candidates,
                              const char *message);

/* The reference and co-products of process p: its units, roles, allocation checks. */
int glca_inventories__lk_products(glca_linker *lk, size_t p);

/* The factor of product exchange `c` for exchange `j` (indexes within process p). */
double glca_inventories__lk_factor(const glca_linker *lk, size_t p, size_t c, size_t j);

/* Everything to the sink, once every decision is made. */
int glca_inventories__lk_emit(glca_linker *lk);

#endif
