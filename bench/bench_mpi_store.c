/*
 * bench_mpi_store: the two rates behind the MPI batch's choice of a store per rank merged at
 * the end over rank 0 as the single writer (design at the top of inventories/batch/batch_mpi.c):
 *
 *   - insert: rows/s one SQLite writer sustains through the batch's own writer
 *     (glca_inventories__store_write_chunk: prepared statements, one transaction per chunk of
 *     512), i.e. what rank 0 could store if every rank sent it its rows;
 *   - merge: rows/s of glca_inventories__store_merge copying a finished part into a store;
 *   - split: MB/s and products/s of the catalog splitter run by rank 0's dispatcher over
 *     DIR/catalog.xml, in chunks of 512 (the only pass over the whole catalog in one process).
 *
 * Rows are those of a product of a K-category method (one product row, K impact rows) and, with
 * --indicators N > 0, N indicator rows and a verdict row, as GB/T 32161 rules write them.  The
 * background (for the run's categories) comes from gen_synthetic data through the Lambda cache.
 * Each figure is the best of --runs, in wall time and in CPU time of this (single-threaded)
 * process: on a shared machine the CPU time is what the projection can rest on.  Last line:
 *   bench_mpi_store products=P rows_per_product=R insert_rows=X/s merge_rows=Y/s
 *                   split=Z MB/s split_products=W/s
 *
 *   bench_mpi_store --data DIR [--products N] [--indicators N] [--runs R] [--work DIR]
 */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch/catalog_split.h"
#include "store/results_merge.h"
#include "store/results_store.h"

#define CHUNK 512

typedef struct config {
    const char *data, *work;
    size_t products, indicators;
    int runs;
    glca_background *bg;
    size_t k;
    glca_inventories__slot *slots;
    double *impacts;
    char store[1024], part[1024], catalog[1024];
    size_t split_products;
} config;

#define die(what, err) glca_bench_die("bench_mpi_store", (what), (err))

static void load(config *c)
{
    glca_background_options bo = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_cache_report rep;
    char inv[1024], method[1024], cache[1024];
    const char *invs[1] = {inv};

    snprintf(inv, sizeof inv, "%s/background.inventory.xml", c->data);
    snprintf(method, sizeof method, "%s/method.method.xml", c->data);
    snprintf(cache, sizeof cache, "%s/cache", c->work);
    if (glca_load_background_cached(&c->bg, &rep, cache, invs, 1, method, &bo, NULL, NULL, &err) <
        0)
        die("background", &err);
    c->k = glca_background_ncategories(c->bg);
}

/* One chunk's slots, reused for every chunk with new ordinals; values vary so pages differ. */
static void make_slots(config *c)
{
    glca_error err = GLCA_ERROR_INIT;
    size_t i, j;

    c->slots = glca_calloc(CHUNK, sizeof *c->slots);
    c->impacts = glca_mallocarray(CHUNK * c->k * GLCA_NSTAGES, sizeof *c->impacts);
    if (!c->slots || !c->impacts)
        exit(1);
    for (i = 0; i < CHUNK; i++) {
        glca_inventories__slot *s = &c->slots[i];

        s->ok = true;
        snprintf(s->source, sizeof s->source, "catalog.xml:%zu", 100 * i + 3);
        s->impacts = c->impacts + i * c->k * GLCA_NSTAGES;
        for (j = 0; j < c->k * GLCA_NSTAGES; j++)
            s->impacts[j] = 1.0 / (double)(i + j + 1) + 1e-3 * (double)j;
        glca_verdict_rows_init(&s->verdict);
        for (j = 0; j < c->indicators; j++) {
            glca_indicator_row r = {.id = "indicator",
                                    .has_value = true,
                                    .value = 0.5 * (double)j,
                                    .has_baseline = true,
                                    .baseline = 1.0,
                                    .comparator = "<=",
                                    .outcome = "pass"};
            if (glca_verdict_rows_add(&s->verdict, &r, &err) < 0)
                die("verdict rows", &err);
        }
        if (c->indicators && glca_verdict_rows_set(&s->verdict, true, "bench-rules", &err) < 0)
            die("verdict rows", &err);
    }
}

static void remove_store(const char *path)
{
    glca_error err = GLCA_ERROR_INIT;

    if (glca_inventories__store_remove(path, &err) < 0)
        die("removing a store", &err);
}

static long long open_run(glca_inventories__store **s, const config *c, const char *path)
{
    static const char *const none[1] = {"background.inventory.xml"};
    glca_inventories__run_desc d = {.key = "bench-key",
                                    .catalog = "catalog.xml",
                                    .catalog_sha256 = "0",
                                    .method = "method.xml",
                                    .method_sha256 = "0",
                                    .inventories = none,
                                    .inventory_sha256 = none,
                                    .ninventories = 1};
    glca_error err = GLCA_ERROR_INIT;
    long long run;
    bool resumed;

    if (glca_inventories__store_open(s, path, &err) < 0 ||
        glca_inventories__store_begin_run(*s, &d, c->bg, false, &run, &resumed, &err) < 0)
        die(path, &err);
    return run;
}

static int insert(void *payload)
{
    config *c = payload;
    glca_error err = GLCA_ERROR_INIT;
    glca_inventories__store *s;
    long long run;
    size_t done, i;

    remove_store(c->part);
    run = open_run(&s, c, c->part);
    for (done = 0; done < c->products; done += CHUNK) {
        size_t n = c->products - done < CHUNK ? c->products - done : CHUNK;

        for (i = 0; i < n; i++)
            c->slots[i].ordinal = done + i;
        if (glca_inventories__store_write_chunk(s, run, c->slots, n, c->k, &err) < 0)
            die("write", &err);
    }
    glca_inventories__store_close(s);
    return 0;
}

