/*
 * EcoSpold 1 inside: the datasets as read (ecospold1.c), and the rules that turn them into a
 * glca_import the way the bundled USLCI converter does (ecospold1_link.c, ecospold1_names.c).
 */
#ifndef GLCA_ECOSPOLD1_H
#define GLCA_ECOSPOLD1_H

#include "importers/importers.h"
#include "importers/import_int.h"

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

/* Read one EcoSpold 1 file's datasets into `e`; problems to `diag`, first code returned. */
int glca_inventories__es1_read_file(glca_es1 *e, const char *path,
                                    const glca_xml_limits *limits, glca_diag_fn diag,
                                    void *payload, glca_error *err);

/* Everything read, as the converter would write it, into e->im (notes included). */
int glca_inventories__es1_emit(glca_es1 *e, glca_error *err);

/* Name rules (ecospold1_names.c). */
void glca_inventories__es1_clean(char *s);
void glca_inventories__es1_slug(const char *text, char *out, size_t size);
bool glca_inventories__es1_cas(const char *cas, char *out, size_t size);

#endif
