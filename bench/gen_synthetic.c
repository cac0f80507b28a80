/*
 * gen_synthetic: write seeded synthetic LCA data in the native formats of FORMATS.md for the
 * benchmarks: DIR/background.inventory.xml, DIR/method.method.xml, DIR/catalog.xml (and, with
 * --bad, DIR/bad.tsv listing the products made bad on purpose).  What the data looks like and
 * why A is non-singular is in common/synth.h; this file only reads options, times the writers
 * and prints one summary line.
 *
 *   gen_synthetic [--processes N] [--flows M] [--categories K] [--products P] [--lines L]
 *                 [--seed S] [--uncertainty] [--realistic] [--bad K] --out DIR
 */
#include "bench_util.h"
#include "synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: gen_synthetic [--processes N] [--flows M] [--categories K] [--products P]\n"
    "                     [--lines L] [--seed S] [--uncertainty] [--realistic] [--bad K]\n"
    "                     --out DIR\n"
    "defaults: 20000 processes, 2000 elementary flows, 25 categories, 10000 products of\n"
    "about 100 lines, seed 1, no uncertainty, no bad products; --realistic: markets, a giant\n"
    "strongly connected component and ill conditioning, as ecoinvent 3 (common/synth_market.c)\n";

static int parse_size(const char *opt, const char *text, unsigned long long *out)
{
    char *end;

    errno = 0;
    if (!text || *text == '-' || *text == '\0') {
        fprintf(stderr, "gen_synthetic: %s needs a non-negative integer\n", opt);
        return -1;
    }
    *out = strtoull(text, &end, 10);
    if (errno || *end) {
        fprintf(stderr, "gen_synthetic: %s: not a non-negative integer: %s\n", opt, text);
        return -1;
    }
    return 0;
}

typedef struct args {
    glca_synth_options opt;
    const char *out;
} args;

/* 0 to run, 1 to exit successfully (--help), -1 on a usage error */
static int parse_args(int argc, char **argv, args *a)
{
    static const struct {
        const char *name;
        size_t offset;
    } sizes[] = {{"--processes", offsetof(glca_synth_options, processes)},
                 {"--flows", offsetof(glca_synth_options, flows)},
                 {"--categories", offsetof(glca_synth_options, categories)},
                 {"--products", offsetof(glca_synth_options, products)},
                 {"--lines", offsetof(glca_synth_options, lines)},
                 {"--bad", offsetof(glca_synth_options, bad)}};
    int i;
    size_t k;

    for (i = 1; i < argc; i++) {
        unsigned long long v;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (strcmp(argv[i], "--uncertainty") == 0) {
            a->opt.uncertainty = true;
            continue;
        }
        if (strcmp(argv[i], "--realistic") == 0) {
            a->opt.realistic = true;
            continue;
        }
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            a->out = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--seed") == 0) {
            if (parse_size(argv[i], argv[i + 1], &v) < 0)
                return -1;
            a->opt.seed = v;
            i++;
            continue;
        }
        for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
            if (strcmp(argv[i], sizes[k].name) == 0)
                break;
        if (k == sizeof sizes / sizeof sizes[0]) {
            fprintf(stderr, "gen_synthetic: unknown or incomplete option %s\n%s", argv[i], usage);
            return -1;
        }
        if (parse_size(argv[i], argv[i + 1], &v) < 0)
            return -1;
        *(size_t *)((char *)&a->opt + sizes[k].offset) = (size_t)v;
        i++;
    }
    if (!a->out) {
        fprintf(stderr, "gen_synthetic: --out DIR is required\n%s", usage);
        return -1;
    }
    return 0;
}

static int join(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);

    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "gen_synthetic: path too long: %s/%s\n", dir, name);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const glca_synth_options defaults = GLCA_SYNTH_OPTIONS_INIT;
    args a;
    glca_synth *s = NULL;
    glca_synth_stats inv = {0, 0, 0}, met = {0, 0, 0}, cat = {0, 0, 0};
    glca_error err = GLCA_ERROR_INIT;
    char inv_path[4096], met_path[4096], cat_path[4096], bad_path[4096], msg[600];
    double t0, dt, total_mb;
    int rc;

    a.opt = defaults;
    a.out = NULL;
    if ((rc = parse_args(argc, argv, &a)) != 0)
        return rc > 0 ? 0 : 2;
    if (join(inv_path, sizeof inv_path, a.out, "background.inventory.xml") < 0 ||
        join(met_path, sizeof met_path, a.out, "method.method.xml") < 0 ||
        join(cat_path, sizeof cat_path, a.out, "catalog.xml") < 0 ||
        join(bad_path, sizeof bad_path, a.out, "bad.tsv") < 0)
        return 2;
    if (mkdir(a.out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_synthetic: cannot create %s: %s\n", a.out, strerror(errno));
        return 1;
    }
    t0 = glca_bench_now();
    if ((rc = glca_synth_new(&s, &a.opt, &err)) < 0 ||
        (rc = glca_synth_write_inventory(s, inv_path, &inv, &err)) < 0 ||
        (rc = glca_synth_write_method(s, met_path, &met, &err)) < 0 ||
        (rc = glca_synth_write_catalog(s, cat_path, a.opt.bad ? bad_path : NULL, &cat, &err)) <
            0) {
        glca_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "gen_synthetic: %s\n", msg);
        glca_synth_free(s);
        return rc == GLCA_EPARSE || rc == GLCA_ELIMIT ? 2 : 1;
    }
    dt = glca_bench_now() - t0;
    glca_synth_free(s);
    total_mb = (double)(inv.bytes + met.bytes + cat.bytes) / 1e6;
    printf("gen_synthetic seed=%llu processes=%zu exchanges=%zu flows=%zu categories=%zu "
           "factors=%zu products=%zu lines=%zu bad=%zu uncertainty=%d realistic=%d "
           "inventory_mb=%.1f "
           "method_mb=%.2f catalog_mb=%.1f total_mb=%.1f seconds=%.2f rate=%.0fMB/s "
           "peak_rss_mb=%.1f\n",
           (unsigned long long)a.opt.seed, inv.elements, inv.exchanges, a.opt.flows,
           met.elements, met.exchanges, cat.elements, cat.exchanges, a.opt.bad,
           a.opt.uncertainty ? 1 : 0, a.opt.realistic ? 1 : 0, (double)inv.bytes / 1e6,
           (double)met.bytes / 1e6,
           (double)cat.bytes / 1e6, total_mb, dt, dt > 0 ? total_mb / dt : 0.0,
           (double)glca_bench_peak_rss_kb() / 1024.0);
    return 0;
}
