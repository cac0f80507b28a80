/*
 * A material's uncertainty is written per item (beside `mass`); its line is mass × the enclosing
 * quantities, so absolute parameters must scale the same way.  By hand: 2 kg × 3 items = 6 kg;
 * triangular 1..3 per item -> 3..9 for the line (mode 6 inside it); normal sd 0.5 -> 1.5;
 * a lognormal geometric sd is a ratio and stays 1.2.
 */
#include <criterion/criterion.h>

#include <glca/engine.h>

static const glca_product_line *add_one(glca_product **p, glca_dist dist, double a, double b)
{
    glca_uncertainty unc = {dist, a, b};
    glca_error err = GLCA_ERROR_INIT;
    size_t n;

    cr_assert_eq(glca_product_new(p, "p", NULL, NULL, NULL, NULL, &err), 0);
    cr_assert_eq(glca_product_add_material(*p, "m", NULL, "c/m", "steel", 2, "kg", 3, true, 0,
                                           &unc, NULL, &err),
                 0, "%s", err.message);
    return glca_product_lines(*p, &n);
}

Test(engine_material_uncertainty, triangular_and_uniform_bounds_scale_with_quantity)
{
    glca_product *p = NULL;
    const glca_product_line *l = add_one(&p, GLCA_DIST_TRIANGULAR, 1, 3);

    cr_assert_float_eq(l->amount, 6, 1e-15);
    cr_assert_float_eq(l->unc.a, 3, 1e-15);
    cr_assert_float_eq(l->unc.b, 9, 1e-15);
    glca_product_free(p);
    l = add_one(&p, GLCA_DIST_UNIFORM, 1.5, 2.5);
    cr_assert_float_eq(l->unc.a, 4.5, 1e-15);
    cr_assert_float_eq(l->unc.b, 7.5, 1e-15);
    glca_product_free(p);
}

Test(engine_material_uncertainty, normal_sd_scales_lognormal_gsd_does_not)
{
    glca_product *p = NULL;
    const glca_product_line *l = add_one(&p, GLCA_DIST_NORMAL, 0.5, 0);

    cr_assert_float_eq(l->unc.a, 1.5, 1e-15);
    glca_product_free(p);
    l = add_one(&p, GLCA_DIST_LOGNORMAL, 1.2, 0);
    cr_assert_float_eq(l->unc.a, 1.2, 1e-15);
    glca_product_free(p);
}
