/*
 * bench_montecarlo: Monte Carlo draws per second on a synthetic background where every
 * exchange is uncertain (gen_synthetic --uncertainty), with both ways of solving a perturbed A
 * (klu_refactor on the nominal symbolic analysis; iterative refinement preconditioned by the
 * nominal factorization), against the naive way (peer_brightway.py --montecarlo: rebuild A and
 * refactorize from scratch with scipy's splu every draw) in the same run.
 *
 * Self-checks: both solvers see the same draws (counter-based streams), so their impacts must
 * agree draw by draw to solver precision; and the mean of the first category must agree with
 * the peer's (independent random numbers) within five combined standard errors.
 *
 *   bench_montecarlo --data DIR [--iterations N] [--threads T] [--peer-draws M] [--seed S]
 *                    [--runs R] [--peer PATH]
 *
 * Last line: bench_montecarlo draws=N rate=R/s peer=X.Xx solver=... refactor_rate=...
 */
#include "bench_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glca/engine.h>
#include <glca/inventories.h>

typedef struct options {
    const char *data, *peer;
    long iterations, threads, peer_draws, seed, runs;
} options;

static int parse(options *o, int argc, char **argv)
{
    int i;

    o->data = NULL;
    o->peer = NULL;
    o->iterations = 400;
    o->threads = 2;
    o->peer_draws = 10;
    o->seed = 1;
    o->runs = 2;
    for (i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!v)
            return -1;
        if (strcmp(argv[i], "--data") == 0)
            o->data = v;
        else if (strcmp(argv[i], "--peer") == 0)
            o->peer = v;
        else if (strcmp(argv[i], "--iterations") == 0)
            o->iterations = atol(v);
        else if (strcmp(argv[i], "--threads") == 0)
            o->threads = atol(v);
        else if (strcmp(argv[i], "--peer-draws") == 0)
            o->peer_draws = atol(v);
        else if (strcmp(argv[i], "--seed") == 0)
            o->seed = atol(v);
        else if (strcmp(argv[i], "--runs") == 0)
            o->runs = atol(v);
        else
            return -1;
        i++;
    }
    return o->data && o->iterations > 1 && o->threads > 0 && o->peer_draws >= 0 && o->runs > 0
               ? 0
               : -1;
}

static void fail(const char *what, const glca_error *err)
{
    char buf[1024];

    glca_error_format(err, buf, sizeof buf);
    fprintf(stderr, "bench_montecarlo: %s: %s\n", what, buf);
}

typedef struct mc_run {
    const glca_background *bg;
    const glca_product *p;
    glca_montecarlo_options opts;
    glca_montecarlo *mc; /* of the last run */
} mc_run;

static int run_once(void *payload)
{
    mc_run *r = payload;
    glca_error err = GLCA_ERROR_INIT;

    glca_montecarlo_free(r->mc);
    r->mc = NULL;
    if (glca_montecarlo_run(&r->mc, r->bg, r->p, &r->opts, &err) < 0) {
        fail("Monte Carlo", &err);
        return -1;
    }
    return 0;
}

static double total0(const glca_montecarlo *mc, size_t i)
{
    const double *h = glca_montecarlo_impacts(mc, i);
    double t = 0;
    int s;

    for (s = 0; s < GLCA_NSTAGES; s++)
        t += h[s];
    return t;
}

