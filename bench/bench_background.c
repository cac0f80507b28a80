/*
 * bench_background: cold preparation of a background (factor A + Lambda = C·B·A^-1 for all k
 * categories) on the easy and on the realistic synthetic background (common/synth_market.c),
 * with the candidates of issue 10 measured side by side on the same matrix:
 *
 *   klu-amd-btf      KLU, BTF + AMD (the engine's direct path)
 *   klu-colamd-btf   KLU, BTF + COLAMD
 *   klu-amd          KLU, AMD without BTF
 *   klu-metis-btf    KLU, BTF + METIS nested dissection of A + A^T (KLU's user ordering)
 *   umfpack          UMFPACK (multifrontal, BLAS-3 on the fronts: OpenBLAS)
 *   engine           glca_background_new with the default options (what users get), and
 *                    with the solver forced direct / iterative
 *
 * Each candidate's Lambda is checked against the engine's direct one: the largest difference
 * relative to the largest |Lambda| of its category row over the processes of the same order
 * of magnitude is not meaningful on an ill-conditioned A, so the check is componentwise:
 * max |x - y| / |y| over entries with |y| above 1e-12 of the row's largest.
 *
 *   bench_background [--dir DIR] [--processes N] [--realistic] [--runs R] [--seed S]
 *                    [--no-umfpack] [--no-metis] [--no-colamd] [--only-engine] [--no-direct]
 *
 * --no-direct (implies --only-engine) skips the forced direct preparation, for the sizes where
 * KLU's fill makes it take minutes; Lambda is then compared between auto and iterative only.
 *
 * Last line: bench_background n=.. scc=..% prep=..s (engine default) direct=..s ...
 */
#include "bench_matrix.h"
#include "bench_util.h"
#include "synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <klu.h>
#include <metis.h>
#include <umfpack.h>

#include <glca/inventories.h>

typedef struct config {
    const char *dir;
    size_t processes;
    uint64_t seed;
    int runs;
    bool realistic, umfpack, metis, colamd, only_engine, direct;
    char inventory[1024], method[1024];
} config;

#define die(what, err) glca_bench_die("bench_background", (what), (err))

static void generate(const config *c)
{
    glca_synth_options so = GLCA_SYNTH_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_synth_stats st;
    glca_synth *s = NULL;
    struct stat sb;

    if (stat(c->inventory, &sb) == 0 && stat(c->method, &sb) == 0)
        return;
    mkdir(c->dir, 0777);
    so.processes = c->processes;
    so.products = 0;
    so.seed = c->seed;
    so.realistic = c->realistic;
    if (glca_synth_new(&s, &so, &err) < 0 || glca_synth_write_inventory(s, c->inventory, &st,
                                                                          &err) < 0 ||
        glca_synth_write_method(s, c->method, &st, &err) < 0)
        die("generator", &err);
    glca_synth_free(s);
}

/* ---------------------------------------------------------------- candidates */

typedef struct matrix {
    int n, *ap, *ai;
    double *ax;
    double *rhs; /* n × k: (C·B)^T */
    size_t k;
} matrix;

static int metis_order(int n, int *ap, int *ai, int *perm, klu_common *common)
{
    idx_t nv = n, *xadj = glca_calloc((size_t)n + 1, sizeof *xadj), *adj, *iperm, *p;
    int *cnt = glca_calloc((size_t)n + 1, sizeof *cnt), j, k, ok = 0;
    size_t nnz = (size_t)ap[n];

    (void)common;
    adj = glca_malloc(2 * nnz * sizeof *adj + 1);
    iperm = glca_malloc((size_t)n * sizeof *iperm);
    p = glca_malloc((size_t)n * sizeof *p);
    if (!xadj || !cnt || !adj || !iperm || !p)
        goto cleanup;
    /* A + A^T without the diagonal (duplicates are harmless to METIS' graph? no: remove) */
    for (j = 0; j < n; j++)
        for (k = ap[j]; k < ap[j + 1]; k++)
            if (ai[k] != j) {
                cnt[ai[k]]++;
                cnt[j]++;
            }
    for (j = 0; j < n; j++)
        xadj[j + 1] = xadj[j] + cnt[j];
    for (j = 0; j < n; j++)
        cnt[j] = (int)xadj[j];
    for (j = 0; j < n; j++)
        for (k = ap[j]; k < ap[j + 1]; k++)
            if (ai[k] != j) {
                adj[cnt[ai[k]]++] = j;
                adj[cnt[j]++] = ai[k];
            }
    {
        /* drop duplicate edges (both a_ij and a_ji stored): METIS wants a simple graph */
        int *mark = glca_malloc((size_t)n * sizeof *mark);
        idx_t w = 0, start;

        if (!mark)
            goto cleanup;
        for (j = 0; j < n; j++)
            mark[j] = -1;
        for (j = 0; j < n; j++) {
            start = w;
            for (k = (int)xadj[j]; k < cnt[j]; k++)
                if (mark[adj[k]] != j) {
                    mark[adj[k]] = j;
                    adj[w++] = adj[k];
                }
            xadj[j] = start;
        }
        xadj[n] = w;
        glca_free(mark);
    }
    if (METIS_NodeND(&nv, xadj, adj, NULL, NULL, p, iperm) == METIS_OK) {
        for (j = 0; j < n; j++)
            perm[j] = (int)p[j];
        ok = 1;
    }
cleanup:
    glca_free(xadj);
    glca_free(cnt);
    glca_free(adj);
    glca_free(iperm);
    glca_free(p);
    return ok;
}

