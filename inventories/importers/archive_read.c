/*
 * Reading archive entries (archive.h): into memory, checked against the size the archive
 * declares, or as a safe XML reader.  A zip entry is read through a libzip handle taken from the
 * archive's pool (a zip_t must not be shared between threads), so different threads read
 * different entries at once.
 */
#include "importers/archive_int.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- reading */

static zip_t *take_handle(glca_archive *a, glca_error *err)
{
    zip_t *za = NULL;
    int zerr = 0;

    pthread_mutex_lock(&a->lock);
    if (a->npool)
        za = a->pool[--a->npool];
    pthread_mutex_unlock(&a->lock);
    if (!za && !(za = zip_open(a->path, ZIP_RDONLY, &zerr)))
        glca_inventories__archive_zip_fail(err, a->path, "cannot reopen", zerr);
    return za;
}

static void give_back(glca_archive *a, zip_t *za)
{
    pthread_mutex_lock(&a->lock);
    if (a->npool == a->cap_pool) {
        size_t cap = a->cap_pool ? 2 * a->cap_pool : 4;
        zip_t **grown = glca_reallocarray(a->pool, cap, sizeof *grown);
        if (grown) {
            a->pool = grown;
            a->cap_pool = cap;
        }
    }
    if (a->npool < a->cap_pool) {
        a->pool[a->npool++] = za;
        za = NULL;
    }
    pthread_mutex_unlock(&a->lock);
    if (za)
        zip_discard(za); /* no room to keep it: the next reader reopens */
}

static int read_zip_entry(glca_archive *a, const glca_archive_entry *e, char *buf,
                          glca_error *err)
{
    zip_t *za;
    zip_file_t *zf = NULL;
    size_t want = (size_t)e->size + 1, got = 0;
    int rc = 0;

    if (!(za = take_handle(a, err)))
        return err ? err->code : GLCA_ERROR;
    if (!(zf = zip_fopen_index(za, e->zindex, 0))) {
        rc = glca_inventories__archive_error(err, GLCA_EPARSE, e->display, 0, NULL, "%s",
                                             zip_strerror(za));
        goto cleanup;
    }
    /* One byte more than declared: getting it proves the entry lies about its size. */
    while (got < want) {
        zip_int64_t r = zip_fread(zf, buf + got, want - got);
        if (r < 0) {
            rc = glca_inventories__archive_error(err, GLCA_EPARSE, e->display, 0, NULL, "%s",
                                                 zip_file_strerror(zf));
            goto cleanup;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got != (size_t)e->size)
        rc = glca_inventories__archive_error(err, GLCA_EPARSE, e->display, 0, NULL,
                                             "inflates to %s than its declared %lld bytes "
                                             "(corrupt or hostile archive)",
                                             got > (size_t)e->size ? "more" : "fewer", e->size);
cleanup:
    if (zf)
        zip_fclose(zf);
    give_back(a, za);
    return rc;
}

static int read_file_entry(const glca_archive_entry *e, char *buf, glca_error *err)
{
    FILE *f = fopen(e->display, "rb");
    size_t got;
    int rc = 0;

    if (!f)
        return glca_inventories__archive_error(err, GLCA_EIO, e->display, 0, NULL, "%s",
                                               strerror(errno));
    got = fread(buf, 1, (size_t)e->size + 1, f);
    if (ferror(f))
        rc = glca_inventories__archive_error(err, GLCA_EIO, e->display, 0, NULL, "read error");
    else if (got != (size_t)e->size)
        rc = glca_inventories__archive_error(err, GLCA_EIO, e->display, 0, NULL,
                                             "changed size while being read");
    fclose(f);
    return rc;
}

int glca_inventories__archive_read(glca_archive *a, size_t i, char **out, size_t *len,
                                   glca_error *err)
{
    const glca_archive_entry *e = &a->entries[i];
    char *buf = NULL;
    int rc = 0;

    assert(i < a->n);
    *out = NULL;
    *len = 0;
    if (e->size > a->limits.max_entry_bytes || (unsigned long long)e->size >= SIZE_MAX - 1)
        return glca_inventories__archive_error(err, GLCA_ELIMIT, e->display, 0, NULL,
                                               "%lld bytes exceed the limit of %lld", e->size,
                                               a->limits.max_entry_bytes);
    if (!(buf = glca_malloc((size_t)e->size + 1)))
        return glca_error_oom(err);
    if (a->memory)
        memcpy(buf, e->data, (size_t)e->size);
    else if ((rc = a->zipped ? read_zip_entry(a, e, buf, err) : read_file_entry(e, buf, err)) <
             0) {
        glca_free(buf);
        return rc;
    }
    buf[e->size] = '\0';
    *out = buf;
    *len = (size_t)e->size;
    return 0;
}

int glca_inventories__archive_open_xml(glca_xml **out, char **buf, glca_archive *a, size_t i,
                                       const glca_xml_limits *limits, glca_error *err)
{
    size_t len;
    int rc;

    assert(i < a->n);
    *out = NULL;
    *buf = NULL;
    if (a->memory)
        return glca_xml_open_memory(out, a->entries[i].display, a->entries[i].data,
                                    (size_t)a->entries[i].size, limits, err);
    if (!a->zipped)
        return glca_xml_open(out, a->entries[i].display, limits, err);
    if ((rc = glca_inventories__archive_read(a, i, buf, &len, err)) < 0)
        return rc;
    if ((rc = glca_xml_open_memory(out, a->entries[i].display, *buf, len, limits, err)) < 0) {
        glca_free(*buf);
        *buf = NULL;
    }
    return rc;
}
