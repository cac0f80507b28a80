/*
 * Internals of the batch driver (batch.c) for drivers that share a catalog out between
 * processes (batch_mpi.c): a batch in two halves, the inputs (hashes, run key, background)
 * prepared once, and the catalog run on prepared inputs with its chunks taken from a source
 * other than the process's own splitter.
 */
#ifndef GLCA_BATCH_INT_H
#define GLCA_BATCH_INT_H

#include "batch/catalog_split.h"
#include "store/results_store.h"

#include <sys/types.h>

struct glca_inventories__hash_job;

/** What identifies a run and what it computes with, prepared once. */
typedef struct glca_inventories__batch_inputs {
    glca_background *bg; /* owned */
    /* owned: the catalog's hash and those of the files it includes; NULL on a process that
     * was handed the hashes (its store then records no includes) */
    struct glca_inventories__hash_job *catalog;
    char catalog_hex[GLCA_SHA256_HEX]; /* content hashes of the inputs */
    char method_hex[GLCA_SHA256_HEX];
    char rules_hex[GLCA_SHA256_HEX]; /* "" without o->rules_path */
    char provider_map_hex[GLCA_SHA256_HEX]; /* "" without o->load->provider_map */
    char (*inventory_hex)[GLCA_SHA256_HEX]; /* one per inventory, owned */
    char key[GLCA_SHA256_HEX]; /* the run key over all of the above and the options */
} glca_inventories__batch_inputs;

/* The catalog's identity from ranges hashed on their own (catalog_hash.c). */
#define GLCA_CATALOG_RANGE ((long long)8 << 20)

/** Ranges of GLCA_CATALOG_RANGE bytes in a catalog of `size` bytes (1 when it is empty). */
size_t glca_inventories__catalog_ranges(long long size);

/** SHA-256 of ranges first, first + step, ... of the catalog at `path` (of `size` bytes) into
 *  digests[k]; *include is set when an element named include may start in one of them. */
int glca_inventories__catalog_hash_ranges(const char *path, long long size, size_t first,
                                          size_t step, unsigned char (*digests)[GLCA_SHA256_SIZE],
                                          bool *include, glca_error *err);

/** pread of exactly n bytes at off, retried where interrupted: fewer only at the end of the
 *  file (one that shrank), -1 with errno on a read error. */
ssize_t glca_inventories__read_at(int fd, void *buf, size_t n, long long off);

/** The identity of a catalog of `size` bytes from the digests of its n ranges. */
void glca_inventories__catalog_id(const unsigned char (*digests)[GLCA_SHA256_SIZE], size_t n,
                                  long long size, char hex[GLCA_SHA256_HEX]);

/*
 * Who hashes the ranges: called once by glca_inventories__batch_prepare_shared, on a thread of
 * its own while the background is loaded, with the catalog's size (-1 when it cannot be read
 * here).  Fills every digest (n of them) and *include, or fails.
 */
typedef int (*glca_inventories__hash_share)(void *payload, const char *path, long long size,
                                            unsigned char (*digests)[GLCA_SHA256_SIZE], size_t n,
                                            bool *include, glca_error *err);

/** Hash the inputs and load the background (through the cache if o->cache_dir); fills
 *  out->cache and out->background_seconds.  `in` is cleared first and freed by the caller. */
int glca_inventories__batch_prepare(glca_inventories__batch_inputs *in,
                                    const glca_batch_options *o, glca_batch_summary *out,
                                    glca_error *err);
/** How the processes of a job share the preparation (batch_mpi.c). */
typedef struct glca_inventories__prepare_hooks {
    glca_inventories__hash_share share; /* who hashes the catalog's ranges; NULL: this process */
    /* called once the background is loaded, while the catalog may still be hashed; NULL: none */
    int (*loaded)(void *payload, const glca_background *bg, glca_error *err);
    void *payload;
} glca_inventories__prepare_hooks;

/** The same, shared as `hooks` say (NULL: by this process alone). */
int glca_inventories__batch_prepare_shared(glca_inventories__batch_inputs *in,
                                           const glca_batch_options *o,
                                           const glca_inventories__prepare_hooks *hooks,
                                           glca_batch_summary *out, glca_error *err);
void glca_inventories__batch_inputs_free(glca_inventories__batch_inputs *in);

/** Open the store at `path` and become its one writer (*out NULL on failure). */
int glca_inventories__batch_open_store(glca_inventories__store **out, const char *path,
                                       glca_error *err);

/** Find (or, o->fresh or not found, create) the run of `in` in `store`. */
int glca_inventories__batch_begin(glca_inventories__store *store, long long *run,
                                  const glca_batch_options *o,
                                  const glca_inventories__batch_inputs *in, glca_error *err);

/*
 * Where the chunks of a shared-out run come from.  `next` has the contract of
 * glca_inventories__split_next (blocks valid until the next call, *serial_from where this
 * process's serial reader takes over, *eof when nothing is left for it); `serial` is told when a
 * block failed to parse here and this process reads on serially from `ordinal`.  `stored`
 * replaces the store's own record of what earlier attempts stored.  A shared-out run leaves the
 * run's status "running": whoever ends the whole job says "done".
 */
typedef struct glca_inventories__batch_source {
    int (*next)(void *payload, size_t max, size_t per_block, const glca_inventories__block **blocks,
                size_t *nblocks, size_t *serial_from, bool *eof, glca_error *err);
    void (*serial)(void *payload, size_t ordinal);
    /* a run that read serially to the end says how many ordinals the catalog has: products
     * other processes computed past them were never in it (the stream broke off before) */
    void (*serial_end)(void *payload, size_t ordinals);
    long long (*tell)(void *payload); /* catalog bytes handed out so far, for progress */
    /* NULL, or called between products by the evaluating threads (one at a time or not: the
     * callee sees to it), for a source that has others to serve meanwhile */
    void (*tick)(void *payload);
    void *payload;
    const unsigned char *stored; /* bit i of byte i/8: ordinal i is stored already */
    size_t nstored;
} glca_inventories__batch_source;

/** What a batch with options `o` asks its source for: at most `*max` products a chunk, in
 *  blocks of `*per_block`. */
void glca_inventories__batch_chunk_request(const glca_batch_options *o, size_t *max,
                                           size_t *per_block);

/** The catalog run of glca_batch_run on prepared inputs, into `run` of `store` (borrowed,
 *  locked); `src` NULL splits the catalog here. */
int glca_inventories__batch_run_prepared(glca_batch_summary *out, const glca_batch_options *o,
                                         const glca_inventories__batch_inputs *in,
                                         glca_inventories__store *store, long long run,
                                         const glca_inventories__batch_source *src,
                                         glca_error *err);

#endif
