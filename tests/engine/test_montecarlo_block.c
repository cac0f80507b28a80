/*
 * GMRES_BLOCK (engine/montecarlo_block.c, krylov_draws.c): on a random uncertain background whose
 * processes form one strongly connected component, every draw's impacts by stage equal a
 * klu_refactor of that draw within 1e-9, and are bitwise the same for block widths 1, 3 and 8
 * and for 1 and 2 threads (a draw's GMRES must not see the other draws of its block), and to
 * GMRES_ILU's one-draw solve, so AUTO may time one against the other without an LU.
 */
#include "engine_helpers.h"
#include "helpers_random.h"

#include <stdint.h>
#include <stdlib.h>

#define NP 83          /* processes: not a multiple of 4, so sums over rows end in a tail */
#define NF 4           /* elementary flows */
#define NC 2           /* categories */
#define DRAWS 70       /* a multiple of neither 3 nor 8: the last blocks are short */
#define AUTO_DRAWS 260 /* enough for AUTO to time the two ILU routes (16 blocks of 8) */

/*
 * Process p takes 1-3 random inputs and one from process p+1 (mod NP), all processes one
 * strongly connected component, scaled by sizes 10^U(-2, 2); every exchange lognormal (GSD 1.3).
 */
static glca_background *uncertain_loop(uint64_t seed, glca_bg_solver how)
{
    glca_background_options o = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_method *me = NULL;
    glca_background *bg = NULL;
    glca_uncertainty u;
    double size[NP];
    uint64_t st = seed;
    char id[32], prov[32];
    int p, i, f, c;

    memset(&u, 0, sizeof u);
    u.dist = GLCA_DIST_LOGNORMAL;
    u.a = 1.3;
    for (p = 0; p < NP; p++)
        size[p] = pow(10, 4 * uniform(&st) - 2);
    OK(glca_model_new(&m, &err), &err);
    random_flows(m, NP, NF);
    for (p = 0; p < NP; p++) {
        int ninputs = 2 + (int)(next_random(&st) % 3);

        snprintf(id, sizeof id, "proc-%d", p);
        snprintf(prov, sizeof prov, "prod-%d", p);
        process(m, id, prov, 1, NULL);
        for (i = 0; i < ninputs; i++) {
            int q = i == 0 ? (p + 1) % NP : (int)(next_random(&st) % NP);

            if (q == p)
                continue;
            snprintf(prov, sizeof prov, "prod-%d", q);
            OK(glca_model_add_exchange(m, GLCA_INPUT, prov,
                                       0.6 / 4 * uniform(&st) * size[p] / size[q], NULL, NULL, &u,
                                       NULL, &err),
               &err);
        }
        f = (int)(next_random(&st) % NF);
        snprintf(prov, sizeof prov, "elem-%d", f);
        OK(glca_model_add_exchange(m, GLCA_OUTPUT, prov, (0.1 + uniform(&st)) * size[p], NULL, NULL,
                                   &u, NULL, &err),
           &err);
    }
    OK(glca_model_link(m, NULL, NULL, &err), &err);
    OK(glca_method_new(&me, "random", NULL, NULL, &err), &err);
    for (c = 0; c < NC; c++) {
        snprintf(id, sizeof id, "cat-%d", c);
        category(me, id);
        for (f = 0; f < NF; f++) {
            snprintf(prov, sizeof prov, "elem-%d", f);
            factor(me, id, prov, 1 + uniform(&st) * 10, NULL);
        }
    }
    o.solver = how;
    OK(glca_background_new(&bg, m, me, &o, &err), &err);
    glca_method_free(me);
    glca_model_free(m);
    return bg;
}

/* Two stages (two right-hand sides), one of them with a normal foreground line of its own. */
static glca_product *widget(const glca_background *bg)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    glca_product_line l;

    OK(glca_product_new(&p, "widget", "widget", NULL, NULL, NULL, &err), &err);
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_PRODUCTION, "proc-7", 2, "kg");
    line(p, GLCA_LINE_INPUT, GLCA_STAGE_USE, "proc-55", 0.5, "kg");
    memset(&l, 0, sizeof l);
    l.kind = GLCA_LINE_INPUT;
    l.stage = GLCA_STAGE_USE;
    l.ref = "proc-31";
    l.amount = 3;
    l.unit = "kg";
    l.unc.dist = GLCA_DIST_NORMAL;
    l.unc.a = 0.3; /* standard deviation */
    OK(glca_product_add_line(p, &l, &err), &err);
    OK(glca_product_bind(p, bg, NULL, NULL, &err), &err);
    return p;
}

