/*
 * The batch driver: a catalog, read as a stream, through the engine into the results store.
 *
 * The catalog is taken in chunks (512 products by default).  Parsing is most of the work, so
 * it is shared out: the splitter (catalog_split.h) cuts the next chunk's bytes into blocks of
 * whole products, and every thread takes blocks from a shared cursor, parses each with its own
 * parser and binds, evaluates and judges its products at once; meanwhile the last thread commits
 * the previous chunk in one transaction (SQLite is serial) before it joins in.  Where the
 * splitter is not sure (includes, malformed XML, ...) the serial reader takes over from that
 * ordinal to the end: thread 0 reads the next chunk while every thread evaluates the current
 * one.  Each product is computed by exactly one thread into its own slot, with sums in line
 * order, so the numbers do not depend on the thread count.
 *
 * Memory: the background, two chunks of products and their impacts, the splitter's window (one
 * chunk's bytes, read by pread), a block's bytes per thread, and one bit per catalog product for
 * resuming.  Resuming: a run is identified by the content hashes of its inputs (included files
 * and rules too) and the options that change results; products already stored under that run
 * are neither evaluated nor written again, and a block of the splitter that holds only such
 * products is not even parsed (the serial reader still parses them, to move the stream on).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <omp.h>

#include "batch/batch_int.h"
#include "native/inv_readers.h"
#include "store/digest_memo.h"
#include "store/results_store.h"

/* Products per block of the parallel reader: enough to amortize a parser, few enough that
 * the blocks of a chunk spread evenly over the threads. */
#define PER_BLOCK 16

typedef struct chunk {
    glca_inventories__slot *slots;
    size_t n, cap;
    double *impacts; /* cap × k × GLCA_NSTAGES */
    bool eof;
    size_t next_eval, evaluated; /* shared cursor and completion count while evaluating */
    /* blocks to parse in parallel (the splitter's, valid until its next call) */
    const glca_inventories__block *blocks;
    size_t nblocks, next_block, failed_block;
    int read_rc; /* a block's bytes could not be read (fatal) */
    glca_error read_err;
} chunk;

typedef struct batch {
    const glca_batch_options *o;
    glca_background *bg;
    size_t k;
    glca_catalog *cat;
    size_t expected; /* ordinal of the next product the catalog should hand out */
    glca_inventories__split *split; /* NULL once (or if) the serial reader has taken over */
    size_t serial_from;             /* where the serial reader takes over (SIZE_MAX: not yet) */
    size_t serial_at;               /* ordinal the serial reader hands out next */
    const unsigned char *stored;
    size_t nstored;
    glca_inventories__store *store;
    long long run;
    glca_batch_progress progress;
    const glca_inventories__batch_source *src; /* NULL: chunks from this process's splitter */
    size_t per; /* products a block (glca_inventories__batch_chunk_request) */
} batch;

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---------------------------------------------------------------- input hashes */

/* A file the catalog includes, with its hash ("" when it cannot be read: the batch stores its
 * products as errors, and the file appearing later must still change the run). */
typedef struct include_hash {
    char *path;
    char hex[GLCA_SHA256_HEX];
} include_hash;

typedef struct glca_inventories__hash_job {
    const char *path;
    const glca_xml_limits *limits;
    char hex[GLCA_SHA256_HEX];
    include_hash *includes;
    size_t nincludes, capincludes;
    glca_inventories__hash_share share; /* NULL: this process hashes every range */
    void *share_payload;
    const char *kept; /* where digests are kept across runs (digest_cache.c), or NULL */
    glca_error err;
    int rc;
} hash_job;

static int add_include(const char *path, void *payload)
{
    hash_job *job = payload;
    unsigned char d[GLCA_SHA256_SIZE];
    glca_error e = GLCA_ERROR_INIT;
    include_hash *h;

    if (job->nincludes == job->capincludes) {
        size_t cap = job->capincludes ? 2 * job->capincludes : 16;

        if (!(h = glca_reallocarray(job->includes, cap, sizeof *h)))
            return GLCA_ENOMEM;
        job->includes = h;
        job->capincludes = cap;
    }
    h = &job->includes[job->nincludes];
    if (!(h->path = glca_strdup(path)))
        return GLCA_ENOMEM;
    job->nincludes++;
    h->hex[0] = '\0';
    if (glca_sha256_path(d, path, &e) == 0)
        glca_sha256_hex(d, h->hex);
    return 0;
}

/*
 * The catalog's identity (catalog_hash.c) and the hashes of the files it includes, in the order
 * the stream opens them.  Included files are found by walking the catalog's elements, which
 * costs a parse of the catalog; the byte scan made while hashing spares that walk to every
 * catalog that cannot hold an <include> because "<include" or ":include" does not occur in it.
 */
