/*
 * Folders and zip files as sorted entry lists (archive.h says what is refused and why); reading
 * entries is in archive_read.c.
 *
 * Everything that could be hostile is checked when the archive is opened, from the central
 * directory alone, so a reader never starts on an archive it will have to abandon halfway:
 * names, symbolic links, encryption, declared sizes and ratios.  Reading then checks the one
 * thing the directory cannot prove, that an entry inflates to exactly its declared size.
 */
#include "importers/archive_int.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

/* Unix file types in the upper half of a zip entry's external attributes: the format's values,
 * whatever the host's <sys/stat.h> says. */
#define ZIP_UNIX_TYPE 0170000u
#define ZIP_UNIX_SYMLINK 0120000u

/* Folders nest a few levels (ILCD: two); this only stops a pathological tree. */
#define MAX_FOLDER_DEPTH 64


bool glca_inventories__archive_is_zip(const char *path)
{
    unsigned char magic[4];
    FILE *f = fopen(path, "rb");
    bool zip;

    if (!f)
        return false;
    /* A local file header, or the end record of an empty archive. */
    zip = fread(magic, 1, 4, f) == 4 && magic[0] == 'P' && magic[1] == 'K' &&
          ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
    fclose(f);
    return zip;
}

int glca_inventories__archive_add(glca_archive *a, const char *name, zip_uint64_t zindex,
                                  long long size, glca_error *err)
{
    glca_archive_entry *e;
    size_t plen = strlen(a->path), nlen = strlen(name);

    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        glca_archive_entry *grown = glca_reallocarray(a->entries, cap, sizeof *grown);
        if (!grown)
            return glca_error_oom(err);
        a->entries = grown;
        a->cap = cap;
    }
    e = &a->entries[a->n];
    e->zindex = zindex;
    e->size = size;
    e->name = glca_strdup(name);
    e->display = glca_malloc(plen + nlen + 2);
    if (!e->name || !e->display) {
        glca_free(e->name);
        glca_free(e->display);
        return glca_error_oom(err);
    }
    memcpy(e->display, a->path, plen);
    if (a->zipped || a->memory)
        e->display[plen++] = ':';
    else if (plen && a->path[plen - 1] != '/')
        e->display[plen++] = '/';
    memcpy(e->display + plen, name, nlen + 1);
    a->n++;
    return 0;
}

/* ---------------------------------------------------------------- folders */

static int walk(glca_archive *a, const char *rel, int depth, glca_error *err)
{
    char *dirpath = NULL, *child = NULL;
    DIR *d = NULL;
    const struct dirent *de;
    int rc = 0;
    size_t plen = strlen(a->path), rlen = strlen(rel);

    if (depth > MAX_FOLDER_DEPTH)
        return glca_inventories__archive_error(err, GLCA_ELIMIT, a->path, '/', rel,
                                               "folders nested deeper than %d",
                                               MAX_FOLDER_DEPTH);
    if (!(dirpath = glca_malloc(plen + rlen + 2))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    memcpy(dirpath, a->path, plen + 1);
    if (rlen) {
        dirpath[plen] = '/';
        memcpy(dirpath + plen + 1, rel, rlen + 1);
    }
    if (!(d = opendir(dirpath))) {
        rc = glca_inventories__archive_error(err, GLCA_EIO, dirpath, 0, NULL,
                                             "cannot open folder: %s", strerror(errno));
        goto cleanup;
    }
    while ((de = readdir(d))) {
        struct stat st;
        size_t clen = strlen(de->d_name);
        char *full;

        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        glca_free(child);
        if (!(child = glca_malloc(rlen + clen + 2)) ||
            !(full = glca_malloc(strlen(dirpath) + clen + 2))) {
            rc = glca_error_oom(err);
            goto cleanup;
        }
        if (rlen) {
            memcpy(child, rel, rlen);
            child[rlen] = '/';
            memcpy(child + rlen + 1, de->d_name, clen + 1);
        } else {
            memcpy(child, de->d_name, clen + 1);
        }
        snprintf(full, strlen(dirpath) + clen + 2, "%s/%s", dirpath, de->d_name);
        if (lstat(full, &st) != 0) {
            rc = glca_inventories__archive_error(err, GLCA_EIO, full, 0, NULL, "%s",
                                                 strerror(errno));
            glca_free(full);
            goto cleanup;
        }
        glca_free(full);
        if (S_ISLNK(st.st_mode)) {
            rc = glca_inventories__archive_error(err, GLCA_EPARSE, a->path, '/', child,
                                                 "symbolic link refused (it may point outside "
                                                 "the folder)");
            goto cleanup;
        }
        if (S_ISDIR(st.st_mode))
            rc = walk(a, child, depth + 1, err);
        else if (S_ISREG(st.st_mode))
            rc = glca_inventories__archive_add(a, child, 0, (long long)st.st_size, err);
        if (rc < 0)
            goto cleanup;
    }
cleanup:
    if (d)
        closedir(d);
    glca_free(child);
    glca_free(dirpath);
    return rc;
}

/* ---------------------------------------------------------------- zips */

bool glca_inventories__archive_name_safe(const char *name)
{
    const char *seg = name;

    if (!*name || name[0] == '/' || strchr(name, '\\'))
        return false;
    if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
        name[1] == ':')
        return false;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 2 && seg[0] == '.' && seg[1] == '.')
            return false;
        if (!end)
            return true;
        seg = end + 1;
    }
}

