/*
 * Version 2's section of a background blob (background_blob.c has the rest): what solving
 * needs beyond Lambda, so that the background cache serves contributions, Monte Carlo and
 * sensitivity as well as evaluation.
 *
 * Layout (after Lambda): how Lambda was solved (u64 solver, estimated fill, largest block,
 * iterations; f64 seconds_factor, seconds_lambda), the KLU options (u64 use_btf, f64 pivot_tol),
 * u64 1 if GMRES' ILU was kept; A and B as CSC (u64 nrows, ncols, nnz; ncols + 1 column
 * pointers, nnz row indexes, nnz values); u64 count of uncertain exchanges, each u64 in_a,
 * entry, distribution; f64 amount, scale, a, b.
 *
 * The factorization and the ILU are not stored: they are large (the LU fill of a database
 * with a giant loop is tens of millions of entries) and cheap to remake relative to that.  The
 * solver is loaded as glca_engine__background_prepare loads it and factorized on first need as
 * there; the ILU is remade from the same A by the same code (glca_engine__background_ilu).
 * Both are deterministic, so every solve gives bitwise what the original background gave.
 *
 * Reading checks every count against the bytes left, every column pointer for order, every row
 * index for range and strict order within its column (KLU and the ILU rely on both), and every
 * uncertain exchange's entry against its matrix, so a damaged section is GLCA_EPARSE.
 */
#include <glca/engine.h>

#include "background_blob_int.h"

#include <string.h>

static void put_csc(glca_engine__blob_writer *w, const glca_engine__csc *a)
{
    size_t i;

    glca_engine__blob_put_u64(w, a->nrows);
    glca_engine__blob_put_u64(w, a->ncols);
    glca_engine__blob_put_u64(w, a->nnz);
    for (i = 0; i <= a->ncols; i++)
        glca_engine__blob_put_u64(w, a->colptr[i]);
    for (i = 0; i < a->nnz; i++)
        glca_engine__blob_put_u64(w, a->rowidx[i]);
    for (i = 0; i < a->nnz; i++)
        glca_engine__blob_put_f64(w, a->values[i]);
}

void glca_engine__blob_put_solve(glca_engine__blob_writer *w, const glca_background *bg)
{
    const glca_engine__solver_options *so = glca_engine__solver_opts(bg->solver);
    size_t i;

    glca_engine__blob_put_u64(w, (uint64_t)bg->stats.solver);
    glca_engine__blob_put_u64(w, bg->stats.estimated_fill);
    glca_engine__blob_put_u64(w, bg->stats.largest_block);
    glca_engine__blob_put_u64(w, bg->stats.iterations);
    glca_engine__blob_put_f64(w, bg->stats.seconds_factor);
    glca_engine__blob_put_f64(w, bg->stats.seconds_lambda);
    glca_engine__blob_put_u64(w, so->use_btf);
    glca_engine__blob_put_f64(w, so->pivot_tol);
    glca_engine__blob_put_u64(w, bg->ilu != NULL);
    put_csc(w, bg->a);
    put_csc(w, bg->b);
    glca_engine__blob_put_u64(w, bg->nuncertain);
    for (i = 0; i < bg->nuncertain; i++) {
        const glca_engine__uncertain *u = &bg->uncertain[i];

        glca_engine__blob_put_u64(w, u->in_a);
        glca_engine__blob_put_u64(w, u->entry);
        glca_engine__blob_put_u64(w, (uint64_t)u->unc.dist);
        glca_engine__blob_put_f64(w, u->amount);
        glca_engine__blob_put_f64(w, u->scale);
        glca_engine__blob_put_f64(w, u->unc.a);
        glca_engine__blob_put_f64(w, u->unc.b);
    }
}

/* `count` u64 into size_t, each below `bound` (a count or an index range). */
static bool get_indexes(glca_engine__blob_reader *r, size_t *out, size_t count, uint64_t bound)
{
    size_t i;

    for (i = 0; i < count; i++) {
        uint64_t v = glca_engine__blob_get_u64(r);

        if (r->bad || v >= bound)
            return false;
        out[i] = (size_t)v;
    }
    return true;
}

