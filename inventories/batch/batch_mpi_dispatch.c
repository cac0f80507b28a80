/*
 * The chunk dispatcher of the MPI batch, on rank 0 (see batch_mpi.h; the design is at the top of
 * batch_mpi.c; the ranks' side is batch_mpi_source.c, what both share batch_mpi_wire.h).
 *
 * Protocol: a request is three int64 {kind, a, b}: NEXT {max, per_block}, SERIAL {ordinal} (a
 * block failed to parse on that rank, which reads on serially: no more chunks for anyone), DONE.
 * Only NEXT is answered, by one message of int64 {rc, nblocks, serial_from or -1, eof, tell}, then
 * seven int64 per block {file offset, length, line, column, first ordinal, entries, last}, then,
 * when rc < 0, the glca_error.  Descriptors only: each rank preads the bytes itself from the
 * shared catalog, block by block as its threads parse them, so rank 0 sends tens of bytes per
 * chunk, not the chunk.
 *
 * Chunks shrink towards the end of the catalog (glca_inventories__split_guided): with chunks of
 * the requested size to the last, the rank that took the last one kept the others waiting for up
 * to a chunk's evaluation, 512 products or a sixth of a second at one thread per rank.  The first
 * chunks are a quarter of the size, so that the cuts every rank waits for at the start (one
 * after another) and the two cut while rank 0 prepares are short.
 *
 * Nobody waits for a chunk to be cut.  The dispatcher keeps the next chunks cut ahead (two
 * replies in hand, the first two cut while rank 0 prepares the inputs): a request takes one at
 * once and whoever serves (rank 0's evaluating threads between products, or the dispatcher's
 * thread: batch_mpi.c) cuts the following one while the ranks evaluate.  The replies
 * and their order are those of cutting on demand.  Another rank asks for its next chunk as soon
 * as it has one, while chunks are full, so that its reply is waiting for it; replies go by
 * MPI_Isend, so one not yet taken holds nobody up.
 *
 * Waiting is by MPI_Iprobe and a sleep, not a blocking receive: Open MPI's blocking calls spin,
 * and a spinning dispatcher would take a core from the evaluating threads.  Served between
 * products, nothing sleeps; a thread serving, or rank 0 after its own work, sleeps: its
 * sleep doubles while nothing comes, up to a millisecond, or 10 ms while every other rank holds
 * a full chunk it asked for ahead (a chunk takes a tenth of a second or more to evaluate); a
 * rank waiting for its reply looks every 0.1 ms at most.  Measurements: bench/README.md.
 */
#include "batch/batch_mpi_wire.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* A reply to NEXT, in a buffer that grows as needed. */
typedef struct reply {
    int64_t *msg;
    size_t cap, len; /* bytes */
} reply;

/* Replies cut ahead: two, so that rank 0's own request finds one while the dispatcher's thread
 * cuts the next (with one, it waited for that cut on the lock). */
#define AHEAD 2

struct glca_inventories__dispatch {
    pthread_mutex_t lock;           /* the splitter, over, tell, spare */
    glca_inventories__split *split; /* NULL: the catalog is read serially, by one rank */
    size_t ranks;                   /* that take chunks, rank 0 included */
    bool over;                      /* nothing more to hand out */
    long long tell;
    /* The next replies, cut ahead on the dispatcher's thread while the ranks evaluate, so that
     * a request is answered at once: cutting on demand kept the asking rank waiting for the
     * pass over a chunk's bytes, and a second request meanwhile waited for the lock. */
    pthread_mutex_t queue_lock; /* queue, nqueue, max, per */
    reply queue[AHEAD];         /* oldest first */
    size_t nqueue;
    reply spare;     /* cut into, then swapped into the queue */
    size_t max, per; /* of the last request: every rank asks with the same options */
    /* Serving, by glca_inventories__dispatch_poll on one thread at a time (serve_lock).  A
     * reply goes by MPI_Isend, from a buffer of its rank's: a rank that asked ahead receives it
     * only when it needs it, and a reply above the eager limit would have held a blocking send
     * (and every other rank's request) until then.  A rank asks again only after it has the
     * reply, so one buffer per rank suffices. */
    pthread_mutex_t serve_lock;
    reply *out;
    MPI_Request *sends;
    bool *holds; /* the rank's last reply is a full chunk: it asks again ahead */
    int left;    /* ranks that have not said they are done */
    int holding; /* of them, holding a full chunk they asked for ahead */
};

