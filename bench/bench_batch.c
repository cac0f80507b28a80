/*
 * bench_batch: the figures of issue 5 in one run, on synthetic data from common/synth.h
 * (20,000 processes, 2,000 flows, 25 categories; 10,000 products of ~100 lines by default):
 *
 *   - background preparation: parse + link, then factor + Lambda (glca_background_new);
 *   - catalog end to end (glca_batch_run: streaming parse, bind, evaluate, rules if --rules-dir,
 *     SQLite), with the background from the Lambda cache so only the catalog is timed;
 *   - a parse-only baseline: libxml2's streaming reader walking the same catalog file;
 *   - 1 thread against 2 threads, and a check that both stores hold bitwise equal impacts;
 *   - peak RSS (VmHWM) of a batch over 10,000 and over 1,000,000 products, each in a child
 *     process (catalogs of ~4 lines per product so the million fits on disk; the question is
 *     whether memory grows with the count);
 *   - the Brightway-algorithm peer (peer_brightway.py, factor once, one solve per product).
 *
 * Timed figures are the best of --runs.  The last line is parseable:
 *   bench_batch products=N rate=R/s parse_only=Xx peer=Yx threads_speedup=Zx
 * parse_only and peer are rate ratios (ours / theirs): parse_only 0.5 means half the speed of
 * merely walking the XML.
 *
 *   bench_batch [--dir DIR] [--processes N] [--products N] [--rss-products N] [--runs R]
 *               [--rules-dir DIR] [--peer-limit N] [--no-peer] [--no-rss]
 */
#include "bench_util.h"
#include "synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <sqlite3.h>

#include <glca/ruleset.h>

typedef struct config {
    const char *dir;
    size_t processes, products, rss_products, peer_limit;
    int runs;
    const char *rules_dir;
    bool peer, rss;
    char inventory[1024], method[1024], catalog[1024], cache[1024];
    glca_rulebook *rules; /* --rules-dir, pointed at the synthetic method */
    char rules_identity[1024];
} config;

#define die(what, err) glca_bench_die("bench_batch", (what), (err))

static bool exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* ---------------------------------------------------------------- data */

static void generate(const config *c, const char *catalog, size_t products, size_t lines,
                     bool background)
{
    glca_synth_options so = GLCA_SYNTH_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_synth_stats st;
    glca_synth *s = NULL;

    so.processes = c->processes;
    so.products = products;
    so.lines = lines;
    if (glca_synth_new(&s, &so, &err) < 0)
        die("generator", &err);
    if (background && (glca_synth_write_inventory(s, c->inventory, &st, &err) < 0 ||
                       glca_synth_write_method(s, c->method, &st, &err) < 0))
        die("generator", &err);
    if (glca_synth_write_catalog(s, catalog, NULL, &st, &err) < 0)
        die("generator", &err);
    glca_synth_free(s);
}

/* ---------------------------------------------------------------- background */

static void background_prep(const config *c, double *parse_s, double *prep_s, size_t *n,
                            size_t *k)
{
    const char *inv[1] = {c->inventory};
    glca_background_options bo = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *meth = NULL;
    glca_background *bg = NULL;
    double t0 = glca_bench_now(), t1;

    if (glca_model_new(&m, &err) < 0 || glca_read_inventory(m, c->inventory, NULL, NULL, NULL,
                                                            &err) < 0 ||
        glca_read_method(&meth, c->method, NULL, NULL, NULL, &err) < 0 ||
        glca_model_link(m, NULL, NULL, &err) < 0)
        die("reading the background", &err);
    t1 = glca_bench_now();
    *parse_s = t1 - t0;
    if (glca_background_new(&bg, m, meth, &bo, &err) < 0)
        die("preparing the background", &err);
    *prep_s = glca_bench_now() - t1;
    *n = glca_background_nprocesses(bg);
    *k = glca_background_ncategories(bg);
    /* the catalog runs below take the background from the cache: they time the catalog */
    if (glca_lambda_cache_store(bg, c->cache, inv, 1, c->method, &bo, &err) < 0)
        die("storing the Lambda cache", &err);
    glca_background_free(bg);
    glca_method_free(meth);
    glca_model_free(m);
}

/* ---------------------------------------------------------------- batch */

typedef struct batch_run {
    const config *c;
    const char *catalog, *results;
    int threads;
    double catalog_s; /* the last run's catalog time (seconds minus background) */
    size_t processed;
} batch_run;