int glca_inventories__archive_check(const glca_archive *a, const char *name,
                                    unsigned long long size, long long *total, glca_error *err)
{
    if (!glca_inventories__archive_name_safe(name))
        return glca_inventories__archive_error(err, GLCA_EPARSE, a->path, ':', name,
                                               "entry name leads outside the archive's folder");
    if (size > (unsigned long long)a->limits.max_entry_bytes)
        return glca_inventories__archive_error(err, GLCA_ELIMIT, a->path, ':', name,
                                               "entry of %llu bytes exceeds the limit of %lld",
                                               size, a->limits.max_entry_bytes);
    /* *total never passes the limit, so the difference cannot overflow */
    if ((long long)size > a->limits.max_total_bytes - *total)
        return glca_inventories__archive_error(err, GLCA_ELIMIT, a->path, 0, NULL,
                                               "entries declare more than the limit of %lld "
                                               "bytes in all",
                                               a->limits.max_total_bytes);
    *total += (long long)size;
    return 0;
}

int glca_inventories__archive_error(glca_error *err, glca_code code, const char *file, char sep,
                                    const char *entry, const char *fmt, ...)
{
    char where[1024], msg[256];
    glca_srcloc loc = {where, 0, 0};
    va_list ap;

    if (entry)
        snprintf(where, sizeof where, "%s%c%s", file, sep, entry);
    else
        snprintf(where, sizeof where, "%s", file);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return glca_error_set(err, code, &loc, "%s", msg);
}

int glca_inventories__archive_zip_fail(glca_error *err, const char *path, const char *what,
                                       int code)
{
    zip_error_t ze;
    int rc;

    zip_error_init_with_code(&ze, code);
    rc = glca_inventories__archive_error(err, code == ZIP_ER_MEMORY ? GLCA_ENOMEM : GLCA_EPARSE,
                                         path, 0, NULL, "%s: %s", what, zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return rc;
}

static int list_zip(glca_archive *a, zip_t *za, long long file_size, glca_error *err)
{
    zip_int64_t count = zip_get_num_entries(za, 0);
    long long total = 0;

    for (zip_int64_t i = 0; i < count; i++) {
        zip_stat_t st;
        zip_uint8_t opsys;
        zip_uint32_t attr;
        size_t len;
        int rc;

        zip_stat_init(&st);
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0)
            return glca_inventories__archive_error(err, GLCA_EPARSE, a->path, 0, NULL,
                                                   "entry %lld: %s", (long long)i,
                                                   zip_strerror(za));
        if (!(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE) ||
            !(st.valid & ZIP_STAT_COMP_SIZE))
            return glca_inventories__archive_error(err, GLCA_EPARSE, a->path, 0, NULL,
                                                   "entry %lld has no name or size",
                                                   (long long)i);
        if ((rc = glca_inventories__archive_check(a, st.name, st.size, &total, err)) < 0)
            return rc;
        if (zip_file_get_external_attributes(za, (zip_uint64_t)i, 0, &opsys, &attr) == 0 &&
            opsys == ZIP_OPSYS_UNIX && ((attr >> 16) & ZIP_UNIX_TYPE) == ZIP_UNIX_SYMLINK)
            return glca_inventories__archive_error(err, GLCA_EPARSE, a->path, ':', st.name,
                                                   "symbolic link refused (it may point "
                                                   "outside the folder)");
        len = strlen(st.name);
        if (st.name[len - 1] == '/')
            continue; /* a folder entry: its files are listed on their own */
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
            return glca_inventories__archive_error(err, GLCA_EPARSE, a->path, ':', st.name,
                                                   "encrypted entry");
        /* a compressed size the file cannot hold is a lie that would let a declared size
         * pass the ratio check below */
        if (st.comp_size > (zip_uint64_t)file_size)
            return glca_inventories__archive_error(err, GLCA_EPARSE, a->path, ':', st.name,
                                                   "declares %llu compressed bytes in an "
                                                   "archive of %lld",
                                                   (unsigned long long)st.comp_size, file_size);
        if ((long long)st.size > a->limits.ratio_from &&
            (double)st.size > a->limits.max_ratio * (double)st.comp_size)
            return glca_inventories__archive_error(err, GLCA_ELIMIT, a->path, ':', st.name,
                                  "%llu bytes compressed to %llu exceed the ratio limit "
                                  "of %g:1 (zip bomb?)",
                                  (unsigned long long)st.size,
                                  (unsigned long long)st.comp_size, a->limits.max_ratio);
        if ((rc = glca_inventories__archive_add(a, st.name, (zip_uint64_t)i, (long long)st.size,
                                                err)) < 0)
            return rc;
    }
    return 0;
}

