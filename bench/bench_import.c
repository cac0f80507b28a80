/*
 * bench_import: reading and linking an EcoSpold 2 database of ecoinvent's size (issue 9),
 * generated from a seed by common/synth_es2.h (20,000 datasets by default):
 *
 *   - the baseline, in this program: `xmllint --stream --noout` over the same dataset files
 *     (libxml2's streaming reader, one thread, no model built);
 *   - the set read (every dataset parsed, formulas evaluated, activityLinkId resolved) with one
 *     thread and with all of them, and a check that both give the same set bit for bit;
 *   - read + link: the set into the common import, linked into the engine's model builder
 *     (glca_model_link included);
 *   - peak RSS (VmHWM) of read + link in a child process, against the bytes read.
 *
 * Timed figures are the best of --runs.  The last line is parseable:
 *   bench_import datasets=N rate=R/s mb_per_s=M xmllint_ratio=X threads=T identical=yes
 *                peak_rss_mb=P input_mb=I
 * xmllint_ratio is our set-read time over xmllint's (below 2 is the goal; below 1 is faster).
 *
 *   bench_import [--dir DIR] [--datasets N] [--seed S] [--runs R] [--threads T]
 */
#include "bench_util.h"
#include "synth_es2.h"

#include "../inventories/importers/ecospold2_int.h"

#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct config {
    const char *dir;
    size_t datasets;
    uint64_t seed;
    int runs, threads;
    char datasets_dir[1024];
} config;

#define die(what, err) glca_bench_die("bench_import", (what), (err))

/* Bytes and count of the .spold files (what both readers read). */
static long long dataset_bytes(const char *dir, size_t *count)
{
    char path[2048];
    struct dirent *e;
    long long total = 0;
    DIR *d = opendir(dir);

    *count = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);

        if (n > 6 && strcmp(e->d_name + n - 6, ".spold") == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            total += glca_bench_file_size(path);
            ++*count;
        }
    }
    closedir(d);
    return total;
}

/* Generate unless a database of this size and seed is already there. */
static void prepare(config *c)
{
    char marker[1024];
    FILE *f;
    glca_synth_es2_stats st;
    glca_error err = GLCA_ERROR_INIT;
    double t0;

    snprintf(marker, sizeof marker, "%s/.synth-%zu-%" PRIu64, c->dir, c->datasets, c->seed);
    snprintf(c->datasets_dir, sizeof c->datasets_dir, "%s/datasets", c->dir);
    if ((f = fopen(marker, "r"))) {
        fclose(f);
        return;
    }
    t0 = glca_bench_now();
    if (glca_synth_es2(c->dir, c->datasets, c->seed, &st, &err) < 0)
        die("generating", &err);
    printf("generated %zu datasets (%zu intermediate exchanges, %zu with activityLinkId, %zu "
           "elementary; %.1f MB) in %.1f s\n",
           st.datasets, st.intermediate, st.linked, st.elementary, st.bytes / 1e6,
           glca_bench_now() - t0);
    if ((f = fopen(marker, "w")))
        fclose(f);
}

typedef struct run {
    const config *c;
    int threads;
    glca_es2_set *keep; /* the last set read, for the comparison */
} run;

static int run_xmllint(void *payload)
{
    const config *c = payload;
    char cmd[2048];

    snprintf(cmd, sizeof cmd,
             "cd '%s' && find . -name '*.spold' -print0 | xargs -0 xmllint --stream --noout",
             c->datasets_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int run_set(void *payload)
{
    run *r = payload;
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_set *s = NULL;

    if (glca_inventories__es2_read_set(&s, r->c->datasets_dir, NULL, r->threads, NULL, NULL,
                                       &err) < 0)
        die("reading the set", &err);
    glca_inventories__es2_set_free(r->keep);
    r->keep = s;
    return 0;
}

/* Read + link: the set into the import, linked into the engine's model builder. */
static int read_and_link(const config *c, size_t *nprocesses, size_t *nnotes)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_import *im = NULL;
    glca_model *m = NULL;
    glca_imp_sink sink;

    /* the units the reader declares (m2*year, ...) must be the model's */
    if (glca_model_new(&m, &err) < 0 ||
        glca_inventories__imp_new(&im, glca_model_units(m), &err) < 0)
        die("setting up", &err);
    if (glca_inventories__read_ecospold2(im, c->datasets_dir, NULL, NULL, NULL, &err) < 0)
        die("reading", &err);
    sink = glca_inventories__model_sink(m);
    if (glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &sink, NULL, NULL, &err) < 0)
        die("linking the import", &err);
    if (glca_model_link(m, NULL, NULL, &err) < 0)
        die("linking the model", &err);
    *nprocesses = glca_model_nprocesses(m);
    *nnotes = glca_inventories__imp_nnotes(im);
    glca_inventories__imp_free(im);
    glca_model_free(m);
    return 0;
}

static int run_full(void *payload)
{
    size_t np, nn;

    return read_and_link(payload, &np, &nn);
}

/* A hash of everything a set holds that the import uses, to compare thread counts. */
static uint64_t set_hash(const glca_es2_set *s)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i, j;