/* A new store for each timed run: what is measured is a batch, not the deletion of an earlier
 * run's rows that --fresh does on an existing store (a quarter of a second per 10,000). */
static void remove_store(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char p[1100];
    size_t i;

    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;

    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)size + 1)) && fread(text, 1, (size_t)size, f) == (size_t)size)
        text[size] = '\0';
    else {
        free(text);
        text = NULL;
    }
    if (f)
        fclose(f);
    return text;
}

/*
 * The bundled rules name the IPCC method they were written for; the synthetic background has its
 * own method (with a gwp100 category), so the bench judges products with copies of the rule
 * files whose root `method` attribute names the synthetic method instead.
 */
static void load_rules(config *c)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_method *m = NULL;
    char out_dir[1100], path[2200];
    DIR *d;
    struct dirent *e;

    if (glca_read_method(&m, c->method, NULL, NULL, NULL, &err) < 0)
        die("method", &err);
    snprintf(out_dir, sizeof out_dir, "%s/rules", c->dir);
    mkdir(out_dir, 0777);
    if (!(d = opendir(c->rules_dir))) {
        fprintf(stderr, "bench_batch: cannot open %s\n", c->rules_dir);
        exit(1);
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        char *text, *at, *end;
        FILE *f;

        if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", c->rules_dir, e->d_name);
        if (!(text = read_text(path)) || !(at = strstr(text, " method=\"")) ||
            !(end = strchr(at + 9, '"'))) {
            fprintf(stderr, "bench_batch: %s: no method attribute\n", path);
            exit(1);
        }
        snprintf(path, sizeof path, "%s/%s", out_dir, e->d_name);
        if (!(f = fopen(path, "w")))
            exit(1);
        fprintf(f, "%.*s method=\"%s\"%s", (int)(at - text), text, glca_method_id(m), end + 1);
        fclose(f);
        free(text);
    }
    closedir(d);
    glca_method_free(m);
    if (glca_rulebook_load_dir(&c->rules, out_dir, NULL, NULL, NULL, &err) < 0)
        die("rules", &err);
    glca_rulebook_identity(c->rules, c->rules_identity, sizeof c->rules_identity);
}

static int run_batch(void *payload)
{
    batch_run *b = payload;
    const char *inv[1] = {b->c->inventory};
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;

    o.catalog = b->catalog;
    o.inventories = inv;
    o.ninventories = 1;
    o.method = b->c->method;
    o.results = b->results;
    o.threads = b->threads;
    o.fresh = true;
    o.cache_dir = b->c->cache;
    if (b->c->rules) {
        o.verdict = glca_rulebook_verdict_rows;
        o.verdict_payload = b->c->rules;
        o.ruleset_version = b->c->rules_identity;
    }
    remove_store(b->results);
    if (glca_batch_run(&sum, &o, &err) < 0)
        die("batch", &err);
    if (!sum.cache.hit)
        fprintf(stderr, "bench_batch: warning: Lambda cache missed (%s)\n", sum.cache.warning);
    b->catalog_s = sum.seconds - sum.background_seconds;
    b->processed = sum.processed;
    return 0;
}

static double best_batch(batch_run *b, int runs)
{
    double best = 1e300;
    int i;

    for (i = 0; i < runs; i++) {
        run_batch(b);
        if (b->catalog_s < best)
            best = b->catalog_s;
    }
    return best;
}

/* Rows of impacts bitwise equal between the latest runs of two stores, and the row count. */
static void compare_stores(const char *a, const char *b, long long *equal, long long *rows)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char sql[1400];

    *equal = *rows = -1;
    if (sqlite3_open_v2(a, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto cleanup;
    snprintf(sql, sizeof sql, "ATTACH '%s' AS other", b);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        goto cleanup;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM impact WHERE run = (SELECT max(id) FROM"
                           " main.run)), (SELECT count(*) FROM impact x JOIN other.impact y USING"
                           " (ordinal, category) WHERE x.run = (SELECT max(id) FROM main.run)"
                           " AND y.run = (SELECT max(id) FROM other.run)"
                           " AND x.raw_materials = y.raw_materials AND x.production ="
                           " y.production AND x.distribution = y.distribution AND x.use = y.use"
                           " AND x.end_of_life = y.end_of_life AND x.total = y.total)",
                           -1, &st, NULL) != SQLITE_OK)
        goto cleanup;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *rows = sqlite3_column_int64(st, 0);
        *equal = sqlite3_column_int64(st, 1);
    }
