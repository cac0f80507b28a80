/*
 * Verdicts compared: the indicators whose outcome flips between two designs, and how often each
 * item passes across the iterations of a Monte Carlo run (the ruleset evaluated once per
 * iteration on that iteration's impacts).  Built only on the public ruleset and engine APIs.
 */
#include <glca/ruleset.h>

#include <math.h>
#include <string.h>

#include <omp.h>

int glca_verdict_flips(glca_outcome_flip **out, size_t *n, const glca_verdict *a,
                       const glca_verdict *b, glca_error *err)
{
    const glca_verdict_item *ia, *ib;
    glca_outcome_flip *flips = NULL;
    size_t na, nb, i, j, count = 0;

    *out = NULL;
    *n = 0;
    ia = glca_verdict_items(a, &na);
    ib = glca_verdict_items(b, &nb);
    for (i = 0; i < na; i++) {
        for (j = 0; j < nb && strcmp(ia[i].id, ib[j].id) != 0; j++)
            ;
        if (j == nb || ia[i].outcome == ib[j].outcome)
            continue;
        if (!flips && !(flips = glca_mallocarray(na, sizeof *flips)))
            return glca_error_oom(err);
        flips[count].item_a = i;
        flips[count].item_b = j;
        flips[count].from = ia[i].outcome;
        flips[count].to = ib[j].outcome;
        count++;
    }
    *out = flips;
    *n = count;
    return 0;
}

int glca_ruleset_pass_probability(double *pass, const glca_ruleset *rs, const glca_product *p,
                                  const glca_background *bg, const glca_montecarlo *mc,
                                  int threads, glca_error *err)
{
    size_t nitems = glca_ruleset_nitems(rs), iters = glca_montecarlo_iterations(mc), i;
    size_t *passes = glca_calloc(nitems + 1, sizeof *passes);
    bool *report = glca_calloc(nitems + 1, sizeof *report);
    int nthreads = threads > 0 ? threads : omp_get_max_threads(), rc = 0;
    long it;

    if (!passes || !report) {
        glca_free(passes);
        glca_free(report);
        return glca_error_oom(err);
    }
    /* Counts are integers, so summing them across threads cannot change the result. */
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 8)
    for (it = 0; it < (long)iters; it++) {
        glca_error e = GLCA_ERROR_INIT;
        glca_verdict *v = NULL;
        const glca_verdict_item *items;
        size_t n, j;
        int r;

        r = glca_ruleset_evaluate(&v, rs, p, bg, glca_montecarlo_impacts(mc, (size_t)it), &e);
        if (r < 0) {
#pragma omp critical(glca_pass_probability)
            {
                if (rc == 0) {
                    rc = r;
                    if (err)
                        *err = e;
                }
            }
            continue;
        }
        items = glca_verdict_items(v, &n);
        for (j = 0; j < n && j < nitems; j++) {
            if (items[j].outcome == GLCA_OUTCOME_PASS) {
#pragma omp atomic update
                passes[j]++;
            } else if (items[j].outcome == GLCA_OUTCOME_REPORT) {
                /* the same in every iteration: the comparator says so */
#pragma omp atomic write
                report[j] = true;
            }
        }
        glca_verdict_free(v);
    }
    for (i = 0; rc == 0 && i < nitems; i++)
        pass[i] = report[i] ? NAN : (double)passes[i] / (double)iters;
    glca_free(passes);
    glca_free(report);
    return rc;
}