/* The dispatcher while every other rank holds a full chunk it asked for ahead: nobody needs an
 * answer for about a chunk's evaluation, and each wake-up took a core from a rank (about 1,100
 * preemptions of rank 0 in a 2-rank run at 1 ms). */
#define HOLDING_PAUSE_MAX_NS 10000000L

void glca_inventories__pause_longer(long *ns, long max)
{
    const struct timespec ts = {0, *ns};

    nanosleep(&ts, NULL);
    if (*ns < max)
        *ns = 2 * *ns < max ? 2 * *ns : max;
}

/* ---------------------------------------------------------------- the dispatcher */

int glca_inventories__dispatch_new(glca_inventories__dispatch **out, const char *catalog,
                                   const glca_xml_limits *limits, size_t ranks, glca_error *err)
{
    glca_inventories__dispatch *d = glca_calloc(1, sizeof *d);
    size_t i;
    int rc;

    *out = NULL;
    if (!d)
        return glca_error_oom(err);
    /* first, so that glca_inventories__dispatch_free undoes any failure below (d->ranks stays 0
     * until the per-rank arrays exist) */
    pthread_mutex_init(&d->lock, NULL);
    pthread_mutex_init(&d->queue_lock, NULL);
    pthread_mutex_init(&d->serve_lock, NULL);
    if ((rc = glca_inventories__split_open(&d->split, catalog, limits, err)) < 0)
        goto fail;
    if (!(d->out = glca_calloc(ranks, sizeof *d->out)) ||
        !(d->sends = glca_calloc(ranks, sizeof *d->sends)) ||
        !(d->holds = glca_calloc(ranks, sizeof *d->holds))) {
        rc = glca_error_oom(err);
        goto fail;
    }
    for (i = 0; i < ranks; i++)
        d->sends[i] = MPI_REQUEST_NULL;
    d->ranks = ranks;
    d->left = (int)ranks - 1;
    *out = d;
    return 0;
fail:
    glca_inventories__dispatch_free(d);
    return rc;
}

void glca_inventories__dispatch_free(glca_inventories__dispatch *d)
{
    size_t i;

    if (!d)
        return;
    pthread_mutex_destroy(&d->lock);
    pthread_mutex_destroy(&d->queue_lock);
    pthread_mutex_destroy(&d->serve_lock);
    glca_inventories__split_free(d->split);
    for (i = 0; i < AHEAD; i++)
        glca_free(d->queue[i].msg);
    glca_free(d->spare.msg);
    for (i = 0; i < d->ranks; i++)
        glca_free(d->out[i].msg);
    glca_free(d->out);
    glca_free(d->sends);
    glca_free(d->holds);
    glca_free(d);
}

int glca_inventories__wire_reserve(void **buf, size_t *cap, size_t need)
{
    void *grown;

    if (need <= *cap)
        return 0;
    if (!(grown = glca_reallocarray(*buf, need, 1)))
        return GLCA_ENOMEM;
    *buf = grown;
    *cap = need;
    return 0;
}

/* The next chunk as a reply in (*msg, *len), the lock held; a failure is in the reply, not
 * returned. */
