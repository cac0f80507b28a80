/*
 * The batch driver: a catalog, read as a stream, through the engine into the results store.
 *
 * The catalog is taken in chunks (512 products by default).  While one chunk is bound,
 * evaluated, judged and committed, the next one is being parsed: thread 0 reads, every thread
 * then takes products of the current chunk from a shared cursor, and the last thread commits the
 * chunk in one transaction once all its products are done.  Parsing is serial (one XML stream)
 * and so is SQLite, so overlapping the two is where a second core pays; binding and evaluation
 * spread over all threads.  Each product is computed by exactly one thread into its own slot,
 * with sums in line order, so the numbers do not depend on the thread count.
 *
 * Memory: the background, two chunks of products and their impacts, and one bit per catalog
 * product for resuming.  Resuming: a run is identified by the content hashes of its inputs and
 * the options that change results; products already stored under that run are parsed (to move
 * the stream on) but neither evaluated nor written again.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <omp.h>

#include "results_store.h"

typedef struct chunk {
    glca_inventories__slot *slots;
    size_t n, cap;
    double *impacts; /* cap × k × GLCA_NSTAGES */
    bool eof;
    size_t next_eval, evaluated; /* shared cursor and completion count while evaluating */
} chunk;

typedef struct batch {
    const glca_batch_options *o;
    glca_background *bg;
    size_t k;
    glca_catalog *cat;
    size_t expected; /* ordinal of the next product the catalog should hand out */
    const unsigned char *stored;
    size_t nstored;
    glca_inventories__store *store;
    long long run;
    glca_batch_progress progress;
} batch;

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---------------------------------------------------------------- input hashes */

typedef struct hash_job {
    const char *path;
    char hex[GLCA_SHA256_HEX];
    glca_error err;
    int rc;
} hash_job;

static void *hash_thread(void *arg)
{
    hash_job *job = arg;
    unsigned char d[GLCA_SHA256_SIZE];

    if ((job->rc = glca_sha256_file(d, job->path, &job->err)) == 0)
        glca_sha256_hex(d, job->hex);
    return NULL;
}

