/*
 * Incomplete LU by levels of fill with dropping (engine/ilu.c) on matrices whose factors are
 * worked out by hand below.  The factorization is of M = A^T; each test checks the product
 * L U column by column: solving with the factors must return e_j from column j of the L U
 * written here (and, transposed, from row j), which pins down every entry of L and U.
 */
#include "engine_helpers.h"

#include "engine/krylov.h"
#include "engine/sparse.h"

/* A = M^T in CSC from M dense row-major n × n, keeping the diagonal. */
static glca_engine__csc *transposed_csc(const double *m, size_t n)
{
    glca_engine__triplets t;
    glca_engine__csc *out = NULL;
    glca_error err = GLCA_ERROR_INIT;
    size_t i, j;

    glca_engine__triplets_init(&t, n, n);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            if (m[i * n + j] != 0 || i == j)
                OK(glca_engine__triplets_add(&t, j, i, m[i * n + j]), &err);
    OK(glca_engine__csc_from_triplets(&out, &t, &err), &err);
    glca_engine__triplets_free(&t);
    return out;
}

/* (L U)^-1 of column j of lu is e_j, and (L U)^-T of row j is e_j, for every j */
static void assert_product(const glca_engine__ilu *f, const double *lu, size_t n)
{
    double x[8], y[8];
    size_t i, j;

    cr_assert(n <= 8);
    for (j = 0; j < n; j++) {
        for (i = 0; i < n; i++) {
            x[i] = lu[i * n + j];
            y[i] = lu[j * n + i];
        }
        glca_engine__ilu_solve(f, x);
        glca_engine__ilu_tsolve(f, y);
        for (i = 0; i < n; i++) {
            cr_assert_float_eq(x[i], i == j ? 1.0 : 0.0, 1e-12, "column %zu, row %zu", j, i);
            cr_assert_float_eq(y[i], i == j ? 1.0 : 0.0, 1e-12, "row %zu, column %zu", j, i);
        }
    }
}

/*
 *     [2 1 0 0]    Row 2's entry (2,0) eliminated with row 0 (l20 = 1/2) fills (2,1) at
 * M = [0 2 0 1]    level 1 with -1/2; that gives l21 = -1/4, which eliminated with row 1
 *     [1 0 2 0]    fills (2,3) at level 2 with +1/4; row 3 then has l32 = 1/2 and
 *     [0 0 1 2]    u33 = 2 - (1/2)(1/4) = 15/8 when (2,3) is kept, 2 otherwise.
 *
 * L U = M except: ILU(0) drops the level-1 fill, so (2,1) of L U is 1/2 · 1 = 1/2 instead of
 * 0; ILU(1) keeps it but drops the level-2 fill, so (2,3) of L U is -1/4 · 1 = -1/4 instead
 * of 0; ILU(2) is the exact LU.  Entries: 8, 9, 10.
 */
Test(engine_ilu, levels_of_fill_on_a_4x4_by_hand, .timeout = 5)
{
    static const double m[16] = {2, 1, 0, 0, 0, 2, 0, 1, 1, 0, 2, 0, 0, 0, 1, 2};
    static const size_t nnz[3] = {8, 9, 10};
    glca_engine__csc *a = transposed_csc(m, 4);
    glca_error err = GLCA_ERROR_INIT;
    unsigned level;

    for (level = 0; level <= 3; level++) {
        glca_engine__ilu_options opts = GLCA_ENGINE__ILU_OPTIONS_INIT;
        glca_engine__ilu *f = NULL;
        double lu[16];

        memcpy(lu, m, sizeof lu);
        if (level == 0)
            lu[2 * 4 + 1] = 0.5;
        if (level == 1)
            lu[2 * 4 + 3] = -0.25;
        opts.level = level;
        OK(glca_engine__ilu_new_opts(&f, a, &opts, &err), &err);
        cr_assert_eq(glca_engine__ilu_nnz(f), nnz[level < 2 ? level : 2], "level %u", level);
        assert_product(f, lu, 4);
        glca_engine__ilu_free(f);
    }
    glca_engine__csc_free(a);
}

Test(engine_ilu, default_constructor_is_ilu0, .timeout = 5)
{
    static const double m[16] = {2, 1, 0, 0, 0, 2, 0, 1, 1, 0, 2, 0, 0, 0, 1, 2};
    glca_engine__csc *a = transposed_csc(m, 4);
    glca_engine__ilu *f = NULL;
    glca_error err = GLCA_ERROR_INIT;
    double lu[16];

    memcpy(lu, m, sizeof lu);
    lu[2 * 4 + 1] = 0.5;
    OK(glca_engine__ilu_new(&f, a, &err), &err);
    cr_assert_eq(glca_engine__ilu_nnz(f), 8);
    assert_product(f, lu, 4);
    glca_engine__ilu_free(f);
    glca_engine__csc_free(a);
}

