/*
 * Merging results stores: the rows one process of a shared-out batch stored in a store of its
 * own (one per MPI rank) into the job's results store (results_merge.c).
 */
#ifndef GLCA_INVENTORIES_RESULTS_MERGE_H
#define GLCA_INVENTORIES_RESULTS_MERGE_H

#include <glca/inventories.h>

/**
 * Copy the product, impact, indicator and verdict rows of the run with `key` in the store at
 * `part` into run `run` of the store at `path`, in one transaction.  Rows already there are
 * kept: a product computes the same rows wherever it is computed, so a part merged twice (the
 * job killed between the commit and the part's removal) stores nothing twice.  `*products` is
 * the number of product rows added.  A part without that run adds nothing.
 */
int glca_inventories__store_merge(const char *path, long long run, const char *part,
                                  const char *key, size_t *products, glca_error *err);

/** Delete the rows of `run` from ordinal `from` on (a catalog whose stream broke off before). */
int glca_inventories__store_trim(const char *path, long long run, size_t from, glca_error *err);

/** Remove a store file and its WAL and shared-memory files; 0 or GLCA_EIO. */
int glca_inventories__store_remove(const char *path, glca_error *err);

#endif