static glca_montecarlo *run_n(const glca_background *bg, const glca_product *p,
                              glca_mc_solver solver, int threads, size_t block, size_t draws)
{
    glca_montecarlo_options o = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_montecarlo *mc = NULL;
    glca_mc_stats st;

    o.iterations = draws;
    o.seed = 77;
    o.threads = threads;
    o.solver = solver;
    o.block = block;
    OK(glca_montecarlo_run(&mc, bg, p, &o, &err), &err);
    glca_montecarlo_stats(mc, &st);
    if (solver != GLCA_MC_SOLVER_AUTO)
        cr_assert_eq(st.solver, solver);
    return mc;
}

static glca_montecarlo *run(const glca_background *bg, const glca_product *p, glca_mc_solver solver,
                            int threads, size_t block)
{
    return run_n(bg, p, solver, threads, block, DRAWS);
}

Test(engine_montecarlo_block, equals_refactorization_and_is_bitwise_independent_of_blocks,
     .timeout = 60)
{
    static const size_t widths[] = {1, 3, 8};
    glca_background *bg = uncertain_loop(5, GLCA_BG_SOLVER_DIRECT);
    glca_product *p = widget(bg);
    const size_t len = NC * GLCA_NSTAGES;
    glca_montecarlo *ref = run(bg, p, GLCA_MC_SOLVER_REFACTOR, 2, 0), *first = NULL;
    size_t wi, i, c;
    int threads, nonzero = 0;

    for (wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
        for (threads = 1; threads <= 2; threads++) {
            glca_montecarlo *mc = run(bg, p, GLCA_MC_SOLVER_GMRES_BLOCK, threads, widths[wi]);

            for (i = 0; i < DRAWS; i++) {
                const double *got = glca_montecarlo_impacts(mc, i);
                const double *want = glca_montecarlo_impacts(ref, i);

                for (c = 0; c < len; c++) {
                    cr_assert(fabs(got[c] - want[c]) <= 1e-9 * fabs(want[c]),
                              "width %zu, %d threads, draw %zu, entry %zu: %.17g vs %.17g",
                              widths[wi], threads, i, c, got[c], want[c]);
                    nonzero += want[c] != 0;
                }
                if (first)
                    cr_assert(memcmp(got, glca_montecarlo_impacts(first, i), len * sizeof *got) ==
                                  0,
                              "width %zu, %d threads: draw %zu differs from width 1, 1 thread",
                              widths[wi], threads, i);
            }
            if (!first)
                first = mc;
            else
                glca_montecarlo_free(mc);
        }
    }
    /* both stages and both categories carry impacts in every draw */
    cr_assert_eq(nonzero, 6 * DRAWS * 2 * NC);
    glca_montecarlo_free(first);
    glca_montecarlo_free(ref);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_montecarlo_block, draws_differ_and_iterations_are_counted, .timeout = 30)
{
    glca_background *bg = uncertain_loop(9, GLCA_BG_SOLVER_DIRECT);
    glca_product *p = widget(bg);
    glca_montecarlo *mc = run(bg, p, GLCA_MC_SOLVER_GMRES_BLOCK, 2, 8);
    glca_mc_stats st;
    size_t i;

    glca_montecarlo_stats(mc, &st);
    cr_assert_eq(st.background, glca_montecarlo_nparameters(mc) - 1);
    cr_assert_eq(st.foreground, 1);
    cr_assert_gt(st.refine_steps, DRAWS, "%zu GMRES iterations", st.refine_steps);
    cr_assert_eq(st.fallbacks, 0);
    for (i = 1; i < DRAWS; i++)
        cr_assert_neq(glca_montecarlo_impacts(mc, i)[GLCA_STAGE_USE],
                      glca_montecarlo_impacts(mc, 0)[GLCA_STAGE_USE]);
    glca_montecarlo_free(mc);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_montecarlo_block, auto_without_an_lu_times_the_ilu_routes_results_unchanged,
     .timeout = 60)
{
    /* Lambda by GMRES: no factorization exists, so AUTO times GMRES_BLOCK on the first block
       against GMRES_ILU on the second, both kept; whichever it takes, the draws are
       GMRES_ILU's and a refactorization's, and with 1 thread (the trials in turn) too */
    glca_background *bg = uncertain_loop(13, GLCA_BG_SOLVER_ITERATIVE);
    glca_product *p = widget(bg);
    glca_montecarlo *mc = run_n(bg, p, GLCA_MC_SOLVER_AUTO, 2, 0, AUTO_DRAWS);
    glca_montecarlo *mc1 = run_n(bg, p, GLCA_MC_SOLVER_AUTO, 1, 0, AUTO_DRAWS);
    glca_montecarlo *one = run_n(bg, p, GLCA_MC_SOLVER_GMRES_ILU, 1, 0, AUTO_DRAWS);
    /* last: it leaves a factorization in bg, which AUTO would then price its candidates on */
    glca_montecarlo *ref = run_n(bg, p, GLCA_MC_SOLVER_REFACTOR, 1, 0, AUTO_DRAWS);
    glca_mc_stats st, st1;
    size_t i, c;

    glca_montecarlo_stats(mc, &st);
    glca_montecarlo_stats(one, &st1);
    /* the first two blocks, made while timing, are kept and counted once */
    cr_assert_eq(st.refine_steps, st1.refine_steps);
    cr_assert(st.solver == GLCA_MC_SOLVER_GMRES_BLOCK || st.solver == GLCA_MC_SOLVER_GMRES_ILU,
              "AUTO took %d", (int)st.solver);
    for (i = 0; i < AUTO_DRAWS; i++) {
        cr_assert(memcmp(glca_montecarlo_impacts(mc, i), glca_montecarlo_impacts(one, i),
                         NC * GLCA_NSTAGES * sizeof(double)) == 0,
                  "draw %zu", i);
        for (c = 0; c < NC * GLCA_NSTAGES; c++)
            ASSERT_REL(glca_montecarlo_impacts(mc, i)[c], glca_montecarlo_impacts(ref, i)[c], 1e-9);
    }
    glca_montecarlo_stats(mc1, &st);
    cr_assert_eq(st.refine_steps, st1.refine_steps);
    for (i = 0; i < AUTO_DRAWS; i++)
        cr_assert(memcmp(glca_montecarlo_impacts(mc1, i), glca_montecarlo_impacts(one, i),
                         NC * GLCA_NSTAGES * sizeof(double)) == 0,
                  "1 thread, draw %zu", i);
    glca_montecarlo_free(mc);
    glca_montecarlo_free(mc1);
    glca_montecarlo_free(one);
    glca_montecarlo_free(ref);
    glca_product_free(p);
    glca_background_free(bg);
}

Test(engine_montecarlo_block, each_draw_is_bitwise_the_single_draw_solve, .timeout = 60)
{
    /* every draw's operations are those of GMRES_ILU's one-draw solve (krylov.c), in order */
    glca_background *bg = uncertain_loop(17, GLCA_BG_SOLVER_DIRECT);
    glca_product *p = widget(bg);
    glca_montecarlo *one = run(bg, p, GLCA_MC_SOLVER_GMRES_ILU, 1, 0);
    glca_montecarlo *block = run(bg, p, GLCA_MC_SOLVER_GMRES_BLOCK, 2, 8);
    glca_mc_stats a, b;
    size_t i;

    glca_montecarlo_stats(one, &a);
    glca_montecarlo_stats(block, &b);
    cr_assert_eq(a.refine_steps, b.refine_steps);
    for (i = 0; i < DRAWS; i++)
        cr_assert(memcmp(glca_montecarlo_impacts(one, i), glca_montecarlo_impacts(block, i),
                         NC * GLCA_NSTAGES * sizeof(double)) == 0,
                  "draw %zu", i);
    glca_montecarlo_free(one);
    glca_montecarlo_free(block);
    glca_product_free(p);
    glca_background_free(bg);
}
