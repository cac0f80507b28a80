/*
 * Inside a glca_archive: what archive.c (opening, listing, checking) and archive_read.c
 * (reading entries from any thread) share.  Readers use archive.h only.
 */
#ifndef GLCA_ARCHIVE_INT_H
#define GLCA_ARCHIVE_INT_H

#include "importers/archive.h"

#include <pthread.h>

#include <zip.h>

typedef struct glca_archive_entry {
    char *name;    /* relative, '/'-separated */
    char *display; /* "archive.zip:name" or "folder/name" */
    zip_uint64_t zindex;
    long long size; /* declared (zip) or on disk (folder) */
    const char *data; /* an archive in memory: the caller's bytes (borrowed) */
} glca_archive_entry;

struct glca_archive {
    char *path;
    bool zipped;
    bool memory; /* entries are buffers of the caller's (archive_memory.c) */
    glca_archive_limits limits;
    glca_archive_entry *entries;
    size_t n, cap;

    /* Idle libzip handles: a reader takes one (or opens one) and gives it back. */
    pthread_mutex_t lock;
    zip_t **pool;
    size_t npool, cap_pool;
};

/* An error located at `file`, or at `file` `sep` `entry` ("archive.zip:dir/x.xml") when `entry`
 * is not NULL, so that every problem of an archive names the file at fault; returns `code`. */
int glca_inventories__archive_error(glca_error *err, glca_code code, const char *file, char sep,
                                    const char *entry, const char *fmt, ...) GLCA_PRINTF(6, 7);

/* "path: what: libzip's message for code" as a glca_error; returns the glca_code. */
int glca_inventories__archive_zip_fail(glca_error *err, const char *path, const char *what,
                                       int code);

/* Append an entry (unsorted); its display name is the archive's path joined to `name`. */
int glca_inventories__archive_add(glca_archive *a, const char *name, zip_uint64_t zindex,
                                  long long size, glca_error *err);

/* Whether an entry name stays inside the folder it is extracted to. */
bool glca_inventories__archive_name_safe(const char *name);

/* The checks a zip's entry and a member in memory both pass, with the same messages: its name
 * stays inside the folder, its (declared) `size` is within the per-entry limit and, added to
 * `*total`, within the limit of all entries.  A zip's entries are checked for links, encryption
 * and ratio besides, from what only a zip's directory says. */
int glca_inventories__archive_check(const glca_archive *a, const char *name,
                                    unsigned long long size, long long *total, glca_error *err);

/* Entries sorted by name; two of one name refuse the archive. */
int glca_inventories__archive_sort(glca_archive *a, glca_error *err);

#endif