static void *hash_thread(void *arg)
{
    hash_job *job = arg;
    unsigned char(*digests)[GLCA_SHA256_SIZE] = NULL;
    glca_srcloc where = {job->path, 0, 0};
    bool includes = false;
    struct stat st;
    long long size = -1;
    size_t n = 0;

    if (stat(job->path, &st) != 0) {
        job->rc = glca_error_set(&job->err, GLCA_EIO, &where, "cannot open: %s", strerror(errno));
    } else if (glca_inventories__digest_cache_get(job->kept, job->path,
                                                  GLCA_DIGEST_CATALOG_KIND, job->hex, &includes)) {
        /* known from an earlier run: nobody hashes (the others are told so by the caller) */
        goto includes;
    } else {
        n = glca_inventories__catalog_ranges((long long)st.st_size);
        if ((digests = glca_calloc(n, sizeof *digests)))
            size = (long long)st.st_size;
        else
            job->rc = glca_error_oom(&job->err);
    }
    /* a share is called even when this process cannot hash: the others wait for it */
    if (job->share) {
        glca_error e = GLCA_ERROR_INIT;
        const int rc = job->share(job->share_payload, job->path, size, digests, n, &includes, &e);

        if (job->rc == 0 && rc < 0) {
            job->rc = rc;
            job->err = e;
        }
    } else if (job->rc == 0) {
        job->rc = glca_inventories__catalog_hash_ranges(job->path, size, 0, 1, digests, &includes,
                                                        &job->err);
    }
    if (job->rc == 0) {
        glca_inventories__catalog_id((const unsigned char(*)[GLCA_SHA256_SIZE])digests, n, size,
                                     job->hex);
        glca_inventories__digest_cache_put(job->kept, job->path, &st, GLCA_DIGEST_CATALOG_KIND,
                                           job->hex, includes);
    }
    glca_free(digests);
includes:
    if (job->rc == 0 && includes)
        job->rc =
            glca_inventories__catalog_includes(job->path, job->limits, add_include, job, &job->err);
    return NULL;
}

/* The content hash of path; the Lambda cache key may have read the file already (memo). */
static int hash_hex(const char *path, const glca_inventories__digest_memo *memo,
                    char hex[GLCA_SHA256_HEX], glca_error *err)
{
    unsigned char d[GLCA_SHA256_SIZE];
    int rc;

    if (!glca_inventories__digest_memo_get(memo, path, d) &&
        (rc = glca_sha256_path(d, path, err)) < 0)
        return rc;
    glca_sha256_hex(d, hex);
    return 0;
}

static void feed_line(glca_sha256 *s, const char *text)
{
    glca_sha256_update(s, text ? text : "", text ? strlen(text) : 0);
    glca_sha256_update(s, "\n", 1);
}

/* Everything that changes what a run stores; paths are not in it (the bytes are). */
static void run_key(const glca_batch_options *o, const glca_inventories__batch_inputs *in,
                    const hash_job *catalog, char key[GLCA_SHA256_HEX])
{
    static const glca_xml_limits default_limits = GLCA_XML_LIMITS_INIT;
    const glca_xml_limits *limits = o->limits ? o->limits : &default_limits;
    unsigned char d[GLCA_SHA256_SIZE];
    char opts[160];
    glca_sha256 s;
    size_t i;

    glca_sha256_init(&s);
    feed_line(&s, "greenlca-run-2");
    feed_line(&s, GLCA_VERSION);
    feed_line(&s, catalog->hex);
    for (i = 0; i < catalog->nincludes; i++)
        feed_line(&s, catalog->includes[i].hex[0] ? catalog->includes[i].hex : "unreadable");
    feed_line(&s, "inventories");
    for (i = 0; i < o->ninventories; i++)
        feed_line(&s, in->inventory_hex[i]);
    feed_line(&s, in->method_hex);
    feed_line(&s, o->ruleset_version);
    feed_line(&s, in->rules_hex);
    /* how imported data is linked; the defaults add nothing, so earlier runs still resume */
    if (o->load && o->load->allocation != GLCA_ALLOCATION_DATA) {
        snprintf(opts, sizeof opts, "allocation=%s", glca_allocation_name(o->load->allocation));
        feed_line(&s, opts);
    }
    if (in->provider_map_hex[0]) {
        feed_line(&s, "provider-map");
        feed_line(&s, in->provider_map_hex);
    }
    /* the limits decide which products are refused */
    snprintf(opts, sizeof opts, "btf=%d pivot=%.17g max_bytes=%lld max_depth=%d",
             (int)o->background.use_btf, o->background.pivot_tol, limits->max_bytes,
             limits->max_depth);
    feed_line(&s, opts);
    glca_sha256_final(&s, d);
    glca_sha256_hex(d, key);
}

