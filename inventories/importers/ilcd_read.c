/*
 * The ILCD reader: an ILCD folder, a zip of one, one process file of such a tree, or a tree's
 * files in memory (an archive of buffers, archive_memory.c), into a glca_import.
 *
 * Datasets are found by the folder they sit in (processes/, flows/, flowproperties/,
 * unitgroups/, lciamethods/ anywhere in the archive), parsed in parallel (ilcd_parse.c) and
 * then joined here, in sorted entry order:
 *   - a flow's unit is the reference unit of the unit group of its reference flow property;
 *     an exchange that names another flow property is converted through the flow's property
 *     values (x_ref = x_prop × value_ref / value_prop);
 *   - the exchange named by referenceToReferenceFlow is the process's reference, whatever its
 *     direction (treatment processes have an input there; the linker handles that);
 *   - a reference to a flow that is not in the archive (or not even a UUID) is a DANGLING
 *     note with the exchange's file:line, and the exchange is left out;
 *   - elementary flows get ids with direction and, where an LCIA method dataset of the archive
 *     has a factor for that location, the location (ilcd_int.h, README.md).
 */
#include "importers/ilcd_read_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int by_uuid(const void *x, const void *y)
{
    return strcmp(((const ilcd_key *)x)->uuid, ((const ilcd_key *)y)->uuid);
}

int glca_inventories__ilcd_index(ilcd_index *ix, const ilcd_set *set,
                                 const char *(*uuid_of)(const void *), glca_error *err)
{
    memset(ix, 0, sizeof *ix);
    if (!set->n)
        return 0;
    if (!(ix->keys = glca_mallocarray(set->n, sizeof *ix->keys)))
        return glca_error_oom(err);
    for (size_t i = 0; i < set->n; i++) {
        if (set->errs[i])
            continue;
        ix->keys[ix->n].uuid = uuid_of(glca_inventories__ilcd_set_rec(set, i));
        ix->keys[ix->n].rec = i;
        ix->n++;
    }
    /* Stable for equal UUIDs (two versions of one dataset): the later entry wins in find. */
    for (size_t i = 0; i < ix->n; i++)
        ix->keys[i].order = i;
    qsort(ix->keys, ix->n, sizeof *ix->keys, by_uuid);
    return 0;
}

size_t glca_inventories__ilcd_find(const ilcd_index *ix, const char *uuid)
{
    size_t lo = 0, hi = ix->n, found = SIZE_MAX, order = 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->keys[mid].uuid, uuid);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ix->n && !strcmp(ix->keys[lo].uuid, uuid); lo++)
        if (found == SIZE_MAX || ix->keys[lo].order > order) {
            found = ix->keys[lo].rec;
            order = ix->keys[lo].order;
        }
    return found;
}

static const char *ug_uuid(const void *r) { return ((const ilcd_unitgroup *)r)->uuid; }
static const char *fp_uuid(const void *r) { return ((const ilcd_flowprop *)r)->uuid; }
static const char *fl_uuid(const void *r) { return ((const ilcd_flow *)r)->uuid; }

/* Entries of each kind; with `only` (a single process file) just that process. */
static int classify(ilcd_reader *r, size_t only, glca_error *err)
{
    size_t n = glca_inventories__archive_count(r->archive);

    for (int k = 0; k < ILCD_NKINDS; k++)
        if (!(r->entries[k] = glca_mallocarray(n ? n : 1, sizeof *r->entries[k])))
            return glca_error_oom(err);
    for (size_t i = 0; i < n; i++) {
        ilcd_kind k = glca_inventories__ilcd_kind(glca_inventories__archive_entry(r->archive, i));
        if (k == ILCD_PROCESS && only != SIZE_MAX && i != only)
            continue;
        if (k != ILCD_OTHER)
            r->entries[k][r->nentries[k]++] = i;
    }
    return 0;
}

/* Report each failed dataset, in entry order. */
static void report_failures(ilcd_reader *r, const ilcd_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        if (set->errs[i])
            glca_diag_report(&r->sink, set->errs[i]);
}

static int parse_kinds(ilcd_reader *r, glca_error *err)
{
    /* processes come later, in batches (parse_processes) */
    static const ilcd_kind order[] = {ILCD_UNITGROUP, ILCD_FLOWPROP, ILCD_FLOW};
    int rc;

    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        ilcd_kind kind = order[k];
        if ((rc = glca_inventories__ilcd_parse_all(&r->sets[kind], kind, r->archive,
                                                   r->entries[kind], r->nentries[kind],
                                                   r->limits, err)) < 0)
            return rc;
        report_failures(r, &r->sets[kind]);
    }
    if ((rc = glca_inventories__ilcd_index(&r->ug_index, &r->sets[ILCD_UNITGROUP], ug_uuid,
                                           err)) < 0 ||
        (rc = glca_inventories__ilcd_index(&r->fp_index, &r->sets[ILCD_FLOWPROP], fp_uuid,
                                           err)) < 0 ||
        (rc = glca_inventories__ilcd_index(&r->flow_index, &r->sets[ILCD_FLOW], fl_uuid,
                                           err)) < 0)
        return rc;
    return 0;
}

/*
 * Processes are parsed a batch at a time and joined before the next batch is parsed, so memory
 * holds the import and one batch of parsed datasets, not every dataset of a large archive.
 */
