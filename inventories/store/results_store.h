/*
 * The SQLite results store of a batch, inside inventories/ (batch.c writes it, the export in
 * results_store.c reads it).  Schema (PRAGMA user_version = 1):
 *
 *   run        (id, key, started, finished, catalog + sha256, method + sha256, method_id,
 *               ruleset_version, greenlca_version, status running/stopped/done)
 *   run_input  (run, position, role inventory/method/catalog/include/rules/provider-map/option,
 *               path, sha256); an option (an allocation other than data) has its value
 *               "allocation=none" as path and "-" as sha256
 *   category   (run, idx, id, name, unit)                 the method's categories, in order
 *   product    (run, ordinal, id, source "file:line", status ok/error, message)
 *   impact     (run, ordinal, category idx, one column per stage, total)
 *   indicator  (run, ordinal, position, id, value, baseline, comparator, outcome, reason)
 *   verdict    (run, ordinal, ruleset, certified, reasons)
 *   writer     (pid, host, process_start, since): the one batch writing (store_lock.c)
 *   view impact_by_stage (run, ordinal, product, category, stage, value): the long form
 *
 * impact holds one row per category with the five stages as columns rather than one row per
 * stage: a 25-category method makes 25 rows per product instead of 150, which is what lets a
 * single writer keep up with the evaluating threads.  The view gives the long form back.
 */
#ifndef GLCA_INVENTORIES_RESULTS_STORE_H
#define GLCA_INVENTORIES_RESULTS_STORE_H

#include <sys/types.h>

#include <glca/inventories.h>

#define GLCA_INVENTORIES__SCHEMA_VERSION 2

typedef struct glca_inventories__store glca_inventories__store;

/** An input recorded with a run beside the inventories, the method and the catalog. */
typedef struct glca_inventories__run_input {
    const char *role; /* "include", "rules", "provider-map", "option" */
    const char *path, *sha256;
} glca_inventories__run_input;

/** What identifies a run and what is recorded with it (strings borrowed). */
typedef struct glca_inventories__run_desc {
    const char *key; /* hex SHA-256 over everything that defines the results */
    const char *catalog, *catalog_sha256;
    const char *method, *method_sha256, *method_id;
    const char *const *inventories;
    const char *const *inventory_sha256;
    size_t ninventories;
    const char *ruleset_version; /* may be NULL */
    const glca_inventories__run_input *more; /* files the catalog includes, the rules */
    size_t nmore;
} glca_inventories__run_desc;

/** One product of a chunk: what the batch read and computed, what the store writes. */
typedef struct glca_inventories__slot {
    size_t ordinal;
    glca_product *product; /* NULL when the catalog could not read it */
    bool skip;             /* already stored by an earlier attempt: write nothing */
    bool ok;
    char source[320];  /* "file:line" */
    char message[600]; /* "file:line: message" when !ok */
    double *impacts;   /* k × GLCA_NSTAGES, valid when ok */
    glca_verdict_rows verdict;
} glca_inventories__slot;

int glca_inventories__store_open(glca_inventories__store **out, const char *path,
                                 glca_error *err);
/** Close, giving the writer row back if this handle holds it.  NULL is fine. */
void glca_inventories__store_close(glca_inventories__store *s);

/**
 * Become the store's one writer (store_lock.c): an error "results store FILE in use by process
 * N (host H) since T" while another live process is; the row of a dead process of this host is
 * taken over.  Released by glca_inventories__store_close.
 */
int glca_inventories__store_lock(glca_inventories__store *s, glca_error *err);

/**
 * Find the latest run with `d->key` (resumed = true) or create one; `fresh` deletes earlier runs
 * with that key first.  A new run records the categories of `bg`.
 */
int glca_inventories__store_begin_run(glca_inventories__store *s,
                                      const glca_inventories__run_desc *d,
                                      const glca_background *bg, bool fresh, long long *run_id,
                                      bool *resumed, glca_error *err);

/**
 * The ordinals already stored for `run` as a bitmap (bit i of byte i/8), `*nbits` long; the
 * caller frees it.  One bit per product keeps a million-product resume at 125 kB.
 */
int glca_inventories__store_stored(glca_inventories__store *s, long long run,
                                   unsigned char **bitmap, size_t *nbits, glca_error *err);

/** Write the slots that are not `skip` in one transaction. */
int glca_inventories__store_write_chunk(glca_inventories__store *s, long long run,
                                        const glca_inventories__slot *slots, size_t n,
                                        size_t ncategories, glca_error *err);

/**
 * The same, unless another connection is writing the store at this moment: then 1 and nothing
 * is done (no wait), so that the caller can do other work first (batch.c).
 */
int glca_inventories__store_try_write_chunk(glca_inventories__store *s, long long run,
                                            const glca_inventories__slot *slots, size_t n,
                                            size_t ncategories, glca_error *err);

/**
 * `fn(payload)` is called while a write of this handle waits for another connection's lock and
 * every few thousand SQLite steps while it writes (NULL: nothing).  A rank 0 serving the other
 * ranks between its products keeps answering them while it commits (batch_mpi.c).
 */
void glca_inventories__store_set_meanwhile(glca_inventories__store *s, void (*fn)(void *),
                                           void *payload);

/** status: "running", "stopped" or "done" (done also sets finished). */
int glca_inventories__store_set_status(glca_inventories__store *s, long long run,
                                       const char *status, glca_error *err);

/** Counts over the whole run. */
int glca_inventories__store_counts(glca_inventories__store *s, long long run, size_t *ok,
                                   size_t *errors, size_t *certified, glca_error *err);

struct sqlite3;
/* store_faults.c: what a user can do about SQLite result code `code` ("" if nothing) */
const char *glca_inventories__advice(int code);
/* A store of a newer greenlca, or an SQLite database that is not a store, is refused. */
int glca_inventories__check_ours(struct sqlite3 *db, const char *path, int version,
                                 glca_error *err);
/* `path` is still the file (dev, ino) that was opened: not removed, not replaced. */
int glca_inventories__check_same_file(const char *path, dev_t dev, ino_t ino, glca_error *err);
/* The writer row on a connection (store_lock.c); release deletes it only if it is ours. */
int glca_inventories__lock_take(struct sqlite3 *db, const char *path, glca_error *err);
void glca_inventories__lock_release(struct sqlite3 *db);
/* Delete the writer row unless it is a live process of this host; `cleared` describes it. */
int glca_inventories__lock_clear(struct sqlite3 *db, const char *path, char *cleared, size_t size,
                                 glca_error *err);
/** `what` with SQLite's message for `db`, located at `path`; returns GLCA_EIO. */
int glca_inventories__db_error(glca_error *err, struct sqlite3 *db, const char *path,
                               const char *what);

#endif
