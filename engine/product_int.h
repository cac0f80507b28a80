/*
 * Product internals, shared by product.c (building), bind.c (resolving against a background)
 * and evaluate.c.  Every string a product holds lives in its arena, so freeing a product is a
 * handful of free() calls however many lines it has.
 */
#ifndef GLCA_ENGINE_PRODUCT_INT_H
#define GLCA_ENGINE_PRODUCT_INT_H

#include <glca/engine.h>

#include "arena.h"

struct glca_product {
    glca_engine__arena strings;
    const char *last_file;
    const char *id, *name, *category, *functional_unit;
    glca_srcloc loc;
    glca_product_line *lines;
    size_t nlines, caplines;
    glca_material *materials;
    size_t nmaterials, capmaterials;
    glca_substance *substances;
    size_t nsubstances, capsubstances;
    glca_declare *declares;
    size_t ndeclares, capdeclares;
    /* The background of the last successful glca_product_bind, NULL if none; any change to
     * the lines resets it.  Only compared, never dereferenced: a product must not outlive
     * use with a freed background (its indexes would be meaningless). */
    const glca_background *bound;
};

#endif
