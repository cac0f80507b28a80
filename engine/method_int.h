/*
 * LCIA method internals, shared by method.c (collecting) and background.c (building the
 * characterization matrix).  Factors stay keyed by flow id until a background matches them
 * against a model's elementary flows.
 */
#ifndef GLCA_ENGINE_METHOD_INT_H
#define GLCA_ENGINE_METHOD_INT_H

#include <glca/engine.h>

#include "arena.h"
#include "strmap.h"

typedef struct glca_engine__category {
    const char *id, *name, *unit;
    glca_srcloc loc;
} glca_engine__category;

typedef struct glca_engine__factor {
    size_t category;
    const char *flow_id;
    double value;
    const char *unit; /* NULL = per the flow's reference unit */
    glca_srcloc loc;
} glca_engine__factor;

struct glca_method {
    const char *id, *name, *version;
    glca_engine__arena strings;
    const char *last_file;
    glca_engine__category *categories;
    size_t ncategories, capcategories;
    glca_engine__factor *factors;
    size_t nfactors, capfactors;
    glca_engine__strmap category_ids;
};

#endif