/* ---------------------------------------------------------------- chunks */

static int chunk_init(chunk *c, size_t cap, size_t k, glca_error *err)
{
    size_t i;

    memset(c, 0, sizeof *c);
    c->cap = cap;
    if (!(c->slots = glca_calloc(cap, sizeof *c->slots)) ||
        !(c->impacts = glca_mallocarray(cap, (k ? k : 1) * GLCA_NSTAGES * sizeof(double))))
        return glca_error_oom(err);
    for (i = 0; i < cap; i++) {
        glca_verdict_rows_init(&c->slots[i].verdict);
        c->slots[i].impacts = c->impacts + i * k * GLCA_NSTAGES;
    }
    return 0;
}

static void chunk_empty(chunk *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        glca_product_free(c->slots[i].product);
        c->slots[i].product = NULL;
        glca_verdict_rows_clear(&c->slots[i].verdict);
    }
    c->n = 0;
    /* next_eval is left alone: chunk_empty runs inside the parallel region, and another thread
     * may still make its last, failing claim (next_eval++) on this chunk until the region
     * ends.  The cursor is reset when the chunk is filled again, in a later region. */
}

/* A fill starts on an empty chunk: its evaluation cursor starts over. */
static void chunk_start_fill(chunk *c)
{
    if (c->n == 0)
        c->next_eval = c->evaluated = 0;
}

static void chunk_free(chunk *c)
{
    size_t i;

    if (!c->slots)
        return;
    chunk_empty(c);
    for (i = 0; i < c->cap; i++)
        glca_verdict_rows_free(&c->slots[i].verdict);
    glca_free(c->slots);
    glca_free(c->impacts);
}

static bool already_stored(const batch *b, size_t ordinal)
{
    return ordinal < b->nstored && (b->stored[ordinal / 8] >> (ordinal % 8) & 1);
}

static void slot_fail(glca_inventories__slot *s, const glca_error *e)
{
    s->ok = false;
    glca_error_format(e, s->message, sizeof s->message);
    if (e->file[0] && e->line > 0)
        snprintf(s->source, sizeof s->source, "%s:%ld", e->file, e->line);
}

/* A slot for product `p` or, when `e` is not NULL, a bad entry. */
static void fill_slot(const batch *b, glca_inventories__slot *s, size_t ordinal, glca_product *p,
                      const glca_error *e)
{
    s->product = NULL;
    s->source[0] = '\0';
    s->message[0] = '\0';
    s->ok = true;
    s->ordinal = ordinal;
    s->skip = already_stored(b, ordinal);
    if (e) {
        slot_fail(s, e);
    } else if (s->skip) {
        glca_product_free(p);
    } else {
        glca_srcloc loc = glca_product_loc(p);

        s->product = p;
        if (loc.file)
            snprintf(s->source, sizeof s->source, "%s:%ld", loc.file, loc.line);
    }
}

/*
 * Read up to c->cap products.  A bad product becomes an error slot; a catalog that cannot go
 * on (the reader reports an error without moving to a new ordinal) ends the stream with one
 * error slot for what follows.
 */
static int read_chunk(batch *b, chunk *c, glca_error *fatal)
{
    (void)fatal;
    chunk_start_fill(c);
    while (c->n < c->cap && !c->eof) {
        glca_inventories__slot *s = &c->slots[c->n];
        glca_error e = GLCA_ERROR_INIT;
        glca_product *p = NULL;
        size_t ordinal = b->expected;
        int rc = glca_catalog_next(b->cat, &p, &ordinal, &e);

        if (rc == 0) {
            c->eof = true;
            break;
        }
        if (rc < 0 && e.code == GLCA_ENOMEM)
            return glca_error_set(fatal, GLCA_ENOMEM, NULL, "out of memory reading the catalog");
        if (rc < 0 && ordinal < b->expected) {
            /* no new product: the stream cannot recover */
            ordinal = b->expected;
            c->eof = true;
        }
        b->expected = b->serial_at = ordinal + 1;
        fill_slot(b, s, ordinal, p, rc < 0 ? &e : NULL);
        c->n++;
    }
    return 0;
}

/* Bind, evaluate and judge one product.  Runs on any thread; touches only its slot. */
static void evaluate_slot(const batch *b, glca_inventories__slot *s)
{
    glca_error e = GLCA_ERROR_INIT;
    int rc;

    if (s->skip || !s->ok)
        return;
    if ((rc = glca_product_bind(s->product, b->bg, NULL, NULL, &e)) < 0 ||
        (rc = glca_evaluate(b->bg, s->product, s->impacts, &e)) < 0) {
        slot_fail(s, &e);
        return;
    }
    if (b->o->verdict &&
        (rc = b->o->verdict(&s->verdict, s->product, b->bg, s->impacts, &e,
                            b->o->verdict_payload)) < 0) {
        if (!e.file[0]) {
            glca_srcloc loc = glca_product_loc(s->product);

            glca_error_locate(&e, &loc);
        }
        glca_verdict_rows_clear(&s->verdict);
        slot_fail(s, &e);
    }
}

