/*
 * Binding a product to a background: each line's process or flow id becomes an index, each
 * amount is converted to the reference unit of that process or flow, and each BOM material's
 * mass to kg.  A material consumes a process by mass, so that process must have a mass
 * reference unit.  Every problem is reported with the line's location; the first one's code
 * is returned and the product stays unbound.
 */
#include <glca/engine.h>

#include "background_int.h"
#include "product_int.h"

#include <stdio.h>
#include <string.h>

typedef glca_diag_sink binder; /* every problem is reported, the first one kept */

static const char *describe(const glca_product_line *l)
{
    switch (l->kind) {
    case GLCA_LINE_MATERIAL:
        return "material";
    case GLCA_LINE_INPUT:
        return "input";
    default:
        return "emission";
    }
}

/* Index and reference-unit amount of one line; false (reported) on failure. */
static bool bind_line(binder *b, const glca_background *bg, glca_product_line *l)
{
    glca_error conv = GLCA_ERROR_INIT;
    const char *target_unit;
    long idx;
    double r = 1;

    if (l->kind == GLCA_LINE_EMISSION) {
        if ((idx = glca_background_find_flow(bg, l->ref)) < 0) {
            glca_diag_problem(b, GLCA_ENOTFOUND, &l->loc,
                              "emission of unknown elementary flow '%s'", l->ref);
            return false;
        }
        target_unit = bg->flow_unit[idx];
    } else {
        if ((idx = glca_background_find_process(bg, l->ref)) < 0) {
            glca_diag_problem(b, GLCA_ENOTFOUND, &l->loc, "%s of unknown process '%s'", describe(l),
                              l->ref);
            return false;
        }
        target_unit = bg->process_unit[idx];
    }
    if (l->unit && glca_units_ratio(bg->units, l->unit, target_unit, &r, &conv) < 0) {
        glca_diag_problem(b, conv.code, &l->loc, "%s of '%s': %s", describe(l), l->ref,
                          conv.message);
        return false;
    }
    l->index = idx;
    l->amount_ref = l->amount * r;
    return true;
}

static bool bind_material(binder *b, const glca_background *bg, glca_product *p, glca_material *mat)
{
    glca_product_line *l = &p->lines[mat->line];
    glca_error conv = GLCA_ERROR_INIT;
    const char *name = mat->id ? mat->id : l->ref;
    double r;
    long idx;
    int dim;

    if (glca_units_ratio(bg->units, mat->unit, "kg", &r, &conv) < 0) {
        glca_diag_problem(b, conv.code, &l->loc, "material '%s' mass: %s", name, conv.message);
        return false;
    }
    mat->mass_kg = mat->mass * r;
    if ((idx = glca_background_find_process(bg, l->ref)) >= 0 &&
        (glca_units_lookup(bg->units, bg->process_unit[idx], &dim, NULL) < 0 ||
         dim != bg->mass_dimension)) {
        glca_diag_problem(
            b, GLCA_EUNIT, &l->loc, "material '%s': process '%s' makes '%s' (%s), not a mass", name,
            l->ref, bg->process_unit[idx],
            glca_units_dimension_name(bg->units, dim) ? glca_units_dimension_name(bg->units, dim)
                                                      : "?");
        return false;
    }
    return bind_line(b, bg, l);
}

int glca_product_bind(glca_product *p, const glca_background *bg, glca_diag_fn diag, void *payload,
                      glca_error *err)
{
    binder b;
    size_t i;

    glca_diag_init(&b, diag, payload, err);
    p->bound = NULL;
    /* the lines' map slots first, their misses overlapping, then the lookups that read them */
    for (i = 0; i < p->nlines; i++)
        glca_engine__strmap_prefetch(p->lines[i].kind == GLCA_LINE_EMISSION ? &bg->flow_ids
                                                                            : &bg->process_ids,
                                     p->lines[i].ref);
    for (i = 0; i < p->nmaterials; i++)
        bind_material(&b, bg, p, &p->materials[i]);
    for (i = 0; i < p->nlines; i++)
        if (p->lines[i].kind != GLCA_LINE_MATERIAL)
            bind_line(&b, bg, &p->lines[i]);
    if (b.first)
        return b.first;
    p->bound = bg;
    return 0;
}
