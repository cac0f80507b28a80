/*
 * Monte Carlo over the uncertain lines of a product and the uncertain exchanges of its
 * background.  Iteration i draws parameter j from its own word of a Philox block (rng.h), solves,
 * and stores the impacts by category and stage in its own slot: nothing is reduced across
 * threads, so the results are bitwise the same for any thread count and schedule.
 *
 * Without background uncertainty an iteration is glca_evaluate with drawn amounts: Lambda
 * stays valid.  With it, A and B change every iteration and the product's demand by stage is
 * solved on the perturbed A (one multi-right-hand-side solve), then characterized through the
 * perturbed B.  Two ways to solve, each thread with its own KLU objects (a solve writes
 * workspace inside them):
 *
 *   REFACTOR  klu_refactor on the thread's copy of the factorization: the symbolic analysis and
 *             the pivot order of the nominal A are reused, only the numbers are recomputed.
 *             A perturbed A that the nominal pivots cannot handle shows up as a singular
 *             refactorization or a large backward error; that iteration is factorized from
 *             scratch (a fresh pivot order), the thread's copy keeps the nominal one.
 *   REFINE    x0 = A0^-1 f, then x += A0^-1 (f - A x) with the nominal factorization until the
 *             step is below refine_tol relative to x; converges when the perturbation is small
 *             relative to A0, which LCA uncertainties usually are.  Not converged after
 *             refine_max steps: refactor as above.
 *
 * Measured with bench_montecarlo on gen_synthetic --processes 20000 --uncertainty (579,985
 * uncertain exchanges, 300 draws, 2 threads, totals only, on the shared 2-core build machine):
 * REFACTOR 35-59 draws/s, REFINE 20-25 draws/s (11.7 refinement steps per draw to 1e-13, no
 * fallback), the two agreeing to 1.5e-13 relative draw by draw.  klu_refactor itself is cheap
 * on these near-triangular matrices (~5 % of a draw); refinement needs a dozen solves and
 * products with A.  So AUTO is REFACTOR.  Drawing the 580,000 values was then half of a draw;
 * the batch sampler (distributions.c: four uniforms per Philox block, constants per parameter,
 * groups by distribution, table exp) brought REFACTOR to 86 draws/s on the same bench (load 2),
 * where the sampler's arithmetic (quantile, exp) is still about half of a draw and KLU 15 %.
 */
#include "analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "montecarlo_int.h"


void glca_montecarlo_free(glca_montecarlo *mc)
{
    if (!mc)
        return;
    glca_free(mc->impacts);
    glca_free(mc->fg_line);
    glca_free(mc->line_factor);
    glca_engine__sampler_free(mc->sampler);
    glca_engine__ilu_free(mc->ilu);
    glca_engine__csc_free(mc->at);
    glca_free(mc->at_perm);
    glca_free(mc->at_col);
    glca_engine__mc_goal_free(mc);
    glca_free(mc);
}

size_t glca_montecarlo_iterations(const glca_montecarlo *mc)
{
    return mc->opts.iterations;
}

const double *glca_montecarlo_impacts(const glca_montecarlo *mc, size_t i)
{
    return mc->impacts + i * mc->k * GLCA_NSTAGES;
}

void glca_montecarlo_stats(const glca_montecarlo *mc, glca_mc_stats *out)
{
    *out = mc->stats;
}

size_t glca_montecarlo_nparameters(const glca_montecarlo *mc)
{
    return mc->nbg + mc->nfg;
}