static int cut(glca_inventories__dispatch *d, size_t max, size_t per, int64_t **msg, size_t *cap,
               size_t *len)
{
    const glca_inventories__block *blocks = NULL;
    glca_error e = GLCA_ERROR_INIT;
    size_t nblocks = 0, from = SIZE_MAX, i;
    bool eof = true;
    int rc = 0;

    if (d->over) {
        from = SIZE_MAX;
    } else if (!d->split) {
        from = 0;
        d->over = true;
    } else {
        max = glca_inventories__split_guided(max, per, glca_inventories__split_size(d->split),
                                             glca_inventories__split_tell(d->split),
                                             glca_inventories__split_count(d->split), d->ranks);
        rc = glca_inventories__split_next(d->split, max, per, &blocks, &nblocks, &from, &eof, &e);
        if (rc < 0)
            nblocks = 0;
        d->over = rc < 0 || eof || from != SIZE_MAX;
        d->tell = glca_inventories__split_tell(d->split);
    }
    *len = (HEAD + PER_BLOCK_DESC * nblocks) * sizeof(int64_t) + (rc < 0 ? sizeof e : 0);
    if (glca_inventories__wire_reserve((void **)msg, cap, *len) < 0)
        return GLCA_ENOMEM;
    (*msg)[0] = rc;
    (*msg)[1] = (int64_t)nblocks;
    (*msg)[2] = from == SIZE_MAX ? -1 : (int64_t)from;
    (*msg)[3] = eof;
    (*msg)[4] = d->tell;
    for (i = 0; i < nblocks; i++) {
        int64_t *b = *msg + HEAD + PER_BLOCK_DESC * i;

        b[0] = blocks[i].at;
        b[1] = (int64_t)blocks[i].len;
        b[2] = blocks[i].line;
        b[3] = blocks[i].column;
        b[4] = (int64_t)blocks[i].first;
        b[5] = (int64_t)blocks[i].n;
        b[6] = blocks[i].last;
    }
    if (rc < 0)
        memcpy(*msg + HEAD, &e, sizeof e);
    return 0;
}

static void swap(reply *a, reply *b)
{
    const reply t = *a;

    *a = *b;
    *b = t;
}

/* The oldest reply cut ahead into `out`, if there is one (queue_lock held). */
static bool pop(glca_inventories__dispatch *d, reply *out)
{
    size_t i;

    if (d->nqueue == 0)
        return false;
    swap(out, &d->queue[0]);
    for (i = 1; i < d->nqueue; i++)
        swap(&d->queue[i - 1], &d->queue[i]);
    d->nqueue--;
    return true;
}

/* The next reply: the oldest cut ahead, else one cut now. */
int glca_inventories__dispatch_next(glca_inventories__dispatch *d, size_t max, size_t per,
                                    int64_t **msg, size_t *cap, size_t *len)
{
    reply r = {*msg, *cap, 0};
    bool got;
    int rc = 0;

    pthread_mutex_lock(&d->queue_lock);
    d->max = max;
    d->per = per;
    got = pop(d, &r);
    pthread_mutex_unlock(&d->queue_lock);
    if (!got) {
        /* a cut under way ends in the queue: look again once it is done */
        pthread_mutex_lock(&d->lock);
        pthread_mutex_lock(&d->queue_lock);
        got = pop(d, &r);
        pthread_mutex_unlock(&d->queue_lock);
        if (!got)
            rc = cut(d, max, per, &r.msg, &r.cap, &r.len);
        pthread_mutex_unlock(&d->lock);
    }
    *msg = r.msg;
    *cap = r.cap;
    *len = r.len;
    return rc;
}

/* Cut the next reply ahead, once a request has told the options and while there is room and
 * more to hand out. */
static int dispatch_ahead(glca_inventories__dispatch *d, size_t keep)
{
    size_t max, per;
    bool room;
    int rc = 0;

    pthread_mutex_lock(&d->queue_lock);
    room = d->nqueue < keep && d->max > 0;
    max = d->max;
    per = d->per;
    pthread_mutex_unlock(&d->queue_lock);
    if (!room)
        return 0;
    pthread_mutex_lock(&d->lock);
    if (!d->over && (rc = cut(d, max, per, &d->spare.msg, &d->spare.cap, &d->spare.len)) == 0) {
        pthread_mutex_lock(&d->queue_lock);
        swap(&d->spare, &d->queue[d->nqueue++]);
        pthread_mutex_unlock(&d->queue_lock);
    }
    pthread_mutex_unlock(&d->lock);
    return rc;
}

int glca_inventories__dispatch_prime(glca_inventories__dispatch *d, size_t max, size_t per)
{
    size_t i;
    int rc = 0;

    pthread_mutex_lock(&d->queue_lock);
    if (d->max == 0) {
        d->max = max;
        d->per = per;
    }
    pthread_mutex_unlock(&d->queue_lock);
    for (i = 0; i < AHEAD && rc == 0; i++)
        rc = dispatch_ahead(d, AHEAD);
    return rc;
}

/* No more chunks: the chunks cut ahead are dropped, as if they had never been cut. */
void glca_inventories__dispatch_stop(glca_inventories__dispatch *d)
{
    pthread_mutex_lock(&d->lock);
    d->over = true;
    pthread_mutex_lock(&d->queue_lock);
    d->nqueue = 0;
    pthread_mutex_unlock(&d->queue_lock);
    pthread_mutex_unlock(&d->lock);
}