/* The peer's rate and first-category mean and sd; 0 on success. */
static int run_peer(const options *o, const char *product, double *rate, double *mean,
                    double *sd, long *draws)
{
    char cmd[4096], line[4096], script[2048];
    const char *peer = o->peer;
    FILE *f;
    int found = 0;

    if (!peer) {
        /* next to this source file: CMake compiles it by its absolute path */
        const char *slash = strrchr(__FILE__, '/');
        int dir = slash ? (int)(slash - __FILE__) : 1;

        snprintf(script, sizeof script, "%.*s/peer_brightway.py", dir, slash ? __FILE__ : ".");
        peer = script;
    }
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' --data '%s' --montecarlo %ld --seed %ld "
             "--product '%s'", peer, o->data, o->peer_draws, o->seed, product);
    fprintf(stderr, "peer: %s\n", cmd);
    if (!(f = popen(cmd, "r")))
        return -1;
    while (fgets(line, sizeof line, f)) {
        const char *r = strstr(line, " rate="), *m = strstr(line, "_mean="),
                   *s = strstr(line, "_sd="), *d = strstr(line, "draws=");

        fputs(line, stderr);
        if (strncmp(line, "peer_mc ", 8) == 0 && r && m && s && d) {
            *rate = atof(r + 6);
            *mean = atof(m + 6);
            *sd = atof(s + 4);
            *draws = atol(d + 6);
            found = 1;
        }
    }
    return pclose(f) == 0 && found ? 0 : -1;
}

