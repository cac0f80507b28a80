/*
 * The uncertainty distributions of FORMATS.md as transformations of one random block: lognormal
 * (amount = median, parameter the geometric standard deviation), normal (amount = mean,
 * parameter the standard deviation), triangular (min, max, mode = amount), uniform (min, max),
 * each as its quantile function of one uniform: the value of parameter j in iteration i depends
 * on its own uniform only, and ranks of values are ranks of uniforms.
 */
#include "rng.h"

#include <math.h>

static const char *dist_name(glca_dist d)
{
    switch (d) {
    case GLCA_DIST_LOGNORMAL:
        return "lognormal";
    case GLCA_DIST_NORMAL:
        return "normal";
    case GLCA_DIST_TRIANGULAR:
        return "triangular";
    case GLCA_DIST_UNIFORM:
        return "uniform";
    case GLCA_DIST_NONE:
        break;
    }
    return "none";
}

int glca_engine__dist_check(const glca_uncertainty *u, double amount, const glca_srcloc *loc,
                            glca_error *err)
{
    const char *name = dist_name(u->dist);

    switch (u->dist) {
    case GLCA_DIST_NONE:
        return 0;
    case GLCA_DIST_LOGNORMAL:
        if (!isfinite(u->a) || u->a < 1.0)
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "lognormal uncertainty needs a finite gsd >= 1, got %g", u->a);
        break;
    case GLCA_DIST_NORMAL:
        if (!isfinite(u->a) || u->a < 0.0)
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "normal uncertainty needs a finite sd >= 0, got %g", u->a);
        break;
    case GLCA_DIST_TRIANGULAR:
    case GLCA_DIST_UNIFORM:
        if (!isfinite(u->a) || !isfinite(u->b) || u->a > u->b)
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "%s uncertainty needs finite min <= max, got min %g max %g",
                                  name, u->a, u->b);
        if (u->dist == GLCA_DIST_TRIANGULAR && !(amount >= u->a && amount <= u->b))
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "triangular uncertainty: the amount %g (the mode) is outside "
                                  "[%g, %g]",
                                  amount, u->a, u->b);
        break;
    default:
        return glca_error_set(err, GLCA_EPARSE, loc, "unknown uncertainty distribution %d",
                              (int)u->dist);
    }
    if (!isfinite(amount))
        return glca_error_set(err, GLCA_EPARSE, loc, "%s uncertainty on a non-finite amount",
                              name);
    return 0;
}

double glca_engine__triangular(double lo, double hi, double mode, double u)
{
    double width = hi - lo;

    if (width <= 0.0)
        return mode;
    /* Inverse of the distribution function, whose value at the mode is (mode - lo) / width. */
    if (u * width < mode - lo)
        return lo + sqrt(u * width * (mode - lo));
    return hi - sqrt((1.0 - u) * width * (hi - mode));
}

glca_engine__dist_ready glca_engine__dist_prepare(const glca_uncertainty *u)
{
    glca_engine__dist_ready d = {u->dist, u->a, u->b};

    if (u->dist == GLCA_DIST_LOGNORMAL)
        d.a = log(u->a);
    return d;
}

double glca_engine__dist_sample(const glca_uncertainty *u, double amount, double x)
{
    glca_engine__dist_ready d = glca_engine__dist_prepare(u);

    return glca_engine__dist_sample_ready(&d, amount, x);
}