/* Column of CSC entry e (binary search in colptr). */
static size_t entry_column(const glca_engine__csc *a, size_t e)
{
    size_t lo = 0, hi = a->ncols;

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (a->colptr[mid] <= e)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void glca_montecarlo_parameter(const glca_montecarlo *mc, size_t j, glca_mc_parameter *out)
{
    memset(out, 0, sizeof *out);
    if (j < mc->nbg) {
        const glca_engine__uncertain *u = &mc->bg->uncertain[j];
        const glca_engine__csc *m = u->in_a ? mc->bg->a : mc->bg->b;

        out->kind = u->in_a ? GLCA_PARAM_TECHNOSPHERE : GLCA_PARAM_INTERVENTION;
        out->row = m->rowidx[u->entry];
        out->col = entry_column(m, u->entry);
        out->amount = u->amount;
        out->unc = u->unc;
    } else {
        size_t nl;
        const glca_product_line *lines = glca_product_lines(mc->product, &nl);
        const glca_product_line *l = &lines[mc->fg_line[j - mc->nbg]];

        out->kind = GLCA_PARAM_LINE;
        out->line = mc->fg_line[j - mc->nbg];
        out->amount = l->amount;
        out->unc = l->unc;
    }
}

/* The Philox counter id and nominal value of parameter j. */
static uint64_t param_stream(const glca_montecarlo *mc, size_t j)
{
    return j < mc->nbg ? (uint64_t)j : LINE_STREAM + mc->fg_line[j - mc->nbg];
}

void glca_montecarlo_parameter_draws(const glca_montecarlo *mc, size_t j, double *out)
{
    glca_mc_parameter par;
    uint64_t stream = param_stream(mc, j);
    size_t i;

    glca_montecarlo_parameter(mc, j, &par);
    for (i = 0; i < mc->opts.iterations; i++)
        out[i] = glca_engine__dist_sample(&par.unc, par.amount,
                                          glca_engine__rng_uniform(mc->opts.seed, i, stream));
}

void glca_engine__mc_parameter_words(const glca_montecarlo *mc, size_t j, uint32_t *words,
                                     double *out)
{
    glca_mc_parameter par;
    uint64_t stream = param_stream(mc, j);
    size_t i;

    glca_montecarlo_parameter(mc, j, &par);
    for (i = 0; i < mc->opts.iterations; i++) {
        words[i] = glca_engine__rng_draw(mc->opts.seed, i, stream >> 2).w[stream & 3];
        out[i] = glca_engine__dist_sample(&par.unc, par.amount, glca_engine__rng_u01(words[i]));
    }
}

/* Background parameter j for the sampler. */
static void sampler_param(const void *ctx, size_t j, glca_engine__sampler_param *p)
{
    const glca_engine__uncertain *u = &((const glca_background *)ctx)->uncertain[j];

    p->in_b = !u->in_a;
    p->entry = u->entry;
    p->amount = u->amount;
    p->scale = u->scale;
    p->unc = u->unc;
}

/* Parameters, conversion factors, right-hand-side layout; checks every distribution. */
static int setup(glca_montecarlo *mc, glca_error *err)
{
    const glca_background *bg = mc->bg;
    const glca_product_line *lines = glca_product_lines(mc->product, &mc->nlines);
    size_t l, j;
    int rc, s;

    mc->fg_line = glca_calloc(mc->nlines + 1, sizeof *mc->fg_line);
    mc->line_factor = glca_calloc(mc->nlines + 1, sizeof *mc->line_factor);
    if (!mc->fg_line || !mc->line_factor)
        return glca_error_oom(err);
    for (s = 0; s < GLCA_NSTAGES; s++) {
        mc->stage_col[s] = -1;
        mc->slot[s] = mc->opts.stages ? s : 0;
    }
    for (l = 0; l < mc->nlines; l++) {
        if ((rc = glca_engine__line_factor(bg, &lines[l], &mc->line_factor[l], err)) < 0)
            return rc;
        /* Without stages every stage shares right-hand side 0: one solve per draw. */
        if (lines[l].kind != GLCA_LINE_EMISSION && mc->stage_col[lines[l].stage] < 0) {
            if (mc->opts.stages || mc->nrhs == 0) {
                mc->col_slot[mc->nrhs] = mc->slot[lines[l].stage];
                mc->nrhs++;
            }
            mc->stage_col[lines[l].stage] = (int)mc->nrhs - 1;
        }
        if (!mc->opts.foreground || lines[l].unc.dist == GLCA_DIST_NONE)
            continue;
        if ((rc = glca_engine__dist_check(&lines[l].unc, lines[l].amount, &lines[l].loc, err)) < 0)
            return rc;
        mc->fg_line[mc->nfg++] = l;
    }
    if (mc->opts.background) {
        for (j = 0; j < bg->nuncertain; j++) {
            const glca_engine__uncertain *u = &bg->uncertain[j];

            if ((rc = glca_engine__dist_check(&u->unc, u->amount, NULL, err)) < 0) {
                size_t col = entry_column(u->in_a ? bg->a : bg->b, u->entry);

                glca_error_set(err, rc, NULL, "process '%s': %s", bg->process_id[col],
                               err ? err->message : "bad uncertainty");
                return rc;
            }
        }
        if ((rc = glca_engine__sampler_new(&mc->sampler, bg->nuncertain, sampler_param, bg,
                                           err)) < 0)
            return rc;
        mc->nbg = bg->nuncertain;
    }
    mc->stats.foreground = mc->nfg;
    mc->stats.background = mc->nbg;
    return 0;
}

void glca_engine__mc_draw_values(glca_engine__mc_worker *w, const glca_montecarlo *mc, size_t i,
                                 double *amount, double *avals, double *bvals, double *f)
{
    const glca_background *bg = mc->bg;
    const glca_product_line *lines;
    const uint64_t seed = mc->opts.seed;
    size_t nl, l, j, n = bg->n;

    lines = glca_product_lines(mc->product, &nl);
    for (l = 0; l < nl; l++)
        amount[l] = lines[l].amount_ref;
    for (j = 0; j < mc->nfg; j++) {
        const size_t l0 = mc->fg_line[j];
        double x = glca_engine__rng_uniform(seed, i, LINE_STREAM + l0);

        amount[l0] = glca_engine__dist_sample(&lines[l0].unc, lines[l0].amount, x) *
                     mc->line_factor[l0];
    }
    if (mc->nbg == 0)
        return;
    /* the ILU routes' sampler writes A's values in A^T's order (montecarlo_solve.c) */
    memcpy(avals, mc->at ? mc->at->values : bg->a->values, bg->a->nnz * sizeof *avals);
    memcpy(bvals, bg->b->values, bg->b->nnz * sizeof *bvals);
    glca_engine__sampler_apply(mc->sampler, seed, i, w->words, avals, bvals);
    memset(f, 0, n * mc->nrhs * sizeof *f);
    for (l = 0; l < nl; l++)
        if (lines[l].kind != GLCA_LINE_EMISSION)
            f[(size_t)mc->stage_col[lines[l].stage] * n + (size_t)lines[l].index] += amount[l];
}

void glca_engine__mc_characterize(const glca_montecarlo *mc, const double *amount,
                                  const double *x, const double *bvals, double *g, double *h)
{
    const glca_background *bg = mc->bg;
    const glca_product_line *lines;
    size_t nl, l, j, c, q, k = mc->k, n = bg->n;
    int s;

    lines = glca_product_lines(mc->product, &nl);
    memset(h, 0, k * GLCA_NSTAGES * sizeof *h);
    if (mc->nbg == 0) {
        /* Lambda still holds: glca_evaluate with the drawn amounts. */
        for (l = 0; l < nl; l++)
            for (c = 0; c < k; c++)
                h[c * GLCA_NSTAGES + mc->slot[lines[l].stage]] +=
                    amount[l] * glca_engine__line_unit_impact(bg, &lines[l], c);
        return;
    }
    /* g_q = B x_q for every stage's column q in one pass over B, then h = C g. */
    memset(g, 0, bg->m * mc->nrhs * sizeof *g);
    for (j = 0; j < n; j++) {
        const glca_engine__csc *b = bg->b;
        size_t e;

        for (q = 0; q < mc->nrhs; q++) {
            double xj = x[q * n + j];
            double *gq = g + q * bg->m;

            if (xj == 0)
                continue;
            for (e = b->colptr[j]; e < b->colptr[j + 1]; e++)
                gq[b->rowidx[e]] += bvals[e] * xj;
        }
    }
    for (q = 0; q < mc->nrhs; q++) {
        const double *gq = g + q * bg->m;

        s = mc->col_slot[q];
        for (j = 0; j < bg->m; j++)
            if (gq[j] != 0)
                for (c = 0; c < k; c++)
                    h[c * GLCA_NSTAGES + s] += bg->cf[j * k + c] * gq[j];
    }
    for (l = 0; l < nl; l++)
        if (lines[l].kind == GLCA_LINE_EMISSION)
            for (c = 0; c < k; c++)
                h[c * GLCA_NSTAGES + mc->slot[lines[l].stage]] +=
                    amount[l] * bg->cf[(size_t)lines[l].index * k + c];
}

/* Iteration i: draw, solve, characterize; impacts into h (k × GLCA_NSTAGES). */
static int draw(glca_engine__mc_worker *w, const glca_montecarlo *mc, size_t i, double *h)
{
    int rc;

    glca_engine__mc_draw_values(w, mc, i, w->amount, w->avals, w->bvals, w->f);
    if (mc->nbg && mc->nrhs && (rc = glca_engine__mc_solve(w, mc)) < 0)
        return rc;
    glca_engine__mc_characterize(mc, w->amount, w->x, w->bvals, w->g, h);
    return 0;
}

/* Draws first .. first + count - 1 into out, or a scratch result if NULL: what AUTO counts or
   times; the worker's own route (a GMRES_BLOCK worker has the block's workspace) */
static int trial_draws(glca_engine__mc_worker *w, const glca_montecarlo *mc, size_t first,
                       size_t count, double *out)
{
    const size_t stride = mc->k * GLCA_NSTAGES;
    double *h = out ? out : glca_mallocarray(stride * count + 1, sizeof *h);
    size_t i;
    int rc = 0;

    if (!h)
        return glca_error_oom(&w->err);
    if (w->draws && mc->nbg)
        rc = glca_engine__mc_block(w, mc, first, count, h);
    else
        for (i = 0; i < count && rc == 0; i++)
            rc = draw(w, mc, first + i, h + i * stride);
    if (!out)
        glca_free(h);
    return rc;
}

static int run_draws(glca_montecarlo *mc, glca_error *err)
{
    const size_t iters = mc->opts.iterations, stride = mc->k * GLCA_NSTAGES;
    /* GMRES_BLOCK: a thread takes whole blocks of draws; otherwise draw by draw */
    const bool blocks = mc->opts.solver == GLCA_MC_SOLVER_GMRES_BLOCK && mc->nbg;
    const size_t width = blocks ? mc->width : 1;
    const size_t nblocks = (iters - mc->ready + width - 1) / width; /* AUTO made mc->ready */
    int nthreads = mc->opts.threads > 0 ? mc->opts.threads : omp_get_max_threads();
    glca_engine__mc_worker *workers;
    int failed = 0, t, rc = 0, best = -1;
    double t0 = omp_get_wtime();

    if (!(workers = glca_calloc((size_t)nthreads, sizeof *workers)))
        return glca_error_oom(err);
#pragma omp parallel num_threads(nthreads)
    {
        glca_engine__mc_worker *w = &workers[omp_get_thread_num()];
        long i;
        int stop;

        if (glca_engine__mc_worker_init(w, mc) < 0) {
            w->rc = w->err.code ? (int)w->err.code : GLCA_ERROR;
            w->failed_at = 0;
#pragma omp atomic write
            failed = 1;
        }
#pragma omp barrier
        /* one draw or block at a time: a draw takes milliseconds, and with chunks of 8 a
           thread could sit idle at the end while the other finished up to 8 draws */
#pragma omp for schedule(dynamic, 1)
        for (i = 0; i < (long)nblocks; i++) {
            const size_t first = mc->ready + (size_t)i * width;

#pragma omp atomic read
            stop = failed;
            if (stop)
                continue;
            w->rc = blocks ? glca_engine__mc_block(w, mc, first,
                                                   iters - first < width ? iters - first : width,
                                                   mc->impacts + first * stride)
                           : draw(w, mc, first, mc->impacts + first * stride);
            if (w->rc < 0) {
                w->failed_at = first;
#pragma omp atomic write
                failed = 1;
            }
        }
    }
    mc->stats.seconds = omp_get_wtime() - t0;
    for (t = 0; t < nthreads; t++) {
        mc->stats.refine_steps += workers[t].refine_steps;
        mc->stats.fallbacks += workers[t].fallbacks;
        if (workers[t].rc < 0 && (best < 0 || workers[t].failed_at < workers[best].failed_at))
            best = t;
    }
    if (best >= 0) {
        rc = workers[best].rc;
        if (err) {
            *err = workers[best].err;
            if (rc == GLCA_ESINGULAR)
                glca_error_set(err, rc, NULL, "Monte Carlo iteration %zu: %s",
                               workers[best].failed_at, workers[best].err.message);
        }
    }
    for (t = 0; t < nthreads; t++)
        glca_engine__mc_worker_free(&workers[t]);
    glca_free(workers);
    return rc;
}

int glca_montecarlo_run(glca_montecarlo **out, const glca_background *bg, const glca_product *p,
                        const glca_montecarlo_options *opts, glca_error *err)
{
    glca_montecarlo_options defaults = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_montecarlo *mc;
    int rc;

    if (!(mc = glca_calloc(1, sizeof *mc)))
        return glca_error_oom(err);
    mc->bg = bg;
    mc->product = p;
    mc->opts = opts ? *opts : defaults;
    mc->k = bg->k;
    if (p->bound != bg) {
        rc = glca_error_set(err, GLCA_ERROR, NULL, "product '%s' is not bound to this background",
                            p->id);
        goto cleanup;
    }
    if (mc->opts.iterations == 0 ||
        mc->opts.iterations > SIZE_MAX / sizeof(double) / (mc->k * GLCA_NSTAGES + 1)) {
        rc = glca_error_set(err, GLCA_ELIMIT, NULL, "Monte Carlo needs 1 to %zu iterations",
                            SIZE_MAX / sizeof(double) / (mc->k * GLCA_NSTAGES + 1));
        goto cleanup;
    }
    if ((rc = setup(mc, err)) < 0)
        goto cleanup;
    if (!(mc->impacts = glca_calloc(mc->opts.iterations * mc->k * GLCA_NSTAGES + 1,
                                    sizeof *mc->impacts))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if ((rc = glca_engine__mc_prepare(mc, trial_draws, err)) < 0)
        goto cleanup;
    mc->stats.solver = mc->opts.solver;
    if ((rc = run_draws(mc, err)) < 0)
        goto cleanup;
    *out = mc;
    mc = NULL;
cleanup:
    glca_montecarlo_free(mc);
    return rc;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return (a > b) - (a < b);
}

static double percentile(const double *sorted, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);

    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

int glca_montecarlo_summary(const glca_montecarlo *mc, size_t c, int stage,
                            glca_mc_summary *out, glca_error *err)
{
    size_t n = mc->opts.iterations, i;
    double *v, sd = 0, ssd = 0, mean;
    int s;

    if (stage >= 0 && !mc->opts.stages)
        return glca_error_set(err, GLCA_ERROR, NULL, "this Monte Carlo run kept totals only");
    if (!(v = glca_mallocarray(n, sizeof *v)))
        return glca_error_oom(err);
    for (i = 0; i < n; i++) {
        const double *h = glca_montecarlo_impacts(mc, i) + c * GLCA_NSTAGES;

        if (stage >= 0) {
            v[i] = h[stage];
        } else {
            v[i] = 0;
            for (s = 0; s < GLCA_NSTAGES; s++)
                v[i] += h[s];
        }
    }
    /* Moments of the deviations from the first value: a constant result has mean exactly
       that value and sd exactly 0, and no cancellation between large sums. */
    for (i = 0; i < n; i++) {
        double d = v[i] - v[0];

        sd += d;
        ssd += d * d;
    }
    mean = v[0] + sd / (double)n;
    qsort(v, n, sizeof *v, cmp_double);
    out->mean = mean;
    out->sd = n > 1 ? sqrt(fmax(0.0, (ssd - sd * sd / (double)n) / (double)(n - 1))) : 0;
    out->median = percentile(v, n, 0.5);
    out->p025 = percentile(v, n, 0.025);
    out->p975 = percentile(v, n, 0.975);
    glca_free(v);
    return 0;
}
