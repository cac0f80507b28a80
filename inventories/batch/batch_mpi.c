/*
 * The batch across the processes of an MPI job: `mpirun -n N greenlca batch …` or `srun
 * greenlca batch …`, one results store at the end, the same rows as one process writes.
 *
 * Design.
 * - Inputs once.  The ranks hash shares of the catalog's fixed byte ranges (the run key's
 *   catalog identity, catalog_hash.c; the same for any N and for one process; rank 0 the
 *   smallest share; nobody when the cache directory keeps the catalog's identity from an
 *   earlier run, digest_cache.c) while rank 0 hashes the other inputs and prepares the
 *   background (or loads it from the Lambda cache),
 *   serializes it in the cache's blob format and broadcasts it in pieces of at most 1 GiB (MPI
 *   counts are int); the other ranks restore it from the blob, as a cache hit does, so nobody
 *   parses the inventory but rank 0.  When every input's digest is kept, the other ranks read
 *   the Lambda cache file themselves while rank 0 prepares, and the blob goes only to a rank
 *   that did not find the file rank 0 read (the same SHA-256 of its bytes, follow_inputs).
 *   The hashes and the run key travel with it, so every rank records the same run.
 * - Work on demand.  Rank 0's dispatcher (batch_mpi_dispatch.c; served between rank 0's own
 *   products up to 4 ranks, by a thread of its own beyond, inline_serving below) runs
 *   the catalog splitter ahead of the requests and hands out chunks of whole products, one per
 *   request, as block descriptors (file offset, length, line, ordinals); each rank preads each
 *   block from the shared catalog file as one of its OpenMP threads parses, evaluates and judges
 *   it, through the same pipeline as one process (batch.c, with this chunk source).  A slow
 *   rank simply asks less often.  Where the splitter gives up (includes, DOCTYPE, malformed
 *   XML) the rank that meets it reads on serially to the end, as one process does, and no chunk
 *   past that point is handed out any more.  When that serial read ends early (malformed XML
 *   the stream cannot get past), the products other ranks computed beyond that point meanwhile
 *   are deleted after the merge: one process never reads them.
 * - Results on one host with few threads: every rank commits its chunks into the results store
 *   itself, in turns (write_directly below); nothing is left to merge at the end.
 * - Results otherwise: a store per rank, merged at the end.  Rank 0 writes into the results
 *   store itself; rank r writes RESULTS.part-r, a results store of the same run; when every
 *   rank is done,
 *   rank 0 copies the parts' rows in (INSERT … SELECT moves the stored values, bit for bit) and
 *   removes them.  Measured (bench/README.md): one SQLite writer stores 26,000-31,000 products
 *   of 26 rows per CPU second, what 9 evaluating threads produce (5 with verdicts), so rank 0
 *   fed by messages would be the bottleneck long before 100 ranks; with a store per rank the
 *   writers work in parallel, and the merge at the end copies rows at 1.0-1.3 M/s (1.5 times
 *   the insert rate) without holding the evaluation up.
 * - Faults.  Every chunk is committed in one transaction in whichever store, so killing the
 *   job loses at most the chunks in flight.  The next run of the same command first merges the
 *   parts left behind (whatever N was), then reads what is stored and broadcasts that bitmap:
 *   those products are skipped everywhere.  A part merged twice adds nothing (INSERT OR
 *   IGNORE; a product's rows are the same wherever it is computed).  A bad product is an error
 *   row with its file:line on whichever rank reads it, from the same code as one process.
 *
 * The run's status stays "running" until rank 0 has merged every part; then it is "done" (or
 * "stopped" when a rank failed or was interrupted).  Rank 0 is the results store's one writer
 * (store_lock.c) for the whole job, before any other work, so a second job on the same store
 * stops at once; rank r is its part's (or, writing the store in turns, takes SQLite's write lock
 * for each commit without the writer row).  The merge and the trim use connections of their own
 * while rank 0's handle sits idle.  What bounds this design at scale (the dispatcher's pass
 * over the catalog, then the merge) is measured and projected in bench/README.md.
 */
#include <assert.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <omp.h>

#include "batch/batch_mpi.h"
#include "store/digest_memo.h"
#include "store/results_merge.h"

/* Broadcast in pieces: MPI counts are int. */
#define PIECE ((size_t)1 << 30)

/* ranks up to which rank 0 serves between its products (inline_serving) */
#define INLINE_SERVING_MAX 4