/* A chunk of `max` products, the catalog not at its end: chunks are not shrinking yet. */
bool glca_inventories__full_chunk(const int64_t *msg, size_t max)
{
    size_t i, n = 0;

    if (msg[0] < 0 || msg[2] >= 0 || msg[3])
        return false;
    for (i = 0; i < (size_t)msg[1]; i++)
        n += (size_t)msg[HEAD + PER_BLOCK_DESC * i + 5];
    return n > 0 && n >= max;
}

/* Answer the requests that have come (serve_lock held); whether there were any. */
static bool answer(glca_inventories__dispatch *d, MPI_Comm comm)
{
    bool busy = false;
    int flag = 1;

    while (d->left > 0 && flag) {
        int64_t req[3];
        MPI_Status st;
        int from;

        MPI_Iprobe(MPI_ANY_SOURCE, GLCA_MPI_TAG_REQUEST, comm, &flag, &st);
        if (!flag)
            break;
        busy = true;
        from = st.MPI_SOURCE;
        MPI_Recv(req, 3, MPI_INT64_T, from, GLCA_MPI_TAG_REQUEST, comm, MPI_STATUS_IGNORE);
        d->holding -= d->holds[from];
        d->holds[from] = false;
        if (req[0] == REQ_DONE) {
            d->left--;
        } else if (req[0] == REQ_SERIAL) {
            glca_inventories__dispatch_stop(d);
        } else {
            reply *out = &d->out[from];

            /* the rank has the last reply: its send is done, or finishes at once */
            MPI_Wait(&d->sends[from], MPI_STATUS_IGNORE);
            if (glca_inventories__dispatch_next(d, (size_t)req[1], (size_t)req[2], &out->msg,
                                                &out->cap, &out->len) < 0)
                MPI_Abort(comm, 1);
            MPI_Isend(out->msg, (int)out->len, MPI_BYTE, from, GLCA_MPI_TAG_REPLY, comm,
                      &d->sends[from]);
            d->holds[from] = glca_inventories__full_chunk(out->msg, (size_t)req[1]);
            d->holding += d->holds[from];
        }
    }
    return busy;
}

/* Answer the requests that have come, then cut ahead until `keep` replies are in hand, then
 * answer those that came meanwhile (serve_lock held); whether there were any. */
static bool serve_pending(glca_inventories__dispatch *d, MPI_Comm comm, size_t keep)
{
    bool busy = answer(d, comm);

    if (dispatch_ahead(d, keep) < 0)
        MPI_Abort(comm, 1); /* out of memory for a reply: nothing sensible is left to do */
    return answer(d, comm) || busy;
}

void glca_inventories__dispatch_poll(glca_inventories__dispatch *d, MPI_Comm comm)
{
    if (pthread_mutex_trylock(&d->serve_lock) != 0)
        return;
    /* One reply in hand, not two: a cut (10 ms for 512 products) holds the requests that come
     * meanwhile, and with two kept each tick after rank 0's own request cut one (a rank's first
     * request waited 13-17 ms for it). */
    serve_pending(d, comm, 1);
    pthread_mutex_unlock(&d->serve_lock);
}

void glca_inventories__dispatch_serve(glca_inventories__dispatch *d, MPI_Comm comm)
{
    long pause = PAUSE_MIN_NS;

    pthread_mutex_lock(&d->serve_lock);
    while (d->left > 0) {
        if (serve_pending(d, comm, AHEAD))
            pause = PAUSE_MIN_NS;
        else if (d->left > 0)
            glca_inventories__pause_longer(
                &pause, d->holding == d->left ? HOLDING_PAUSE_MAX_NS : PAUSE_MAX_NS);
    }
    /* every rank took its replies before saying it was done */
    MPI_Waitall((int)d->ranks, d->sends, MPI_STATUSES_IGNORE);
    pthread_mutex_unlock(&d->serve_lock);
}

void glca_inventories__wire_request(MPI_Comm comm, int64_t kind, int64_t a, int64_t b)
{
    int64_t req[3] = {kind, a, b};

    MPI_Send(req, 3, MPI_INT64_T, 0, GLCA_MPI_TAG_REQUEST, comm);
}
