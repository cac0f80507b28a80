/*
 * The unit table: units grouped by dimension, each a factor of its dimension's base unit, with
 * the built-in units of FORMATS.md and any an inventory declares.  Conversion is a ratio of two
 * factors and never crosses dimensions; every failure names both units and both dimensions so
 * an inventory author can see which attribute is wrong.
 *
 * Time: `a` and `year` are the Julian year, 365.25 d = 31,557,600 s, the year of astronomy and
 * of most LCA databases' land-occupation units (m2*a).
 */
#include <glca/engine.h>

#include "arena.h"
#include "strmap.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <string.h>

typedef struct unit {
    const char *name;
    int dimension;
    double factor; /* base units per one of this unit */
} unit;

struct glca_units {
    glca_engine__arena strings;
    unit *units;
    size_t nunits, capunits;
    const char **dims; /* dimension names; the base unit is the dimension's first unit */
    size_t ndims, capdims;
    glca_engine__strmap byname; /* unit name -> index in units */
};

typedef struct builtin {
    const char *name, *dimension;
    double factor;
} builtin;

static const builtin builtins[] = {
    {"kg", "mass", 1},          {"g", "mass", 1e-3},
    {"mg", "mass", 1e-6},       {"t", "mass", 1e3},
    {"lb", "mass", 0.45359237}, /* international avoirdupois pound, exact */
    {"J", "energy", 1},         {"kJ", "energy", 1e3},
    {"MJ", "energy", 1e6},      {"GJ", "energy", 1e9},
    {"Wh", "energy", 3600},     {"kWh", "energy", 3.6e6},
    {"MWh", "energy", 3.6e9},   {"m", "length", 1},
    {"cm", "length", 1e-2},     {"mm", "length", 1e-3},
    {"km", "length", 1e3},      {"m2", "area", 1},
    {"m3", "volume", 1},        {"l", "volume", 1e-3},
    {"ml", "volume", 1e-6},     {"kg*km", "transport", 1},
    {"t*km", "transport", 1e3}, {"unit", "count", 1},
    {"piece", "count", 1},      {"item", "count", 1},
    {"p", "count", 1},          {"s", "time", 1},
    {"h", "time", 3600},        {"d", "time", 86400},
    {"a", "time", 31557600},    {"year", "time", 31557600},
    {"Bq", "radioactivity", 1}, {"kBq", "radioactivity", 1e3},
};

static int units_empty(glca_units **out, glca_error *err)
{
    glca_units *u = glca_calloc(1, sizeof *u);

    if (!u)
        return glca_error_oom(err);
    *out = u;
    return 0;
}

void glca_units_free(glca_units *u)
{
    if (!u)
        return;
    glca_engine__strmap_free(&u->byname);
    glca_engine__arena_free(&u->strings);
    glca_free(u->units);
    glca_free(u->dims);
    glca_free(u);
}

static long find_dimension(const glca_units *u, const char *name)
{
    size_t i;

    for (i = 0; i < u->ndims; i++)
        if (strcmp(u->dims[i], name) == 0)
            return (long)i;
    return -1;
}

/* The base unit is the first declared unit of its dimension. */
static const char *base_name(const glca_units *u, int dimension)
{
    size_t i;

    for (i = 0; i < u->nunits; i++)
        if (u->units[i].dimension == dimension)
            return u->units[i].name;
    return "?";
}

static int add_dimension(glca_units *u, const char *name, glca_error *err)
{
    char *copy;

    if (u->ndims == u->capdims) {
        size_t cap = u->capdims ? 2 * u->capdims : 16;
        const char **dims = glca_reallocarray(u->dims, cap, sizeof *dims);

        if (!dims)
            return glca_error_oom(err);
        u->dims = dims;
        u->capdims = cap;
    }
    if (!(copy = glca_engine__arena_strdup(&u->strings, name)))
        return glca_error_oom(err);
    u->dims[u->ndims++] = copy;
    return 0;
}

static int add_unit(glca_units *u, const char *name, int dimension, double factor,
                    glca_error *err)
{
    unit *x;
    char *copy;
    int rc;

    if (u->nunits == u->capunits) {
        size_t cap = u->capunits ? 2 * u->capunits : 64;
        unit *units = glca_reallocarray(u->units, cap, sizeof *units);

        if (!units)
            return glca_error_oom(err);
        u->units = units;
        u->capunits = cap;
    }
    if (!(copy = glca_engine__arena_strdup(&u->strings, name)))
        return glca_error_oom(err);
    rc = glca_engine__strmap_put(&u->byname, copy, u->nunits, NULL);
    if (rc < 0)
        return glca_error_oom(err);
    assert(rc == 0);
    x = &u->units[u->nunits++];
    x->name = copy;
    x->dimension = dimension;
    x->factor = factor;
    return 0;
}