/* What rank 0 broadcasts first: failure or the sizes of what follows. */
typedef struct inputs_head {
    int64_t rc;
    int64_t cached;  /* rank 0's background is the Lambda cache file's blob of SHA-256 sum */
    unsigned char sum[GLCA_SHA256_SIZE];
    int64_t nstored; /* bits */
    int64_t run;     /* rank 0's run in the results store */
    int64_t direct;  /* every rank writes the results store itself (no parts) */
    glca_error err;
} inputs_head;

/* What each rank reports to rank 0 at the end, and what rank 0 broadcasts back. */
typedef struct rank_report {
    int64_t rc;
    int64_t processed, skipped, complete;
    int64_t serial_end; /* -1, or the catalog's ordinals as this rank's serial reader found */
    glca_error err;
} rank_report;

typedef struct job_end {
    int64_t rc;
    glca_error err;
    glca_batch_summary sum;
} job_end;

/* A collective waited for without spinning: Open MPI's blocking calls poll at full speed, and a
 * rank waiting while rank 0 prepares or merges would take a core from it.  The pause grows from
 * 0.1 to 1 ms: rank 0's hash thread waits so for the others' hashes on its main thread's core
 * (mpirun binds a one-thread rank), and at 0.2 ms throughout it woke about 850 times. */
static void wait_gently(MPI_Request *req)
{
    struct timespec pause = {0, 100000};
    int done = 0;

    for (;;) {
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done)
            return;
        nanosleep(&pause, NULL);
        if (pause.tv_nsec < 1000000)
            pause.tv_nsec = 2 * pause.tv_nsec < 1000000 ? 2 * pause.tv_nsec : 1000000;
    }
}

static void bcast_gently(void *p, size_t n, MPI_Comm comm)
{
    MPI_Request req;

    MPI_Ibcast(p, (int)n, MPI_BYTE, 0, comm, &req);
    wait_gently(&req);
}

static void gather_gently(const rank_report *me, rank_report *all, MPI_Comm comm)
{
    MPI_Request req;

    MPI_Igather(me, (int)sizeof *me, MPI_BYTE, all, (int)sizeof *me, MPI_BYTE, 0, comm, &req);
    wait_gently(&req);
}

/* Whether any rank is short of something (a logical or over the ranks). */
static bool agree_short(bool mine)
{
    int me = mine, any = 0;
    MPI_Request req;

    MPI_Iallreduce(&me, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD, &req);
    wait_gently(&req);
    return any != 0;
}

static void bcast_bytes(void *p, size_t n, MPI_Comm comm)
{
    size_t at;

    for (at = 0; at < n; at += PIECE) {
        size_t piece = n - at < PIECE ? n - at : PIECE;

        MPI_Bcast((char *)p + at, (int)piece, MPI_BYTE, 0, comm);
    }
}

/* Rank 0's blob (*blob, *size) to the others, which allocate it (sized by rank 0 first). */
static void bcast_blob(unsigned char **blob, size_t *size)
{
    int64_t n = (int64_t)*size;
    int rank;

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    bcast_gently(&n, sizeof n, MPI_COMM_WORLD);
    if (rank != 0) {
        *size = (size_t)n;
        if (!(*blob = glca_malloc(*size ? *size : 1)))
            MPI_Abort(MPI_COMM_WORLD, 1); /* the collective must still be matched */
    }
    bcast_bytes(*blob, *size, MPI_COMM_WORLD);
}

