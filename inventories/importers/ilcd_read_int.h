/*
 * The ILCD reader's state, shared by ilcd_read.c (finding and parsing datasets) and
 * ilcd_join.c (joining them into the import).
 */
#ifndef GLCA_ILCD_READ_INT_H
#define GLCA_ILCD_READ_INT_H

#include "importers/ilcd_parse.h"

#define ILCD_NKINDS 6

/* Process datasets parsed at once: enough tasks to keep the threads busy, few enough that the
 * parsed records stay small next to the import. */
#define ILCD_BATCH 1024

/* UUID -> record, sorted (two files with one UUID: the later entry wins). */
typedef struct ilcd_key {
    const char *uuid;
    size_t rec, order;
} ilcd_key;

typedef struct ilcd_index {
    ilcd_key *keys;
    size_t n;
} ilcd_index;

int glca_inventories__ilcd_index(ilcd_index *ix, const ilcd_set *set,
                                 const char *(*uuid_of)(const void *), glca_error *err);
/* Record index of `uuid`, or SIZE_MAX. */
size_t glca_inventories__ilcd_find(const ilcd_index *ix, const char *uuid);

/* What the join found out about each flow record, computed once. */
typedef struct ilcd_flow_state {
    bool resolved;
    const char *unit;      /* reference unit (borrowed from its unit group record) */
    const char *ref_prop;  /* reference flow property UUID */
    double ref_mean;       /* its value */
    const char *why;       /* NULL when usable, else why not (a static string) */
} ilcd_flow_state;

typedef struct ilcd_reader {
    glca_import *im;
    const glca_xml_limits *limits;
    glca_diag_sink sink;
    glca_archive *archive;
    size_t *entries[ILCD_NKINDS];
    size_t nentries[ILCD_NKINDS];
    ilcd_set sets[ILCD_NKINDS];
    ilcd_index ug_index, fp_index, flow_index;
    ilcd_flow_state *flow_state; /* per record of sets[ILCD_FLOW] */
    ilcd_located located;
} ilcd_reader;

/* Add the parsed processes of sets[ILCD_PROCESS], in entry order, with their flows, exchanges
 * and notes (r->flow_state allocated by the caller). */
int glca_inventories__ilcd_join(ilcd_reader *r);

#endif