cleanup:
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---------------------------------------------------------------- parse-only baseline */

static int parse_only(void *payload)
{
    const char *path = payload;
    xmlTextReaderPtr r = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_COMPACT);
    int ret;

    if (!r)
        return -1;
    while ((ret = xmlTextReaderRead(r)) == 1)
        if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT)
            while (xmlTextReaderMoveToNextAttribute(r) == 1)
                (void)xmlTextReaderConstValue(r); /* look at attributes, as a reader must */
    xmlFreeTextReader(r);
    return ret == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- peak RSS in a child */

static long child_rss_kb(const char *self, const config *c, const char *catalog, double *rate)
{
    char cmd[8192], line[256];
    long kb = -1;
    FILE *p;

    snprintf(cmd, sizeof cmd, "'%s' --child '%s' '%s' '%s' '%s' '%s/rss.sqlite'", self,
             catalog, c->inventory, c->method, c->cache, c->dir);
    if (!(p = popen(cmd, "r")))
        return -1;
    while (fgets(line, sizeof line, p))
        sscanf(line, "child peak_rss_kb=%ld rate=%lf", &kb, rate);
    pclose(p);
    return kb;
}

static int child_main(char **argv)
{
    const char *inv[1] = {argv[2]};
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;

    o.catalog = argv[1];
    o.inventories = inv;
    o.ninventories = 1;
    o.method = argv[3];
    o.cache_dir = argv[4];
    o.results = argv[5];
    o.fresh = true;
    if (glca_batch_run(&sum, &o, &err) < 0)
        die("child batch", &err);
    printf("child peak_rss_kb=%ld rate=%.1f\n", glca_bench_peak_rss_kb(),
           (double)sum.processed / (sum.seconds - sum.background_seconds));
    return 0;
}

/* ---------------------------------------------------------------- peer */

static double peer_rate(const config *c, size_t *peer_products)
{
    char cmd[8192], line[1024], path[1024], *slash;
    double rate = -1;
    FILE *p;

    snprintf(path, sizeof path, "%s", __FILE__);
    slash = strrchr(path, '/');
    snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0),
             "peer_brightway.py");
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 '%s' --inventory '%s' --method '%s' --catalog '%s' --limit %zu"
             " --time-only",
             path, c->inventory, c->method, c->catalog, c->peer_limit);
    if (!(p = popen(cmd, "r")))
        return -1;
    while (fgets(line, sizeof line, p)) {
        if (sscanf(line, "peer_brightway products=%zu seconds=%*f rate=%lf", peer_products,
                   &rate) == 2)
            printf("peer:        %s", line);
    }
    pclose(p);
    return rate;
}

/* ---------------------------------------------------------------- main */

static size_t size_arg(const char *s)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v == 0) {
        fprintf(stderr, "bench_batch: not a positive number: %s\n", s);
        exit(2);
    }
    return (size_t)v;
}

