/*
 * The background of a study: A and B assembled from a linked model, the characterization
 * matrix from a method, and Lambda = C·B·A^-1 (background_lambda.c: KLU with one transposed
 * solve of k right-hand sides, or GMRES per category where the LU would fill in; `threads` in
 * the options is the number of categories solved at once on the iterative path).  KLU's solve
 * writes workspace inside the numeric factorization, so the direct path's k solves are not split
 * over threads: a single klu_tsolve call with nrhs = k already works through four right-hand
 * sides per pass over the factors.  Measured (perf, synthetic n = 20,000 with 15 inputs per
 * process and some loops, k = 20): the numeric factorization took 88% of glca_background_new
 * and the k-rhs tsolve under 2%.
 *
 * Accessors are in background_get.c.
 */
#include <glca/engine.h>

#include "background_int.h"
#include "method_int.h"
#include "model_int.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <omp.h>

void glca_background_free(glca_background *bg)
{
    if (!bg)
        return;
    glca_units_free(bg->units);
    glca_engine__arena_free(&bg->strings);
    glca_free(bg->process_id);
    glca_free(bg->process_name);
    glca_free(bg->process_unit);
    glca_free(bg->flow_id);
    glca_free(bg->flow_name);
    glca_free(bg->flow_unit);
    glca_free(bg->category_id);
    glca_free(bg->category_name);
    glca_free(bg->category_unit);
    glca_engine__strmap_free(&bg->process_ids);
    glca_engine__strmap_free(&bg->flow_ids);
    glca_engine__strmap_free(&bg->category_ids);
    glca_engine__csc_free(bg->a);
    glca_engine__csc_free(bg->b);
    glca_free(bg->cf);
    glca_free(bg->lambda);
    glca_free(bg->lambda_pm);
    glca_engine__solver_free(bg->solver);
    glca_engine__ilu_free(bg->ilu);
    glca_free(bg->uncertain);
    glca_free(bg);
}

/* Arena copy; NULL stays NULL.  False if out of memory. */
static bool copy(glca_background *bg, const char *s, const char **out)
{
    *out = NULL;
    return !s || (*out = glca_engine__arena_strdup(&bg->strings, s)) != NULL;
}

static int alloc_names(const char ***a, const char ***b, const char ***c, size_t n)
{
    *a = glca_calloc(n, sizeof **a);
    *b = glca_calloc(n, sizeof **b);
    *c = glca_calloc(n, sizeof **c);
    return *a && *b && *c ? 0 : GLCA_ENOMEM;
}

/* Ids, names and units of processes, elementary flows and categories, and their id maps. */
static int copy_names(glca_background *bg, const glca_model *model, const glca_method *method)
{
    size_t i;

    if (alloc_names(&bg->process_id, &bg->process_name, &bg->process_unit, bg->n) < 0 ||
        alloc_names(&bg->flow_id, &bg->flow_name, &bg->flow_unit, bg->m) < 0 ||
        alloc_names(&bg->category_id, &bg->category_name, &bg->category_unit, bg->k) < 0 ||
        !copy(bg, method->id, &bg->method_id) ||
        glca_engine__strmap_reserve(&bg->process_ids, bg->n) < 0 ||
        glca_engine__strmap_reserve(&bg->flow_ids, bg->m) < 0 ||
        glca_engine__strmap_reserve(&bg->category_ids, bg->k) < 0)
        return GLCA_ENOMEM;
    for (i = 0; i < model->nprocesses; i++) {
        const glca_engine__process *p = &model->processes[i];

        if (!copy(bg, p->id, &bg->process_id[i]) || !copy(bg, p->name, &bg->process_name[i]) ||
            !copy(bg, model->flows[p->flow].unit, &bg->process_unit[i]) ||
            glca_engine__strmap_put(&bg->process_ids, bg->process_id[i], i, NULL) < 0)
            return GLCA_ENOMEM;
    }
    for (i = 0; i < model->nflows; i++) {
        const glca_engine__flow *f = &model->flows[i];
        size_t e = f->elementary;

        if (f->kind != GLCA_FLOW_ELEMENTARY)
            continue;
        if (!copy(bg, f->id, &bg->flow_id[e]) || !copy(bg, f->name, &bg->flow_name[e]) ||
            !copy(bg, f->unit, &bg->flow_unit[e]) ||
            glca_engine__strmap_put(&bg->flow_ids, bg->flow_id[e], e, NULL) < 0)
            return GLCA_ENOMEM;
    }
    for (i = 0; i < method->ncategories; i++) {
        const glca_engine__category *c = &method->categories[i];

        if (!copy(bg, c->id, &bg->category_id[i]) || !copy(bg, c->name, &bg->category_name[i]) ||
            !copy(bg, c->unit, &bg->category_unit[i]) ||
            glca_engine__strmap_put(&bg->category_ids, bg->category_id[i], i, NULL) < 0)
            return GLCA_ENOMEM;
    }
    return 0;
}

