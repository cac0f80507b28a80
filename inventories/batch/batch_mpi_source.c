/*
 * The chunk source of each rank of an MPI batch (see batch_mpi.h; the design is at the top of
 * batch_mpi.c, the protocol at the top of batch_mpi_dispatch.c): rank 0 takes chunks from its
 * dispatcher directly, the others ask for them by message, and every rank reads each block's
 * bytes itself when one of its threads parses it.
 */
#include "batch/batch_mpi_wire.h"

#include <string.h>

struct glca_inventories__mpi_source {
    glca_inventories__dispatch *local;
    MPI_Comm comm;
    int64_t *msg;   /* the last reply */
    size_t msg_cap; /* bytes */
    glca_inventories__block *blocks;
    size_t blocks_cap;
    long long tell;
    size_t serial_end;
    bool pending; /* a NEXT asked ahead, its reply not yet received */
    bool serves;  /* rank 0 serving the others between its products */
};

/* A rank waiting for its reply, which comes within the dispatcher's pause (or a cut): at the
 * dispatcher's pace it slept up to 2.5 ms past the reply, 3-5 ms a chunk in the tail. */
#define REPLY_PAUSE_MAX_NS 100000L

int glca_inventories__mpi_source_new(glca_inventories__mpi_source **out,
                                     glca_inventories__dispatch *local, MPI_Comm comm,
                                     glca_error *err)
{
    glca_inventories__mpi_source *s = glca_calloc(1, sizeof *s);

    *out = NULL;
    if (!s)
        return glca_error_oom(err);
    s->local = local;
    s->comm = comm;
    s->serial_end = SIZE_MAX;
    *out = s;
    return 0;
}

void glca_inventories__mpi_source_free(glca_inventories__mpi_source *s)
{
    if (!s)
        return;
    glca_free(s->msg);
    glca_free(s->blocks);
    glca_free(s);
}

/* Receive rank 0's reply to this rank's request. */
static int receive(glca_inventories__mpi_source *s, size_t *len)
{
    MPI_Status st;
    long pause = PAUSE_MIN_NS;
    int flag = 0, count;

    for (;;) {
        MPI_Iprobe(0, GLCA_MPI_TAG_REPLY, s->comm, &flag, &st);
        if (flag)
            break;
        glca_inventories__pause_longer(&pause, REPLY_PAUSE_MAX_NS);
    }
    MPI_Get_count(&st, MPI_BYTE, &count);
    if (glca_inventories__wire_reserve((void **)&s->msg, &s->msg_cap, (size_t)count) < 0)
        return GLCA_ENOMEM;
    MPI_Recv(s->msg, count, MPI_BYTE, 0, GLCA_MPI_TAG_REPLY, s->comm, MPI_STATUS_IGNORE);
    *len = (size_t)count;
    return 0;
}

/*
 * The next reply.  Another rank asks for the following chunk as soon as it has this one, so
 * that the reply waits for it instead of it for the reply (the dispatcher may be asleep, up to
 * a millisecond, or cutting, about 10 ms: 3 ms a chunk measured at 2 ranks).  Only while the
 * chunks are full: once they shrink towards the end, a chunk held ahead would be one the other
 * ranks could have taken.
 */
static int ask(glca_inventories__mpi_source *s, size_t max, size_t per, size_t *len)
{
    int rc;

    if (s->local)
        return glca_inventories__dispatch_next(s->local, max, per, &s->msg, &s->msg_cap, len);
    if (!s->pending)
        glca_inventories__wire_request(s->comm, REQ_NEXT, (int64_t)max, (int64_t)per);
    s->pending = false;
    if ((rc = receive(s, len)) < 0)
        return rc;
    if (glca_inventories__full_chunk(s->msg, max)) {
        glca_inventories__wire_request(s->comm, REQ_NEXT, (int64_t)max, (int64_t)per);
        s->pending = true;
    }
    return 0;
}

void glca_inventories__dispatch_done(MPI_Comm comm, glca_inventories__mpi_source *s)
{
    size_t len;

    /* the reply to a request made ahead is owed to this rank: take it off the wire, unused (its
     * products are stored by a later run, as after any stop) */
    if (s && s->pending && receive(s, &len) == 0)
        s->pending = false;
    glca_inventories__wire_request(comm, REQ_DONE, 0, 0);
}

/* The blocks of a reply, without their bytes: each is read from the catalog when it is parsed
 * (catalog_split.c), straight into its parser's buffer. */
static int take_blocks(glca_inventories__mpi_source *s, const int64_t *desc, size_t n,
                       glca_error *err)
{
    size_t i;

    if (glca_inventories__wire_reserve((void **)&s->blocks, &s->blocks_cap, n * sizeof *s->blocks) <
        0)
        return glca_error_oom(err);
    for (i = 0; i < n; i++) {
        const int64_t *d = desc + PER_BLOCK_DESC * i;
        glca_inventories__block *b = &s->blocks[i];

        b->body = NULL;
        b->at = d[0];
        b->offset = (size_t)(d[0] - desc[0]);
        b->len = (size_t)d[1];
        b->line = (long)d[2];
        b->column = (long)d[3];
        b->first = (size_t)d[4];
        b->n = (size_t)d[5];
        b->last = d[6] != 0;
    }
    return 0;
}

static int source_next(void *payload, size_t max, size_t per,
                       const glca_inventories__block **blocks, size_t *nblocks, size_t *serial_from,
                       bool *eof, glca_error *err)
{
    glca_inventories__mpi_source *s = payload;
    size_t len, n;
    int rc;

    *nblocks = 0;
    *blocks = s->blocks;
    if ((rc = ask(s, max, per, &len)) < 0)
        return glca_error_oom(err);
    if (s->msg[0] < 0) {
        memcpy(err, s->msg + HEAD, sizeof *err);
        return (int)s->msg[0];
    }
    n = (size_t)s->msg[1];
    *serial_from = s->msg[2] < 0 ? SIZE_MAX : (size_t)s->msg[2];
    *eof = s->msg[3] != 0;
    s->tell = s->msg[4];
    if (n && (rc = take_blocks(s, s->msg + HEAD, n, err)) < 0)
        return rc;
    *blocks = s->blocks;
    *nblocks = n;
    return 0;
}

static void source_serial(void *payload, size_t ordinal)
{
    glca_inventories__mpi_source *s = payload;

    if (s->local)
        glca_inventories__dispatch_stop(s->local);
    else
        glca_inventories__wire_request(s->comm, REQ_SERIAL, (int64_t)ordinal, 0);
}

static void source_serial_end(void *payload, size_t ordinals)
{
    glca_inventories__mpi_source *s = payload;

    s->serial_end = ordinals;
}

size_t glca_inventories__mpi_source_serial_end(const glca_inventories__mpi_source *s)
{
    return s ? s->serial_end : SIZE_MAX;
}

static long long source_tell(void *payload)
{
    const glca_inventories__mpi_source *s = payload;

    return s->tell;
}

static void source_tick(void *payload)
{
    glca_inventories__mpi_source *s = payload;

    glca_inventories__dispatch_poll(s->local, s->comm);
}

void glca_inventories__mpi_source_serve(glca_inventories__mpi_source *s)
{
    s->serves = s->local != NULL;
}

void glca_inventories__mpi_source_bind(glca_inventories__batch_source *src,
                                       glca_inventories__mpi_source *s)
{
    src->tick = s->serves ? source_tick : NULL;
    src->next = source_next;
    src->serial = source_serial;
    src->serial_end = source_serial_end;
    src->tell = source_tell;
    src->payload = s;
}
