/*
 * The LCIA method builder: impact categories and their characterization factors by flow id.
 * Factors are matched to flows, and their units converted, only when a background is built
 * (background.c), because a method is read independently of any inventory.
 */
#include <glca/engine.h>

#include "method_int.h"

#include <math.h>
#include <string.h>

int glca_method_new(glca_method **out, const char *id, const char *name, const char *version,
                    glca_error *err)
{
    glca_method *m;

    if (!id || !*id)
        return glca_error_set(err, GLCA_EPARSE, NULL, "method without an id");
    if (!(m = glca_calloc(1, sizeof *m)))
        return glca_error_oom(err);
    if (!(m->id = glca_engine__arena_strdup(&m->strings, id)) ||
        (name && !(m->name = glca_engine__arena_strdup(&m->strings, name))) ||
        (version && !(m->version = glca_engine__arena_strdup(&m->strings, version)))) {
        glca_method_free(m);
        return glca_error_oom(err);
    }
    *out = m;
    return 0;
}

void glca_method_free(glca_method *m)
{
    if (!m)
        return;
    glca_engine__strmap_free(&m->category_ids);
    glca_engine__arena_free(&m->strings);
    glca_free(m->categories);
    glca_free(m->factors);
    glca_free(m);
}

const char *glca_method_id(const glca_method *m)
{
    return m->id;
}

const char *glca_method_name(const glca_method *m)
{
    return m->name;
}

const char *glca_method_version(const glca_method *m)
{
    return m->version;
}

size_t glca_method_ncategories(const glca_method *m)
{
    return m->ncategories;
}

int glca_method_add_category(glca_method *m, const char *id, const char *name, const char *unit,
                             const glca_srcloc *loc, glca_error *err)
{
    glca_engine__category c;
    size_t prior;

    if (!id || !*id)
        return glca_error_set(err, GLCA_EPARSE, loc, "category without an id");
    if (glca_engine__strmap_get(&m->category_ids, id, &prior)) {
        const glca_srcloc *first = &m->categories[prior].loc;

        if (first->file)
            return glca_error_set(err, GLCA_EPARSE, loc,
                                  "duplicate category id '%s' (first at %s:%ld:%ld)", id,
                                  first->file, first->line, first->column);
        return glca_error_set(err, GLCA_EPARSE, loc, "duplicate category id '%s'", id);
    }
    memset(&c, 0, sizeof c);
    if (!(c.id = glca_engine__arena_strdup(&m->strings, id)) ||
        (name && !(c.name = glca_engine__arena_strdup(&m->strings, name))) ||
        (unit && !(c.unit = glca_engine__arena_strdup(&m->strings, unit))) ||
        glca_engine__arena_srcloc(&m->strings, &m->last_file, loc, &c.loc) < 0 ||
        glca_engine__reserve(&m->categories, &m->capcategories, m->ncategories,
                             sizeof *m->categories) < 0 ||
        glca_engine__strmap_put(&m->category_ids, c.id, m->ncategories, NULL) < 0)
        return glca_error_oom(err);
    m->categories[m->ncategories++] = c;
    return 0;
}

int glca_method_add_factor(glca_method *m, const char *category_id, const char *flow_id,
                           double value, const char *unit, const glca_srcloc *loc,
                           glca_error *err)
{
    glca_engine__factor f;
    size_t c;

    if (!category_id || !glca_engine__strmap_get(&m->category_ids, category_id, &c))
        return glca_error_set(err, GLCA_ENOTFOUND, loc, "factor for unknown category '%s'",
                              category_id ? category_id : "");
    if (!flow_id || !*flow_id)
        return glca_error_set(err, GLCA_EPARSE, loc, "factor without a flow");
    if (!isfinite(value))
        return glca_error_set(err, GLCA_EPARSE, loc, "factor for '%s': value is not finite",
                              flow_id);
    memset(&f, 0, sizeof f);
    f.category = c;
    f.value = value;
    if (!(f.flow_id = glca_engine__arena_strdup(&m->strings, flow_id)) ||
        (unit && !(f.unit = glca_engine__arena_strdup(&m->strings, unit))) ||
        glca_engine__arena_srcloc(&m->strings, &m->last_file, loc, &f.loc) < 0 ||
        glca_engine__reserve(&m->factors, &m->capfactors, m->nfactors, sizeof *m->factors) < 0)
        return glca_error_oom(err);
    m->factors[m->nfactors++] = f;
    return 0;
}
