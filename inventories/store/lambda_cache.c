/*
 * The Lambda cache: a prepared background (ids, names, units, Lambda, CF: everything binding and
 * evaluation read) kept on disk so a second run with the same inputs skips parsing, linking,
 * factorization and the k transposed solves.
 *
 * Key: SHA-256 over the greenlca version, the background options that change numbers, and each
 * inventory file's and the method file's length and SHA-256, in order (a directory of datasets:
 * its tree's hash, glca_sha256_path), then the import options that change the model (an
 * allocation other than data, the provider map's).  Any changed byte gives a new key,
 * so a stale entry is never found rather than detected.  File: DIR/<key>.lambda = magic (8
 * bytes), payload length (8 bytes, little endian), SHA-256 of the payload (32 bytes), payload
 * (engine/background_blob.c).  A file whose length or checksum does not match is ignored with a
 * warning and rewritten.  Files are written to a temporary name and renamed, so
 * a reader never sees half a file, even with several batches sharing the directory.
 *
 * The background cache of commands that solve (glca_load_options.cache_solve) is the same file
 * under the same key with the suffix .background, the magic GLCABGC2, the key after the
 * checksum, and a version 2 blob (A, B, the uncertain exchanges too): larger, so batch keeps
 * reading the Lambda-only file.  A miss of the background cache writes both files; a Lambda
 * load finding no Lambda file reads the background file instead.  Both are read through
 * mmap, which spares a copy of the payload; the blob reader copies what it keeps, so the
 * mapping goes before the background is returned.  (A file truncated in place while mapped
 * would fault; the cache's own writers never do that, they rename whole files over it.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glca/inventories.h>

#include "store/digest_memo.h"

static const char magic[8] = {'G', 'L', 'C', 'A', 'L', 'A', 'M', '1'};
static const char magic_solve[8] = {'G', 'L', 'C', 'A', 'B', 'G', 'C', '2'};
#define HEADER_SIZE (8 + 8 + GLCA_SHA256_SIZE)
/* a .background file's header ends with its key: a file copied under another key is refused */
#define HEADER_SIZE_SOLVE (HEADER_SIZE + GLCA_SHA256_SIZE)
#define CACHE_PATH_MAX 4200 /* DIR/<key>.background */

/* A directory of datasets (EcoSpold, ILCD): its tree's hash (glca_sha256_path). */
static int feed_dir(glca_sha256 *s, const char *path, glca_error *err)
{
    unsigned char digest[GLCA_SHA256_SIZE];
    int rc;

    if ((rc = glca_sha256_path(digest, path, err)) < 0)
        return rc;
    glca_sha256_update(s, "dir\n", 4);
    glca_sha256_update(s, digest, sizeof digest);
    return 0;
}

static bool from_hex(const char hex[GLCA_SHA256_HEX], unsigned char out[GLCA_SHA256_SIZE])
{
    size_t i;

    for (i = 0; i < GLCA_SHA256_SIZE; i++) {
        unsigned v;

        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return false;
        out[i] = (unsigned char)v;
    }
    return true;
}

/* The plain SHA-256 of the regular file `path` (`st` its stat) and the length it covers: kept
 * from an earlier run (digest_cache.c), else read; with a memo, left there for the run key and
 * kept for the next run. */
static int file_digest(const char *path, const struct stat *st,
                       glca_inventories__digest_memo *memo, unsigned char digest[GLCA_SHA256_SIZE],
                       unsigned long long *length, glca_error *err)
{
    unsigned char buf[65536];
    char hex[GLCA_SHA256_HEX];
    glca_srcloc where = {path, 0, 0};
    glca_sha256 plain;
    size_t got;
    FILE *f;
    int rc = 0;
    bool kept = memo && glca_inventories__digest_cache_get(memo->dir, path, "sha256", hex, NULL) &&
                from_hex(hex, digest);

    if (kept) {
        *length = (unsigned long long)st->st_size;
    } else {
        if (!(f = fopen(path, "rb")))
            return glca_error_set(err, GLCA_EIO, &where, "cannot open: %s", strerror(errno));
        glca_sha256_init(&plain);
        while ((got = fread(buf, 1, sizeof buf, f)) > 0)
            glca_sha256_update(&plain, buf, got);
        if (ferror(f))
            rc = glca_error_set(err, GLCA_EIO, &where, "read error");
        fclose(f);
        if (rc < 0)
            return rc;
        glca_sha256_final(&plain, digest);
        *length = (unsigned long long)plain.length; /* what the digest covers, not stat's */
    }
    /* a file that changed size while read is not kept: the run key reads it again */
    if (!memo || *length != (unsigned long long)st->st_size)
        return 0;
    glca_inventories__digest_memo_put(memo, path, st, digest);
    if (!kept) {
        glca_sha256_hex(digest, hex);
        glca_inventories__digest_cache_put(memo->dir, path, st, "sha256", hex, false);
    }
    return 0;
}

