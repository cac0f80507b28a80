/*
 * The inputs' digests, kept for the length of one run (a batch's preparation), so that a file
 * two keys cover is read and hashed once: the Lambda cache key takes an inventory's and the
 * method's plain SHA-256 and leaves it here, and the run key then takes it instead of reading
 * the file again.  (Key format 1 of the Lambda cache fed the bytes into its own stream, a second
 * compression of each byte; its entries are no longer found, as after any version change.  The
 * run key's value is unchanged: stores written before still resume.)  An entry holds only while the file's size and
 * modification time are those seen when it was hashed; directories are never kept (their
 * mtime does not follow a file changed in place below them).  The paths are borrowed from the
 * caller, who keeps them alive as long as the memo; nothing is allocated.
 */
#ifndef GLCA_DIGEST_MEMO_H
#define GLCA_DIGEST_MEMO_H

#include <glca/inventories.h>

#include <stdbool.h>
#include <sys/stat.h>

#define GLCA_DIGEST_MEMO_SIZE 16 /* inventories, method, provider map; more are hashed again */

typedef struct glca_inventories__digest_entry {
    const char *path; /* borrowed */
    long long size, mtime_sec, mtime_nsec;
    unsigned char digest[GLCA_SHA256_SIZE];
} glca_inventories__digest_entry;

typedef struct glca_inventories__digest_memo {
    glca_inventories__digest_entry entries[GLCA_DIGEST_MEMO_SIZE];
    size_t n;
    const char *dir; /* borrowed: where digests are kept across runs (digest_cache.c), or NULL */
} glca_inventories__digest_memo;

/* Remember the plain SHA-256 of the regular file `path` as `st` described it when hashed. */
void glca_inventories__digest_memo_put(glca_inventories__digest_memo *m, const char *path,
                                       const struct stat *st,
                                       const unsigned char digest[GLCA_SHA256_SIZE]);

/* The remembered SHA-256 of `path`, if it is still the same size and mtime; false otherwise
 * (also for a NULL memo). */
bool glca_inventories__digest_memo_get(const glca_inventories__digest_memo *m, const char *path,
                                       unsigned char out[GLCA_SHA256_SIZE]);

/*
 * Digests kept across runs, in `dir`/digests (digest_cache.c): trusted while the file keeps its
 * device, inode, size, modification and status-change times.  Kinds: "sha256" (the plain
 * SHA-256, `flag` unused) and "catalog-ranges-1" (a catalog's identity, catalog_hash.c; `flag`:
 * an include element may occur in it).
 */
#define GLCA_DIGEST_SETTLE_S 2 /* a file changed more recently than this is not kept */
#define GLCA_DIGEST_CATALOG_KIND "catalog-ranges-1" /* catalog_hash.c's identity */

/* The kept digest of `path` as hex (and its flag, when `flag` is not NULL): false when none is
 * kept for the file as it is now, or `dir` is NULL. */
bool glca_inventories__digest_cache_get(const char *dir, const char *path, const char *kind,
                                        char hex[GLCA_SHA256_HEX], bool *flag);

/* Keep `hex` for `path`, which `before` described when its hashing began; nothing when the file
 * changed since, changed too recently, or cannot be written. */
void glca_inventories__digest_cache_put(const char *dir, const char *path,
                                        const struct stat *before, const char *kind,
                                        const char hex[GLCA_SHA256_HEX], bool flag);

/* glca_lambda_cache_key_ex, leaving the inventories' and the method's digests in `memo`. */
int glca_inventories__lambda_cache_key_memo(unsigned char out[GLCA_SHA256_SIZE],
                                            const char *const *inventory_paths,
                                            size_t ninventories, const char *method_path,
                                            const glca_load_options *lopts,
                                            const glca_background_options *opts,
                                            glca_inventories__digest_memo *memo,
                                            glca_error *err);

/* glca_load_background_cached_ex, its key computed through `memo`. */
int glca_inventories__load_background_cached_memo(
    glca_background **out, glca_cache_report *report, const char *cache_dir,
    const char *const *inventory_paths, size_t ninventories, const char *method_path,
    const glca_load_options *lopts, const glca_background_options *opts, glca_diag_fn diag,
    void *payload, glca_inventories__digest_memo *memo, glca_error *err);

/* The background of these inputs from the Lambda cache in `cache_dir`, when every input's
 * digest is kept there (nothing is read but the cache file) and the cache holds it: 1, with
 * report->sum the SHA-256 of the blob read (two hits with the same sum are the same bytes);
 * 0 when not (nothing is built); < 0 on error.  An MPI rank loads it so beside rank 0. */
int glca_inventories__background_if_cached(glca_background **out, glca_cache_report *report,
                                           const char *cache_dir,
                                           const char *const *inventory_paths,
                                           size_t ninventories, const char *method_path,
                                           const glca_load_options *lopts,
                                           const glca_background_options *opts, glca_error *err);

#endif
