/*
 * bench_montecarlo: Monte Carlo draws per second on a synthetic background where every
 * exchange is uncertain (gen_synthetic --uncertainty [--realistic]), totals only, with every
 * way of solving a perturbed A: AUTO (what users get), klu_refactor per draw (the naive
 * refactorization peer, in the same run), iterative refinement, GMRES preconditioned by the
 * nominal LU, GMRES preconditioned by ILU(0), and the same on blocks of 8, 4 and 1 draws in
 * lockstep (gmres-block, gmres-block4, gmres-block1); and the Brightway-style peer
 * (peer_brightway.py --montecarlo: splu from scratch every draw) when --peer-draws > 0.
 *
 * Self-checks: every solver sees the same draws (counter-based streams), so its impacts must
 * agree with klu_refactor's draw by draw within 1e-9 relative, and the block runs must agree
 * bitwise with each other whatever their width and with gmres-ilu; the mean of the first category
 * must agree with the Python peer's (independent random numbers) within five combined standard
 * errors.  On the realistic background a factorization takes tens of seconds, so
 * --refactor-draws runs the refactor peer on fewer draws (the first ones, compared 1:1).
 *
 *   bench_montecarlo --data DIR [--iterations N] [--threads T] [--peer-draws M] [--seed S]
 *                    [--runs R] [--peer PATH] [--refactor-draws M] [--solvers LIST]
 *
 * Also times sensitivity on AUTO's draws: every category against every parameter, top 10 each.
 *
 * Last line: bench_montecarlo draws=N rate=R/s solver=... iterations=I refactor_rate=...
 *            vs_refactor=X.Xx ... block8_rate=... block4_rate=... block1_rate=... sensitivity_s=S
 */
#include "bench_matrix.h"
#include "bench_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glca/engine.h>
#include <glca/inventories.h>

