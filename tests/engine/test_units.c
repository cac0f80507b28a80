/*
 * The unit table (engine/units.c).  Expected factors are the SI definitions: 1 kWh = 3.6e6 J,
 * 1 lb = 0.45359237 kg (exact by definition), 1 t*km = 1000 kg*km, 1 a = 365.25 d.
 */
#include "engine_helpers.h"

Test(engine_units, converts_within_a_dimension)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_units *u = NULL;
    double r;

    OK(glca_units_new(&u, &err), &err);
    OK(glca_units_ratio(u, "g", "kg", &r, &err), &err);
    ASSERT_REL(r, 1e-3, 1e-15);
    OK(glca_units_ratio(u, "kWh", "MJ", &r, &err), &err); /* 3.6e6 J / 1e6 J */
    ASSERT_REL(r, 3.6, 1e-15);
    OK(glca_units_ratio(u, "Wh", "kWh", &r, &err), &err);
    ASSERT_REL(r, 1e-3, 1e-15);
    OK(glca_units_ratio(u, "lb", "g", &r, &err), &err);
    ASSERT_REL(r, 453.59237, 1e-15);
    OK(glca_units_ratio(u, "t*km", "kg*km", &r, &err), &err);
    ASSERT_REL(r, 1000, 1e-15);
    OK(glca_units_ratio(u, "a", "d", &r, &err), &err);
    ASSERT_REL(r, 365.25, 1e-15);
    OK(glca_units_ratio(u, "year", "h", &r, &err), &err); /* 365.25 × 24 */
    ASSERT_REL(r, 8766, 1e-15);
    OK(glca_units_ratio(u, "ml", "m3", &r, &err), &err);
    ASSERT_REL(r, 1e-6, 1e-15);
    OK(glca_units_ratio(u, "kBq", "Bq", &r, &err), &err);
    ASSERT_REL(r, 1000, 1e-15);
    OK(glca_units_ratio(u, "piece", "unit", &r, &err), &err);
    cr_assert_eq(r, 1.0);
    OK(glca_units_ratio(u, "kg", "kg", &r, &err), &err);
    cr_assert_eq(r, 1.0);
    OK(glca_units_convert(u, 250, "g", "kg", &r, &err), &err);
    ASSERT_REL(r, 0.25, 1e-15);
    OK(glca_units_convert(u, 150, "cm", "km", &r, &err), &err);
    ASSERT_REL(r, 1.5e-3, 1e-15);
    glca_units_free(u);
}

Test(engine_units, refuses_conversion_across_dimensions_naming_both)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_units *u = NULL;
    double r;

    OK(glca_units_new(&u, &err), &err);
    cr_assert_eq(glca_units_ratio(u, "kWh", "kg", &r, &err), GLCA_EUNIT);
    cr_assert_eq(err.code, GLCA_EUNIT);
    cr_assert(strstr(err.message, "'kWh'") && strstr(err.message, "(energy)"), "%s",
              err.message);
    cr_assert(strstr(err.message, "'kg'") && strstr(err.message, "(mass)"), "%s", err.message);
    glca_units_free(u);
}

Test(engine_units, refuses_unknown_units)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_units *u = NULL;
    double r;
    int dim;

    OK(glca_units_new(&u, &err), &err);
    cr_assert_eq(glca_units_ratio(u, "furlong", "m", &r, &err), GLCA_EUNIT);
    cr_assert(strstr(err.message, "'furlong'"), "%s", err.message);
    cr_assert_eq(glca_units_ratio(u, "m", "KG", &r, &err), GLCA_EUNIT); /* case matters */
    cr_assert(strstr(err.message, "'KG'"), "%s", err.message);
    cr_assert_eq(glca_units_lookup(u, "furlong", &dim, &r), GLCA_ENOTFOUND);
    glca_units_free(u);
}

Test(engine_units, declares_new_units_and_dimensions)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_units *u = NULL, *c = NULL;
    double r;
    int dim;

    OK(glca_units_new(&u, &err), &err);
    /* FORMATS.md: tkm = 1000 kg*km */
    OK(glca_units_declare(u, "tkm", "transport", 1000, &err), &err);
    OK(glca_units_ratio(u, "tkm", "t*km", &r, &err), &err);
    cr_assert_eq(r, 1.0);
    /* a new dimension with its base */
    OK(glca_units_declare(u, "USD", "currency", 1, &err), &err);
    OK(glca_units_declare(u, "kUSD", "currency", 1000, &err), &err);
    OK(glca_units_ratio(u, "kUSD", "USD", &r, &err), &err);
    ASSERT_REL(r, 1000, 1e-15);
    OK(glca_units_lookup(u, "USD", &dim, &r), &err);
    cr_assert_str_eq(glca_units_dimension_name(u, dim), "currency");
    /* identical re-declaration is fine, a conflicting one is not */
    OK(glca_units_declare(u, "kg", "mass", 1, &err), &err);
    cr_assert_eq(glca_units_declare(u, "kg", "mass", 2, &err), GLCA_EUNIT);
    cr_assert_eq(glca_units_declare(u, "g", "energy", 1e-3, &err), GLCA_EUNIT);
    /* a new dimension must start with factor 1 */
    cr_assert_eq(glca_units_declare(u, "m2*a", "land-occupation", 2, &err), GLCA_EUNIT);
    cr_assert(strstr(err.message, "land-occupation"), "%s", err.message);
    cr_assert_eq(glca_units_declare(u, "x", "mass", -1, &err), GLCA_EUNIT);
    cr_assert_eq(glca_units_declare(u, "x", "mass", NAN, &err), GLCA_EUNIT);
    /* a clone keeps declared units */
    OK(glca_units_clone(&c, u, &err), &err);
    OK(glca_units_ratio(c, "kUSD", "USD", &r, &err), &err);
    ASSERT_REL(r, 1000, 1e-15);
    cr_assert_eq(glca_units_ratio(c, "kUSD", "kg", &r, &err), GLCA_EUNIT);
    cr_assert(strstr(err.message, "(currency)"), "%s", err.message);
    glca_units_free(c);
    glca_units_free(u);
}

Test(engine_units, stage_names_round_trip)
{
    glca_stage s;
    int i;

    for (i = 0; i < GLCA_NSTAGES; i++) {
        OK(glca_stage_parse(glca_stage_name((glca_stage)i), &s), &(glca_error)GLCA_ERROR_INIT);
        cr_assert_eq((int)s, i);
    }
    cr_assert_str_eq(glca_stage_name(GLCA_STAGE_END_OF_LIFE), "end-of-life");
    cr_assert_eq(glca_stage_parse("transport", &s), GLCA_ENOTFOUND);
}
