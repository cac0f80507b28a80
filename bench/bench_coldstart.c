/*
 * bench_coldstart: where a cold start goes, and what the caches take off it.  Times, best of N
 * in one process: reading the inventory, linking, reading the method, preparing the background
 * (assembly + Lambda), then loading through the Lambda cache (assess, batch) and through the
 * background cache (hotspots, montecarlo, sensitivity: A and B as well) on a hit.  Checks its own
 * answer: Lambda from either cache is bitwise the prepared one, and the background cache's
 * one-process contribution breakdown (A^-1 solve) equals the cold background's bitwise.
 *
 *   bench_coldstart --inventory FILE --method FILE [--product FILE] [--runs N] [--cache-dir DIR]
 *
 * Last line: bench_coldstart parse=... link=... method=... prepare=... cold=... hit_lambda=...
 * hit_background=... cold_over_hit=...x
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glca/inventories.h>

#include "bench_util.h"

typedef struct config {
    const char *inventory, *method, *product, *cache_dir;
    int runs;
} config;

#define die(what, err) glca_bench_die("bench_coldstart", (what), (err))

static void parse_args(int argc, char **argv, config *c)
{
    int i;

    memset(c, 0, sizeof *c);
    c->runs = 3;
    c->cache_dir = "/tmp/glca-bench-coldstart";
    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--inventory") == 0)
            c->inventory = argv[i + 1];
        else if (strcmp(argv[i], "--method") == 0)
            c->method = argv[i + 1];
        else if (strcmp(argv[i], "--product") == 0)
            c->product = argv[i + 1];
        else if (strcmp(argv[i], "--cache-dir") == 0)
            c->cache_dir = argv[i + 1];
        else if (strcmp(argv[i], "--runs") == 0)
            c->runs = atoi(argv[i + 1]);
        else
            break;
    }
    if (i != argc || !c->inventory || !c->method || c->runs < 1) {
        fprintf(stderr, "usage: bench_coldstart --inventory FILE --method FILE [--product FILE] "
                        "[--runs N] [--cache-dir DIR]\n");
        exit(2);
    }
}

/* CPU seconds of the process (all threads): steadier than wall time on a shared machine */
static double cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double min2(double a, double b)
{
    return a < b ? a : b;
}

/* One cold load, stage by stage (t[4] its CPU time); the background is kept in *out. */
static void cold(const config *c, double t[5], glca_background **out)
{
    const double c0 = cpu_now();
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *meth = NULL;
    double t0 = glca_bench_now(), t1, t2, t3;

    if (glca_model_new(&m, &err) < 0 ||
        glca_read_inventory(m, c->inventory, NULL, NULL, NULL, &err) < 0)
        die("reading the inventory", &err);
    t1 = glca_bench_now();
    if (glca_model_link(m, NULL, NULL, &err) < 0)
        die("linking", &err);
    t2 = glca_bench_now();
    if (glca_read_method(&meth, c->method, NULL, NULL, NULL, &err) < 0)
        die("reading the method", &err);
    t3 = glca_bench_now();
    glca_background_free(*out);
    *out = NULL;
    if (glca_background_new(out, m, meth, NULL, &err) < 0)
        die("preparing the background", &err);
    t[0] = t1 - t0;
    t[1] = t2 - t1;
    t[2] = t3 - t2;
    t[3] = glca_bench_now() - t3;
    t[4] = cpu_now() - c0;
    glca_model_free(m);
    glca_method_free(meth);
}

/* Through the cache; `solve` picks the background cache.  Returns the wall time of a hit and
 * adds its CPU time to *cpu. */
static double hit(const config *c, bool solve, glca_background **out, double *cpu)
{
    const double c0 = cpu_now();
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    glca_cache_report report;
    glca_error err = GLCA_ERROR_INIT;
    double t0 = glca_bench_now();

    lo.cache_solve = solve;
    glca_background_free(*out);
    *out = NULL;
    if (glca_load_background_cached_ex(out, &report, c->cache_dir, &c->inventory, 1, c->method,
                                       &lo, NULL, NULL, NULL, &err) < 0)
        die("loading through the cache", &err);
    if (!report.hit) {
        fprintf(stderr, "bench_coldstart: cache miss where a hit was expected (%s)\n",
                report.warning);
        exit(1);
    }
    *cpu = min2(*cpu, cpu_now() - c0);
    return glca_bench_now() - t0;
}

static void check_lambda(const glca_background *a, const glca_background *b, const char *what)
{
    size_t n = glca_background_nprocesses(a), k = glca_background_ncategories(a);

    if (glca_background_nprocesses(b) != n || glca_background_ncategories(b) != k ||
        memcmp(glca_background_lambda(a), glca_background_lambda(b), n * k * sizeof(double))) {
        fprintf(stderr, "bench_coldstart: %s: Lambda differs\n", what);
        exit(1);
    }
}