/* The file's length and its plain SHA-256, which the run key takes too: with a memo it is kept
 * there (digest_memo.h), so each byte is read and compressed once for both keys.  Key format 1
 * fed the bytes themselves into the key, a second compression of each byte (36 MB of inventory:
 * 25 ms on the start of every batch, which an MPI job's rank 0 has on its critical path). */
static int feed_file(glca_sha256 *s, const char *path, glca_inventories__digest_memo *memo,
                     glca_error *err)
{
    unsigned char digest[GLCA_SHA256_SIZE];
    glca_srcloc where = {path, 0, 0};
    unsigned long long length;
    struct stat st;
    char len[32];
    int rc;

    if (stat(path, &st) != 0)
        return glca_error_set(err, GLCA_EIO, &where, "cannot read: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return feed_dir(s, path, err);
    if ((rc = file_digest(path, &st, memo, digest, &length, err)) < 0)
        return rc;
    snprintf(len, sizeof len, "%llu\n", length);
    glca_sha256_update(s, len, strlen(len));
    glca_sha256_update(s, digest, sizeof digest);
    return 0;
}

void glca_inventories__digest_memo_put(glca_inventories__digest_memo *m, const char *path,
                                       const struct stat *st,
                                       const unsigned char digest[GLCA_SHA256_SIZE])
{
    glca_inventories__digest_entry *e;

    if (m->n == GLCA_DIGEST_MEMO_SIZE)
        return;
    e = &m->entries[m->n++];
    e->path = path;
    e->size = (long long)st->st_size;
    e->mtime_sec = (long long)st->st_mtim.tv_sec;
    e->mtime_nsec = (long long)st->st_mtim.tv_nsec;
    memcpy(e->digest, digest, GLCA_SHA256_SIZE);
}

bool glca_inventories__digest_memo_get(const glca_inventories__digest_memo *m, const char *path,
                                       unsigned char out[GLCA_SHA256_SIZE])
{
    struct stat st;
    size_t i;

    if (!m || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    for (i = 0; i < m->n; i++) {
        const glca_inventories__digest_entry *e = &m->entries[i];

        if (strcmp(e->path, path) == 0 && e->size == (long long)st.st_size &&
            e->mtime_sec == (long long)st.st_mtim.tv_sec &&
            e->mtime_nsec == (long long)st.st_mtim.tv_nsec) {
            memcpy(out, e->digest, GLCA_SHA256_SIZE);
            return true;
        }
    }
    return false;
}

int glca_lambda_cache_key(unsigned char out[GLCA_SHA256_SIZE], const char *const *inventory_paths,
                          size_t ninventories, const char *method_path,
                          const glca_background_options *opts, glca_error *err)
{
    return glca_lambda_cache_key_ex(out, inventory_paths, ninventories, method_path, NULL, opts,
                                    err);
}

int glca_lambda_cache_key_ex(unsigned char out[GLCA_SHA256_SIZE],
                             const char *const *inventory_paths, size_t ninventories,
                             const char *method_path, const glca_load_options *lopts,
                             const glca_background_options *opts, glca_error *err)
{
    return glca_inventories__lambda_cache_key_memo(out, inventory_paths, ninventories,
                                                   method_path, lopts, opts, NULL, err);
}

int glca_inventories__lambda_cache_key_memo(unsigned char out[GLCA_SHA256_SIZE],
                                            const char *const *inventory_paths,
                                            size_t ninventories, const char *method_path,
                                            const glca_load_options *lopts,
                                            const glca_background_options *opts,
                                            glca_inventories__digest_memo *memo, glca_error *err)
{
    glca_background_options dflt = GLCA_BACKGROUND_OPTIONS_INIT;
    char head[160];
    glca_sha256 s;
    size_t i;
    int rc;

    if (!opts)
        opts = &dflt;
    /* the thread count does not change Lambda (each solve is independent), so it is not here */
    snprintf(head, sizeof head, "greenlca-lambda-2\n%s\nbtf=%d pivot=%.17g\n", GLCA_VERSION,
             (int)opts->use_btf, opts->pivot_tol);
    glca_sha256_init(&s);
    glca_sha256_update(&s, head, strlen(head));
    for (i = 0; i < ninventories; i++)
        if ((rc = feed_file(&s, inventory_paths[i], memo, err)) < 0)
            return rc;
    glca_sha256_update(&s, "method\n", 7);
    if ((rc = feed_file(&s, method_path, memo, err)) < 0)
        return rc;
    /* only what differs from the defaults, so that the keys of earlier entries still hold */
    if (opts->solver != GLCA_BG_SOLVER_AUTO) {
        snprintf(head, sizeof head, "solver=%d\n", (int)opts->solver);
        glca_sha256_update(&s, head, strlen(head));
    }
    if (lopts && lopts->allocation != GLCA_ALLOCATION_DATA) {
        snprintf(head, sizeof head, "allocation=%s\n", glca_allocation_name(lopts->allocation));
        glca_sha256_update(&s, head, strlen(head));
    }
    if (lopts && lopts->provider_map) {
        glca_sha256_update(&s, "provider-map\n", 13);
        if ((rc = feed_file(&s, lopts->provider_map, memo, err)) < 0)
            return rc;
    }
    glca_sha256_final(&s, out);
    return 0;
}

int glca_lambda_cache_default_dir(char *buf, size_t size, glca_error *err)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;

    if (xdg && *xdg)
        n = snprintf(buf, size, "%s/greenlca", xdg);
    else if (home && *home)
        n = snprintf(buf, size, "%s/.cache/greenlca", home);
    else
        return glca_error_set(err, GLCA_ENOTFOUND, NULL,
                              "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
    if (n < 0 || (size_t)n >= size)
        return glca_error_set(err, GLCA_ELIMIT, NULL, "cache directory name too long");
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir, glca_error *err)
{
    char path[4096];
    glca_srcloc where = {dir, 0, 0};
    size_t i, n = strlen(dir);

    if (n >= sizeof path)
        return glca_error_set(err, GLCA_ELIMIT, &where, "cache directory name too long");
    memcpy(path, dir, n + 1);
    for (i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return glca_error_set(err, GLCA_EIO, &where, "cannot create %s: %s", path,
                                  strerror(errno));
        path[i] = dir[i];
    }
    return 0;
}

static void put_u64(unsigned char *p, uint64_t v)
{
    int i;

    for (i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;

    for (i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/*
 * Read DIR/<key>.lambda or .background.  Returns 1 with *out set on a hit, 0 on a miss (no
 * file, or an unusable one described in `warning`).  With `key` (a .background file) the file
 * must carry that key and hold a background that can solve (a version 2 blob).
 */
static int cache_read(glca_background **out, const char *path, const unsigned char *key,
                      unsigned char blob_sum[GLCA_SHA256_SIZE], char *warning, size_t wsize)
{
    const size_t hsize = key ? HEADER_SIZE_SOLVE : HEADER_SIZE;
    unsigned char sum[GLCA_SHA256_SIZE];
    const unsigned char *map = MAP_FAILED;
    glca_error e = GLCA_ERROR_INIT;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    uint64_t len;
    int hit = 0;

    *out = NULL;
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)hsize ||
        (map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED ||
        memcmp(map, key ? magic_solve : magic, sizeof magic) != 0) {
        snprintf(warning, wsize, "%.300s: not a greenlca cache file, ignored", path);
        goto cleanup;
    }
    len = get_u64(map + 8);
    if (len > (uint64_t)st.st_size || (uint64_t)st.st_size != hsize + len) {
        snprintf(warning, wsize, "%.300s: truncated cache file (%lld of %llu bytes), ignored", path,
                 (long long)st.st_size, (unsigned long long)(hsize + len));
        goto cleanup;
    }
    if (key && memcmp(map + HEADER_SIZE, key, GLCA_SHA256_SIZE) != 0) {
        snprintf(warning, wsize, "%.300s: cache file of other inputs (key mismatch), ignored",
                 path);
        goto cleanup;
    }
    glca_sha256_buffer(sum, map + hsize, (size_t)len);
    if (memcmp(sum, map + 16, sizeof sum) != 0) {
        snprintf(warning, wsize, "%.300s: corrupt cache file (checksum mismatch), ignored", path);
        goto cleanup;
    }
    if (glca_background_from_blob(out, map + hsize, (size_t)len, &e) < 0) {
        char msg[300];

        glca_error_format(&e, msg, sizeof msg);
        snprintf(warning, wsize, "%.280s: unusable cache file (%.150s), ignored", path, msg);
        goto cleanup;
    }
    if (key && !glca_background_has_factorization(*out)) {
        snprintf(warning, wsize, "%.300s: cache file without A and B, ignored", path);
        glca_background_free(*out);
        *out = NULL;
        goto cleanup;
    }
    memcpy(blob_sum, sum, sizeof sum);
    hit = 1;
cleanup:
    if (map != MAP_FAILED)
        munmap((void *)map, (size_t)st.st_size);
    close(fd);
    return hit;
}

/* With `key`: a .background file (version 2 blob, the key in the header). */
static int cache_write(const glca_background *bg, const char *dir, const char *path,
                       const unsigned char *key, glca_error *err)
{
    unsigned char header[HEADER_SIZE_SOLVE], *blob = NULL;
    const size_t hsize = key ? HEADER_SIZE_SOLVE : HEADER_SIZE;
    glca_srcloc where = {path, 0, 0};
    char tmp[4300];
    size_t size = 0;
    FILE *f = NULL;
    int rc;

    if ((rc = make_dirs(dir, err)) < 0)
        goto cleanup;
    if (key)
        rc = glca_background_to_blob_solve(&blob, &size, bg, err);
    else
        rc = glca_background_to_blob(&blob, &size, bg, err);
    if (rc < 0)
        goto cleanup;
    memcpy(header, key ? magic_solve : magic, sizeof magic);
    if (key)
        memcpy(header + HEADER_SIZE, key, GLCA_SHA256_SIZE);
    put_u64(header + 8, size);
    glca_sha256_buffer(header + 16, blob, size);
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    if (!(f = fopen(tmp, "wb"))) {
        rc = glca_error_set(err, GLCA_EIO, &where, "cannot write cache: %s", strerror(errno));
        goto cleanup;
    }
    if (fwrite(header, 1, hsize, f) != hsize ||
        fwrite(blob, 1, size, f) != size || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        rc = glca_error_set(err, GLCA_EIO, &where, "cannot write cache: %s", strerror(errno));
        goto cleanup;
    }
    fclose(f);
    f = NULL;
    if (rename(tmp, path) != 0) {
        rc = glca_error_set(err, GLCA_EIO, &where, "cannot write cache: %s", strerror(errno));
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (f)
        fclose(f);
    if (rc < 0)
        remove(tmp);
    glca_free(blob);
    return rc;
}

int glca_load_background_cached(glca_background **out, glca_cache_report *report,
                                const char *cache_dir, const char *const *inventory_paths,
                                size_t ninventories, const char *method_path,
                                const glca_background_options *opts, glca_diag_fn diag,
                                void *payload, glca_error *err)
{
    return glca_load_background_cached_ex(out, report, cache_dir, inventory_paths, ninventories,
                                          method_path, NULL, opts, diag, payload, err);
}

int glca_load_background_cached_ex(glca_background **out, glca_cache_report *report,
                                   const char *cache_dir, const char *const *inventory_paths,
                                   size_t ninventories, const char *method_path,
                                   const glca_load_options *lopts,
                                   const glca_background_options *opts, glca_diag_fn diag,
                                   void *payload, glca_error *err)
{
    return glca_inventories__load_background_cached_memo(out, report, cache_dir, inventory_paths,
                                                         ninventories, method_path, lopts, opts,
                                                         diag, payload, NULL, err);
}

/* DIR/<key>.lambda and DIR/<key>.background: `path` the one a load with `solve` reads and
 * writes, `other` the other one. */
static void cache_paths(const char *cache_dir, const unsigned char key[GLCA_SHA256_SIZE],
                        bool solve, char path[CACHE_PATH_MAX], char other[CACHE_PATH_MAX])
{
    char hex[GLCA_SHA256_HEX];

    glca_sha256_hex(key, hex);
    snprintf(path, CACHE_PATH_MAX, "%s/%s.%s", cache_dir, hex, solve ? "background" : "lambda");
    snprintf(other, CACHE_PATH_MAX, "%s/%s.%s", cache_dir, hex, solve ? "lambda" : "background");
}

/* The cache file at `path`, or the background file `other` for a Lambda file (hotspots ran
 * first: it holds all of Lambda's); whether one was read. */
static bool cache_lookup(glca_background **out, glca_cache_report *report, const char *path,
                         const char *other, const unsigned char *key, bool solve)
{
    if (cache_read(out, path, solve ? key : NULL, report->sum, report->warning,
                   sizeof report->warning) ||
        (!solve && access(path, F_OK) != 0 &&
         cache_read(out, other, key, report->sum, report->warning, sizeof report->warning)))
        report->hit = true;
    return report->hit;
}

int glca_inventories__background_if_cached(glca_background **out, glca_cache_report *report,
                                           const char *cache_dir,
                                           const char *const *inventory_paths,
                                           size_t ninventories, const char *method_path,
                                           const glca_load_options *lopts,
                                           const glca_background_options *opts, glca_error *err)
{
    glca_inventories__digest_memo memo = {.n = 0, .dir = cache_dir};
    unsigned char key[GLCA_SHA256_SIZE];
    char hex[GLCA_SHA256_HEX], path[CACHE_PATH_MAX], other[CACHE_PATH_MAX];
    const bool solve = lopts && lopts->cache_solve;
    size_t i;
    int rc;

    *out = NULL;
    memset(report, 0, sizeof *report);
    /* only what costs no reading: every input's digest kept, and a cache that may be read */
    if (!cache_dir || (lopts && lopts->linking_report) ||
        !glca_inventories__digest_cache_get(cache_dir, method_path, "sha256", hex, NULL))
        return 0;
    for (i = 0; i < ninventories; i++)
        if (!glca_inventories__digest_cache_get(cache_dir, inventory_paths[i], "sha256", hex,
                                                NULL))
            return 0;
    if ((rc = glca_inventories__lambda_cache_key_memo(key, inventory_paths, ninventories,
                                                      method_path, lopts, opts, &memo, err)) < 0)
        return rc;
    cache_paths(cache_dir, key, solve, path, other);
    return cache_lookup(out, report, path, other, key, solve) ? 1 : 0;
}

int glca_inventories__load_background_cached_memo(
    glca_background **out, glca_cache_report *report, const char *cache_dir,
    const char *const *inventory_paths, size_t ninventories, const char *method_path,
    const glca_load_options *lopts, const glca_background_options *opts, glca_diag_fn diag,
    void *payload, glca_inventories__digest_memo *memo, glca_error *err)
{
    unsigned char key[GLCA_SHA256_SIZE];
    char path[CACHE_PATH_MAX], other[CACHE_PATH_MAX];
    glca_cache_report dummy;
    glca_error werr = GLCA_ERROR_INIT;
    const bool solve = lopts && lopts->cache_solve, read = !(lopts && lopts->linking_report);
    int rc;

    *out = NULL;
    if (!report)
        report = &dummy;
    memset(report, 0, sizeof *report);
    if (!cache_dir)
        return glca_load_background_ex(out, inventory_paths, ninventories, &method_path, 1,
                                       lopts, opts, diag, payload, err);
    if ((rc = glca_inventories__lambda_cache_key_memo(key, inventory_paths, ninventories,
                                                      method_path, lopts, opts, memo, err)) < 0)
        return rc;
    cache_paths(cache_dir, key, solve, path, other);
    if (read && cache_lookup(out, report, path, other, key, solve))
        return 0;
    if ((rc = glca_load_background_ex(out, inventory_paths, ninventories, &method_path, 1, lopts,
                                      opts, diag, payload, err)) < 0)
        return rc;
    if (cache_write(*out, cache_dir, path, solve ? key : NULL, &werr) < 0) {
        char msg[300];

        glca_error_format(&werr, msg, sizeof msg);
        snprintf(report->warning, sizeof report->warning, "%s cache not written: %s",
                 solve ? "background" : "Lambda", msg);
    } else {
        report->stored = true;
    }
    /* and the Lambda file, so that assess and batch on these inputs hit too; optional, so a
       failure only matters when nothing else went wrong */
    if (solve && access(other, F_OK) != 0 &&
        cache_write(*out, cache_dir, other, NULL, &werr) < 0 && !report->warning[0]) {
        char msg[300];

        glca_error_format(&werr, msg, sizeof msg);
        snprintf(report->warning, sizeof report->warning, "Lambda cache not written: %s", msg);
    }
    return 0;
}

int glca_lambda_cache_store(const glca_background *bg, const char *cache_dir,
                            const char *const *inventory_paths, size_t ninventories,
                            const char *method_path, const glca_background_options *opts,
                            glca_error *err)
{
    unsigned char key[GLCA_SHA256_SIZE];
    char hex[GLCA_SHA256_HEX], path[4200];
    int rc;

    if ((rc = glca_lambda_cache_key(key, inventory_paths, ninventories, method_path, opts, err)) <
        0)
        return rc;
    glca_sha256_hex(key, hex);
    snprintf(path, sizeof path, "%s/%s.lambda", cache_dir, hex);
    return cache_write(bg, cache_dir, path, NULL, err);
}