#define MIX(p, n)                                                                                 \
    do {                                                                                          \
        const unsigned char *b_ = (const unsigned char *)(p);                                     \
        for (size_t k_ = 0; k_ < (n); k_++)                                                       \
            h = (h ^ b_[k_]) * 1099511628211ULL;                                                  \
    } while (0)
    for (i = 0; i < s->nds; i++) {
        const glca_es2_dataset *d = s->ds[i];

        MIX(d->stem, strlen(d->stem) + 1);
        for (j = 0; j < d->nx; j++) {
            const glca_es2_exchange *x = &d->x[j];

            MIX(x->flow, strlen(x->flow) + 1);
            MIX(&x->amount, sizeof x->amount);
            MIX(&x->unc.a, sizeof x->unc.a);
            if (x->provider)
                MIX(x->provider, strlen(x->provider) + 1);
        }
        MIX(&d->nnotes, sizeof d->nnotes);
    }
#undef MIX
    return h;
}

/*
 * Peak RSS in MB of read + link, in a child so the parent's history does not count.  The child
 * is this program exec'd afresh (--rss-child): libgomp's thread pool does not survive a fork.
 */
static double child_peak_rss(const config *c)
{
    char cmd[2048];
    double mb = -1;
    FILE *p;

    snprintf(cmd, sizeof cmd, "/proc/%ld/exe --dir '%s' --rss-child", (long)getpid(), c->dir);
    if (!(p = popen(cmd, "r")))
        return -1;
    if (fscanf(p, "%lf", &mb) != 1)
        mb = -1;
    pclose(p);
    return mb;
}

int main(int argc, char **argv)
{
    config c = {"/tmp/glca-bench-import", 20000, 42, 3, 0, ""};
    run one = {&c, 1, NULL}, all = {&c, 0, NULL};
    double t_lint, t_one, t_all, t_full, rss;
    size_t nfiles, np, nn;
    long long bytes;
    uint64_t h1, h2;
    bool rss_child = false;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            c.dir = argv[++i];
        else if (strcmp(argv[i], "--datasets") == 0 && i + 1 < argc)
            c.datasets = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            c.seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            c.runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            c.threads = atoi(argv[++i]);
        else if (strcmp(argv[i], "--rss-child") == 0)
            rss_child = true;
        else {
            fprintf(stderr, "usage: bench_import [--dir DIR] [--datasets N] [--seed S] "
                            "[--runs R] [--threads T]\n");
            return 2;
        }
    }
    all.threads = c.threads > 0 ? c.threads : omp_get_max_threads();
    if (rss_child) {
        snprintf(c.datasets_dir, sizeof c.datasets_dir, "%s/datasets", c.dir);
        read_and_link(&c, &np, &nn);
        printf("%.1f\n", glca_bench_peak_rss_kb() / 1024.0);
        return 0;
    }
    prepare(&c);
    bytes = dataset_bytes(c.datasets_dir, &nfiles);
    printf("input: %zu datasets, %.1f MB in %s\n", nfiles, bytes / 1e6, c.datasets_dir);

    if (glca_bench_best_of(c.runs, run_xmllint, &c, &t_lint) < 0) {
        fprintf(stderr, "bench_import: xmllint --stream failed\n");
        return 1;
    }
    printf("xmllint --stream --noout:   %8.3f s  %8.0f datasets/s  %6.1f MB/s\n", t_lint,
           nfiles / t_lint, bytes / 1e6 / t_lint);
    glca_bench_best_of(c.runs, run_set, &one, &t_one);
    printf("set read, 1 thread:         %8.3f s  %8.0f datasets/s  %6.1f MB/s  (%.2fx xmllint)\n",
           t_one, nfiles / t_one, bytes / 1e6 / t_one, t_one / t_lint);
    glca_bench_best_of(c.runs, run_set, &all, &t_all);
    printf("set read, %d threads:        %8.3f s  %8.0f datasets/s  %6.1f MB/s  (%.2fx xmllint)\n",
           all.threads, t_all, nfiles / t_all, bytes / 1e6 / t_all, t_all / t_lint);
    h1 = set_hash(one.keep);
    h2 = set_hash(all.keep);
    printf("1 thread vs %d threads: %s (hash %016" PRIx64 ")\n", all.threads,
           h1 == h2 ? "identical" : "DIFFERENT", h1);
    glca_inventories__es2_set_free(one.keep);
    glca_inventories__es2_set_free(all.keep);

    glca_bench_best_of(c.runs, run_full, &c, &t_full);
    read_and_link(&c, &np, &nn);
    printf("read + link (%d threads):    %8.3f s  %8.0f datasets/s  %6.1f MB/s  "
           "(%zu processes, %zu report lines)\n",
           all.threads, t_full, nfiles / t_full, bytes / 1e6 / t_full, np, nn);
    rss = child_peak_rss(&c);
    printf("peak RSS of read + link: %.1f MB for %.1f MB of input\n", rss, bytes / 1e6);

    printf("bench_import datasets=%zu rate=%.0f/s mb_per_s=%.1f xmllint_ratio=%.2f threads=%d "
           "identical=%s peak_rss_mb=%.1f input_mb=%.1f\n",
           nfiles, nfiles / t_full, bytes / 1e6 / t_full, t_all / t_lint, all.threads,
           h1 == h2 ? "yes" : "no", rss, bytes / 1e6);
    return h1 == h2 ? 0 : 1;
}
