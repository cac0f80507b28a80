/*
 * Internals of the MPI batch (batch_mpi.c, batch_mpi_dispatch.c, batch_mpi_source.c): rank 0's
 * dispatcher, which cuts the catalog into chunks of whole products and hands them out on demand,
 * and the chunk source each rank's batch reads from (rank 0 asks the dispatcher directly, the
 * others by message).  Built only with GLCA_MPI.
 */
#ifndef GLCA_BATCH_MPI_H
#define GLCA_BATCH_MPI_H

#include <mpi.h>

#include "batch/batch_int.h"

/* Message tags of the request/reply protocol on the job's communicator. */
enum { GLCA_MPI_TAG_REQUEST = 7301, GLCA_MPI_TAG_REPLY = 7302 };

typedef struct glca_inventories__dispatch glca_inventories__dispatch;

/** A dispatcher for `ranks` ranks taking chunks (its chunks shrink towards the end). */
int glca_inventories__dispatch_new(glca_inventories__dispatch **out, const char *catalog,
                                   const glca_xml_limits *limits, size_t ranks, glca_error *err);
void glca_inventories__dispatch_free(glca_inventories__dispatch *d);

/** Cut the first chunks ahead for requests of `max` products in blocks of `per` before anyone
 *  asks (no MPI: rank 0, while the inputs are prepared); GLCA_ENOMEM on failure. */
int glca_inventories__dispatch_prime(glca_inventories__dispatch *d, size_t max, size_t per);

/** Answer the other ranks' requests until every one of them has said it is done (rank 0, on a
 *  thread of its own, or after its own work; the only MPI caller of the process meanwhile). */
void glca_inventories__dispatch_serve(glca_inventories__dispatch *d, MPI_Comm comm);

/** Answer the requests that have come and cut the next reply ahead, without waiting; nothing
 *  when another thread is serving.  Rank 0's evaluating threads call it between products when
 *  no thread of its own serves (batch_mpi.c). */
void glca_inventories__dispatch_poll(glca_inventories__dispatch *d, MPI_Comm comm);

/** This process's chunk source: `local` on rank 0, NULL elsewhere (ask rank 0 by message). */
typedef struct glca_inventories__mpi_source glca_inventories__mpi_source;

/** A rank that will ask no more (after its batch ended, whatever the outcome); `s` is its
 *  source, or NULL when it had none. */
void glca_inventories__dispatch_done(MPI_Comm comm, glca_inventories__mpi_source *s);

int glca_inventories__mpi_source_new(glca_inventories__mpi_source **out,
                                     glca_inventories__dispatch *local, MPI_Comm comm,
                                     glca_error *err);
void glca_inventories__mpi_source_free(glca_inventories__mpi_source *s);

/** Rank 0's source serves the other ranks between its products (dispatch_poll), instead of a
 *  thread of its own; before glca_inventories__mpi_source_bind. */
void glca_inventories__mpi_source_serve(glca_inventories__mpi_source *s);

/** Fill the callbacks of `src` (stored and nstored are left to the caller). */
void glca_inventories__mpi_source_bind(glca_inventories__batch_source *src,
                                       glca_inventories__mpi_source *s);

/** The catalog's number of ordinals when this rank read it serially to the end, else SIZE_MAX. */
size_t glca_inventories__mpi_source_serial_end(const glca_inventories__mpi_source *s);

#endif