static int hash_hex(const char *path, char hex[GLCA_SHA256_HEX], glca_error *err)
{
    unsigned char d[GLCA_SHA256_SIZE];
    int rc;

    if ((rc = glca_sha256_file(d, path, err)) < 0)
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
static void run_key(const glca_batch_options *o, const char *catalog_hex, char (*inv_hex)[65],
                    const char *method_hex, char key[GLCA_SHA256_HEX])
{
    unsigned char d[GLCA_SHA256_SIZE];
    char opts[96];
    glca_sha256 s;
    size_t i;

    glca_sha256_init(&s);
    feed_line(&s, "greenlca-run-1");
    feed_line(&s, GLCA_VERSION);
    feed_line(&s, catalog_hex);
    for (i = 0; i < o->ninventories; i++)
        feed_line(&s, inv_hex[i]);
    feed_line(&s, method_hex);
    feed_line(&s, o->ruleset_version);
    snprintf(opts, sizeof opts, "btf=%d pivot=%.17g", (int)o->background.use_btf,
             o->background.pivot_tol);
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

/*
 * Read up to c->cap products.  A bad product becomes an error slot; a catalog that cannot go
 * on (the reader reports an error without moving to a new ordinal) ends the stream with one
 * error slot for what follows.
 */
static int read_chunk(batch *b, chunk *c, glca_error *fatal)
{
    (void)fatal;
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
        s->product = NULL;
        s->source[0] = '\0';
        s->message[0] = '\0';
        s->ok = true;
        if (rc < 0 && ordinal < b->expected) {
            /* no new product: the stream cannot recover */
            ordinal = b->expected;
            c->eof = true;
        }
        s->ordinal = ordinal;
        b->expected = ordinal + 1;
        s->skip = already_stored(b, ordinal);
        if (rc < 0) {
            slot_fail(s, &e);
        } else if (s->skip) {
            glca_product_free(p);
        } else {
            glca_srcloc loc = glca_product_loc(p);

            s->product = p;
            if (loc.file)
                snprintf(s->source, sizeof s->source, "%s:%ld", loc.file, loc.line);
        }
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

/*
 * One step of the pipeline: evaluate and commit `cur` while thread 0 reads `next`.
 * With one thread the same code runs read, evaluate, write in turn.
 */
static int step(batch *b, chunk *cur, chunk *next, int threads, glca_error *err)
{
    glca_error read_err = GLCA_ERROR_INIT, write_err = GLCA_ERROR_INIT;
    int read_rc = 0, write_rc = 0;
    const bool more = !cur->eof;

#pragma omp parallel num_threads(threads)
    {
        const int me = omp_get_thread_num(), nt = omp_get_num_threads();

        if (me == 0 && more)
            read_rc = read_chunk(b, next, &read_err);
        for (;;) {
            size_t i;

#pragma omp atomic capture
            i = cur->next_eval++;
            if (i >= cur->n)
                break;
            evaluate_slot(b, &cur->slots[i]);
#pragma omp atomic update
            cur->evaluated++;
        }
        if (me == nt - 1) {
            size_t done;

            do {
#pragma omp atomic read
                done = cur->evaluated;
            } while (done < cur->n);
            write_rc = glca_inventories__store_write_chunk(b->store, b->run, cur->slots, cur->n,
                                                           b->k, &write_err);
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

static int run_catalog(batch *b, bool *complete, glca_error *err)
{
    const glca_batch_options *o = b->o;
    const size_t cap = o->chunk ? o->chunk : 512;
    int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    double started = now_seconds(), last = started;
    chunk chunks[2], *cur = &chunks[0], *next = &chunks[1];
    struct stat st;
    int rc;

    memset(chunks, 0, sizeof chunks);
    *complete = false;
    b->progress.bytes_done = -1;
    b->progress.bytes_total = stat(o->catalog, &st) == 0 ? (long long)st.st_size : -1;
    if ((rc = chunk_init(cur, cap, b->k, err)) < 0 || (rc = chunk_init(next, cap, b->k, err)) < 0)
        goto cleanup;
    if ((rc = read_chunk(b, cur, err)) < 0)
        goto cleanup;
    while (cur->n > 0) {
        chunk *t;

        if ((rc = step(b, cur, next, threads, err)) < 0)
            goto cleanup;
        count_chunk(b, cur);
        chunk_empty(cur);
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

static int load_background(batch *b, glca_batch_summary *out, glca_error *err)
{
    const glca_batch_options *o = b->o;
    double t0 = now_seconds();
    int rc;

    if (o->cache_dir)
        rc = glca_load_background_cached(&b->bg, &out->cache, o->cache_dir, o->inventories,
                                         o->ninventories, o->method, &o->background, o->diag,
                                         o->diag_payload, err);
    else
        rc = glca_load_background(&b->bg, o->inventories, o->ninventories, o->method,
                                  &o->background, o->diag, o->diag_payload, err);
    out->background_seconds = now_seconds() - t0;
    if (rc >= 0)
        b->k = glca_background_ncategories(b->bg);
    return rc;
}

int glca_batch_run(glca_batch_summary *out, const glca_batch_options *o, glca_error *err)
{
    batch b;
    hash_job catalog_job;
    pthread_t hasher;
    bool hashing = false, resumed, complete = false;
    char (*inv_hex)[GLCA_SHA256_HEX] = NULL;
    char method_hex[GLCA_SHA256_HEX], key[GLCA_SHA256_HEX];
    unsigned char *stored = NULL;
    double t0 = now_seconds();
    size_t i;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    b.o = o;
    if (!o->catalog || !o->method || !o->results || !o->ninventories)
        return glca_error_set(err, GLCA_ERROR, NULL,
                              "a batch needs a catalog, inventories, a method and a results file");
    /* the catalog may be large: hash it while the background is prepared */
    memset(&catalog_job, 0, sizeof catalog_job);
    catalog_job.path = o->catalog;
    if (pthread_create(&hasher, NULL, hash_thread, &catalog_job) == 0)
        hashing = true;
    else
        hash_thread(&catalog_job);
    if (!(inv_hex = glca_calloc(o->ninventories, sizeof *inv_hex))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < o->ninventories; i++)
        if ((rc = hash_hex(o->inventories[i], inv_hex[i], err)) < 0)
            goto cleanup;
    if ((rc = hash_hex(o->method, method_hex, err)) < 0 ||
        (rc = load_background(&b, out, err)) < 0)
        goto cleanup;
    if (hashing) {
        pthread_join(hasher, NULL);
        hashing = false;
    }
    if ((rc = catalog_job.rc) < 0) {
        *err = catalog_job.err;
        goto cleanup;
    }
    run_key(o, catalog_job.hex, inv_hex, method_hex, key);
    {
        const char **inv_sha = glca_calloc(o->ninventories, sizeof *inv_sha);
        glca_inventories__run_desc d;

        if (!inv_sha) {
            rc = glca_error_oom(err);
            goto cleanup;
        }
        for (i = 0; i < o->ninventories; i++)
            inv_sha[i] = inv_hex[i];
        d.key = key;
        d.catalog = o->catalog;
        d.catalog_sha256 = catalog_job.hex;
        d.method = o->method;
        d.method_sha256 = method_hex;
        d.method_id = glca_background_method_id(b.bg);
        d.inventories = o->inventories;
        d.inventory_sha256 = inv_sha;
        d.ninventories = o->ninventories;
        d.ruleset_version = o->ruleset_version;
        rc = glca_inventories__store_open(&b.store, o->results, err);
        if (rc == 0)
            rc = glca_inventories__store_begin_run(b.store, &d, b.bg, o->fresh, &b.run, &resumed,
                                                   err);
        glca_free(inv_sha);
        if (rc < 0)
            goto cleanup;
    }
    if ((rc = glca_inventories__store_stored(b.store, b.run, &stored, &b.nstored, err)) < 0 ||
        (rc = glca_inventories__store_set_status(b.store, b.run, "running", err)) < 0 ||
        (rc = glca_catalog_open(&b.cat, o->catalog, o->limits, err)) < 0)
        goto cleanup;
    b.stored = stored;
    rc = run_catalog(&b, &complete, err);
    out->processed = b.progress.done;
    out->skipped = b.progress.skipped;
    if (rc < 0)
        goto cleanup;
    if ((rc = glca_inventories__store_set_status(b.store, b.run, complete ? "done" : "stopped",
                                                 err)) < 0 ||
        (rc = glca_inventories__store_counts(b.store, b.run, &out->ok, &out->errors,
                                             &out->certified, err)) < 0)
        goto cleanup;
    out->run_id = b.run;
    out->complete = complete;
cleanup:
    if (hashing)
        pthread_join(hasher, NULL);
    if (rc < 0 && b.store && b.run)
        glca_inventories__store_set_status(b.store, b.run, "stopped", NULL);
    glca_catalog_free(b.cat);
    glca_inventories__store_close(b.store);
    glca_background_free(b.bg);
    glca_free(stored);
    glca_free(inv_hex);
    out->seconds = now_seconds() - t0;
    return rc;
}