typedef struct result {
    const char *name;
    double factor_s, lambda_s;
    double fill; /* entries of L + U (+ off-diagonal blocks for KLU) */
    double condest;
    double max_rel;
} result;

/* componentwise difference of x against the reference y (k rows of n) */
static double max_rel(const double *x, const double *y, size_t n, size_t k)
{
    double worst = 0;
    size_t c, p;

    for (c = 0; c < k; c++) {
        double big = 0;

        for (p = 0; p < n; p++)
            big = fmax(big, fabs(y[c * n + p]));
        for (p = 0; p < n; p++) {
            double ref = fabs(y[c * n + p]);

            if (ref > 1e-12 * big)
                worst = fmax(worst, fabs(x[c * n + p] - y[c * n + p]) / ref);
        }
    }
    return worst;
}

static void klu_candidate(const matrix *a, int ordering, int btf, const double *ref,
                          bool condest, result *r)
{
    klu_common kc;
    klu_symbolic *sym;
    klu_numeric *num;
    double *x = glca_malloc((size_t)a->n * a->k * sizeof *x), t0, t1;

    klu_defaults(&kc);
    kc.btf = btf;
    kc.ordering = ordering;
    kc.user_order = ordering == 3 ? metis_order : NULL;
    t0 = glca_bench_now();
    sym = klu_analyze(a->n, a->ap, a->ai, &kc);
    num = sym ? klu_factor(a->ap, a->ai, a->ax, sym, &kc) : NULL;
    t1 = glca_bench_now();
    if (!num || !x) {
        fprintf(stderr, "bench_background: %s failed (KLU status %d)\n", r->name, kc.status);
        r->factor_s = -1;
        glca_free(x);
        return;
    }
    memcpy(x, a->rhs, (size_t)a->n * a->k * sizeof *x);
    klu_tsolve(sym, num, a->n, (int)a->k, x, &kc);
    r->lambda_s = glca_bench_now() - t1;
    r->factor_s = t1 - t0;
    r->fill = (double)num->lnz + (double)num->unz + (double)num->nzoff;
    r->condest = condest && klu_condest(a->ap, a->ax, sym, num, &kc) ? kc.condest : -1;
    r->max_rel = ref ? max_rel(x, ref, (size_t)a->n, a->k) : 0;
    klu_free_numeric(&num, &kc);
    klu_free_symbolic(&sym, &kc);
    glca_free(x);
}

static void umfpack_candidate(const matrix *a, const double *ref, result *r)
{
    void *sym = NULL, *num = NULL;
    double info[UMFPACK_INFO], control[UMFPACK_CONTROL], t0, t1;
    double *x = glca_malloc((size_t)a->n * a->k * sizeof *x);
    int lnz = 0, unz = 0, nr, nc, nzud;
    size_t c, n = (size_t)a->n;

    umfpack_di_defaults(control);
    t0 = glca_bench_now();
    if (!x || umfpack_di_symbolic(a->n, a->n, a->ap, a->ai, a->ax, &sym, control, info) != 0 ||
        umfpack_di_numeric(a->ap, a->ai, a->ax, sym, &num, control, info) != 0) {
        fprintf(stderr, "bench_background: UMFPACK failed\n");
        r->factor_s = -1;
        goto cleanup;
    }
    t1 = glca_bench_now();
    for (c = 0; c < a->k; c++)
        umfpack_di_solve(UMFPACK_At, a->ap, a->ai, a->ax, x + c * n, a->rhs + c * n, num,
                         control, info);
    r->lambda_s = glca_bench_now() - t1;
    r->factor_s = t1 - t0;
    umfpack_di_get_lunz(&lnz, &unz, &nr, &nc, &nzud, num);
    r->fill = (double)lnz + (double)unz;
    r->condest = -1;
    r->max_rel = max_rel(x, ref, n, a->k);
cleanup:
    umfpack_di_free_numeric(&num);
    umfpack_di_free_symbolic(&sym);
    glca_free(x);
}

