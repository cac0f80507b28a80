/*
 * A folder of datasets, a .zip of one, or buffers in memory, seen the same way: a sorted list of
 * entries (relative paths with '/' separators) whose bytes can be read, from several threads at
 * once.
 *
 * The importers read ILCD folders and zips, EcoSpold 2 directories (and zips of them) through
 * this, so what an archive may contain is decided here once:
 *   - no entry outside the folder: a zip entry named "../x", "/x", "C:x" or with a backslash
 *     is refused when the archive is opened ("zip slip"), and so is a symbolic link, in a zip or
 *     in a folder (it may point anywhere);
 *   - no zip bomb: an entry is read only up to its declared size, and one that decompresses to
 *     more or fewer bytes than declared is an error; an entry over the per-entry limit, a large
 *     entry compressed beyond the ratio limit, or declared sizes summing past the total limit
 *     refuse the archive;
 *   - two entries of the same name refuse the archive (which one would the reader mean?).
 * Errors name the archive and the entry ("data.zip:processes/x.xml: ...").
 *
 * Reading is thread-safe: a zip keeps a small pool of libzip handles (one per concurrent
 * reader, opened on demand, since a zip_t must not be shared between threads), a folder
 * needs none.  Nothing here parses XML: glca_inventories__archive_open_xml hands an entry to
 * the safe XML layer under the name "archive.zip:path/in/zip.xml".
 */
#ifndef GLCA_ARCHIVE_H
#define GLCA_ARCHIVE_H

#include <glca/inventories.h>

#include <stdbool.h>
#include <stddef.h>

typedef struct glca_archive glca_archive;

typedef struct glca_archive_limits {
    int version;
    long long max_entry_bytes; /* largest entry (uncompressed) */
    long long max_total_bytes; /* sum of all entries' declared sizes */
    double max_ratio;          /* uncompressed / compressed, for entries over ratio_from bytes */
    long long ratio_from;
} glca_archive_limits;

/* Deflate cannot exceed about 1032:1; XML datasets compress 5-30:1, and highly repetitive
 * generated ones stay below 100:1 at the sizes where the ratio is checked.  16 GiB in all is
 * several times a full ecoinvent or EF database. */
#define GLCA_ARCHIVE_LIMITS_INIT {1, GLCA_XML_MAX_BYTES_DEFAULT, 16LL << 30, 200.0, 1LL << 20}

/** One file of an archive in memory: its relative path and its bytes (both borrowed). */
typedef struct glca_archive_member {
    const char *name;
    const void *data;
    size_t len;
} glca_archive_member;

/** Whether `path` names a zip file (by its first bytes, not its name). */
bool glca_inventories__archive_is_zip(const char *path);

/**
 * Open a folder (every regular file below it, recursively) or a zip file.  `limits` may be
 * NULL (defaults).  The archive belongs to the caller (glca_inventories__archive_free).
 */
int glca_inventories__archive_open(glca_archive **out, const char *path,
                                   const glca_archive_limits *limits, glca_error *err);
/**
 * An archive of the caller's buffers, which must outlive it: data made or fetched by the
 * program (and the fuzz harnesses) read without files.  `name` stands for the archive in
 * locations ("name:processes/x.xml").  Members are checked as a zip's entries are: names inside
 * the folder, sizes within `limits` (NULL: defaults), no two of one name.
 */
int glca_inventories__archive_open_memory(glca_archive **out, const char *name,
                                          const glca_archive_member *members, size_t n,
                                          const glca_archive_limits *limits, glca_error *err);
void glca_inventories__archive_free(glca_archive *a);

/** The path given to _open (borrowed). */
const char *glca_inventories__archive_path(const glca_archive *a);
bool glca_inventories__archive_zipped(const glca_archive *a);
/** Whether entries are files on disk (a folder), rather than read into memory. */
bool glca_inventories__archive_folder(const glca_archive *a);
size_t glca_inventories__archive_count(const glca_archive *a);
/** Entry `i` in strcmp order of the relative paths (borrowed, lives with the archive). */
const char *glca_inventories__archive_entry(const glca_archive *a, size_t i);
/** The name locations use: "archive.zip:dir/x.xml", or "folder/dir/x.xml" (borrowed). */
const char *glca_inventories__archive_display(const glca_archive *a, size_t i);
/** Index of the entry with this relative path, or SIZE_MAX. */
size_t glca_inventories__archive_find(const glca_archive *a, const char *entry);

/**
 * Read entry `i` into memory: `*out` (glca_malloc'ed, the caller frees it with glca_free) gets
 * `*len` bytes followed by a NUL byte not counted in `*len`.  Thread-safe for any `i`.
 */
int glca_inventories__archive_read(glca_archive *a, size_t i, char **out, size_t *len,
                                   glca_error *err);

/**
 * A safe XML reader over entry `i`: a folder's file is streamed from disk, a zip entry read into
 * memory first; `*buf` then holds those bytes and must be glca_free'd after glca_xml_free (it
 * is NULL for a folder and for a member in memory, read where it is).  Thread-safe for any `i`.
 */
int glca_inventories__archive_open_xml(glca_xml **out, char **buf, glca_archive *a, size_t i,
                                       const glca_xml_limits *limits, glca_error *err);

#endif