typedef struct pending_unc {
    bool in_a;
    size_t row, col;
    double amount, scale;
    glca_uncertainty unc;
} pending_unc;

/*
 * A's triplets (the diagonal and the product exchanges), and where every uncertainty goes, in
 * exchange order (the order of Monte Carlo's parameters).  Columns per reference unit.
 */
static int triplets_a(const glca_model *model, glca_engine__triplets *ta, pending_unc **pend,
                      size_t *npend)
{
    size_t cappend = 0, i, j;

    for (i = 0; i < model->nprocesses; i++) {
        const glca_engine__process *p = &model->processes[i];
        const double ref = p->amount_ref;

        /* ref / ref is exactly 1; kept as a division so self-use sums stay in one scale */
        if (glca_engine__triplets_add(ta, i, i, ref / ref) < 0)
            return GLCA_ENOMEM;
        for (j = 0; j < p->nexchanges; j++) {
            const glca_engine__exchange *x = &model->exchanges[p->first_exchange + j];
            const glca_engine__flow *f = &model->flows[x->flow];
            pending_unc u;
            double v;

            if (f->kind == GLCA_FLOW_ELEMENTARY) {
                v = x->amount_ref / ref;
                u.in_a = false;
                u.row = f->elementary;
            } else {
                /* inputs subtract from the provider's row; an extra own output adds */
                double sign = x->dir == GLCA_INPUT ? -1.0 : 1.0;

                assert(x->provider_index >= 0);
                v = sign * (x->amount_ref / ref);
                u.in_a = true;
                u.row = (size_t)x->provider_index;
                if (glca_engine__triplets_add(ta, u.row, i, v) < 0)
                    return GLCA_ENOMEM;
            }
            if (x->unc.dist == GLCA_DIST_NONE)
                continue;
            u.col = i;
            u.amount = x->amount;
            u.scale = x->amount != 0 ? v / x->amount : 0;
            u.unc = x->unc;
            if (glca_engine__reserve(pend, &cappend, *npend, sizeof **pend) < 0)
                return GLCA_ENOMEM;
            (*pend)[(*npend)++] = u;
        }
    }
    return 0;
}

/* B's triplets: the elementary exchanges, per reference unit. */
static int triplets_b(const glca_model *model, glca_engine__triplets *tb)
{
    size_t i, j;

    for (i = 0; i < model->nprocesses; i++) {
        const glca_engine__process *p = &model->processes[i];
        const double ref = p->amount_ref;

        for (j = 0; j < p->nexchanges; j++) {
            const glca_engine__exchange *x = &model->exchanges[p->first_exchange + j];
            const glca_engine__flow *f = &model->flows[x->flow];

            if (f->kind == GLCA_FLOW_ELEMENTARY &&
                glca_engine__triplets_add(tb, f->elementary, i, x->amount_ref / ref) < 0)
                return GLCA_ENOMEM;
        }
    }
    return 0;
}

/*
 * A, B, the uncertain entries and the names, on two threads: A with the uncertainties on one,
 * B and the names on the other (each pass streams the exchanges, 0.6 s on one thread at
 * 250,000 processes); every array as one thread makes it.
 */
static int assemble(glca_background *bg, const glca_model *model, const glca_method *method,
                    int threads, glca_error *err)
{
    glca_engine__triplets ta, tb;
    glca_error err_a = GLCA_ERROR_INIT, err_b = GLCA_ERROR_INIT;
    pending_unc *pend = NULL;
    size_t npend = 0, i;
    int rc = 0, rc_a = 0, rc_b = 0;

    glca_engine__triplets_init(&ta, bg->n, bg->n);
    glca_engine__triplets_init(&tb, bg->m, bg->n);
    if (threads <= 0)
        threads = omp_get_max_threads();
#pragma omp parallel sections num_threads(threads > 1 ? 2 : 1)
    {
#pragma omp section
        {
            if ((rc_a = triplets_a(model, &ta, &pend, &npend)) < 0)
                glca_error_oom(&err_a);
            else
                rc_a = glca_engine__csc_from_triplets(&bg->a, &ta, &err_a);
            glca_engine__triplets_free(&ta);
        }
#pragma omp section
        {
            if ((rc_b = triplets_b(model, &tb)) < 0)
                glca_error_oom(&err_b);
            else
                rc_b = glca_engine__csc_from_triplets(&bg->b, &tb, &err_b);
            glca_engine__triplets_free(&tb);
            if (rc_b == 0 && (rc_b = copy_names(bg, model, method)) < 0)
                glca_error_oom(&err_b);
        }
    }
    if ((rc = rc_a) < 0 || (rc = rc_b) < 0) {
        *err = rc_a < 0 ? err_a : err_b;
        goto cleanup;
    }
    if (npend && !(bg->uncertain = glca_mallocarray(npend, sizeof *bg->uncertain))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < npend; i++) {
        glca_engine__uncertain *u = &bg->uncertain[i];
        long e = glca_engine__csc_find(pend[i].in_a ? bg->a : bg->b, pend[i].row, pend[i].col);

        assert(e >= 0);
        u->in_a = pend[i].in_a;
        u->entry = (size_t)e;
        u->amount = pend[i].amount;
        u->scale = pend[i].scale;
        u->unc = pend[i].unc;
    }
    bg->nuncertain = npend;
cleanup:
    glca_free(pend);
    return rc;
}

