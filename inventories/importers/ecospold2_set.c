/*
 * A set of EcoSpold 2 datasets: which files, which MasterData, reading them in parallel and
 * resolving activityLinkId.
 *
 * Files are listed and sorted by path before anything is read, each OpenMP task reads one file
 * into a dataset of its own (no shared state but the read-only limits), and the datasets are
 * kept in that sorted order: the set, the notes and the first error are the same for any
 * thread count.  Memory is that of the datasets read (the model), not of the bytes: each file
 * is streamed.
 *
 * An input names its provider by activity (activityLinkId) and product (the exchange's flow);
 * the provider's process id is the file stem "activity_product" that the producing dataset has.
 * A link to a dataset that is not in the set is noted as dangling and left to the linker, which
 * then looks for the product's unique producer.
 */
#include "importers/ecospold2_int.h"
#include "native/inv_readers.h"

#include <dirent.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static void names_clear(names *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        glca_free(l->v[i]);
    glca_free(l->v);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = glca_malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int push(names *l, char *s, glca_error *err)
{
    if (!s)
        return glca_error_oom(err);
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **grown = glca_reallocarray(l->v, cap, sizeof *grown);

        if (!grown) {
            glca_free(s);
            return glca_error_oom(err);
        }
        l->v = grown;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* The .spold files directly in `dir` (a missing `dir` adds nothing). */
static int list_spold(names *l, const char *dir, glca_error *err)
{
    struct dirent *e;
    DIR *d;
    int rc = 0;

    if (!(d = opendir(dir)))
        return 0;
    while ((e = readdir(d)) != NULL)
        if (ends_with(e->d_name, ".spold") && (rc = push(l, join(dir, e->d_name), err)) < 0)
            break;
    closedir(d);
    return rc;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* MasterData/ in the datasets' folder or one level up (ecoinvent's datasets/ + MasterData/). */
static int find_master(char **out, const char *dir, glca_error *err)
{
    char *here = join(dir, "MasterData"), *up = join(dir, "../MasterData");
    int rc = 0;

    *out = NULL;
    if (!here || !up)
        rc = glca_error_oom(err);
    else if (is_dir(here))
        *out = here, here = NULL;
    else if (is_dir(up))
        *out = up, up = NULL;
    else
        rc = glca_error_set(err, GLCA_ENOTFOUND, &(glca_srcloc){dir, 0, 0},
                            "no MasterData/ folder in '%s' or its parent: EcoSpold 2 flow names "
                            "and units come from MasterData/IntermediateExchanges.xml and "
                            "ElementaryExchanges.xml", dir);
    glca_free(here);
    glca_free(up);
    return rc;
}

static int by_stem(const void *a, const void *b)
{
    return strcmp((*(glca_es2_dataset *const *)a)->stem, (*(glca_es2_dataset *const *)b)->stem);
}

static int key_vs_stem(const void *key, const void *d)
{
    return strcmp(key, (*(glca_es2_dataset *const *)d)->stem);
}

/* activityLinkId + product -> provider stem; duplicate stems are an error. */
static int resolve(glca_es2_set *s, glca_error *err)
{
    glca_es2_dataset **index;
    char *key = NULL;
    size_t i, j, cap = 0;
    int rc = 0;

    if (!s->nds)
        return 0;
    if (!(index = glca_mallocarray(s->nds, sizeof *index)))
        return glca_error_oom(err);
    memcpy(index, s->ds, s->nds * sizeof *index);
    qsort(index, s->nds, sizeof *index, by_stem);
    for (i = 1; i < s->nds; i++)
        if (strcmp(index[i - 1]->stem, index[i]->stem) == 0) {
            const glca_es2_dataset *a = index[i - 1], *b = index[i];

            if (strcmp(a->file, b->file) > 0)
                a = index[i], b = index[i - 1];
            rc = glca_error_set(err, GLCA_EPARSE, &b->loc,
                                "activity '%s' for product '%s' again (first in %s)", b->activity,
                                b->stem + strlen(b->activity) + 1, a->file);
            goto cleanup;
        }
    for (i = 0; i < s->nds; i++) {
        glca_es2_dataset *d = s->ds[i];

        for (j = 0; j < d->nx; j++) {
            glca_es2_exchange *x = &d->x[j];
            size_t n;
            glca_es2_dataset **found;

            if (!x->link || x->elementary)
                continue;
            n = strlen(x->link) + strlen(x->flow) + 2;
            if (n > cap) {
                glca_free(key);
                if (!(key = glca_malloc(cap = 2 * n))) {
                    rc = glca_error_oom(err);
                    goto cleanup;
                }
            }
            snprintf(key, n, "%s_%s", x->link, x->flow);
            found = bsearch(key, index, s->nds, sizeof *index, key_vs_stem);
            if (found)
                rc = glca_inventories__dup((*found)->stem, &x->provider, err);
            else
                rc = glca_inventories__es2_note(d, GLCA_IMP_DANGLING, x->flow, &x->loc, err,
                                                "activityLinkId '%s': no dataset %s.spold here; "
                                                "the provider is left to linking by product",
                                                x->link, key);
            if (rc < 0)
                goto cleanup;
        }
    }
cleanup:
    glca_free(key);
    glca_free(index);
    return rc;
}

/* Read every file, one per task; results land at their sorted index. */
static int read_all(glca_es2_set *s, const names *files, const glca_xml_limits *limits,
                    int threads, glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_error *errs;
    int *codes, first = 0;
    long i, n = (long)files->n;

    errs = glca_calloc(files->n ? files->n : 1, sizeof *errs);
    codes = glca_calloc(files->n ? files->n : 1, sizeof *codes);
    if (!errs || !codes) {
        glca_free(errs);
        glca_free(codes);
        return glca_error_oom(err);
    }
    if (threads <= 0)
        threads = omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (i = 0; i < n; i++)
        codes[i] = glca_inventories__es2_read_dataset(&s->ds[i], files->v[i], NULL, 0, limits,
                                                      &errs[i]);
    for (i = 0; i < n; i++) {
        if (codes[i] >= 0)
            continue;
        if (errs[i].file[0] == '\0')
            glca_error_locate(&errs[i], &(glca_srcloc){files->v[i], 0, 0});
        if (diag)
            diag(&errs[i], payload);
        if (!first) {
            first = codes[i];
            *err = errs[i];
        }
    }
    glca_free(errs);
    glca_free(codes);
    return first;
}

int glca_inventories__es2_read_set(glca_es2_set **out, const char *path,
                                   const glca_xml_limits *limits, int threads,
                                   glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_es2_set *s = NULL;
    names files = {NULL, 0, 0};
    char *dir = NULL, *master = NULL, *slash;
    bool reported = false; /* read_all hands every dataset's problem to diag itself */
    int rc;

    *out = NULL;
    if (!(s = glca_calloc(1, sizeof *s)) || !(dir = glca_strdup(path))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if (is_dir(path)) {
        char *sub = join(path, "datasets");

        if (!sub) {
            rc = glca_error_oom(err);
            goto cleanup;
        }
        rc = list_spold(&files, path, err);
        if (rc == 0)
            rc = list_spold(&files, sub, err);
        glca_free(sub);
        if (rc < 0)
            goto cleanup;
        if (!files.n) {
            rc = glca_error_set(err, GLCA_ENOTFOUND, &(glca_srcloc){path, 0, 0},
                                "no .spold datasets in '%s' or '%s/datasets'", path, path);
            goto cleanup;
        }
        rc = find_master(&master, path, err);
    } else {
        if ((rc = push(&files, glca_strdup(path), err)) < 0)
            goto cleanup;
        if ((slash = strrchr(dir, '/')))
            *slash = '\0';
        else
            strcpy(dir, ".");
        rc = find_master(&master, dir, err);
    }
    if (rc < 0)
        goto cleanup;
    if ((rc = glca_inventories__es2_read_master(&s->master, master, limits, err)) < 0)
        goto cleanup;
    qsort(files.v, files.n, sizeof *files.v, by_string);
    if (!(s->ds = glca_calloc(files.n, sizeof *s->ds))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    s->nds = files.n;
    if ((rc = read_all(s, &files, limits, threads, diag, payload, err)) < 0) {
        reported = true;
        goto cleanup;
    }
    if ((rc = resolve(s, err)) < 0)
        goto cleanup;
    *out = s;
    s = NULL;
cleanup:
    /* the set's own problems (no datasets, no MasterData, ...) reach diag like the others */
    if (rc < 0 && !reported && diag && err)
        diag(err, payload);
    names_clear(&files);
    glca_free(dir);
    glca_free(master);
    glca_inventories__es2_set_free(s);
    return rc;
}

void glca_inventories__es2_set_free(glca_es2_set *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->nds; i++)
        glca_inventories__es2_dataset_free(s->ds[i]);
    glca_free(s->ds);
    glca_inventories__es2_master_free(s->master);
    glca_free(s);
}
