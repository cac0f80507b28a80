/*
 * The AUTO choice of how Monte Carlo solves a perturbed A (montecarlo_solve.c has the ways).
 *
 * AUTO is chosen per run on the actual matrix.  When the background's cost model found the LU
 * too expensive to make (its Lambda is iterative and no factorization exists), only the ILU
 * routes avoid paying for it: GMRES_ILU and GMRES_BLOCK, whose draws are bitwise the same, are
 * timed on a block of the run's draws each and the faster is used (time_ilu_routes).  Otherwise
 * the LU exists: GMRES, REFINE and GMRES_BLOCK each solve iteration 0 once, and the iterations
 * they needed are priced in flops against one refactorization (KLU's flop count of the nominal
 * factorization) plus a solve; the cheapest is used for the run.  Counting instead of timing
 * keeps the choice, and so the draws, the same from run to run and for any thread count.  On
 * the easy background the refactorization is chosen and wins by far (bench_montecarlo: 2-3x
 * the block route's rate); where a factorization fills in, its flop count prices it out.
 * Figures: bench/README.md.
 */
#include "montecarlo_int.h"

#include <math.h>

#include <omp.h>

static bool factorized(const glca_background *bg)
{
    glca_bg_stats st;

    glca_background_stats(bg, &st);
    return st.fill > 0 || st.solver == GLCA_BG_SOLVER_DIRECT;
}

/*
 * GMRES_ILU or GMRES_BLOCK, whichever makes a draw faster.  A draw's arithmetic is the same in
 * both (krylov_draws.c), so the timing picks a speed and never the results, and every timed
 * draw is kept for the run: the block route makes draws 0 .. width - 1 while the one-draw route
 * makes width, width + 1, ... on a second thread until the block is done (a block's worth in
 * turn on one thread), so the two are timed under the same load, neither thread waits for the
 * other longer than a draw, and nothing is made twice.  Timing both on one thread before the
 * run, the first block thrown away, cost 8 % of a 400-draw run on 2 threads.  The block wins
 * where the passes over A and the ILU are bound by memory traffic; on the shared 2-core build
 * machine the one-draw solve usually won.
 */
static int time_ilu_routes(glca_montecarlo *mc,
                           int (*trial)(glca_engine__mc_worker *, const glca_montecarlo *, size_t,
                                        size_t, double *),
                           glca_error *err)
{
    static const glca_mc_solver routes[] = {GLCA_MC_SOLVER_GMRES_BLOCK, GLCA_MC_SOLVER_GMRES_ILU};
    const size_t stride = mc->k * GLCA_NSTAGES, width = mc->width, iters = mc->opts.iterations;
    const int threads = mc->opts.threads > 0 ? mc->opts.threads : omp_get_max_threads();
    glca_engine__mc_worker w[2];
    double seconds[2] = {0, 0};
    size_t made = 0; /* by the one-draw route, from draw width on */
    int rc[2] = {0, 0}, block_done = 0, r;

    mc->opts.solver = GLCA_MC_SOLVER_GMRES_ILU; /* the one-draw route of glca_engine__mc_solve */
#pragma omp parallel num_threads(threads > 1 ? 2 : 1)
    {
        const int nt = omp_get_num_threads();
        int t, done = 0;

        for (t = omp_get_thread_num(); t < 2; t += nt) {
            double t0;

            rc[t] = glca_engine__mc_worker_init_as(&w[t], mc, routes[t]);
            t0 = omp_get_wtime();
            if (t == 0) {
                if (rc[0] == 0)
                    rc[0] = trial(&w[0], mc, 0, width, mc->impacts);
                seconds[0] = omp_get_wtime() - t0;
#pragma omp atomic write
                block_done = 1;
                continue;
            }
            if (rc[1] < 0)
                continue;
            do {
                const size_t i = width + made;

                rc[1] = trial(&w[1], mc, i, 1, mc->impacts + i * stride);
                made++;
#pragma omp atomic read
                done = block_done;
            } while (rc[1] == 0 && width + made < iters && (nt > 1 ? !done : made < width));
            seconds[1] = omp_get_wtime() - t0;
        }
    }
    for (r = 0; r < 2; r++) {
        mc->stats.refine_steps += w[r].refine_steps;
        mc->stats.fallbacks += w[r].fallbacks;
    }
    for (r = 0; r < 2 && rc[r] == 0; r++)
        ;
    if (r < 2 && err)
        *err = w[r].err;
    glca_engine__mc_worker_free(&w[0]);
    glca_engine__mc_worker_free(&w[1]);
    if (r < 2)
        return rc[r];
    mc->ready = width + made;
    /* seconds per draw, compared without dividing */
    mc->opts.solver =
        seconds[0] * (double)made < seconds[1] * (double)width ? routes[0] : routes[1];
    return 0;
}

