/*
 * The datasets of one kind parsed from an archive, one record per entry (ilcd_parse.c).
 */
#ifndef GLCA_ILCD_PARSE_H
#define GLCA_ILCD_PARSE_H

#include "importers/ilcd_int.h"

typedef struct ilcd_set {
    ilcd_kind kind;
    void *recs;         /* n records of the kind's type, in entry order */
    glca_error **errs;  /* errs[i]: why entry i failed, or NULL */
    size_t *entries;    /* archive entry of each record */
    size_t n;
} ilcd_set;

/* Parse entries[0..n) of `a` as datasets of `kind`, in parallel.  Failing datasets leave an
 * error in their slot; only running out of memory fails the whole call. */
int glca_inventories__ilcd_parse_all(ilcd_set *set, ilcd_kind kind, glca_archive *a,
                                     const size_t *entries, size_t n,
                                     const glca_xml_limits *limits, glca_error *err);
void *glca_inventories__ilcd_set_rec(const ilcd_set *set, size_t i);
void glca_inventories__ilcd_set_clear(ilcd_set *set);

#endif