/* A CSC matrix of nrows × ncols, checked as the file comment says. */
static int get_csc(glca_engine__blob_reader *r, glca_engine__csc **out, size_t nrows, size_t ncols,
                   glca_error *err)
{
    glca_engine__csc *a = NULL;
    size_t j, p;
    int rc;

    *out = NULL;
    if (!(a = glca_calloc(1, sizeof *a)))
        return glca_error_oom(err);
    a->nrows = (size_t)glca_engine__blob_get_u64(r);
    a->ncols = (size_t)glca_engine__blob_get_u64(r);
    /* each entry takes 16 bytes (index and value), each column pointer 8 */
    a->nnz = glca_engine__blob_get_count(r, 16);
    if (r->bad || a->nrows != nrows || a->ncols != ncols || ncols >= r->left / 8) {
        rc = glca_engine__blob_malformed(err);
        goto cleanup;
    }
    if (!(a->colptr = glca_mallocarray(ncols + 1, sizeof *a->colptr)) ||
        !(a->rowidx = glca_mallocarray(a->nnz + 1, sizeof *a->rowidx))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if (!get_indexes(r, a->colptr, ncols + 1, (uint64_t)a->nnz + 1) || a->colptr[0] != 0 ||
        a->colptr[ncols] != a->nnz || !get_indexes(r, a->rowidx, a->nnz, nrows)) {
        rc = glca_engine__blob_malformed(err);
        goto cleanup;
    }
    for (j = 0; j < ncols; j++) {
        if (a->colptr[j] > a->colptr[j + 1]) {
            rc = glca_engine__blob_malformed(err);
            goto cleanup;
        }
        for (p = a->colptr[j] + 1; p < a->colptr[j + 1]; p++)
            if (a->rowidx[p - 1] >= a->rowidx[p]) {
                rc = glca_engine__blob_malformed(err);
                goto cleanup;
            }
    }
    if ((rc = glca_engine__blob_get_doubles(r, &a->values, a->nnz, err)) < 0)
        goto cleanup;
    *out = a;
    a = NULL;
cleanup:
    glca_engine__csc_free(a);
    return rc;
}

static int get_uncertain(glca_engine__blob_reader *r, glca_background *bg, glca_error *err)
{
    size_t i, n = glca_engine__blob_get_count(r, 56);

    if (r->bad)
        return glca_engine__blob_malformed(err);
    if (!(bg->uncertain = glca_mallocarray(n + 1, sizeof *bg->uncertain)))
        return glca_error_oom(err);
    for (i = 0; i < n; i++) {
        glca_engine__uncertain *u = &bg->uncertain[i];
        uint64_t in_a = glca_engine__blob_get_u64(r), entry = glca_engine__blob_get_u64(r);
        uint64_t dist = glca_engine__blob_get_u64(r);

        u->amount = glca_engine__blob_get_f64(r);
        u->scale = glca_engine__blob_get_f64(r);
        u->unc.a = glca_engine__blob_get_f64(r);
        u->unc.b = glca_engine__blob_get_f64(r);
        if (r->bad || in_a > 1 || entry >= (in_a ? bg->a->nnz : bg->b->nnz) ||
            dist == GLCA_DIST_NONE || dist > GLCA_DIST_UNIFORM)
            return glca_engine__blob_malformed(err);
        u->in_a = in_a == 1;
        u->entry = (size_t)entry;
        u->unc.dist = (glca_dist)dist;
    }
    bg->nuncertain = n;
    return 0;
}

int glca_engine__blob_get_solve(glca_engine__blob_reader *r, glca_background *bg, glca_error *err)
{
    glca_engine__solver_options so = GLCA_ENGINE__SOLVER_OPTIONS_INIT;
    uint64_t solver, btf, ilu;
    int rc;

    solver = glca_engine__blob_get_u64(r);
    bg->stats.estimated_fill = (size_t)glca_engine__blob_get_u64(r);
    bg->stats.largest_block = (size_t)glca_engine__blob_get_u64(r);
    bg->stats.iterations = (size_t)glca_engine__blob_get_u64(r);
    bg->stats.seconds_factor = glca_engine__blob_get_f64(r);
    bg->stats.seconds_lambda = glca_engine__blob_get_f64(r);
    btf = glca_engine__blob_get_u64(r);
    so.pivot_tol = glca_engine__blob_get_f64(r);
    ilu = glca_engine__blob_get_u64(r);
    bg->stats.rcond = -1;
    if (r->bad || (solver != GLCA_BG_SOLVER_DIRECT && solver != GLCA_BG_SOLVER_ITERATIVE) ||
        btf > 1 || ilu > 1 || !(so.pivot_tol >= 0 && so.pivot_tol <= 1))
        return glca_engine__blob_malformed(err);
    bg->stats.solver = (glca_bg_solver)solver;
    so.use_btf = btf == 1;
    if ((rc = get_csc(r, &bg->a, bg->n, bg->n, err)) < 0 ||
        (rc = get_csc(r, &bg->b, bg->m, bg->n, err)) < 0 || (rc = get_uncertain(r, bg, err)) < 0)
        return rc;
    if ((rc = glca_engine__solver_load(&bg->solver, bg->a, &so, err)) < 0)
        return rc;
    /* the original kept an ILU of this A, made the same way, so it exists: a failure means a
     * damaged A */
    if (ilu && bg->n && (rc = glca_engine__background_ilu(bg, &bg->ilu, err)) <= 0)
        return rc == GLCA_ENOMEM ? rc : glca_engine__blob_malformed(err);
    return 0;
}