int glca_units_declare(glca_units *u, const char *name, const char *dimension, double factor,
                       glca_error *err)
{
    size_t existing;
    long dim;

    if (!name || !*name)
        return glca_error_set(err, GLCA_EUNIT, NULL, "empty unit name");
    if (!dimension || !*dimension)
        return glca_error_set(err, GLCA_EUNIT, NULL, "unit '%s' has an empty dimension", name);
    if (!isfinite(factor) || factor <= 0)
        return glca_error_set(err, GLCA_EUNIT, NULL,
                              "unit '%s': factor %g is not a positive finite number", name,
                              factor);
    dim = find_dimension(u, dimension);
    if (glca_engine__strmap_get(&u->byname, name, &existing)) {
        const unit *x = &u->units[existing];

        if (dim == x->dimension && factor == x->factor)
            return 0;
        return glca_error_set(err, GLCA_EUNIT, NULL,
                              "unit '%s' is already %.17g %s (%s); conflicting declaration as "
                              "%.17g of dimension '%s'",
                              name, x->factor, base_name(u, x->dimension),
                              u->dims[x->dimension], factor, dimension);
    }
    if (dim < 0) {
        int rc;

        if (factor != 1)
            return glca_error_set(err, GLCA_EUNIT, NULL,
                                  "unit '%s' creates dimension '%s', so its factor must be 1, "
                                  "not %.17g",
                                  name, dimension, factor);
        if (u->ndims >= (size_t)INT_MAX)
            return glca_error_set(err, GLCA_ELIMIT, NULL, "too many unit dimensions");
        if ((rc = add_dimension(u, dimension, err)) < 0)
            return rc;
        dim = (long)u->ndims - 1;
    }
    return add_unit(u, name, (int)dim, factor, err);
}

int glca_units_new(glca_units **out, glca_error *err)
{
    glca_units *u = NULL;
    size_t i;
    int rc;

    if ((rc = units_empty(&u, err)) < 0)
        return rc;
    for (i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if ((rc = glca_units_declare(u, builtins[i].name, builtins[i].dimension,
                                     builtins[i].factor, err)) < 0)
            goto cleanup;
    *out = u;
    u = NULL;
cleanup:
    glca_units_free(u);
    return rc;
}

int glca_units_clone(glca_units **out, const glca_units *src, glca_error *err)
{
    glca_units *u = NULL;
    size_t i;
    int rc;

    if ((rc = units_empty(&u, err)) < 0)
        return rc;
    for (i = 0; i < src->nunits; i++) {
        const unit *x = &src->units[i];

        if ((rc = glca_units_declare(u, x->name, src->dims[x->dimension], x->factor, err)) < 0)
            goto cleanup;
    }
    *out = u;
    u = NULL;
cleanup:
    glca_units_free(u);
    return rc;
}

int glca_units_lookup(const glca_units *u, const char *name, int *dimension, double *factor)
{
    size_t i;

    if (!name || !glca_engine__strmap_get(&u->byname, name, &i))
        return GLCA_ENOTFOUND;
    if (dimension)
        *dimension = u->units[i].dimension;
    if (factor)
        *factor = u->units[i].factor;
    return 0;
}

const char *glca_units_dimension_name(const glca_units *u, int dimension)
{
    if (dimension < 0 || (size_t)dimension >= u->ndims)
        return NULL;
    return u->dims[dimension];
}

int glca_units_ratio(const glca_units *u, const char *from, const char *to, double *out,
                     glca_error *err)
{
    int dfrom, dto;
    double ffrom, fto;

    if (glca_units_lookup(u, from, &dfrom, &ffrom) < 0)
        return glca_error_set(err, GLCA_EUNIT, NULL, "unknown unit '%s'", from ? from : "");
    if (glca_units_lookup(u, to, &dto, &fto) < 0)
        return glca_error_set(err, GLCA_EUNIT, NULL, "unknown unit '%s'", to ? to : "");
    if (dfrom != dto)
        return glca_error_set(err, GLCA_EUNIT, NULL, "cannot convert '%s' (%s) to '%s' (%s)",
                              from, u->dims[dfrom], to, u->dims[dto]);
    /* Exactly 1 for a unit to itself or to an alias, so unconverted amounts stay bitwise. */
    *out = ffrom == fto ? 1.0 : ffrom / fto;
    return 0;
}

int glca_units_convert(const glca_units *u, double value, const char *from, const char *to,
                       double *out, glca_error *err)
{
    double r;
    int rc = glca_units_ratio(u, from, to, &r, err);

    if (rc < 0)
        return rc;
    *out = value * r;
    return 0;
}