/* ---------------------------------------------------------------- the parallel reader */

/* Cut the next chunk into blocks (parsed in step); nothing is read into the slots yet. */
static int split_chunk(batch *b, chunk *c, glca_error *err)
{
    const size_t per = b->per;
    size_t i;
    bool eof;
    int rc;

    chunk_start_fill(c);
    c->nblocks = c->next_block = 0;
    c->failed_block = SIZE_MAX;
    c->read_rc = 0;
    if (b->src)
        rc = b->src->next(b->src->payload, c->cap, per, &c->blocks, &c->nblocks, &b->serial_from,
                          &eof, err);
    else
        rc = glca_inventories__split_next(b->split, c->cap, per, &c->blocks, &c->nblocks,
                                          &b->serial_from, &eof, err);
    if (rc < 0)
        return rc;
    /* only thread 0 splits, and the progress callback runs between steps */
    b->progress.bytes_done =
        b->src ? b->src->tell(b->src->payload) : glca_inventories__split_tell(b->split);
    for (i = 0; i < c->nblocks; i++)
        c->n += c->blocks[i].n;
    if (eof && b->serial_from == SIZE_MAX)
        c->eof = true;
    return 0;
}

/*
 * Whether an earlier attempt stored every product of `blk` and went on past it.  Such a block is
 * not parsed again: a resume then costs the splitter's byte scan up to where it left off, not a
 * parse of everything before.  "Went on past it" (the next ordinal stored too, or the block ends
 * the file) is what tells a block that parsed from one whose XML broke in its last entry: there
 * the stream ended, and parsing it again is what hands the rest to the serial reader, as an
 * uninterrupted run does.
 */
static bool block_stored(const batch *b, const glca_inventories__block *blk)
{
    size_t i;

    for (i = 0; i < blk->n; i++)
        if (!already_stored(b, blk->first + i))
            return false;
    return blk->last || already_stored(b, blk->first + blk->n);
}

/* Parse block k of `c` and evaluate its products; a block that cannot be read on its own is
 * marked, and it and everything after it is left to the serial reader. */
static void parse_block(const batch *b, chunk *c, size_t k, char **scratch, size_t *scratch_cap)
{
    const glca_inventories__block *blk = &c->blocks[k];
    const size_t base = blk->first - c->blocks[0].first;
    glca_product *products[PER_BLOCK];
    glca_error errors[PER_BLOCK], read_err = GLCA_ERROR_INIT;
    size_t i;
    int rc;

    if (block_stored(b, blk)) {
        for (i = 0; i < blk->n; i++)
            fill_slot(b, &c->slots[base + i], blk->first + i, NULL, NULL);
        return;
    }

    if ((rc = glca_inventories__split_parse(b->split, blk, scratch, scratch_cap, products, errors,
                                            &read_err)) < 0) {
#pragma omp critical(glca_batch_failed_block)
        {
            if (rc == GLCA_EIO && c->read_rc == 0) {
                c->read_rc = rc;
                c->read_err = read_err;
            } else if (rc != GLCA_EIO && k < c->failed_block) {
                c->failed_block = k;
            }
        }
        return;
    }
    for (i = 0; i < blk->n; i++) {
        glca_inventories__slot *s = &c->slots[base + i];

        fill_slot(b, s, blk->first + i, products[i], errors[i].code ? &errors[i] : NULL);
        evaluate_slot(b, s);
    }
}

/* The serial reader, moved on to hand out `ordinal` next (the products before it are parsed
 * again and dropped: this only happens where the splitter gave up). */
static int serial_skip_to(batch *b, size_t ordinal, glca_error *fatal)
{
    while (b->serial_at < ordinal) {
        glca_error e = GLCA_ERROR_INIT;
        glca_product *p = NULL;
        size_t got = b->serial_at;
        int rc = glca_catalog_next(b->cat, &p, &got, &e);

        glca_product_free(p);
        if (rc == 0)
            break;
        if (rc < 0 && e.code == GLCA_ENOMEM)
            return glca_error_set(fatal, GLCA_ENOMEM, NULL, "out of memory reading the catalog");
        if (rc < 0 && got < b->serial_at)
            break;
        b->serial_at = got + 1;
    }
    return 0;
}