static int parse_processes(ilcd_reader *r, glca_error *err)
{
    const size_t n = r->nentries[ILCD_PROCESS];
    int rc = 0;

    if (r->sets[ILCD_FLOW].n &&
        !(r->flow_state = glca_calloc(r->sets[ILCD_FLOW].n, sizeof *r->flow_state)))
        return glca_error_oom(err);
    for (size_t b = 0; b < n && rc >= 0; b += ILCD_BATCH) {
        ilcd_set *set = &r->sets[ILCD_PROCESS];
        if ((rc = glca_inventories__ilcd_parse_all(set, ILCD_PROCESS, r->archive,
                                                   r->entries[ILCD_PROCESS] + b,
                                                   n - b < ILCD_BATCH ? n - b : ILCD_BATCH,
                                                   r->limits, err)) < 0)
            return rc;
        report_failures(r, set);
        rc = glca_inventories__ilcd_join(r);
        glca_inventories__ilcd_set_clear(set);
    }
    return rc < 0 && rc != GLCA_ENOMEM ? 0 : rc; /* other failures are in the sink already */
}

/* A single process file: the archive is the ILCD tree two folders up ("tree/processes/x"). */
static int open_single(ilcd_reader *r, const char *path, size_t *only, glca_error *err)
{
    char *copy = glca_strdup(path), *slash, *folder;
    const char *root = NULL, *entry = NULL;
    glca_srcloc at = {path, 0, 0};
    int rc;

    if (!copy)
        return glca_error_oom(err);
    *only = SIZE_MAX;
    if ((slash = strrchr(copy, '/'))) {
        *slash = '\0';
        folder = strrchr(copy, '/');
        if (!strcmp(folder ? folder + 1 : copy, "processes")) {
            /* "tree/processes/x.xml", "/processes/x.xml" or "processes/x.xml" */
            if (folder)
                *folder = '\0';
            root = !folder ? "." : copy[0] ? copy : "/";
            entry = path + (folder ? (size_t)(folder - copy) + 1 : 0);
        }
    }
    if (!root) {
        glca_free(copy);
        return glca_error_set(err, GLCA_EPARSE, &at,
                              "an ILCD process file is read within its ILCD tree and must sit "
                              "in its processes/ folder (its flows are in ../flows)");
    }
    rc = glca_inventories__archive_open(&r->archive, root, NULL, err);
    if (rc == 0 && (*only = glca_inventories__archive_find(r->archive, entry)) == SIZE_MAX)
        rc = glca_error_set(err, GLCA_ENOTFOUND, &at, "not found in its tree");
    glca_free(copy);
    return rc;
}

/* Everything after the archive is open: find, parse and join its datasets. */
static int read_archive(ilcd_reader *r, size_t only, const glca_srcloc *at, glca_error *e)
{
    int rc;

    if ((rc = classify(r, only, e)) < 0 || (rc = parse_kinds(r, e)) < 0)
        return glca_diag_report(&r->sink, e);
    if (!r->nentries[ILCD_PROCESS])
        return glca_diag_problem(&r->sink, GLCA_EPARSE, at,
                                 "no ILCD process datasets (processes/*.xml)");
    if ((rc = glca_inventories__ilcd_located_read(&r->located, r->archive, r->limits,
                                                  &r->sink)) < 0)
        return rc;
    if ((rc = parse_processes(r, e)) == GLCA_ENOMEM && !r->sink.first)
        glca_diag_report(&r->sink, e);
    return rc;
}

/* The first problem's code (every one is in the sink), and the reader's memory released. */
static int finish(ilcd_reader *r, int rc)
{
    if (rc >= 0 && r->sink.first)
        rc = r->sink.first;
    glca_inventories__ilcd_located_clear(&r->located);
    glca_free(r->ug_index.keys);
    glca_free(r->fp_index.keys);
    glca_free(r->flow_index.keys);
    glca_free(r->flow_state);
    for (int k = 0; k < ILCD_NKINDS; k++) {
        glca_inventories__ilcd_set_clear(&r->sets[k]);
        glca_free(r->entries[k]);
    }
    glca_inventories__archive_free(r->archive);
    return rc;
}

/* The reader both entry points start from: nothing read, problems to `diag`. */
static void start(ilcd_reader *r, glca_import *im, const glca_xml_limits *limits,
                  glca_diag_fn diag, void *payload, glca_error *err)
{
    memset(r, 0, sizeof *r);
    r->im = im;
    r->limits = limits;
    glca_diag_init(&r->sink, diag, payload, err);
}

int glca_inventories__read_ilcd(glca_import *im, const char *path,
                                const glca_xml_limits *limits, glca_diag_fn diag,
                                void *payload, glca_error *err)
{
    ilcd_reader r;
    glca_srcloc at = {path, 0, 0};
    struct stat st;
    size_t only = SIZE_MAX;
    glca_error e = GLCA_ERROR_INIT;
    int rc;

    start(&r, im, limits, diag, payload, err);
    if (stat(path, &st) != 0)
        rc = glca_diag_problem(&r.sink, GLCA_EIO, &at, "cannot read: %s", strerror(errno));
    else if ((rc = S_ISREG(st.st_mode) && !glca_inventories__archive_is_zip(path)
                       ? open_single(&r, path, &only, &e)
                       : glca_inventories__archive_open(&r.archive, path, NULL, &e)) < 0)
        glca_diag_report(&r.sink, &e);
    else
        rc = read_archive(&r, only, &at, &e);
    return finish(&r, rc);
}

int glca_inventories__read_ilcd_memory(glca_import *im, const char *name,
                                       const glca_archive_member *members, size_t n,
                                       const glca_xml_limits *limits, glca_diag_fn diag,
                                       void *payload, glca_error *err)
{
    ilcd_reader r;
    glca_srcloc at = {name, 0, 0};
    glca_error e = GLCA_ERROR_INIT;
    int rc;

    start(&r, im, limits, diag, payload, err);
    if ((rc = glca_inventories__archive_open_memory(&r.archive, name, members, n, NULL, &e)) < 0)
        glca_diag_report(&r.sink, &e);
    else
        rc = read_archive(&r, SIZE_MAX, &at, &e);
    return finish(&r, rc);
}