/*
 *     [4 1 1]    Symmetric, so its off-diagonal row and column sums already match and the
 * M = [1 4 0]    balancing leaves it alone.  Row 1: l10 = 1/4, fill (1,2) = -1/4, against
 *     [1 0 4]    the row's largest entry 4.  Row 2: l20 = 1/4, fill (2,1) = -1/4, so
 *                l21 = (-1/4) / u11 with u11 = 4 - 1/4 = 15/4, measured as l21 · u11 = -1/4.
 * drop 0.05: 1/4 >= 0.2, both kept, the exact LU (9 entries).  drop 0.1: 1/4 < 0.4, both
 * dropped; then L U differs from M by 1/4 at (1,2) and (2,1) (7 entries).  D M D^-1 with
 * D = diag(1, 100, 0.01) must keep the same fill: the test compares balanced magnitudes.
 */
Test(engine_ilu, dropping_by_magnitude_does_not_depend_on_units, .timeout = 5)
{
    static const double m[9] = {4, 1, 1, 1, 4, 0, 1, 0, 4}, d[3] = {1, 100, 0.01};
    glca_error err = GLCA_ERROR_INIT;
    int scaled, drop;

    for (scaled = 0; scaled <= 1; scaled++) {
        for (drop = 0; drop <= 1; drop++) {
            glca_engine__ilu_options opts = GLCA_ENGINE__ILU_OPTIONS_INIT;
            glca_engine__ilu *f = NULL;
            glca_engine__csc *a;
            double ms[9], lu[9];
            size_t i, j;

            memcpy(lu, m, sizeof lu);
            if (drop)
                lu[1 * 3 + 2] = lu[2 * 3 + 1] = 0.25;
            for (i = 0; i < 3; i++)
                for (j = 0; j < 3; j++) {
                    const double s = scaled ? d[i] / d[j] : 1;

                    ms[i * 3 + j] = m[i * 3 + j] * s;
                    lu[i * 3 + j] *= s;
                }
            a = transposed_csc(ms, 3);
            opts.level = 1;
            opts.drop = drop ? 0.1 : 0.05;
            OK(glca_engine__ilu_new_opts(&f, a, &opts, &err), &err);
            cr_assert_eq(glca_engine__ilu_nnz(f), drop ? 7u : 9u, "scaled %d drop %d", scaled,
                         drop);
            assert_product(f, lu, 3);
            glca_engine__ilu_free(f);
            glca_engine__csc_free(a);
        }
    }
}

Test(engine_ilu, fill_past_the_limit_is_refused, .timeout = 5)
{
    static const double m[16] = {2, 1, 0, 0, 0, 2, 0, 1, 1, 0, 2, 0, 0, 0, 1, 2};
    glca_engine__csc *a = transposed_csc(m, 4);
    glca_engine__ilu_options opts = GLCA_ENGINE__ILU_OPTIONS_INIT;
    glca_engine__ilu *f = NULL;
    glca_error err = GLCA_ERROR_INIT;

    /* ILU(2) has 10 entries, A 8: a limit of 1.2 · 8 = 9.6 admits ILU(1) only */
    opts.level = 2;
    opts.max_fill = 1.2;
    cr_assert_eq(glca_engine__ilu_new_opts(&f, a, &opts, &err), GLCA_ERROR);
    cr_assert_null(f);
    opts.level = 1;
    OK(glca_engine__ilu_new_opts(&f, a, &opts, &err), &err);
    cr_assert_eq(glca_engine__ilu_nnz(f), 9);
    glca_engine__ilu_free(f);
    glca_engine__csc_free(a);
}

Test(engine_ilu, tiny_pivot_is_refused, .timeout = 5)
{
    /* M = [1 1; 1 1 + 2^-48]: the second pivot is 2^-48 = 3.6e-15, below 1e-14 of its row */
    const double m[4] = {1, 1, 1, 1 + 0x1p-48};
    glca_engine__csc *a = transposed_csc(m, 2);
    glca_engine__ilu *f = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_engine__ilu_new(&f, a, &err), GLCA_ESINGULAR);
    cr_assert_null(f);
    glca_engine__csc_free(a);
}

Test(engine_ilu, every_failed_allocation_is_reported_and_leaks_nothing, .timeout = 10)
{
    static const double m[16] = {2, 1, 0, 0, 0, 2, 0, 1, 1, 0, 2, 0, 0, 0, 1, 2};
    glca_engine__csc *a = transposed_csc(m, 4);
    glca_engine__ilu_options opts = GLCA_ENGINE__ILU_OPTIONS_INIT;
    long n;
    int rc = GLCA_ENOMEM;

    opts.level = 2;
    opts.drop = 1e-3; /* the balancing allocates too */
    for (n = 0; rc == GLCA_ENOMEM; n++) {
        glca_engine__ilu *f = NULL;
        glca_error err = GLCA_ERROR_INIT;
        size_t failures;

        cr_assert(n < 100, "still failing after %ld allocations", n);
        glca_alloc_fail_after(n);
        rc = glca_engine__ilu_new_opts(&f, a, &opts, &err);
        failures = glca_alloc_failures();
        glca_alloc_fail_after(-1);
        if (rc == GLCA_ENOMEM) {
            cr_assert_null(f);
            cr_assert_gt(failures, 0);
        } else {
            cr_assert_eq(failures, 0);
            OK(rc, &err);
            cr_assert_eq(glca_engine__ilu_nnz(f), 10);
            glca_engine__ilu_free(f);
        }
    }
    cr_assert_gt(n, 5, "only %ld allocations", n);
    glca_engine__csc_free(a);
}