/*
 * After the blocks of `c` were parsed: drop the blocks from the first failed one on, and when
 * the serial reader takes over, let it fill the rest of the chunk (evaluated in the next step).
 */
static int finish_chunk(batch *b, chunk *c, glca_error *fatal)
{
    size_t i;
    int rc;

    if (c->failed_block != SIZE_MAX) {
        const size_t keep = c->blocks[c->failed_block].first - c->blocks[0].first;

        for (i = keep; i < c->n; i++) {
            glca_product_free(c->slots[i].product);
            c->slots[i].product = NULL;
            glca_verdict_rows_clear(&c->slots[i].verdict);
        }
        /* a shared-out run must hand no chunk past here to anyone else: this process reads on */
        if (b->src && b->serial_from == SIZE_MAX)
            b->src->serial(b->src->payload, c->blocks[c->failed_block].first);
        b->serial_from = c->blocks[c->failed_block].first;
        c->n = keep;
        c->eof = false;
    }
    c->next_eval = c->evaluated = c->n;
    if (c->nblocks)
        b->expected = c->blocks[0].first + c->n;
    c->nblocks = 0;
    if (b->serial_from == SIZE_MAX)
        return 0;
    glca_inventories__split_free(b->split);
    b->split = NULL;
    b->expected = b->serial_from;
    if ((rc = serial_skip_to(b, b->serial_from, fatal)) < 0)
        return rc;
    return read_chunk(b, c, fatal);
}

static void count_chunk(batch *b, const chunk *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        const glca_inventories__slot *s = &c->slots[i];

        if (s->skip) {
            b->progress.skipped++;
            continue;
        }
        b->progress.done++;
        if (!s->ok)
            b->progress.errors++;
        else
            b->progress.ok++;
        if (s->ok && s->verdict.has_verdict && s->verdict.certified)
            b->progress.certified++;
    }
}

/* A chunk committed.  Here rather than after step's region: freeing products is not free. */
static void commit_done(batch *b, chunk *c)
{
    count_chunk(b, c);
    chunk_empty(c);
}

/*
 * One step of the pipeline: evaluate and commit `cur` while `next` is read: split by thread 0
 * (while the last thread commits `cur`) then parsed and evaluated by all threads in blocks, or
 * read by thread 0 with the serial reader.  With one thread the same code runs in turn.
 */
static void tick(const batch *b)
{
    if (b->src && b->src->tick)
        b->src->tick(b->src->payload);
}

static int step(batch *b, chunk *cur, chunk *next, int threads, glca_error *err)
{
    glca_error read_err = GLCA_ERROR_INIT, write_err = GLCA_ERROR_INIT;
    int read_rc = 0, write_rc = 0, rc, split_ready = 0;
    const bool more = !cur->eof, split = more && b->split;
    /* read before the region: the committing thread empties `cur` (n = 0) while another
     * thread may still be making its last claim on it (found by ThreadSanitizer) */
    const size_t ncur = cur->n;

#pragma omp parallel num_threads(threads)
    {
        const int me = omp_get_thread_num(), nt = omp_get_num_threads();
        char *scratch = NULL;
        size_t scratch_cap = 0;
        int ready;

        /* thread 0 splits the next chunk while the last thread commits this one */
        if (me == 0 && split) {
            if ((read_rc = split_chunk(b, next, &read_err)) < 0)
                next->nblocks = 0;
#pragma omp atomic write seq_cst
            split_ready = 1;
        }
        if (me == 0 && more && !split)
            read_rc = read_chunk(b, next, &read_err);
        for (;;) {
            size_t i;

#pragma omp atomic capture
            i = cur->next_eval++;
            if (i >= ncur)
                break;
            evaluate_slot(b, &cur->slots[i]);
            tick(b);
            /* seq_cst, not OpenMP's relaxed default: the slot's writes must be visible to the
             * committing thread once it sees the count (found by ThreadSanitizer) */
#pragma omp atomic update seq_cst
            cur->evaluated++;
        }
        if (me == nt - 1) {
            size_t done;

            do {
#pragma omp atomic read seq_cst
                done = cur->evaluated;
            } while (done < ncur);
            /* another process committing (ranks of one host take turns, batch_mpi.c): parse
             * first, commit after, rather than wait for it with nothing to do */
            if (ncur)
                write_rc = glca_inventories__store_try_write_chunk(b->store, b->run, cur->slots,
                                                                   cur->n, b->k, &write_err);
            if (write_rc == 0)
                commit_done(b, cur);
        }
        do {
#pragma omp atomic read seq_cst
            ready = split_ready;
        } while (split && !ready);
        while (split) {
            size_t k;

#pragma omp atomic capture
            k = next->next_block++;
            if (k >= next->nblocks)
                break;
            parse_block(b, next, k, &scratch, &scratch_cap);
            tick(b);
        }
        glca_free(scratch);
        if (me == nt - 1 && write_rc == 1) {
            write_rc = glca_inventories__store_write_chunk(b->store, b->run, cur->slots, cur->n,
                                                           b->k, &write_err);
            if (write_rc == 0)
                commit_done(b, cur);
        }
    }
    if (write_rc < 0) {
        *err = write_err;
        return write_rc;
    }
    if (read_rc < 0) {
        *err = read_err;
        return read_rc;
    }
    if (next->read_rc < 0) {
        *err = next->read_err;
        return next->read_rc;
    }
    if (split && (rc = finish_chunk(b, next, err)) < 0)
        return rc;
    if (!more)
        next->eof = true;
    return 0;
}