static int by_name(const void *x, const void *y)
{
    const glca_archive_entry *a = x, *b = y;

    return strcmp(a->name, b->name);
}

int glca_inventories__archive_sort(glca_archive *a, glca_error *err)
{
    if (a->n) /* an empty archive has no array to sort */
        qsort(a->entries, a->n, sizeof *a->entries, by_name);
    for (size_t i = 1; i < a->n; i++)
        if (!strcmp(a->entries[i - 1].name, a->entries[i].name))
            return glca_inventories__archive_error(err, GLCA_EPARSE, a->path, ':',
                                                   a->entries[i].name,
                                                   "two entries of this name");
    return 0;
}

int glca_inventories__archive_open(glca_archive **out, const char *path,
                                   const glca_archive_limits *limits, glca_error *err)
{
    static const glca_archive_limits defaults = GLCA_ARCHIVE_LIMITS_INIT;
    glca_archive *a = NULL;
    zip_t *za = NULL;
    struct stat st;
    int rc = 0, zerr = 0;

    *out = NULL;
    if (stat(path, &st) != 0)
        return glca_inventories__archive_error(err, GLCA_EIO, path, 0, NULL, "%s",
                                               strerror(errno));
    if (!(a = glca_calloc(1, sizeof *a)) || !(a->path = glca_strdup(path))) {
        glca_free(a);
        return glca_error_oom(err);
    }
    pthread_mutex_init(&a->lock, NULL);
    a->limits = limits ? *limits : defaults;
    if (S_ISDIR(st.st_mode)) {
        /* The folder's own name is kept as given; a trailing '/' would double in displays. */
        size_t len = strlen(a->path);
        while (len > 1 && a->path[len - 1] == '/')
            a->path[--len] = '\0';
        if ((rc = walk(a, "", 0, err)) < 0)
            goto cleanup;
    } else {
        a->zipped = true;
        if (!(za = zip_open(path, ZIP_RDONLY, &zerr))) {
            rc = glca_inventories__archive_zip_fail(err, path, "not a readable zip archive", zerr);
            goto cleanup;
        }
        if ((rc = list_zip(a, za, (long long)st.st_size, err)) < 0)
            goto cleanup;
    }
    if ((rc = glca_inventories__archive_sort(a, err)) < 0)
        goto cleanup;
    if (za) {
        if (!(a->pool = glca_malloc(sizeof *a->pool))) {
            rc = glca_error_oom(err);
            goto cleanup;
        }
        a->pool[0] = za;
        a->npool = a->cap_pool = 1;
        za = NULL;
    }
    *out = a;
    a = NULL;
cleanup:
    if (za)
        zip_discard(za);
    glca_inventories__archive_free(a);
    return rc;
}

void glca_inventories__archive_free(glca_archive *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        glca_free(a->entries[i].name);
        glca_free(a->entries[i].display);
    }
    for (size_t i = 0; i < a->npool; i++)
        zip_discard(a->pool[i]);
    pthread_mutex_destroy(&a->lock);
    glca_free(a->pool);
    glca_free(a->entries);
    glca_free(a->path);
    glca_free(a);
}

const char *glca_inventories__archive_path(const glca_archive *a) { return a->path; }
bool glca_inventories__archive_zipped(const glca_archive *a) { return a->zipped; }
bool glca_inventories__archive_folder(const glca_archive *a) { return !a->zipped && !a->memory; }
size_t glca_inventories__archive_count(const glca_archive *a) { return a->n; }

const char *glca_inventories__archive_entry(const glca_archive *a, size_t i)
{
    return i < a->n ? a->entries[i].name : NULL;
}

const char *glca_inventories__archive_display(const glca_archive *a, size_t i)
{
    return i < a->n ? a->entries[i].display : NULL;
}

size_t glca_inventories__archive_find(const glca_archive *a, const char *name)
{
    size_t lo = 0, hi = a->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->entries[mid].name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}