/* int copy of A and (C·B)^T, the right-hand sides of Lambda */
static void to_matrix(const glca_background *bg, matrix *a)
{
    glca_matrix_view va, vb;
    const double *cf = glca_background_cf(bg);
    size_t j, e, c, k = glca_background_ncategories(bg), n;

    glca_background_technosphere(bg, &va);
    glca_background_interventions(bg, &vb);
    n = va.ncols;
    a->n = (int)n;
    a->k = k;
    a->ap = glca_malloc((n + 1) * sizeof *a->ap);
    a->ai = glca_malloc(va.nnz * sizeof *a->ai);
    a->ax = glca_malloc(va.nnz * sizeof *a->ax);
    a->rhs = glca_calloc(n * k, sizeof *a->rhs);
    if (!a->ap || !a->ai || !a->ax || !a->rhs) {
        fprintf(stderr, "bench_background: out of memory\n");
        exit(1);
    }
    for (j = 0; j <= n; j++)
        a->ap[j] = (int)va.colptr[j];
    for (e = 0; e < va.nnz; e++) {
        a->ai[e] = (int)va.rowidx[e];
        a->ax[e] = va.values[e];
    }
    for (j = 0; j < n; j++)
        for (e = vb.colptr[j]; e < vb.colptr[j + 1]; e++)
            for (c = 0; c < k; c++)
                a->rhs[c * n + j] += cf[vb.rowidx[e] * k + c] * vb.values[e];
}

static void print_result(const result *r)
{
    if (r->factor_s < 0)
        return;
    printf("  %-16s factor=%7.3fs lambda=%6.3fs prep=%7.3fs fill=%10.0f", r->name, r->factor_s,
           r->lambda_s, r->factor_s + r->lambda_s, r->fill);
    if (r->condest > 0)
        printf(" condest=%.2e", r->condest);
    printf(" max_rel=%.1e\n", r->max_rel);
}

/* ---------------------------------------------------------------- engine */

typedef struct engine_run {
    const glca_model *model;
    const glca_method *method;
    glca_background_options opts;
    glca_background *bg;
} engine_run;

static int engine_prep(void *payload)
{
    engine_run *e = payload;
    glca_error err = GLCA_ERROR_INIT;

    glca_background_free(e->bg);
    e->bg = NULL;
    if (glca_background_new(&e->bg, e->model, e->method, &e->opts, &err) < 0)
        die("preparing the background", &err);
    return 0;
}

