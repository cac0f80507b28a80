/*
 * Archives of buffers in memory (archive.h): the caller's files, read by the same readers as a
 * folder or a zip without being written anywhere.  The buffers are borrowed, never copied, so
 * opening costs one entry per member; reading an entry is then a copy of its bytes, and an XML
 * reader reads them where they are.
 *
 * Members come from a program rather than a user's disk, but they may still carry hostile
 * names and sizes (a fuzzer's, or a download's): they pass the checks a zip's entries pass.
 */
#include "importers/archive_int.h"

#include <string.h>

int glca_inventories__archive_open_memory(glca_archive **out, const char *name,
                                          const glca_archive_member *members, size_t n,
                                          const glca_archive_limits *limits, glca_error *err)
{
    static const glca_archive_limits defaults = GLCA_ARCHIVE_LIMITS_INIT;
    glca_archive *a = NULL;
    long long total = 0;
    int rc = 0;

    *out = NULL;
    if (!(a = glca_calloc(1, sizeof *a)) || !(a->path = glca_strdup(name))) {
        glca_free(a);
        return glca_error_oom(err);
    }
    pthread_mutex_init(&a->lock, NULL);
    a->memory = true;
    a->limits = limits ? *limits : defaults;
    for (size_t i = 0; i < n; i++) {
        const glca_archive_member *m = &members[i];

        if ((rc = glca_inventories__archive_check(a, m->name, m->len, &total, err)) < 0 ||
            (rc = glca_inventories__archive_add(a, m->name, 0, (long long)m->len, err)) < 0)
            goto cleanup;
        /* an empty member may come without a buffer; readers copy from `data` all the same */
        a->entries[a->n - 1].data = m->len ? m->data : "";
    }
    if ((rc = glca_inventories__archive_sort(a, err)) < 0)
        goto cleanup;
    *out = a;
    a = NULL;
cleanup:
    glca_inventories__archive_free(a);
    return rc;
}