int main(int argc, char **argv)
{
    config c = {"/tmp/glca-bench-batch", 20000, 10000, 1000000, 300, 3, NULL, true, true,
                "", "", "", "", NULL, ""};
    double parse_s, prep_s, t2, t1, tparse, e2e_rate, parse_rate, speedup, peer = -1;
    char rss_small[1100], rss_big[1100], db1[1100], db2[1100];
    long long equal, rows;
    size_t n, k, peer_products = 0;
    batch_run b;
    int i;

    if (argc == 7 && strcmp(argv[1], "--child") == 0)
        return child_main(argv + 1);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            c.dir = argv[++i];
        else if (strcmp(argv[i], "--processes") == 0 && i + 1 < argc)
            c.processes = size_arg(argv[++i]);
        else if (strcmp(argv[i], "--products") == 0 && i + 1 < argc)
            c.products = size_arg(argv[++i]);
        else if (strcmp(argv[i], "--rss-products") == 0 && i + 1 < argc)
            c.rss_products = size_arg(argv[++i]);
        else if (strcmp(argv[i], "--peer-limit") == 0 && i + 1 < argc)
            c.peer_limit = size_arg(argv[++i]);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            c.runs = (int)size_arg(argv[++i]);
        else if (strcmp(argv[i], "--rules-dir") == 0 && i + 1 < argc)
            c.rules_dir = argv[++i];
        else if (strcmp(argv[i], "--no-peer") == 0)
            c.peer = false;
        else if (strcmp(argv[i], "--no-rss") == 0)
            c.rss = false;
        else {
            fprintf(stderr, "usage: bench_batch [--dir DIR] [--processes N] [--products N]"
                            " [--rss-products N] [--runs R] [--peer-limit N] [--no-peer]"
                            " [--no-rss] [--rules-dir DIR]\n");
            return 2;
        }
    }
    mkdir(c.dir, 0777);
    snprintf(c.inventory, sizeof c.inventory, "%s/background.inventory.xml", c.dir);
    snprintf(c.method, sizeof c.method, "%s/method.method.xml", c.dir);
    snprintf(c.catalog, sizeof c.catalog, "%s/catalog-%zu.xml", c.dir, c.products);
    snprintf(c.cache, sizeof c.cache, "%s/cache", c.dir);
    snprintf(db1, sizeof db1, "%s/threads1.sqlite", c.dir);
    snprintf(db2, sizeof db2, "%s/threads2.sqlite", c.dir);
    if (!exists(c.inventory) || !exists(c.method))
        generate(&c, c.catalog, c.products, 100, true);
    else if (!exists(c.catalog))
        generate(&c, c.catalog, c.products, 100, false);
    xmlInitParser();
    if (c.rules_dir)
        load_rules(&c);

    background_prep(&c, &parse_s, &prep_s, &n, &k);
    printf("background:  %zu processes x %zu categories: parse+link %.2f s, factor+Lambda "
           "%.2f s\n",
           n, k, parse_s, prep_s);
    fflush(stdout);

    b.c = &c;
    b.catalog = c.catalog;
    b.results = db2;
    b.threads = 2;
    t2 = best_batch(&b, c.runs);
    e2e_rate = (double)b.processed / t2;
    printf("end to end:  %zu products in %.3f s = %.0f products/s (2 threads, parse + bind + "
           "evaluate + SQLite)\n",
           b.processed, t2, e2e_rate);
    b.results = db1;
    b.threads = 1;
    t1 = best_batch(&b, c.runs);
    speedup = t1 / t2;
    compare_stores(db1, db2, &equal, &rows);
    printf("threads:     1 thread %.3f s, 2 threads %.3f s: speed-up %.2fx; impacts bitwise "
           "equal: %lld of %lld rows (%s)\n",
           t1, t2, speedup, equal, rows, equal == rows && rows > 0 ? "identical" : "DIFFERENT");
    glca_bench_best_of(c.runs, parse_only, c.catalog, &tparse);
    parse_rate = (double)b.processed / tparse;
    printf("parse only:  libxml2 xmlTextReader over the same file %.3f s = %.0f products/s; "
           "end to end runs at %.2fx of it\n",
           tparse, parse_rate, e2e_rate / parse_rate);
    fflush(stdout);

    if (c.rss) {
        double r_small = 0, r_big = 0;
        long kb_small, kb_big;

        snprintf(rss_small, sizeof rss_small, "%s/rss-10000.xml", c.dir);
        snprintf(rss_big, sizeof rss_big, "%s/rss-%zu.xml", c.dir, c.rss_products);
        if (!exists(rss_small))
            generate(&c, rss_small, 10000, 4, false);
        if (!exists(rss_big))
            generate(&c, rss_big, c.rss_products, 4, false);
        kb_small = child_rss_kb(argv[0], &c, rss_small, &r_small);
        kb_big = child_rss_kb(argv[0], &c, rss_big, &r_big);
        printf("peak RSS:    10000 products %.1f MB (%.0f/s), %zu products %.1f MB (%.0f/s): "
               "difference %.1f MB\n",
               kb_small / 1024.0, r_small, c.rss_products, kb_big / 1024.0, r_big,
               (kb_big - kb_small) / 1024.0);
        fflush(stdout);
    }
    if (c.peer) {
        double pr = peer_rate(&c, &peer_products);

        if (pr > 0) {
            peer = e2e_rate / pr;
            printf("peer ratio:  %.1fx (greenlca %.0f/s vs Brightway's algorithm %.1f/s on %zu "
                   "products of the same catalog)\n",
                   peer, e2e_rate, pr, peer_products);
        } else {
            printf("peer:        did not run\n");
        }
    }
    printf("bench_batch products=%zu rate=%.0f/s parse_only=%.2fx peer=%.1fx "
           "threads_speedup=%.2fx\n",
           b.processed, e2e_rate, e2e_rate / parse_rate, peer, speedup);
    glca_rulebook_free(c.rules);
    xmlCleanupParser();
    return 0;
}