static void parse_args(int argc, char **argv, config *c)
{
    int i;

    c->dir = NULL;
    c->processes = 20000;
    c->seed = 1;
    c->runs = 3;
    c->realistic = false;
    c->umfpack = c->metis = c->colamd = true;
    c->only_engine = false;
    c->direct = true;
    for (i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "";

        if (strcmp(argv[i], "--realistic") == 0)
            c->realistic = true;
        else if (strcmp(argv[i], "--no-umfpack") == 0)
            c->umfpack = false;
        else if (strcmp(argv[i], "--no-metis") == 0)
            c->metis = false;
        else if (strcmp(argv[i], "--no-colamd") == 0)
            c->colamd = false;
        else if (strcmp(argv[i], "--only-engine") == 0)
            c->only_engine = true;
        else if (strcmp(argv[i], "--no-direct") == 0) {
            c->direct = false;
            c->only_engine = true;
        }
        else if (strcmp(argv[i], "--dir") == 0 && ++i)
            c->dir = v;
        else if (strcmp(argv[i], "--processes") == 0 && ++i)
            c->processes = (size_t)atol(v);
        else if (strcmp(argv[i], "--runs") == 0 && ++i)
            c->runs = atoi(v);
        else if (strcmp(argv[i], "--seed") == 0 && ++i)
            c->seed = (uint64_t)atol(v);
        else {
            fprintf(stderr, "usage: bench_background [--dir DIR] [--processes N] [--realistic] "
                            "[--runs R] [--seed S] [--no-umfpack] [--no-metis] [--no-colamd] "
                            "[--only-engine] [--no-direct]\n");
            exit(2);
        }
    }
    if (!c->dir)
        c->dir = c->realistic ? "/tmp/glca-bench-background-real" : "/tmp/glca-bench-background";
    snprintf(c->inventory, sizeof c->inventory, "%s/background.inventory.xml", c->dir);
    snprintf(c->method, sizeof c->method, "%s/method.method.xml", c->dir);
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"auto", "direct", "iterative"};
    config c;
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *meth = NULL;
    engine_run e;
    glca_bench_shape shape;
    glca_bg_stats st;
    matrix a;
    result r[5];
    double t0, parse_s, best[3] = {0, 0, 0};
    const double *ref;
    double *direct_lambda;
    size_t nr = 0, n = 0, k = 0;
    int s;

    parse_args(argc, argv, &c);
    generate(&c);
    t0 = glca_bench_now();
    if (glca_model_new(&m, &err) < 0 ||
        glca_read_inventory(m, c.inventory, NULL, NULL, NULL, &err) < 0 ||
        glca_read_method(&meth, c.method, NULL, NULL, NULL, &err) < 0 ||
        glca_model_link(m, NULL, NULL, &err) < 0)
        die("reading the background", &err);
    parse_s = glca_bench_now() - t0;

    /* the engine: default, forced direct, forced iterative; Lambda of the direct one is the
       reference of every comparison */
    e.model = m;
    e.method = meth;
    e.bg = NULL;
    direct_lambda = NULL;
    for (s = 2; s >= 0; s--) {
        glca_background_options dflt = GLCA_BACKGROUND_OPTIONS_INIT;

        if (s == 1 && !c.direct) {
            direct_lambda = glca_malloc(n * k * sizeof *direct_lambda);
            memcpy(direct_lambda, glca_background_lambda(e.bg), n * k * sizeof *direct_lambda);
            continue;
        }

        e.opts = dflt;
        e.opts.solver = (glca_bg_solver)s;
        glca_bench_best_of(s == 1 ? 1 : c.runs, engine_prep, &e, &best[s]);
        glca_background_stats(e.bg, &st);
        n = glca_background_nprocesses(e.bg);
        k = glca_background_ncategories(e.bg);
        if (s == 2) {
            glca_bench_shape_of(e.bg, &shape);
            glca_bench_shape_print("bench_background shape: ", &shape);
            printf("bench_background parse+link=%.3fs (%s)\n", parse_s, c.inventory);
        }
        if (s == 1) {
            direct_lambda = glca_malloc(n * k * sizeof *direct_lambda);
            memcpy(direct_lambda, glca_background_lambda(e.bg), n * k * sizeof *direct_lambda);
        }
        printf("  engine-%-9s prep=%7.3fs (best of %d: analysis/factor %.3fs, lambda %.3fs) "
               "used=%s fill=%zu est_fill=%zu largest_block=%zu iterations=%zu rcond=%.1e\n",
               names[s], best[s], s == 1 ? 1 : c.runs, st.seconds_factor, st.seconds_lambda,
               names[st.solver], st.fill, st.estimated_fill, st.largest_block, st.iterations,
               st.rcond);
    }
    ref = direct_lambda;
    printf("  engine-auto vs %s: max_rel=%.1e\n", c.direct ? "direct" : "iterative",
           max_rel(glca_background_lambda(e.bg), ref, n, k));
    if (!c.only_engine) {
        to_matrix(e.bg, &a);
        memset(r, 0, sizeof r);
        /* each printed as it completes: on the realistic background they take minutes */
        r[nr].name = "klu-amd-btf";
        klu_candidate(&a, 0, 1, ref, true, &r[nr]);
        print_result(&r[nr++]);
        r[nr].name = "klu-amd";
        klu_candidate(&a, 0, 0, ref, false, &r[nr]);
        print_result(&r[nr++]);
        if (c.metis) {
            r[nr].name = "klu-metis-btf";
            klu_candidate(&a, 3, 1, ref, false, &r[nr]);
            print_result(&r[nr++]);
        }
        if (c.umfpack) {
            r[nr].name = "umfpack";
            umfpack_candidate(&a, ref, &r[nr]);
            print_result(&r[nr++]);
        }
        if (c.colamd) {
            r[nr].name = "klu-colamd-btf";
            klu_candidate(&a, 1, 1, ref, false, &r[nr]);
            print_result(&r[nr++]);
        }
        fflush(stdout);
    }
    printf("bench_background n=%zu scc=%.1f%% nnz_a=%zu prep=%.3fs used=%s direct=%.3fs "
           "iterative=%.3fs parse=%.3fs condest=%.1e peak_rss_mb=%.0f\n",
           shape.n, 100.0 * (double)shape.scc / (double)shape.n, shape.nnz_a, best[0],
           names[st.solver], best[1], best[2], parse_s, nr ? r[0].condest : -1.0,
           (double)glca_bench_peak_rss_kb() / 1024.0);
    glca_free(direct_lambda);
    glca_background_free(e.bg);
    glca_method_free(meth);
    glca_model_free(m);
    return 0;
}