int main(int argc, char **argv)
{
    options o;
    char inv[2048], method[2048], catalog[2048];
    const char *invs[1] = {inv};
    glca_background_options bo = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = NULL;
    glca_catalog *cat = NULL;
    glca_product *p = NULL;
    mc_run ref, fine;
    glca_mc_stats st_ref, st_fine;
    double t_ref, t_fine, t0, worst = 0, mean = 0, ss = 0, sd, peer_rate = 0, peer_mean = 0,
                                      peer_sd = 0, rate, best_rate;
    long peer_draws = 0, i;
    int rc = 1, peer_ok;

    if (parse(&o, argc, argv) < 0) {
        fputs("usage: bench_montecarlo --data DIR [--iterations N] [--threads T] "
              "[--peer-draws M] [--seed S] [--runs R] [--peer PATH]\n"
              "DIR from: gen_synthetic --processes 20000 --products 5 --uncertainty --out DIR\n",
              stderr);
        return 2;
    }
    snprintf(inv, sizeof inv, "%s/background.inventory.xml", o.data);
    snprintf(method, sizeof method, "%s/method.method.xml", o.data);
    snprintf(catalog, sizeof catalog, "%s/catalog.xml", o.data);
    t0 = glca_bench_now();
    if (glca_load_background(&bg, invs, 1, method, &bo, NULL, NULL, &err) < 0) {
        fail("background", &err);
        goto cleanup;
    }
    fprintf(stderr, "background: %zu processes, %zu flows, %zu categories, loaded in %.2f s\n",
            glca_background_nprocesses(bg), glca_background_nflows(bg),
            glca_background_ncategories(bg), glca_bench_now() - t0);
    if (glca_catalog_open(&cat, catalog, NULL, &err) < 0 ||
        glca_catalog_next(cat, &p, NULL, &err) <= 0 ||
        glca_product_bind(p, bg, NULL, NULL, &err) < 0) {
        fail("first product of the catalog", &err);
        goto cleanup;
    }

    memset(&ref, 0, sizeof ref);
    ref.bg = bg;
    ref.p = p;
    ref.opts.version = 1;
    ref.opts.iterations = (size_t)o.iterations;
    ref.opts.seed = (uint64_t)o.seed;
    ref.opts.threads = (int)o.threads;
    ref.opts.foreground = true;
    ref.opts.background = true;
    ref.opts.refine_tol = 1e-13;
    ref.opts.refine_max = 40;
    ref.opts.stages = false; /* totals, as the peer computes */
    fine = ref;
    ref.opts.solver = GLCA_MC_SOLVER_REFACTOR;
    fine.opts.solver = GLCA_MC_SOLVER_REFINE;
    if (getenv("GLCA_BENCH_ONLY_REFACTOR")) { /* profiling aid */
        if (glca_bench_best_of((int)o.runs, run_once, &ref, &t_ref) == 0) {
            fprintf(stderr, "refactor: %.3f s = %.1f/s\n", t_ref, o.iterations / t_ref);
            rc = 0;
        }
        goto cleanup;
    }
    if (glca_bench_best_of((int)o.runs, run_once, &ref, &t_ref) < 0 ||
        glca_bench_best_of((int)o.runs, run_once, &fine, &t_fine) < 0)
        goto cleanup;
    {
        mc_run staged = ref;
        double t_staged;

        staged.mc = NULL;
        staged.opts.stages = true;
        if (glca_bench_best_of(1, run_once, &staged, &t_staged) < 0)
            goto cleanup;
        fprintf(stderr, "refactor with impacts by stage (one solve per stage): %.1f/s\n",
                o.iterations / t_staged);
        glca_montecarlo_free(staged.mc);
    }
    glca_montecarlo_stats(ref.mc, &st_ref);
    glca_montecarlo_stats(fine.mc, &st_fine);
    fprintf(stderr,
            "product %s: %zu uncertain lines, %zu uncertain exchanges\n"
            "refactor: %ld draws in %.3f s = %.1f/s (fallbacks %zu)\n"
            "refine:   %ld draws in %.3f s = %.1f/s (%.2f steps per draw, fallbacks %zu)\n",
            glca_product_id(p), st_ref.foreground, st_ref.background, o.iterations, t_ref,
            o.iterations / t_ref, st_ref.fallbacks, o.iterations, t_fine, o.iterations / t_fine,
            (double)st_fine.refine_steps / (double)o.iterations, st_fine.fallbacks);

    /* Same draws, two solvers: the impacts agree to solver precision. */
    for (i = 0; i < o.iterations; i++) {
        double a = total0(ref.mc, (size_t)i), b = total0(fine.mc, (size_t)i);
        double rel = fabs(a - b) / (fabs(a) > 0 ? fabs(a) : 1);

        if (!(rel <= worst))
            worst = rel;
        mean += a;
    }
    mean /= (double)o.iterations;
    for (i = 0; i < o.iterations; i++)
        ss += (total0(ref.mc, (size_t)i) - mean) * (total0(ref.mc, (size_t)i) - mean);
    sd = sqrt(ss / (double)(o.iterations - 1));
    fprintf(stderr, "check: refactor vs refine, largest relative difference %.2e; %s mean %.6g "
            "sd %.6g\n", worst, glca_background_category_id(bg, 0), mean, sd);
    if (!(worst <= 1e-8)) {
        fprintf(stderr, "bench_montecarlo: FAIL: the two solvers disagree\n");
        goto cleanup;
    }

    peer_ok = o.peer_draws > 0 &&
              run_peer(&o, glca_product_id(p), &peer_rate, &peer_mean, &peer_sd, &peer_draws) == 0;
    if (o.peer_draws > 0 && !peer_ok) {
        fprintf(stderr, "bench_montecarlo: the peer failed\n");
        goto cleanup;
    }
    if (peer_ok && peer_draws > 1) {
        double se = sqrt(sd * sd / (double)o.iterations + peer_sd * peer_sd / (double)peer_draws);

        fprintf(stderr, "check: mean %.6g vs peer %.6g, %.2f combined standard errors\n", mean,
                peer_mean, fabs(mean - peer_mean) / se);
        if (!(fabs(mean - peer_mean) <= 5 * se)) {
            fprintf(stderr, "bench_montecarlo: FAIL: means disagree with the peer\n");
            goto cleanup;
        }
    }
    rate = o.iterations / (t_ref < t_fine ? t_ref : t_fine);
    best_rate = rate;
    printf("bench_montecarlo draws=%ld rate=%.1f/s peer=%.1fx solver=%s refactor_rate=%.1f/s "
           "refine_rate=%.1f/s peer_rate=%.2f/s threads=%ld exchanges=%zu\n",
           o.iterations, best_rate, peer_rate > 0 ? best_rate / peer_rate : 0.0,
           t_ref <= t_fine ? "refactor" : "refine", o.iterations / t_ref, o.iterations / t_fine,
           peer_rate, o.threads, st_ref.background);
    rc = 0;
cleanup:
    glca_montecarlo_free(ref.mc);
    glca_montecarlo_free(fine.mc);
    glca_product_free(p);
    glca_catalog_free(cat);
    glca_background_free(bg);
    return rc;
}