static void report_progress(batch *b, double started, bool final)
{
    if (!b->o->progress)
        return;
    b->progress.elapsed = now_seconds() - started;
    b->progress.final = final;
    b->o->progress(&b->progress, b->o->progress_payload);
}

void glca_inventories__batch_chunk_request(const glca_batch_options *o, size_t *max,
                                           size_t *per_block)
{
    *max = o->chunk ? o->chunk : 512;
    *per_block = *max < PER_BLOCK ? *max : PER_BLOCK;
}

static int run_catalog(batch *b, bool *complete, glca_error *err)
{
    const glca_batch_options *o = b->o;
    size_t cap;
    int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    double started = now_seconds(), last = started;
    chunk chunks[2], *cur = &chunks[0], *next = &chunks[1];
    struct stat st;
    int rc;

    memset(chunks, 0, sizeof chunks);
    glca_inventories__batch_chunk_request(o, &cap, &b->per);
    *complete = false;
    b->progress.bytes_done = -1;
    b->progress.bytes_total = stat(o->catalog, &st) == 0 ? (long long)st.st_size : -1;
    if ((rc = chunk_init(cur, cap, b->k, err)) < 0 || (rc = chunk_init(next, cap, b->k, err)) < 0)
        goto cleanup;
    /* the first chunk, with nothing to commit yet */
    if ((rc = step(b, next, cur, threads, err)) < 0)
        goto cleanup;
    while (cur->n > 0) {
        chunk *t;

        if ((rc = step(b, cur, next, threads, err)) < 0)
            goto cleanup;
        t = cur, cur = next, next = t;
        if (now_seconds() - last >= o->progress_interval) {
            report_progress(b, started, false);
            last = now_seconds();
        }
        if (o->should_stop && o->should_stop(o->stop_payload) && cur->n > 0)
            goto cleanup; /* the chunk read ahead is dropped, never half-written */
    }
    *complete = true;
cleanup:
    report_progress(b, started, true);
    chunk_free(&chunks[0]);
    chunk_free(&chunks[1]);
    return rc;
}

/* ---------------------------------------------------------------- the run */

static int load_background(glca_background **bg, const glca_batch_options *o,
                           glca_inventories__digest_memo *memo, glca_batch_summary *out,
                           glca_error *err)
{
    double t0 = now_seconds();
    int rc;

    if (o->cache_dir)
        rc = glca_inventories__load_background_cached_memo(
            bg, &out->cache, o->cache_dir, o->inventories, o->ninventories, o->method, o->load,
            &o->background, o->diag, o->diag_payload, memo, err);
    else
        rc = glca_load_background_ex(bg, o->inventories, o->ninventories, &o->method, 1, o->load,
                                     &o->background, o->diag, o->diag_payload, err);
    out->background_seconds = now_seconds() - t0;
    return rc;
}

static void hash_job_free(hash_job *job)
{
    size_t i;

    if (!job)
        return;
    for (i = 0; i < job->nincludes; i++)
        glca_free(job->includes[i].path);
    glca_free(job->includes);
    glca_free(job);
}

void glca_inventories__batch_inputs_free(glca_inventories__batch_inputs *in)
{
    glca_background_free(in->bg);
    hash_job_free(in->catalog);
    glca_free(in->inventory_hex);
    memset(in, 0, sizeof *in);
}

int glca_inventories__batch_prepare(glca_inventories__batch_inputs *in,
                                    const glca_batch_options *o, glca_batch_summary *out,
                                    glca_error *err)
{
    return glca_inventories__batch_prepare_shared(in, o, NULL, out, err);
}

