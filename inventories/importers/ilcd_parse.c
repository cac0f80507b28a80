/*
 * Parsing the datasets of an ILCD archive in parallel: one OpenMP task per dataset, each
 * writing only its own slot, so the results do not depend on the thread count or order.  A
 * dataset that fails leaves an error in its slot; ilcd_read.c reports them in entry order.
 */
#include "importers/ilcd_parse.h"

#include <string.h>

static size_t record_size(ilcd_kind kind)
{
    switch (kind) {
    case ILCD_UNITGROUP: return sizeof(ilcd_unitgroup);
    case ILCD_FLOWPROP: return sizeof(ilcd_flowprop);
    case ILCD_FLOW: return sizeof(ilcd_flow);
    case ILCD_PROCESS: return sizeof(ilcd_process);
    default: return 0;
    }
}

static int parse_one(void *rec, ilcd_kind kind, glca_archive *a, size_t entry,
                     const glca_xml_limits *limits, glca_error *err)
{
    glca_xml *x = NULL;
    char *buf = NULL;
    int rc;

    if ((rc = glca_inventories__ilcd_open(&x, &buf, a, entry, limits, err)) < 0)
        return rc;
    switch (kind) {
    case ILCD_UNITGROUP: rc = glca_inventories__ilcd_parse_unitgroup(rec, x, err); break;
    case ILCD_FLOWPROP: rc = glca_inventories__ilcd_parse_flowprop(rec, x, err); break;
    case ILCD_FLOW: rc = glca_inventories__ilcd_parse_flow(rec, x, err); break;
    case ILCD_PROCESS: rc = glca_inventories__ilcd_parse_process(rec, x, err); break;
    default: rc = GLCA_ERROR; break;
    }
    glca_xml_free(x);
    glca_free(buf);
    return rc;
}

/* Locations point into the XML reader, which is gone after parsing: make them name the entry
 * as the archive does (the archive outlives the records). */
static void relocate(void *rec, ilcd_kind kind, const char *file)
{
    switch (kind) {
    case ILCD_UNITGROUP: ((ilcd_unitgroup *)rec)->loc.file = file; break;
    case ILCD_FLOWPROP: ((ilcd_flowprop *)rec)->loc.file = file; break;
    case ILCD_FLOW: ((ilcd_flow *)rec)->loc.file = file; break;
    case ILCD_PROCESS: {
        ilcd_process *p = rec;
        p->loc.file = file;
        for (size_t i = 0; i < p->nxs; i++) {
            p->xs[i].loc.file = file;
            for (size_t k = 0; k < p->xs[i].nallocs; k++)
                p->xs[i].allocs[k].loc.file = file;
        }
        break;
    }
    default: break;
    }
}

static void clear_one(void *rec, ilcd_kind kind)
{
    switch (kind) {
    case ILCD_UNITGROUP: glca_inventories__ilcd_unitgroup_clear(rec); break;
    case ILCD_FLOWPROP: glca_inventories__ilcd_flowprop_clear(rec); break;
    case ILCD_FLOW: glca_inventories__ilcd_flow_clear(rec); break;
    case ILCD_PROCESS: glca_inventories__ilcd_process_clear(rec); break;
    default: break;
    }
}

int glca_inventories__ilcd_parse_all(ilcd_set *set, ilcd_kind kind, glca_archive *a,
                                     const size_t *entries, size_t n,
                                     const glca_xml_limits *limits, glca_error *err)
{
    size_t size = record_size(kind);
    long noom = 0;

    memset(set, 0, sizeof *set);
    set->kind = kind;
    if (!n)
        return 0;
    if (!(set->recs = glca_calloc(n, size)) || !(set->errs = glca_calloc(n, sizeof *set->errs)) ||
        !(set->entries = glca_mallocarray(n, sizeof *set->entries))) {
        glca_inventories__ilcd_set_clear(set);
        return glca_error_oom(err);
    }
    memcpy(set->entries, entries, n * sizeof *entries);
    set->n = n;
#pragma omp parallel for schedule(dynamic, 4) reduction(+ : noom)
    for (size_t i = 0; i < n; i++) {
        glca_error e = GLCA_ERROR_INIT;
        void *rec = (char *)set->recs + i * size;

        if (parse_one(rec, kind, a, entries[i], limits, &e) == 0) {
            relocate(rec, kind, glca_inventories__archive_display(a, entries[i]));
        } else {
            clear_one(rec, kind);
            if ((set->errs[i] = glca_malloc(sizeof e)))
                *set->errs[i] = e;
            else
                noom++;
        }
    }
    if (noom) {
        glca_inventories__ilcd_set_clear(set);
        return glca_error_oom(err);
    }
    return 0;
}

void *glca_inventories__ilcd_set_rec(const ilcd_set *set, size_t i)
{
    return (char *)set->recs + i * record_size(set->kind);
}

void glca_inventories__ilcd_set_clear(ilcd_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        clear_one(glca_inventories__ilcd_set_rec(set, i), set->kind);
        glca_free(set->errs[i]);
    }
    glca_free(set->recs);
    glca_free(set->errs);
    glca_free(set->entries);
    memset(set, 0, sizeof *set);
}
