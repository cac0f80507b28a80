/*
 * Read-only accessors of a background: sizes, ids, names, units, Lambda and the
 * characterization factors.  Kept apart from background.c, which builds.
 */
#include <glca/engine.h>

#include "background_int.h"

size_t glca_background_nprocesses(const glca_background *bg)
{
    return bg->n;
}

size_t glca_background_nflows(const glca_background *bg)
{
    return bg->m;
}

size_t glca_background_ncategories(const glca_background *bg)
{
    return bg->k;
}

size_t glca_background_unmatched_factors(const glca_background *bg)
{
    return bg->unmatched;
}

static long find(const glca_engine__strmap *map, const char *id)
{
    size_t i;

    return id && glca_engine__strmap_get(map, id, &i) ? (long)i : -1;
}

long glca_background_find_process(const glca_background *bg, const char *id)
{
    return find(&bg->process_ids, id);
}

long glca_background_find_flow(const glca_background *bg, const char *id)
{
    return find(&bg->flow_ids, id);
}

long glca_background_find_category(const glca_background *bg, const char *id)
{
    return find(&bg->category_ids, id);
}

const char *glca_background_process_id(const glca_background *bg, size_t p)
{
    return p < bg->n ? bg->process_id[p] : NULL;
}

const char *glca_background_process_name(const glca_background *bg, size_t p)
{
    return p < bg->n ? bg->process_name[p] : NULL;
}

const char *glca_background_process_unit(const glca_background *bg, size_t p)
{
    return p < bg->n ? bg->process_unit[p] : NULL;
}

const char *glca_background_flow_id(const glca_background *bg, size_t f)
{
    return f < bg->m ? bg->flow_id[f] : NULL;
}

const char *glca_background_flow_name(const glca_background *bg, size_t f)
{
    return f < bg->m ? bg->flow_name[f] : NULL;
}

const char *glca_background_flow_unit(const glca_background *bg, size_t f)
{
    return f < bg->m ? bg->flow_unit[f] : NULL;
}

const char *glca_background_category_id(const glca_background *bg, size_t c)
{
    return c < bg->k ? bg->category_id[c] : NULL;
}

const char *glca_background_category_name(const glca_background *bg, size_t c)
{
    return c < bg->k ? bg->category_name[c] : NULL;
}

const char *glca_background_category_unit(const glca_background *bg, size_t c)
{
    return c < bg->k ? bg->category_unit[c] : NULL;
}

const char *glca_background_method_id(const glca_background *bg)
{
    return bg->method_id;
}

const glca_units *glca_background_units(const glca_background *bg)
{
    return bg->units;
}

const double *glca_background_lambda(const glca_background *bg)
{
    return bg->lambda;
}

const double *glca_background_cf(const glca_background *bg)
{
    return bg->cf;
}

static void view(const glca_engine__csc *a, glca_matrix_view *out)
{
    out->nrows = a->nrows;
    out->ncols = a->ncols;
    out->nnz = a->nnz;
    out->colptr = a->colptr;
    out->rowidx = a->rowidx;
    out->values = a->values;
}

void glca_background_technosphere(const glca_background *bg, glca_matrix_view *out)
{
    view(bg->a, out);
}

void glca_background_interventions(const glca_background *bg, glca_matrix_view *out)
{
    view(bg->b, out);
}