static int merge(void *payload)
{
    config *c = payload;
    glca_error err = GLCA_ERROR_INIT;
    glca_inventories__store *s;
    long long run;
    size_t added;

    remove_store(c->store);
    run = open_run(&s, c, c->store);
    glca_inventories__store_close(s);
    if (glca_inventories__store_merge(c->store, run, c->part, "bench-key", &added, &err) < 0)
        die("merge", &err);
    if (added != c->products) {
        fprintf(stderr, "bench_mpi_store: merged %zu products of %zu\n", added, c->products);
        return -1;
    }
    return 0;
}

static int split(void *payload)
{
    config *c = payload;
    glca_error err = GLCA_ERROR_INIT;
    glca_inventories__split *s = NULL;
    const glca_inventories__block *blocks;
    size_t nblocks, from, i;
    bool eof = false;

    c->split_products = 0;
    if (glca_inventories__split_open(&s, c->catalog, NULL, &err) < 0 || !s)
        die("the catalog cannot be split", &err);
    while (!eof) {
        if (glca_inventories__split_next(s, CHUNK, 16, &blocks, &nblocks, &from, &eof, &err) < 0)
            die("split", &err);
        for (i = 0; i < nblocks; i++)
            c->split_products += blocks[i].n;
        if (from != SIZE_MAX)
            break;
    }
    glca_inventories__split_free(s);
    return 0;
}

static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best wall and best CPU seconds of `runs` runs of `fn`. */
static int timed(int runs, glca_bench_fn fn, void *payload, double *wall, double *cpu)
{
    int i;

    *wall = *cpu = -1;
    for (i = 0; i < (runs > 0 ? runs : 1); i++) {
        double w0 = glca_bench_now(), c0 = cpu_now(), w, cp;

        if (fn(payload) < 0)
            return -1;
        w = glca_bench_now() - w0;
        cp = cpu_now() - c0;
        if (*wall < 0 || w < *wall)
            *wall = w;
        if (*cpu < 0 || cp < *cpu)
            *cpu = cp;
    }
    return 0;
}

int main(int argc, char **argv)
{
    config c = {NULL, "/tmp", 20000, 0, 3, NULL, 0, NULL, NULL, "", "", "", 0};
    double t_insert, t_merge, t_split, c_insert, c_merge, c_split, rows, mb;
    int i;

    for (i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(argv[i], "--data") == 0 && v)
            c.data = argv[++i];
        else if (strcmp(argv[i], "--work") == 0 && v)
            c.work = argv[++i];
        else if (strcmp(argv[i], "--products") == 0 && v)
            c.products = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--indicators") == 0 && v)
            c.indicators = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0 && v)
            c.runs = atoi(argv[++i]);
        else {
            fputs("usage: bench_mpi_store --data DIR [--products N] [--indicators N] [--runs R]"
                  " [--work DIR]\n",
                  stderr);
            return 2;
        }
    }
    if (!c.data || !c.products) {
        fputs("bench_mpi_store: --data DIR (gen_synthetic output) is required\n", stderr);
        return 2;
    }
    snprintf(c.store, sizeof c.store, "%s/bench_mpi_store.sqlite", c.work);
    snprintf(c.part, sizeof c.part, "%s/bench_mpi_store.sqlite.part-1", c.work);
    snprintf(c.catalog, sizeof c.catalog, "%s/catalog.xml", c.data);
    load(&c);
    make_slots(&c);
    rows = (double)c.products * (double)(1 + c.k + (c.indicators ? c.indicators + 1 : 0));
    if (timed(c.runs, insert, &c, &t_insert, &c_insert) < 0 ||
        timed(c.runs, merge, &c, &t_merge, &c_merge) < 0 ||
        timed(c.runs, split, &c, &t_split, &c_split) < 0)
        return 1;
    mb = (double)glca_bench_file_size(c.catalog) / 1e6;
    printf("insert: %zu products, %.0f rows in %.3f s, %.3f s CPU (one writer, chunks of %d)\n",
           c.products, rows, t_insert, c_insert, CHUNK);
    printf("merge:  the same rows from a part in %.3f s, %.3f s CPU\n", t_merge, c_merge);
    printf("split:  %.1f MB, %zu products in %.3f s, %.3f s CPU\n", mb, c.split_products, t_split,
           c_split);
    printf("per CPU second: insert %.0f rows, merge %.0f rows, split %.0f MB = %.0f products\n",
           rows / c_insert, rows / c_merge, mb / c_split, (double)c.split_products / c_split);
    printf("bench_mpi_store products=%zu rows_per_product=%.0f insert_rows=%.0f/s "
           "merge_rows=%.0f/s split=%.0fMB/s split_products=%.0f/s\n",
           c.products, rows / (double)c.products, rows / t_insert, rows / t_merge, mb / t_split,
           (double)c.split_products / t_split);
    remove_store(c.store);
    remove_store(c.part);
    for (i = 0; i < CHUNK; i++)
        glca_verdict_rows_free(&c.slots[i].verdict);
    glca_free(c.slots);
    glca_free(c.impacts);
    glca_background_free(c.bg);
    return 0;
}