/* C (as cf, m × k) from the method's factors, per each flow's reference unit. */
static int characterize(glca_background *bg, const glca_model *model, const glca_method *method,
                        glca_error *err)
{
    unsigned char *seen = NULL;
    size_t i;
    int rc = 0;

    if (bg->k && bg->m > SIZE_MAX / bg->k)
        return glca_error_set(err, GLCA_ELIMIT, NULL, "%zu flows × %zu categories is too many",
                              bg->m, bg->k);
    if (!(bg->cf = glca_calloc(bg->m * bg->k, sizeof *bg->cf)) ||
        !(seen = glca_calloc(bg->m * bg->k, 1))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    for (i = 0; i < method->nfactors; i++) {
        const glca_engine__factor *fa = &method->factors[i];
        const glca_engine__flow *f;
        size_t fi, e;
        double r = 1;

        if (!glca_engine__strmap_get(&model->flow_ids, fa->flow_id, &fi) ||
            model->flows[fi].kind != GLCA_FLOW_ELEMENTARY) {
            bg->unmatched++;
            continue;
        }
        f = &model->flows[fi];
        e = f->elementary;
        /* value per `unit`; per reference unit it is value × (units per reference unit) */
        if (fa->unit && (rc = glca_units_ratio(model->units, f->unit, fa->unit, &r, err)) < 0) {
            glca_error_locate(err, &fa->loc);
            goto cleanup;
        }
        if (seen[e * bg->k + fa->category]) {
            rc = glca_error_set(err, GLCA_EPARSE, &fa->loc,
                                "second factor for flow '%s' in category '%s'", f->id,
                                bg->category_id[fa->category]);
            goto cleanup;
        }
        seen[e * bg->k + fa->category] = 1;
        bg->cf[e * bg->k + fa->category] = fa->value * r;
    }
cleanup:
    glca_free(seen);
    return rc;
}

int glca_background_new(glca_background **out, const glca_model *model, const glca_method *method,
                        const glca_background_options *opts, glca_error *err)
{
    static const glca_background_options defaults = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_background *bg = NULL;
    double kg;
    int rc;

    if (!opts)
        opts = &defaults;
    if (!model->linked)
        return glca_error_set(err, GLCA_ERROR, NULL, "model must be linked before use");
    if (!isfinite(opts->pivot_tol) || opts->pivot_tol < 0 || opts->pivot_tol > 1)
        return glca_error_set(err, GLCA_ERROR, NULL, "pivot tolerance %g is not in [0, 1]",
                              opts->pivot_tol);
    if (!(bg = glca_calloc(1, sizeof *bg)))
        return glca_error_oom(err);
    bg->n = model->nprocesses;
    bg->m = model->nelementary;
    bg->k = method->ncategories;
    if (bg->k && bg->n > SIZE_MAX / bg->k) {
        rc = glca_error_set(err, GLCA_ELIMIT, NULL, "Lambda of %zu × %zu is too large", bg->k,
                            bg->n);
        goto cleanup;
    }
    if ((rc = glca_units_clone(&bg->units, model->units, err)) < 0)
        goto cleanup;
    if (glca_units_lookup(bg->units, "kg", &bg->mass_dimension, &kg) < 0)
        bg->mass_dimension = -1;
    rc = assemble(bg, model, method, opts->threads, err);
    if (rc < 0 || (rc = characterize(bg, model, method, err)) < 0)
        goto cleanup;
    if ((rc = glca_engine__background_prepare(bg, opts, err)) < 0 ||
        (rc = glca_engine__background_lambda_by_process(bg, err)) < 0)
        goto cleanup;
    *out = bg;
    bg = NULL;
cleanup:
    glca_background_free(bg);
    return rc;
}

int glca_background_solve(glca_background *bg, double *b, glca_error *err)
{
    return glca_engine__background_solve_a(bg, b, err);
}

void glca_background_inventory(const glca_background *bg, const double *s, double *g)
{
    glca_engine__csc_mv(bg->b, s, g);
}