/* The run key and the inputs' hashes (the background goes as a blob). */
static void bcast_hashes(glca_inventories__batch_inputs *in, size_t ninventories)
{
    MPI_Bcast(in->key, GLCA_SHA256_HEX, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(in->catalog_hex, GLCA_SHA256_HEX, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(in->method_hex, GLCA_SHA256_HEX, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(in->rules_hex, GLCA_SHA256_HEX, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(in->provider_map_hex, GLCA_SHA256_HEX, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Bcast(in->inventory_hex, (int)(ninventories * GLCA_SHA256_HEX), MPI_CHAR, 0,
              MPI_COMM_WORLD);
}

/* ---------------------------------------------------------------- the catalog's identity */

/*
 * The catalog's ranges (catalog_hash.c) are hashed mostly by the other ranks: rank 0 takes one
 * range in 2N, on its hash thread, since its main thread hashes the other inputs and loads the
 * background meanwhile; the others take the rest in turn.  Measured at N = 2 on the 115 MB
 * catalog of bench_mpi (bench/README.md): rank 0's inputs and Lambda take 0.084 CPU s, the
 * 14 ranges 0.155 s, so with no share rank 0 waited 0.07 s for rank 1; with one range in 4 both
 * are ready at about 0.12 s.  Unless rank 0 runs on one CPU (mpirun binds a rank of one thread
 * to a core by default): then its hash thread would only take that core from its main thread,
 * and the others take every range (measured with --bind-to core: with one range in 4, rank 1 was
 * done 40-55 ms before rank 0 and waited).  Rank 0 says which with the catalog's size.  Each
 * rank ORs its digests, a byte saying "hashed" per range and
 * its include flag into a zeroed buffer, and a bitwise-or reduction to rank 0 assembles them:
 * every range is written by exactly one rank.  A range another rank could not read is hashed
 * again by rank 0, whose error, if it cannot either, is the one reported.
 */
#define PER_RANGE (GLCA_SHA256_SIZE + 1)

typedef struct hash_share {
    bool called;
    bool early;           /* the others hash the catalog: serialize the background meanwhile */
    unsigned char **blob; /* the background, serialized while the other ranks still hash */
    size_t *blob_size;
} hash_share;

/* Who hashes range k of a job of `size` ranks (size > 1), rank 0 taking a share or not. */
static int range_owner(size_t k, int size, bool lead_hashes)
{
    const size_t cycle = 2 * (size_t)size, others = (size_t)size - 1;

    if (!lead_hashes)
        return 1 + (int)(k % others);
    if (k % cycle == 0)
        return 0;
    /* the ranges before k that are not rank 0's, dealt out in turn */
    return 1 + (int)((k - k / cycle - 1) % others);
}

static unsigned char *hash_mine(const char *path, long long bytes, size_t n, int rank, int size,
                                bool lead_hashes)
{
    unsigned char *acc = glca_calloc(n * PER_RANGE + 1, 1);
    unsigned char(*d)[GLCA_SHA256_SIZE] = glca_calloc(n, sizeof *d);
    glca_error e = GLCA_ERROR_INIT;
    bool include = false;
    size_t k;

    assert(n < INT_MAX / PER_RANGE);
    if (!acc || !d) /* the reduction must still be matched */
        MPI_Abort(MPI_COMM_WORLD, 1);
    for (k = 0; k < n; k++) {
        if (range_owner(k, size, lead_hashes) != rank)
            continue;
        /* a range this rank cannot read is left to rank 0, which reports the error */
        if (glca_inventories__catalog_hash_ranges(path, bytes, k, n, d, &include, &e) < 0)
            break;
        memcpy(acc + k * PER_RANGE, d[k], GLCA_SHA256_SIZE);
        acc[k * PER_RANGE + GLCA_SHA256_SIZE] = 1;
    }
    acc[n * PER_RANGE] = include;
    glca_free(d);
    return acc;
}

static void reduce_gently(const unsigned char *mine, unsigned char *all, size_t n)
{
    MPI_Request req;

    MPI_Ireduce(mine, all, (int)(n * PER_RANGE + 1), MPI_BYTE, MPI_BOR, 0, MPI_COMM_WORLD, &req);
    wait_gently(&req);
}

/* Rank 0's part (glca_inventories__hash_share, on its hash thread). */
static int lead_share(void *payload, const char *path, long long bytes,
                      unsigned char (*digests)[GLCA_SHA256_SIZE], size_t n, bool *include,
                      glca_error *err)
{
    hash_share *hs = payload;
    /* the size, and whether this rank has a CPU for its hash thread besides its main thread's */
    int64_t announce[2] = {bytes, omp_get_num_procs() > 1};
    unsigned char *mine, *all = NULL;
    size_t k;
    int size, rc = 0;

    hs->called = true;
    bcast_gently(announce, sizeof announce, MPI_COMM_WORLD);
    if (bytes < 0)
        return GLCA_EIO; /* the caller has the error */
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mine = hash_mine(path, bytes, n, 0, size, announce[1] != 0);
    if (!(all = glca_calloc(n * PER_RANGE + 1, 1)))
        MPI_Abort(MPI_COMM_WORLD, 1);
    reduce_gently(mine, all, n);
    *include = all[n * PER_RANGE] != 0;
    for (k = 0; k < n && rc == 0; k++) {
        if (all[k * PER_RANGE + GLCA_SHA256_SIZE])
            memcpy(digests[k], all + k * PER_RANGE, GLCA_SHA256_SIZE);
        else
            rc = glca_inventories__catalog_hash_ranges(path, bytes, k, n, digests, include, err);
    }
    glca_free(mine);
    glca_free(all);
    return rc;
}

/* Whether the cache directory keeps the catalog's identity: then nobody hashes it (batch.c). */
static bool catalog_kept(const glca_batch_options *o)
{
    char hex[GLCA_SHA256_HEX];
    bool include;

    return glca_inventories__digest_cache_get(o->cache_dir, o->catalog, GLCA_DIGEST_CATALOG_KIND,
                                              hex, &include);
}

/* Rank 0's background, serialized for the other ranks while they still hash (it took 10 ms
 * after the key, with them waiting).  When nobody hashes the catalog (its identity is kept), the
 * others read the background from the Lambda cache themselves meanwhile (follow_load), and it is
 * serialized only if one of them could not. */
static int lead_loaded(void *payload, const glca_background *bg, glca_error *err)
{
    hash_share *hs = payload;

    return hs->early ? glca_background_to_blob(hs->blob, hs->blob_size, bg, err) : 0;
}

/* The other ranks' part: told the size, or -1 when rank 0 stopped before hashing. */
static void follow_share(const char *path, int rank, int size)
{
    unsigned char *mine;
    int64_t announce[2];
    size_t n;

    bcast_gently(announce, sizeof announce, MPI_COMM_WORLD);
    if (announce[0] < 0)
        return;
    n = glca_inventories__catalog_ranges(announce[0]);
    mine = hash_mine(path, announce[0], n, rank, size, announce[1] != 0);
    reduce_gently(mine, NULL, n);
    glca_free(mine);
}

/* Rank 0 stopped before its hash thread asked the others for their part. */
static void release_share(const hash_share *hs)
{
    int64_t none[2] = {-1, 0};

    if (!hs->called)
        bcast_gently(none, sizeof none, MPI_COMM_WORLD);
}

/*
 * Whether the ranks write the results store themselves rather than a part each.  SQLite lets
 * the processes of one host take turns as the writer of a WAL store (BEGIN IMMEDIATE waits for
 * the lock), which spares the parts and the merge at the end: a tenth of a second of one core
 * per 5,000 products, serial after the last chunk.  Across hosts that would rest on file locks
 * of a network file system, and beyond what one SQLite writer keeps up with (measured: about 8
 * evaluating threads, 5 with verdicts; bench/README.md) the turns would hold the ranks up; there,
 * and whenever GLCA_MPI_STORE=parts, each rank keeps a part.
 */
static bool write_directly(const glca_batch_options *o, int size, bool one_host)
{
    const char *how = getenv("GLCA_MPI_STORE");
    const long threads = o->threads > 0 ? o->threads : omp_get_max_threads();

    if (how && strcmp(how, "parts") == 0)
        return false;
    if (how && strcmp(how, "direct") == 0)
        return true;
    return one_host && (long)size * threads <= (o->verdict ? 4 : 8);
}

static int part_path(char *buf, size_t size, const char *results, int rank, glca_error *err)
{
    glca_srcloc where = {results, 0, 0};

    if ((size_t)snprintf(buf, size, "%s.part-%d", results, rank) >= size)
        return glca_error_set(err, GLCA_EIO, &where, "path too long");
    return 0;
}

static bool is_part_of(const char *name, const char *base)
{
    const size_t n = strlen(base);
    const char *p;

    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".part-", 6) != 0 || !name[n + 6])
        return false;
    for (p = name + n + 6; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/*
 * Every RESULTS.part-N next to the results store, whatever N the job that wrote it had: merged
 * into `run` (or, when `merge` is false, for a fresh run, dropped) and removed.
 */
static int take_parts(const char *results, long long run, const char *key, bool merge,
                      glca_error *err)
{
    const char *slash = strrchr(results, '/');
    const char *base = slash ? slash + 1 : results;
    char dir[PATH_MAX], part[PATH_MAX];
    glca_srcloc where = {results, 0, 0};
    struct dirent *de;
    DIR *d;
    int rc = 0;

    /* dir keeps its '/', so that it prefixes a name as it is */
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - results + 1), results);
    else
        dir[0] = '\0';
    if (!(d = opendir(dir[0] ? dir : ".")))
        return glca_error_set(err, GLCA_EIO, &where, "cannot list the store's directory");
    while (rc == 0 && (de = readdir(d))) {
        size_t added;

        if (!is_part_of(de->d_name, base))
            continue;
        if ((size_t)snprintf(part, sizeof part, "%s%s", dir, de->d_name) >= sizeof part) {
            rc = glca_error_set(err, GLCA_EIO, &where, "path too long");
            break;
        }
        if (merge)
            rc = glca_inventories__store_merge(results, run, part, key, &added, err);
        if (rc == 0)
            rc = glca_inventories__store_remove(part, err);
    }
    closedir(d);
    return rc;
}

static int64_t report_end(const glca_inventories__mpi_source *ms)
{
    const size_t end = glca_inventories__mpi_source_serial_end(ms);

    return end == SIZE_MAX ? -1 : (int64_t)end;
}

/* ---------------------------------------------------------------- rank 0 */

typedef struct primer {
    glca_inventories__dispatch *d;
    size_t max, per;
    int rc;
} primer;

static void *prime_thread(void *arg)
{
    primer *p = arg;

    p->rc = glca_inventories__dispatch_prime(p->d, p->max, p->per);
    return NULL;
}

/*
 * The store (its writer for the whole job), inputs, the run, parts left behind, what is
 * stored, the dispatcher.  The dispatcher cuts its first chunks meanwhile, on a thread of its
 * own: they were cut after the broadcast, 17-20 ms with the first ranks waiting for them, while
 * here another rank waits for the inputs anyway (bench/README.md).
 */
static int lead_prepare(glca_inventories__store **store, long long *run,
                        glca_inventories__batch_inputs *in, unsigned char **stored,
                        size_t *nstored, unsigned char **blob, size_t *blob_size,
                        glca_inventories__dispatch **disp, const glca_batch_options *o,
                        int size, glca_batch_summary *out, glca_error *err)
{
    hash_share hs = {false, !catalog_kept(o), blob, blob_size};
    const glca_inventories__prepare_hooks hooks = {lead_share, lead_loaded, &hs};
    primer pr = {NULL, 0, 0, 0};
    glca_error ignored = GLCA_ERROR_INIT;
    pthread_t priming;
    bool primed = false;
    int rc;

    memset(in, 0, sizeof *in);
    /* a catalog the splitter cannot open is reported below, in its turn */
    if (glca_inventories__dispatch_new(disp, o->catalog, o->limits, (size_t)size, &ignored) == 0) {
        pr.d = *disp;
        glca_inventories__batch_chunk_request(o, &pr.max, &pr.per);
        primed = pthread_create(&priming, NULL, prime_thread, &pr) == 0;
    }
    /* the store first: a second job on it stops before doing any work */
    if ((rc = glca_inventories__batch_open_store(store, o->results, err)) == 0)
        rc = glca_inventories__batch_prepare_shared(in, o, &hooks, out, err);
    release_share(&hs);
    if (primed)
        pthread_join(priming, NULL);
    if (rc == 0 && pr.rc < 0)
        rc = glca_error_oom(err);
    if (rc < 0 ||
        (rc = glca_inventories__batch_begin(*store, run, o, in, err)) < 0 ||
        (rc = glca_inventories__store_set_status(*store, *run, "running", err)) < 0 ||
        (rc = take_parts(o->results, *run, in->key, !o->fresh, err)) < 0 ||
        (rc = glca_inventories__store_stored(*store, *run, stored, nstored, err)) < 0)
        return rc;
    return *disp ? 0
                 : glca_inventories__dispatch_new(disp, o->catalog, o->limits, (size_t)size, err);
}

/*
 * Whether rank 0's evaluating threads serve the other ranks between their products rather than
 * a thread of its own.  The thread slept and woke some 400 times a 2-rank run, each time taking a
 * core from an evaluating rank (bench/README.md); between products a request waits a product's
 * evaluation at most, and the other ranks ask ahead.  With many ranks the cutting alone would
 * hold rank 0's work up: there the thread serves.  GLCA_MPI_SERVE=thread|inline overrides.
 */
static bool inline_serving(int size)
{
    const char *how = getenv("GLCA_MPI_SERVE");

    if (how && strcmp(how, "thread") == 0)
        return false;
    if (how && strcmp(how, "inline") == 0)
        return true;
    return size <= INLINE_SERVING_MAX;
}

static void *serve_thread(void *arg)
{
    glca_inventories__dispatch_serve(arg, MPI_COMM_WORLD);
    return NULL;
}

/* After every rank is done: their parts merged, the run's status and counts. */
static int lead_finish(job_end *end, const rank_report *reports, int size,
                       const glca_batch_options *o, const glca_inventories__batch_inputs *in,
                       glca_inventories__store *store, long long run)
{
    glca_batch_summary *sum = &end->sum;
    bool complete = true;
    int64_t end_at = -1;
    int r, rc = 0;

    for (r = 0; r < size; r++) {
        if (reports[r].rc < 0 && rc == 0) {
            rc = (int)reports[r].rc;
            end->err = reports[r].err;
        }
        sum->processed += (size_t)reports[r].processed;
        sum->skipped += (size_t)reports[r].skipped;
        complete = complete && reports[r].complete;
        if (reports[r].serial_end >= 0 && (end_at < 0 || reports[r].serial_end < end_at))
            end_at = reports[r].serial_end;
    }
    /* the parts are merged even after a failure: what was committed is kept */
    if ((r = take_parts(o->results, run, in->key, true, &end->err)) < 0 ||
        (end_at >= 0 &&
         (r = glca_inventories__store_trim(o->results, run, (size_t)end_at, &end->err)) < 0) ||
        (r = glca_inventories__store_set_status(
             store, run, rc == 0 && complete ? "done" : "stopped", &end->err)) < 0 ||
        (r = glca_inventories__store_counts(store, run, &sum->ok, &sum->errors, &sum->certified,
                                            &end->err)) < 0)
        return rc < 0 ? rc : r;
    sum->run_id = run;
    sum->complete = rc == 0 && complete;
    return rc;
}

static int lead(glca_batch_summary *out, const glca_batch_options *o, int size, bool one_host,
                glca_error *err)
{
    glca_inventories__batch_inputs in;
    glca_inventories__store *store = NULL;
    glca_inventories__dispatch *disp = NULL;
    glca_inventories__mpi_source *ms = NULL;
    glca_inventories__batch_source src;
    glca_batch_options mine = *o;
    glca_batch_summary own;
    unsigned char *stored = NULL, *blob = NULL;
    size_t nstored = 0, blob_size = 0;
    rank_report *reports = NULL, me;
    inputs_head head;
    job_end end;
    pthread_t server;
    long long run = 0;
    const bool serving = inline_serving(size); /* between its products, not on a thread */
    int rc;

    memset(&head, 0, sizeof head);
    memset(&end, 0, sizeof end);
    memset(&me, 0, sizeof me);
    memset(&own, 0, sizeof own);
    rc = lead_prepare(&store, &run, &in, &stored, &nstored, &blob, &blob_size, &disp, o, size,
                      out, err);
    if (rc == 0 && !(reports = glca_calloc((size_t)size, sizeof *reports)))
        rc = glca_error_oom(err);
    head.rc = rc;
    head.cached = out->cache.hit;
    memcpy(head.sum, out->cache.sum, sizeof head.sum);
    head.nstored = (int64_t)nstored;
    head.run = run;
    head.direct = write_directly(o, size, one_host);
    if (rc < 0)
        head.err = *err;
    bcast_gently(&head, sizeof head, MPI_COMM_WORLD);
    if (rc < 0)
        goto cleanup;
    bcast_hashes(&in, o->ninventories);
    if (agree_short(false)) {
        /* a rank without the background: the blob (serialized now if it was not meanwhile) */
        if (!blob && glca_background_to_blob(&blob, &blob_size, in.bg, err) < 0)
            MPI_Abort(MPI_COMM_WORLD, 1); /* out of memory: the others wait for the blob */
        bcast_blob(&blob, &blob_size);
    }
    bcast_bytes(stored, nstored ? nstored / 8 + 1 : 0, MPI_COMM_WORLD);
    glca_free(blob);
    blob = NULL;

    /* rank 0 works too, on the results store itself, while the dispatcher serves the others */
    if ((rc = glca_inventories__mpi_source_new(&ms, disp, MPI_COMM_WORLD, err)) == 0) {
        if (serving)
            glca_inventories__mpi_source_serve(ms);
        glca_inventories__mpi_source_bind(&src, ms);
        src.stored = stored;
        src.nstored = nstored;
        mine.fresh = false;
    }
    if (serving) {
        if (rc == 0)
            rc = glca_inventories__batch_run_prepared(&own, &mine, &in, store, run, &src, err);
        /* the others' last chunks */
        glca_inventories__dispatch_serve(disp, MPI_COMM_WORLD);
    } else if (pthread_create(&server, NULL, serve_thread, disp) != 0) {
        /* without the thread nobody else gets work: serve them first, then work alone */
        glca_inventories__dispatch_serve(disp, MPI_COMM_WORLD);
        if (rc == 0)
            rc = glca_inventories__batch_run_prepared(&own, &mine, &in, store, run, &src, err);
    } else {
        if (rc == 0)
            rc = glca_inventories__batch_run_prepared(&own, &mine, &in, store, run, &src, err);
        pthread_join(server, NULL);
    }
    me.rc = rc;
    me.processed = (int64_t)own.processed;
    me.skipped = (int64_t)own.skipped;
    me.complete = own.complete;
    me.serial_end = report_end(ms);
    if (rc < 0)
        me.err = *err;
    gather_gently(&me, reports, MPI_COMM_WORLD);
    end.sum = *out; /* the cache report and background time of the preparation */
    end.rc = lead_finish(&end, reports, size, o, &in, store, run);
    bcast_gently(&end, sizeof end, MPI_COMM_WORLD);
    *out = end.sum;
    if ((rc = (int)end.rc) < 0)
        *err = end.err;
cleanup:
    glca_inventories__store_close(store);
    glca_inventories__mpi_source_free(ms);
    glca_inventories__dispatch_free(disp);
    glca_inventories__batch_inputs_free(&in);
    glca_free(reports);
    glca_free(stored);
    glca_free(blob);
    return rc;
}

/* ---------------------------------------------------------------- the other ranks */

/*
 * The background from the Lambda cache, read beside rank 0 while it prepares, when nobody
 * hashes the catalog and every input's digest is kept (nothing else is read); NULL when not.
 * Rank 0 then need not serialize and send it, nor this rank restore it from the blob after the
 * head (bench/README.md).
 */
static glca_background *follow_load(const glca_batch_options *o, glca_cache_report *report)
{
    glca_background *bg = NULL;
    glca_error ignored = GLCA_ERROR_INIT;

    memset(report, 0, sizeof *report);
    if (!catalog_kept(o) ||
        glca_inventories__background_if_cached(&bg, report, o->cache_dir, o->inventories,
                                               o->ninventories, o->method, o->load,
                                               &o->background, &ignored) != 1)
        return NULL;
    return bg;
}

/* The hashes, the background (`mine` if it is rank 0's: the same cache file's bytes, else the
 * blob) and what is stored, from rank 0; `mine` is taken over. */
static int follow_inputs(glca_inventories__batch_inputs *in, unsigned char **stored,
                         const inputs_head *head, glca_background *mine,
                         const glca_cache_report *report, size_t ninventories, glca_error *err)
{
    unsigned char *blob = NULL;
    const size_t nstored = (size_t)head->nstored, nbytes = nstored ? nstored / 8 + 1 : 0;
    const bool same =
        mine && head->cached && memcmp(report->sum, head->sum, sizeof head->sum) == 0;
    size_t blob_size = 0;
    int rc = 0;

    if (!(in->inventory_hex = glca_calloc(ninventories, sizeof *in->inventory_hex)) ||
        !(*stored = glca_calloc(nbytes ? nbytes : 1, 1)))
        MPI_Abort(MPI_COMM_WORLD, 1); /* the collectives must still be matched */
    bcast_hashes(in, ninventories);
    if (agree_short(!same)) {
        bcast_blob(&blob, &blob_size);
        if (!same)
            rc = glca_background_from_blob(&in->bg, blob, blob_size, err);
        glca_free(blob);
    }
    if (same) {
        in->bg = mine;
        mine = NULL;
    }
    glca_background_free(mine);
    bcast_bytes(*stored, nbytes, MPI_COMM_WORLD);
    return rc;
}

static int follow(glca_batch_summary *out, const glca_batch_options *o, int rank, glca_error *err)
{
    glca_inventories__batch_inputs in;
    glca_inventories__store *store = NULL;
    glca_inventories__mpi_source *ms = NULL;
    glca_inventories__batch_source src;
    glca_batch_options mine = *o;
    glca_batch_summary own;
    glca_background *mybg;
    glca_cache_report report;
    unsigned char *stored = NULL;
    char part[PATH_MAX];
    rank_report me;
    inputs_head head;
    job_end end;
    long long run = 0;
    int size, rc;

    memset(&in, 0, sizeof in);
    memset(&me, 0, sizeof me);
    memset(&own, 0, sizeof own);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mybg = follow_load(o, &report);
    follow_share(o->catalog, rank, size);
    bcast_gently(&head, sizeof head, MPI_COMM_WORLD);
    if (head.rc < 0) {
        glca_background_free(mybg);
        *err = head.err;
        return (int)head.rc;
    }
    rc = follow_inputs(&in, &stored, &head, mybg, &report, o->ninventories, err);
    if (rc == 0)
        rc = part_path(part, sizeof part, o->results, rank, err);
    if (rc == 0)
        rc = glca_inventories__mpi_source_new(&ms, NULL, MPI_COMM_WORLD, err);
    if (rc == 0) {
        glca_inventories__mpi_source_bind(&src, ms);
        src.stored = stored;
        src.nstored = (size_t)head.nstored;
        mine.fresh = false;
        mine.progress = NULL;
        mine.cache_dir = NULL;
        if (head.direct) {
            /* rank 0's run, rank 0 its writer row: this rank only takes turns committing */
            run = head.run;
            if ((rc = glca_inventories__store_open(&store, o->results, err)) == 0)
                rc = glca_inventories__batch_run_prepared(&own, &mine, &in, store, run, &src,
                                                          err);
        } else {
            mine.results = part;
            if ((rc = glca_inventories__batch_open_store(&store, part, err)) == 0 &&
                (rc = glca_inventories__batch_begin(store, &run, &mine, &in, err)) == 0 &&
                (rc = glca_inventories__store_set_status(store, run, "running", err)) == 0)
                rc = glca_inventories__batch_run_prepared(&own, &mine, &in, store, run, &src,
                                                          err);
        }
        /* closed before rank 0 merges it */
        glca_inventories__store_close(store);
    }
    glca_inventories__dispatch_done(MPI_COMM_WORLD, ms);
    me.rc = rc;
    me.processed = (int64_t)own.processed;
    me.skipped = (int64_t)own.skipped;
    me.complete = own.complete;
    me.serial_end = report_end(ms);
    if (rc < 0)
        me.err = *err;
    gather_gently(&me, NULL, MPI_COMM_WORLD);
    bcast_gently(&end, sizeof end, MPI_COMM_WORLD);
    *out = end.sum;
    if ((rc = (int)end.rc) < 0)
        *err = end.err;
    glca_inventories__mpi_source_free(ms);
    glca_inventories__batch_inputs_free(&in);
    glca_free(stored);
    return rc;
}

/* ---------------------------------------------------------------- entry */

bool glca_batch_mpi_launched(void)
{
    /* Open MPI's mpirun, PMIx launchers (Open MPI, srun --mpi=pmix), PMI-1/2 (srun, MPICH) */
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

int glca_batch_run_mpi(glca_batch_summary *out, const glca_batch_options *o, int *rank,
                       glca_error *err)
{
    int initialized = 0, provided = 0, size = 1, node_size = 1, rc;
    MPI_Comm node;
    double t0;

    memset(out, 0, sizeof *out);
    *rank = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
        MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    else
        MPI_Query_thread(&provided);
    t0 = MPI_Wtime();
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* the ranks that share this host's memory: all of them, or the job spans hosts */
    if (size > 1 && MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL,
                                        &node) == MPI_SUCCESS) {
        MPI_Comm_size(node, &node_size);
        MPI_Comm_free(&node);
    }
    if (size == 1)
        rc = glca_batch_run(out, o, err);
    else if (provided < MPI_THREAD_SERIALIZED) /* rank 0's dispatcher runs on a thread */
        rc = glca_error_set(err, GLCA_ERROR, NULL, "MPI without thread support (%d)", provided);
    else if (*rank == 0)
        rc = lead(out, o, size, node_size == size, err);
    else
        rc = follow(out, o, *rank, err);
    if (size > 1)
        out->seconds = MPI_Wtime() - t0;
    if (!initialized)
        MPI_Finalize();
    return rc;
}