int glca_engine__mc_prepare(glca_montecarlo *mc,
                            int (*trial)(glca_engine__mc_worker *, const glca_montecarlo *, size_t,
                                         size_t, double *),
                            glca_error *err)
{
    static const glca_mc_solver candidates[] = {GLCA_MC_SOLVER_GMRES, GLCA_MC_SOLVER_REFINE,
                                                GLCA_MC_SOLVER_GMRES_BLOCK};
    const double n = (double)mc->bg->n, nnz = (double)mc->bg->a->nnz;
    double fill, solve, best_cost;
    glca_mc_solver best = GLCA_MC_SOLVER_REFACTOR;
    size_t c;
    int rc;

    mc->width = mc->opts.block ? mc->opts.block : GLCA_ENGINE__MULTI_WIDTH;
    if (mc->width > MAX_WIDTH)
        mc->width = MAX_WIDTH;
    if (mc->width > mc->opts.iterations)
        mc->width = mc->opts.iterations;
    if (mc->opts.solver == GLCA_MC_SOLVER_AUTO && (mc->nbg == 0 || mc->nrhs == 0))
        mc->opts.solver = GLCA_MC_SOLVER_REFACTOR;
    if (mc->opts.solver == GLCA_MC_SOLVER_AUTO && !factorized(mc->bg)) {
        mc->opts.solver = GLCA_MC_SOLVER_GMRES_ILU;
        if ((rc = glca_engine__mc_shared_parts(mc, err)) < 0)
            return rc;
        /* the timed draws are the run's, but a thread waits for the slower trial: only where
           the two blocks are a small part of the run */
        return mc->width > 1 && mc->opts.iterations >= 16 * mc->width
                   ? time_ilu_routes(mc, trial, err)
                   : 0;
    }
    if (mc->opts.solver != GLCA_MC_SOLVER_AUTO)
        return mc->nbg ? glca_engine__mc_shared_parts(mc, err) : 0;
    mc->opts.solver = GLCA_MC_SOLVER_REFACTOR;
    if ((rc = glca_engine__mc_shared_parts(mc, err)) < 0)
        return rc;
    /* flops per draw: a refactorization and one solve against the iterations the others
       needed on iteration 0 (counted, not timed, so the choice is the same run after run) */
    fill = (double)glca_engine__solver_fill(mc->nominal);
    solve = 2 * fill + 2 * nnz;
    best_cost = glca_engine__solver_flops(mc->nominal) + solve;
    for (c = 0; c < sizeof candidates / sizeof candidates[0]; c++) {
        glca_engine__mc_worker w;
        double steps, cost;

        mc->opts.solver = candidates[c];
        if (candidates[c] == GLCA_MC_SOLVER_GMRES_BLOCK) {
            glca_error ilu_err = GLCA_ERROR_INIT;

            /* an ILU(0) with a zero pivot only rules the block route out */
            if ((rc = glca_engine__mc_shared_parts(mc, &ilu_err)) == GLCA_ESINGULAR)
                continue;
            if (rc < 0) {
                if (err)
                    *err = ilu_err;
                return rc;
            }
        }
        rc = glca_engine__mc_worker_init(&w, mc);
        if (rc == 0)
            rc = trial(&w, mc, 0, 1, NULL);
        if (rc < 0 && err)
            *err = w.err;
        steps = (double)w.refine_steps;
        /* an iteration of the block route: A x and the ILU(0) solves, 2 nnz each, and the
           Arnoldi process; its sharing of A's indexes between draws is not counted */
        cost = w.fallbacks                             ? INFINITY
               : candidates[c] == GLCA_MC_SOLVER_GMRES ? (steps + 1) * (solve + 2 * n * (steps + 2))
               : candidates[c] == GLCA_MC_SOLVER_GMRES_BLOCK
                   ? (steps + 1) * (4 * nnz + 2 * n * (steps + 2))
                   : (steps + 1) * solve;
        glca_engine__mc_worker_free(&w);
        if (rc < 0)
            return rc;
        if (cost < best_cost) {
            best_cost = cost;
            best = candidates[c];
        }
    }
    mc->opts.solver = best;
    if (best != GLCA_MC_SOLVER_GMRES_BLOCK) /* made for the trial only */
        glca_engine__mc_rows_free(mc);
    return 0;
}