typedef struct options {
    const char *data, *peer, *solvers;
    long iterations, threads, peer_draws, seed, runs, refactor_draws;
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
    o->refactor_draws = 0;
    o->solvers = "auto,refactor,refine,gmres,gmres-ilu,gmres-block,gmres-block4,gmres-block1";
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
        else if (strcmp(argv[i], "--refactor-draws") == 0)
            o->refactor_draws = atol(v);
        else if (strcmp(argv[i], "--solvers") == 0)
            o->solvers = v;
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

typedef struct sens_run {
    const glca_montecarlo *mc;
    size_t k;
    int threads;
} sens_run;

/* Sensitivity of every category to every parameter, the top 10 of each (the CLI's default). */
static int sensitivity_once(void *payload)
{
    const sens_run *r = payload;
    glca_error err = GLCA_ERROR_INIT;
    glca_sensitivity *s = NULL;

    if (glca_sensitivity_compute_many(&s, NULL, r->mc, 0, r->k, 10, r->threads, &err) < 0) {
        fail("sensitivity", &err);
        return -1;
    }
    glca_free(s);
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

/* the solvers in glca_mc_solver's order, then the block route at other widths */
static const char *const solver_names[] = {"auto",      "refactor",    "refine",
                                           "gmres",     "gmres-ilu",   "gmres-block",
                                           "gmres-block4", "gmres-block1"};
static const size_t block_width[] = {0, 0, 0, 0, 0, 8, 4, 1};
#define NSOLVERS 8
#define BLOCK8 5
#define BLOCK4 6
#define BLOCK1 7

typedef struct solver_result {
    bool run;
    long draws;
    double seconds, rate, worst;
    glca_mc_stats st;
    glca_montecarlo *mc;
} solver_result;

/* whether `name` is one of the comma-separated words of `list` */
static bool listed(const char *list, const char *name)
{
    const size_t len = strlen(name);
    const char *p = list;

    while ((p = strstr(p, name)) != NULL) {
        if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
            return true;
        p += len;
    }
    return false;
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
    glca_bench_shape shape;
    glca_bg_stats bst;
    solver_result res[NSOLVERS];
    const glca_montecarlo *refmc;
    double t0, mean = 0, ss = 0, sd = 0, peer_rate = 0, peer_mean = 0, peer_sd = 0;
    double sens_seconds = 0;
    long peer_draws = 0, i, nref, round;
    int rc = 1, peer_ok, s;

    if (parse(&o, argc, argv) < 0) {
        fputs("usage: bench_montecarlo --data DIR [--iterations N] [--threads T] "
              "[--peer-draws M] [--seed S] [--runs R] [--peer PATH] [--refactor-draws M] "
              "[--solvers auto,refactor,refine,gmres,gmres-ilu,gmres-block,gmres-block4,"
              "gmres-block1]\n"
              "DIR from: gen_synthetic --processes 20000 --products 5 --uncertainty --out DIR\n",
              stderr);
        return 2;
    }
    if (o.refactor_draws <= 0 || o.refactor_draws > o.iterations)
        o.refactor_draws = o.iterations;
    snprintf(inv, sizeof inv, "%s/background.inventory.xml", o.data);
    snprintf(method, sizeof method, "%s/method.method.xml", o.data);
    snprintf(catalog, sizeof catalog, "%s/catalog.xml", o.data);
    t0 = glca_bench_now();
    if (glca_load_background(&bg, invs, 1, method, &bo, NULL, NULL, &err) < 0) {
        fail("background", &err);
        goto cleanup;
    }
    glca_background_stats(bg, &bst);
    fprintf(stderr, "background: %zu processes, %zu flows, %zu categories, loaded in %.2f s "
            "(Lambda %s)\n", glca_background_nprocesses(bg), glca_background_nflows(bg),
            glca_background_ncategories(bg), glca_bench_now() - t0,
            bst.solver == GLCA_BG_SOLVER_ITERATIVE ? "iterative" : "direct");
    if (glca_bench_shape_of(bg, &shape) == 0)
        glca_bench_shape_print("shape: ", &shape);
    if (glca_catalog_open(&cat, catalog, NULL, &err) < 0 ||
        glca_catalog_next(cat, &p, NULL, &err) <= 0 ||
        glca_product_bind(p, bg, NULL, NULL, &err) < 0) {
        fail("first product of the catalog", &err);
        goto cleanup;
    }
    memset(res, 0, sizeof res);
    /*
     * Rounds: every solver once per round, the best of the rounds kept, so that a change of
     * load on the shared machine hits all solvers alike.  The refactorization after all rounds:
     * it factorizes A, which AUTO on a high-fill background avoids and would then find made
     * (and price its candidates against); it runs once.
     */
    for (round = 0; round <= o.runs; round++) {
        for (s = 0; s < NSOLVERS; s++) {
            static const int order[NSOLVERS] = {0, 2, 3, 4, BLOCK8, BLOCK4, BLOCK1, 1};
            const int t = order[s];
            mc_run r;
            double seconds;
            struct timespec c0, c1;
            int ran;

            if (!listed(o.solvers, solver_names[t]) ||
                (round < o.runs) != (t != GLCA_MC_SOLVER_REFACTOR))
                continue;
            memset(&r, 0, sizeof r);
            r.bg = bg;
            r.p = p;
            r.mc = res[t].mc;
            r.opts.version = 1;
            r.opts.iterations = (size_t)(t == GLCA_MC_SOLVER_REFACTOR ? o.refactor_draws
                                                                      : o.iterations);
            r.opts.seed = (uint64_t)o.seed;
            r.opts.threads = (int)o.threads;
            r.opts.foreground = true;
            r.opts.background = true;
            r.opts.refine_tol = 1e-13;
            r.opts.refine_max = 40;
            r.opts.stages = false; /* totals, as the peer computes */
            r.opts.solver = t >= BLOCK8 ? GLCA_MC_SOLVER_GMRES_BLOCK : (glca_mc_solver)t;
            r.opts.block = block_width[t];
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
            ran = glca_bench_best_of(1, run_once, &r, &seconds);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            res[t].mc = r.mc;
            if (ran < 0)
                goto cleanup;
            if (!res[t].run || seconds < res[t].seconds)
                res[t].seconds = seconds;
            res[t].run = true;
            res[t].draws = (long)r.opts.iterations;
            res[t].rate = (double)res[t].draws / res[t].seconds;
            glca_montecarlo_stats(r.mc, &res[t].st);
            /* CPU time moves less than wall time with the load of a shared machine */
            fprintf(stderr, "round %ld: %-12s %ld draws in %.3f s = %.2f/s, CPU %.3f s (used %s, "
                    "%.3f iterations per draw, fallbacks %zu)\n", round + 1, solver_names[t],
                    res[t].draws, seconds, (double)res[t].draws / seconds,
                    (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec),
                    solver_names[res[t].st.solver],
                    (double)res[t].st.refine_steps / (double)res[t].draws, res[t].st.fallbacks);
        }
    }
    for (s = 0; s < NSOLVERS; s++)
        if (res[s].run)
            fprintf(stderr, "best: %-12s %.2f draws/s\n", solver_names[s], res[s].rate);
    if (res[0].run) {
        sens_run sr = {res[0].mc, glca_background_ncategories(bg), (int)o.threads};

        if (glca_bench_best_of((int)o.runs, sensitivity_once, &sr, &sens_seconds) < 0)
            goto cleanup;
        fprintf(stderr, "sensitivity: %zu categories x %zu parameters x %ld draws in %.3f s\n",
                sr.k, glca_montecarlo_nparameters(res[0].mc), res[0].draws, sens_seconds);
    }
    /* the block route's draws do not depend on the width and are GMRES_ILU's: bitwise */
    for (s = GLCA_MC_SOLVER_GMRES_ILU; s <= BLOCK1; s++) {
        const int other = res[BLOCK8].run && s != BLOCK8 ? BLOCK8 : BLOCK4;
        const size_t len = glca_background_ncategories(bg) * GLCA_NSTAGES * sizeof(double);

        if (!res[s].run || s == other || !res[other].run)
            continue;
        for (i = 0; i < res[s].draws; i++)
            if (memcmp(glca_montecarlo_impacts(res[s].mc, (size_t)i),
                       glca_montecarlo_impacts(res[other].mc, (size_t)i), len) != 0) {
                fprintf(stderr, "bench_montecarlo: FAIL: %s draw %ld differs from %s\n",
                        solver_names[s], i, solver_names[other]);
                goto cleanup;
            }
        fprintf(stderr, "check: %s bitwise equal to %s over %ld draws\n", solver_names[s],
                solver_names[other], res[s].draws);
    }
    if (!res[GLCA_MC_SOLVER_REFACTOR].run) {
        fprintf(stderr, "bench_montecarlo: the refactor peer is needed for the checks\n");
        goto cleanup;
    }
    refmc = res[GLCA_MC_SOLVER_REFACTOR].mc;
    nref = res[GLCA_MC_SOLVER_REFACTOR].draws;
    /* same draws, different solvers: the impacts agree draw by draw */
    for (s = 0; s < NSOLVERS; s++) {
        if (!res[s].run || s == GLCA_MC_SOLVER_REFACTOR)
            continue;
        for (i = 0; i < nref; i++) {
            double a = total0(refmc, (size_t)i), b = total0(res[s].mc, (size_t)i);
            double rel = fabs(a - b) / (fabs(a) > 0 ? fabs(a) : 1);

            if (!(rel <= res[s].worst))
                res[s].worst = rel;
        }
        fprintf(stderr, "check: %s vs refactor over %ld draws: largest relative difference "
                "%.2e\n", solver_names[s], nref, res[s].worst);
        if (!(res[s].worst <= 1e-9)) {
            fprintf(stderr, "bench_montecarlo: FAIL: %s disagrees with refactor\n",
                    solver_names[s]);
            goto cleanup;
        }
    }
    for (i = 0; i < nref; i++)
        mean += total0(refmc, (size_t)i);
    mean /= (double)nref;
    for (i = 0; i < nref; i++)
        ss += (total0(refmc, (size_t)i) - mean) * (total0(refmc, (size_t)i) - mean);
    sd = nref > 1 ? sqrt(ss / (double)(nref - 1)) : 0;
    fprintf(stderr, "refactor: %s mean %.6g sd %.6g\n", glca_background_category_id(bg, 0), mean,
            sd);
    peer_ok = o.peer_draws > 0 &&
              run_peer(&o, glca_product_id(p), &peer_rate, &peer_mean, &peer_sd, &peer_draws) == 0;
    if (o.peer_draws > 0 && !peer_ok) {
        fprintf(stderr, "bench_montecarlo: the peer failed\n");
        goto cleanup;
    }
    if (peer_ok && peer_draws > 1 && nref > 1) {
        double se = sqrt(sd * sd / (double)nref + peer_sd * peer_sd / (double)peer_draws);

        fprintf(stderr, "check: mean %.6g vs peer %.6g, %.2f combined standard errors\n", mean,
                peer_mean, fabs(mean - peer_mean) / se);
        if (!(fabs(mean - peer_mean) <= 5 * se)) {
            fprintf(stderr, "bench_montecarlo: FAIL: means disagree with the peer\n");
            goto cleanup;
        }
    }
    {
        const solver_result *a = res[0].run ? &res[0] : &res[GLCA_MC_SOLVER_REFACTOR];
        const double ref_rate = res[GLCA_MC_SOLVER_REFACTOR].rate;

        printf("bench_montecarlo n=%zu scc=%.1f%% draws=%ld rate=%.1f/s solver=%s "
               "iterations=%.1f refactor_rate=%.3g/s vs_refactor=%.1fx refine_rate=%.1f/s "
               "gmres_rate=%.1f/s gmres_ilu_rate=%.1f/s block8_rate=%.1f/s block4_rate=%.1f/s "
               "block1_rate=%.1f/s peer_rate=%.2f/s vs_peer=%.1fx threads=%ld exchanges=%zu "
               "sensitivity_s=%.2f\n",
               shape.n, 100.0 * (double)shape.scc / (double)(shape.n ? shape.n : 1), a->draws,
               a->rate, solver_names[a->st.solver],
               (double)a->st.refine_steps / (double)a->draws, ref_rate, a->rate / ref_rate,
               res[GLCA_MC_SOLVER_REFINE].rate, res[GLCA_MC_SOLVER_GMRES].rate,
               res[GLCA_MC_SOLVER_GMRES_ILU].rate, res[BLOCK8].rate, res[BLOCK4].rate,
               res[BLOCK1].rate, peer_rate, peer_rate > 0 ? a->rate / peer_rate : 0.0,
               o.threads, a->st.background, sens_seconds);
    }
    rc = 0;
cleanup:
    for (s = 0; s < NSOLVERS; s++)
        glca_montecarlo_free(res[s].mc);
    glca_product_free(p);
    glca_catalog_free(cat);
    glca_background_free(bg);
    return rc;
}