/* The contributions of the product on `bg`, as the hotspots command computes them. */
static glca_contributions *contributions(const config *c, glca_background *bg, double *seconds)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_contributions *con = NULL;
    double t0 = glca_bench_now();

    if (glca_read_product(&p, c->product, NULL, NULL, NULL, &err) < 0 ||
        glca_product_bind(p, bg, NULL, NULL, &err) < 0 ||
        glca_contributions_compute(&con, bg, p, &err) < 0)
        die("contributions", &err);
    *seconds = glca_bench_now() - t0;
    glca_product_free(p);
    return con;
}

int main(int argc, char **argv)
{
    config c;
    glca_background *bg = NULL, *lam = NULL, *full = NULL;
    glca_error err = GLCA_ERROR_INIT;
    double best[5] = {1e300, 1e300, 1e300, 1e300, 1e300}, t[5], best_cold = 1e300;
    double best_lambda = 1e300, best_full = 1e300, s_cold = 0, s_hit = 0;
    double cpu_lambda = 1e300, cpu_full = 1e300;
    int r, i;

    parse_args(argc, argv, &c);
    for (r = 0; r < c.runs; r++) {
        cold(&c, t, &bg);
        for (i = 0; i < 5; i++)
            best[i] = min2(best[i], t[i]);
        best_cold = min2(best_cold, t[0] + t[1] + t[2] + t[3]);
    }
    /* the cache files of these inputs, written from the prepared background (what a miss does) */
    {
        glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
        glca_cache_report report;
        char cmd[600];

        snprintf(cmd, sizeof cmd, "rm -rf '%s'", c.cache_dir);
        if (system(cmd) != 0)
            return 1;
        lo.cache_solve = true;
        if (glca_lambda_cache_store(bg, c.cache_dir, &c.inventory, 1, c.method, NULL, &err) < 0)
            die("storing the Lambda cache", &err);
        if (glca_load_background_cached_ex(&full, &report, c.cache_dir, &c.inventory, 1,
                                           c.method, &lo, NULL, NULL, NULL, &err) < 0 ||
            !report.stored)
            die("storing the background cache", &err);
    }
    for (r = 0; r < c.runs; r++) {
        best_lambda = min2(best_lambda, hit(&c, false, &lam, &cpu_lambda));
        best_full = min2(best_full, hit(&c, true, &full, &cpu_full));
    }
    check_lambda(bg, lam, "Lambda cache");
    check_lambda(bg, full, "background cache");
    printf("bench_coldstart cold, best of %d: read inventory %.3f s, link %.3f s, read method "
           "%.3f s, prepare (assemble + Lambda) %.3f s; total %.3f s wall, %.3f s CPU\n",
           c.runs, best[0], best[1], best[2], best[3], best_cold, best[4]);
    printf("bench_coldstart hit, best of %d: Lambda cache %.3f s wall %.3f s CPU, background "
           "cache %.3f s wall %.3f s CPU (inventory %.1f MB)\n",
           c.runs, best_lambda, cpu_lambda, best_full, cpu_full,
           (double)glca_bench_file_size(c.inventory) / 1e6);
    if (c.product) {
        glca_contributions *a = contributions(&c, bg, &s_cold);
        glca_contributions *b = contributions(&c, full, &s_hit);
        size_t cells = a->ncategories * a->nprocesses;

        if (memcmp(a->process, b->process, cells * sizeof *a->process) != 0 ||
            memcmp(a->total, b->total, a->ncategories * sizeof *a->total) != 0) {
            fprintf(stderr, "bench_coldstart: contributions differ through the cache\n");
            return 1;
        }
        printf("bench_coldstart contributions (one solve): %.3f s on the prepared background, "
               "%.3f s on the cached one; identical\n",
               s_cold, s_hit);
        glca_contributions_free(a);
        glca_contributions_free(b);
    }
    printf("bench_coldstart parse=%.3fs link=%.3fs method=%.3fs prepare=%.3fs cold=%.3fs "
           "cold_cpu=%.3fs hit_lambda=%.3fs hit_background=%.3fs hit_background_cpu=%.3fs "
           "cold_over_hit=%.1fx peak_rss_mb=%.0f\n",
           best[0], best[1], best[2], best[3], best_cold, best[4], best_lambda, best_full,
           cpu_full, best_cold / best_full, (double)glca_bench_peak_rss_kb() / 1024);
    glca_background_free(bg);
    glca_background_free(lam);
    glca_background_free(full);
    return 0;
}
