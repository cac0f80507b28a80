/*
 * Helpers shared by the design-analysis files (contrib.c, compare.c, montecarlo.c,
 * sensitivity.c): a stable index sort, and the conversion of a product line's "as written"
 * amount to the background's reference unit.
 */
#ifndef GLCA_ENGINE_ANALYSIS_H
#define GLCA_ENGINE_ANALYSIS_H

#include <glca/engine.h>

/**
 * Sort idx[0..n) so that key(idx[i]) ascends, equal keys keeping their order (merge sort, so
 * the order never depends on the platform's qsort).  `key` is values[idx * stride], or its
 * absolute value negated when `by_magnitude` (largest magnitude first).  `tmp` has n entries.
 */
void glca_engine__argsort(size_t *idx, size_t *tmp, size_t n, const double *values, size_t stride,
                          bool by_magnitude);

/**
 * How many reference units one unit of `line` "as written" is: amount_ref / amount, or, for a
 * zero amount, the unit ratio to the provider's (flow's) reference unit.  GLCA_EUNIT if the
 * latter fails.
 */
int glca_engine__line_factor(const glca_background *bg, const glca_product_line *line,
                             double *out, glca_error *err);

/** Impact per reference unit of the line's process or flow in category c. */
double glca_engine__line_unit_impact(const glca_background *bg, const glca_product_line *line,
                                     size_t c);

#endif