int glca_inventories__batch_prepare_shared(glca_inventories__batch_inputs *in,
                                           const glca_batch_options *o,
                                           const glca_inventories__prepare_hooks *hooks,
                                           glca_batch_summary *out, glca_error *err)
{
    glca_inventories__digest_memo memo = {.n = 0, .dir = o->cache_dir};
    hash_job *job;
    pthread_t hasher;
    bool hashing = false;
    size_t i;
    int rc;

    memset(in, 0, sizeof *in);
    if (!(in->catalog = job = glca_calloc(1, sizeof *job)))
        return glca_error_oom(err);
    /* the catalog may be large: hash it while the background is prepared */
    job->path = o->catalog;
    job->limits = o->limits;
    job->share = hooks ? hooks->share : NULL;
    job->share_payload = hooks ? hooks->payload : NULL;
    job->kept = o->cache_dir;
    if (pthread_create(&hasher, NULL, hash_thread, job) == 0)
        hashing = true;
    else
        hash_thread(job);
    /* the background first: its cache key reads the inventories and the method, and leaves
     * their digests for the run key (memo), so each file is read once */
    if ((rc = load_background(&in->bg, o, &memo, out, err)) < 0)
        goto cleanup;
    if (!(in->inventory_hex = glca_calloc(o->ninventories, sizeof *in->inventory_hex))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < o->ninventories; i++)
        if ((rc = hash_hex(o->inventories[i], &memo, in->inventory_hex[i], err)) < 0)
            goto cleanup;
    if ((rc = hash_hex(o->method, &memo, in->method_hex, err)) < 0 ||
        (o->rules_path && (rc = hash_hex(o->rules_path, NULL, in->rules_hex, err)) < 0) ||
        (o->load && o->load->provider_map &&
         (rc = hash_hex(o->load->provider_map, &memo, in->provider_map_hex, err)) < 0) ||
        (hooks && hooks->loaded && (rc = hooks->loaded(hooks->payload, in->bg, err)) < 0))
        goto cleanup;
    if (hashing) {
        pthread_join(hasher, NULL);
        hashing = false;
    }
    if ((rc = job->rc) < 0) {
        *err = job->err;
        goto cleanup;
    }
    memcpy(in->catalog_hex, job->hex, sizeof in->catalog_hex);
    run_key(o, in, job, in->key);
cleanup:
    if (hashing)
        pthread_join(hasher, NULL);
    return rc;
}

int glca_inventories__batch_open_store(glca_inventories__store **out, const char *path,
                                       glca_error *err)
{
    int rc;

    if ((rc = glca_inventories__store_open(out, path, err)) < 0 ||
        (rc = glca_inventories__store_lock(*out, err)) < 0) {
        glca_inventories__store_close(*out);
        *out = NULL;
    }
    return rc;
}

/* The run as the store records it: the inputs' paths and hashes beside its key. */
int glca_inventories__batch_begin(glca_inventories__store *store, long long *run,
                                  const glca_batch_options *o,
                                  const glca_inventories__batch_inputs *in, glca_error *err)
{
    const hash_job *catalog = in->catalog;
    const size_t nincludes = catalog ? catalog->nincludes : 0;
    const char **inv_sha = glca_calloc(o->ninventories, sizeof *inv_sha);
    glca_inventories__run_input *more = glca_calloc(nincludes + 3, sizeof *more);
    char allocation[32];
    glca_inventories__run_desc d;
    bool resumed;
    size_t i;
    int rc;

    if (!inv_sha || !more) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < o->ninventories; i++)
        inv_sha[i] = in->inventory_hex[i];
    memset(&d, 0, sizeof d);
    for (i = 0; i < nincludes; i++) {
        more[d.nmore].role = "include";
        more[d.nmore].path = catalog->includes[i].path;
        more[d.nmore++].sha256 = catalog->includes[i].hex[0] ? catalog->includes[i].hex : "-";
    }
    if (o->rules_path) {
        more[d.nmore].role = "rules";
        more[d.nmore].path = o->rules_path;
        more[d.nmore++].sha256 = in->rules_hex;
    }
    if (o->load && o->load->allocation != GLCA_ALLOCATION_DATA) {
        /* an option, not a file: its value stands in the path column */
        snprintf(allocation, sizeof allocation, "allocation=%s",
                 glca_allocation_name(o->load->allocation));
        more[d.nmore].role = "option";
        more[d.nmore].path = allocation;
        more[d.nmore++].sha256 = "-";
    }
    if (o->load && o->load->provider_map) {
        more[d.nmore].role = "provider-map";
        more[d.nmore].path = o->load->provider_map;
        more[d.nmore++].sha256 = in->provider_map_hex;
    }
    d.key = in->key;
    d.catalog = o->catalog;
    d.catalog_sha256 = in->catalog_hex;
    d.method = o->method;
    d.method_sha256 = in->method_hex;
    d.method_id = glca_background_method_id(in->bg);
    d.inventories = o->inventories;
    d.inventory_sha256 = inv_sha;
    d.ninventories = o->ninventories;
    d.ruleset_version = o->ruleset_version;
    d.more = more;
    rc = glca_inventories__store_begin_run(store, &d, in->bg, o->fresh, run, &resumed, err);
