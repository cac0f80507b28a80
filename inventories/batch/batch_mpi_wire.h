/*
 * What the MPI batch's dispatcher (batch_mpi_dispatch.c) and the ranks' chunk sources
 * (batch_mpi_source.c) share: the request/reply protocol, described at the top of
 * batch_mpi_dispatch.c, and the polling they wait by.
 */
#ifndef GLCA_BATCH_MPI_WIRE_H
#define GLCA_BATCH_MPI_WIRE_H

#include "batch/batch_mpi.h"

#include <stdint.h>

enum { REQ_NEXT = 1, REQ_SERIAL = 2, REQ_DONE = 3 };
/* a reply's head {rc, nblocks, serial_from or -1, eof, tell}, then per block {file offset,
 * length, line, column, first ordinal, entries, last} */
enum { HEAD = 5, PER_BLOCK_DESC = 7 };

#define PAUSE_MIN_NS 10000L
#define PAUSE_MAX_NS 1000000L

/** Sleep *ns, then double it up to `max`. */
void glca_inventories__pause_longer(long *ns, long max);

/** Grow *buf to `need` bytes if it holds fewer (*cap); GLCA_ENOMEM on failure. */
int glca_inventories__wire_reserve(void **buf, size_t *cap, size_t need);

/** A request of `kind` to rank 0. */
void glca_inventories__wire_request(MPI_Comm comm, int64_t kind, int64_t a, int64_t b);

/** Whether a reply holds a chunk of `max` products, the catalog not at its end: chunks are not
 *  shrinking yet (its rank asks for the next one ahead). */
bool glca_inventories__full_chunk(const int64_t *msg, size_t max);

/** Rank 0's own requests, straight to its dispatcher: the next reply into (*msg, *cap, *len)
 *  (GLCA_ENOMEM only: a failure to cut is in the reply), and no more chunks for anyone. */
int glca_inventories__dispatch_next(glca_inventories__dispatch *d, size_t max, size_t per,
                                    int64_t **msg, size_t *cap, size_t *len);
void glca_inventories__dispatch_stop(glca_inventories__dispatch *d);

#endif