cleanup:
    glca_free(inv_sha);
    glca_free(more);
    return rc;
}

/* A shared-out run whose catalog is read serially from the start: only the process the source
 * hands ordinal 0 to reads it. */
static int claim_serial(batch *b, bool *mine, glca_error *err)
{
    const glca_inventories__block *blocks;
    size_t nblocks, from = SIZE_MAX;
    bool eof;
    int rc;

    *mine = false;
    if ((rc = b->src->next(b->src->payload, 1, 1, &blocks, &nblocks, &from, &eof, err)) < 0)
        return rc;
    if (nblocks)
        return glca_error_set(err, GLCA_EIO, NULL, "catalog %s: processes see different files",
                              b->o->catalog);
    *mine = from == 0;
    return 0;
}

int glca_inventories__batch_run_prepared(glca_batch_summary *out, const glca_batch_options *o,
                                         const glca_inventories__batch_inputs *in,
                                         glca_inventories__store *store, long long run,
                                         const glca_inventories__batch_source *src,
                                         glca_error *err)
{
    batch b;
    bool complete = false, mine = true;
    unsigned char *stored = NULL;
    double t0 = now_seconds();
    int rc;

    memset(&b, 0, sizeof b);
    b.o = o;
    b.src = src;
    b.bg = in->bg;
    b.k = glca_background_ncategories(in->bg);
    b.serial_from = SIZE_MAX;
    b.store = store;
    b.run = run;
    if (src) {
        b.stored = src->stored;
        b.nstored = src->nstored;
    } else if ((rc = glca_inventories__store_stored(store, run, &stored, &b.nstored, err)) < 0) {
        goto cleanup;
    } else {
        b.stored = stored;
    }
    /* a shared-out run is said to be running by whoever began it (batch_mpi.c), once */
    if ((!src && (rc = glca_inventories__store_set_status(store, run, "running", err)) < 0) ||
        (rc = glca_catalog_open(&b.cat, o->catalog, o->limits, err)) < 0 ||
        (rc = glca_inventories__split_open(&b.split, o->catalog, o->limits, err)) < 0)
        goto cleanup;
    if (src && !b.split && (rc = claim_serial(&b, &mine, err)) < 0)
        goto cleanup;
    if (src && src->tick)
        glca_inventories__store_set_meanwhile(store, src->tick, src->payload);
    if (mine)
        rc = run_catalog(&b, &complete, err);
    else
        complete = true;
    glca_inventories__store_set_meanwhile(store, NULL, NULL);
    if (src && mine && rc == 0 && complete && !b.split)
        src->serial_end(src->payload, b.expected);
    out->processed = b.progress.done;
    out->skipped = b.progress.skipped;
    if (rc < 0)
        goto cleanup;
    /* a shared-out run's status and counts are the whole job's, said by whoever ends it (a
     * rank's count of the whole store was thrown away, and it kept the last rank busy) */
    if (!src && ((rc = glca_inventories__store_set_status(store, run,
                                                          complete ? "done" : "stopped", err)) < 0 ||
                 (rc = glca_inventories__store_counts(store, run, &out->ok, &out->errors,
                                                      &out->certified, err)) < 0))
        goto cleanup;
    out->run_id = run;
    out->complete = complete;
cleanup:
    if (rc < 0)
        glca_inventories__store_set_status(store, run, "stopped", NULL);
    glca_catalog_free(b.cat);
    glca_inventories__split_free(b.split);
    glca_free(stored);
    out->seconds = now_seconds() - t0;
    return rc;
}

int glca_batch_run(glca_batch_summary *out, const glca_batch_options *o, glca_error *err)
{
    glca_inventories__batch_inputs in;
    glca_inventories__store *store = NULL;
    double t0 = now_seconds();
    long long run = 0;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&in, 0, sizeof in);
    if (!o->catalog || !o->method || !o->results || !o->ninventories)
        return glca_error_set(err, GLCA_ERROR, NULL,
                              "a batch needs a catalog, inventories, a method and a results file");
    /* the store first: a second batch on it stops before doing any work */
    if ((rc = glca_inventories__batch_open_store(&store, o->results, err)) < 0 ||
        (rc = glca_inventories__batch_prepare(&in, o, out, err)) < 0 ||
        (rc = glca_inventories__batch_begin(store, &run, o, &in, err)) < 0)
        goto cleanup;
    rc = glca_inventories__batch_run_prepared(out, o, &in, store, run, NULL, err);
cleanup:
    glca_inventories__store_close(store);
    glca_inventories__batch_inputs_free(&in);
    out->seconds = now_seconds() - t0;
    return rc;
}
