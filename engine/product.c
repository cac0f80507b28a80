/*
 * The product builder: lines by stage in file order, BOM materials with their substances, and
 * declared data.  Only checks that need nothing else are made here (finite numbers, ranges,
 * duplicate declarations); ids and units are resolved by glca_product_bind (bind.c).
 */
#include <glca/engine.h>

#include "product_int.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Arena copy of `s` into `*out` (NULL stays NULL); false if out of memory. */
static bool copy(glca_product *p, const char *s, const char **out)
{
    *out = NULL;
    return !s || (*out = glca_engine__arena_strdup(&p->strings, s)) != NULL;
}

static bool copy_loc(glca_product *p, const glca_srcloc *in, glca_srcloc *out)
{
    return glca_engine__arena_srcloc(&p->strings, &p->last_file, in, out) == 0;
}

int glca_product_new(glca_product **out, const char *id, const char *name, const char *category,
                     const char *functional_unit, const glca_srcloc *loc, glca_error *err)
{
    glca_product *p;

    if (!id || !*id)
        return glca_error_set(err, GLCA_EPARSE, loc, "product without an id");
    if (!(p = glca_calloc(1, sizeof *p)))
        return glca_error_oom(err);
    if (!copy(p, id, &p->id) || !copy(p, name, &p->name) || !copy(p, category, &p->category) ||
        !copy(p, functional_unit, &p->functional_unit) || !copy_loc(p, loc, &p->loc)) {
        glca_product_free(p);
        return glca_error_oom(err);
    }
    *out = p;
    return 0;
}

void glca_product_free(glca_product *p)
{
    if (!p)
        return;
    glca_engine__arena_free(&p->strings);
    glca_free(p->lines);
    glca_free(p->materials);
    glca_free(p->substances);
    glca_free(p->declares);
    glca_free(p);
}

static int check_uncertainty(const glca_uncertainty *unc, const glca_srcloc *loc,
                             glca_error *err)
{
    if (unc && (!isfinite(unc->a) || !isfinite(unc->b)))
        return glca_error_set(err, GLCA_EPARSE, loc, "uncertainty parameter is not finite");
    return 0;
}

/* Append a copy of `line` (strings into the arena); `line->kind` already checked. */
static int append_line(glca_product *p, const glca_product_line *line, glca_error *err)
{
    glca_product_line l = *line;

    if (!copy(p, line->ref, &l.ref) || !copy(p, line->unit, &l.unit) ||
        !copy(p, line->path, &l.path) || !copy_loc(p, &line->loc, &l.loc) ||
        glca_engine__reserve(&p->lines, &p->caplines, p->nlines, sizeof *p->lines) < 0)
        return glca_error_oom(err);
    l.index = -1;
    l.amount_ref = 0;
    p->lines[p->nlines++] = l;
    p->bound = NULL;
    return 0;
}

int glca_product_add_line(glca_product *p, const glca_product_line *line, glca_error *err)
{
    const glca_srcloc *loc = &line->loc;
    int rc;

    if (line->kind == GLCA_LINE_MATERIAL)
        return glca_error_set(err, GLCA_ERROR, loc,
                              "material lines are added with glca_product_add_material");
    if (line->kind != GLCA_LINE_INPUT && line->kind != GLCA_LINE_EMISSION)
        return glca_error_set(err, GLCA_ERROR, loc, "invalid line kind");
    if ((int)line->stage < 0 || line->stage >= GLCA_NSTAGES)
        return glca_error_set(err, GLCA_ERROR, loc, "invalid stage");
    if (!line->ref || !*line->ref)
        return glca_error_set(err, GLCA_EPARSE, loc, "%s without a %s",
                              line->kind == GLCA_LINE_INPUT ? "input" : "emission",
                              line->kind == GLCA_LINE_INPUT ? "process" : "flow");
    if (!isfinite(line->amount))
        return glca_error_set(err, GLCA_EPARSE, loc, "amount of '%s' is not finite", line->ref);
    if ((rc = check_uncertainty(&line->unc, loc, err)) < 0)
        return rc;
    return append_line(p, line, err);
}

int glca_product_add_material(glca_product *p, const char *id, const char *name, const char *path,
                              const char *process, double mass, const char *unit, double quantity,
                              bool recyclable, double recycled_content, const glca_uncertainty *unc,
                              const glca_srcloc *loc, glca_error *err)
{
    glca_product_line line;
    glca_material mat;
    int rc;

    if (!process || !*process)
        return glca_error_set(err, GLCA_EPARSE, loc, "material '%s' without a process",
                              id ? id : "");
    if (!isfinite(mass) || mass < 0)
        return glca_error_set(err, GLCA_EPARSE, loc,
                              "material '%s': mass must be finite and not negative",
                              id ? id : "");
    if (!isfinite(quantity) || quantity < 0)
        return glca_error_set(err, GLCA_EPARSE, loc,
                              "material '%s': quantity must be finite and not negative",
                              id ? id : "");
    if (!isfinite(recycled_content) || recycled_content < 0 || recycled_content > 1)
        return glca_error_set(err, GLCA_EPARSE, loc,
                              "material '%s': recycled content %g is not between 0 and 1",
                              id ? id : "", recycled_content);
    if ((rc = check_uncertainty(unc, loc, err)) < 0)
        return rc;
    if (!unit)
        unit = "kg";

    memset(&line, 0, sizeof line);
    line.kind = GLCA_LINE_MATERIAL;
    line.stage = GLCA_STAGE_RAW_MATERIALS;
    line.ref = process;
    line.amount = mass * quantity;
    line.unit = unit;
    line.path = path;
    if (unc) {
        /* The parameters are written beside the mass of one item; the line is the mass times
         * the enclosing quantities, so absolute parameters scale with it (a geometric sd does
         * not). */
        line.unc = *unc;
        if (unc->dist == GLCA_DIST_NORMAL) {
            line.unc.a *= quantity;
        } else if (unc->dist == GLCA_DIST_TRIANGULAR || unc->dist == GLCA_DIST_UNIFORM) {
            line.unc.a *= quantity;
            line.unc.b *= quantity;
        }
    }
    if (loc)
        line.loc = *loc;

    memset(&mat, 0, sizeof mat);
    if (glca_engine__reserve(&p->materials, &p->capmaterials, p->nmaterials,
                             sizeof *p->materials) < 0 ||
        !copy(p, id, &mat.id) || !copy(p, name, &mat.name))
        return glca_error_oom(err);
    if ((rc = append_line(p, &line, err)) < 0)
        return rc;
    mat.line = p->nlines - 1;
    mat.path = p->lines[mat.line].path;
    mat.unit = p->lines[mat.line].unit;
    mat.mass = line.amount;
    mat.mass_kg = 0;
    mat.recyclable = recyclable;
    mat.recycled_content = recycled_content;
    mat.first_substance = p->nsubstances;
    mat.nsubstances = 0;
    p->materials[p->nmaterials++] = mat;
    return 0;
}

int glca_product_add_substance(glca_product *p, const char *cas, const char *name, double ppm,
                               const glca_srcloc *loc, glca_error *err)
{
    glca_material *mat;
    glca_substance s;

    if (!p->nmaterials)
        return glca_error_set(err, GLCA_ERROR, loc, "substance outside any material");
    mat = &p->materials[p->nmaterials - 1];
    if (!cas || !*cas)
        return glca_error_set(err, GLCA_EPARSE, loc, "substance without a CAS number");
    if (!isfinite(ppm) || ppm < 0 || ppm > 1e6)
        return glca_error_set(err, GLCA_EPARSE, loc,
                              "substance %s: %g ppm is not between 0 and 1000000", cas, ppm);
    /* Substances of one material are contiguous: they follow it before the next material. */
    assert(mat->first_substance + mat->nsubstances == p->nsubstances);
    memset(&s, 0, sizeof s);
    s.ppm = ppm;
    s.material = p->nmaterials - 1;
    if (!copy(p, cas, &s.cas) || !copy(p, name, &s.name) ||
        glca_engine__reserve(&p->substances, &p->capsubstances, p->nsubstances,
                             sizeof *p->substances) < 0)
        return glca_error_oom(err);
    p->substances[p->nsubstances++] = s;
    mat->nsubstances++;
    return 0;
}

const glca_declare *glca_product_find_declare(const glca_product *p, const char *name)
{
    size_t i;

    /* A product declares a handful of data, so a scan beats a hash map's setup cost. */
    for (i = 0; i < p->ndeclares; i++)
        if (strcmp(p->declares[i].name, name) == 0)
            return &p->declares[i];
    return NULL;
}

int glca_product_declare(glca_product *p, const glca_declare *d, glca_error *err)
{
    const glca_declare *prior;
    glca_declare c = *d;
    char text[32];
    const char *string = d->string;

    if (!d->name || !*d->name)
        return glca_error_set(err, GLCA_EPARSE, &d->loc, "declaration without a name");
    if ((prior = glca_product_find_declare(p, d->name))) {
        if (prior->loc.file)
            return glca_error_set(err, GLCA_EPARSE, &d->loc,
                                  "duplicate declaration '%s' (first at %s:%ld:%ld)", d->name,
                                  prior->loc.file, prior->loc.line, prior->loc.column);
        return glca_error_set(err, GLCA_EPARSE, &d->loc, "duplicate declaration '%s'", d->name);
    }
    switch (d->kind) {
    case GLCA_VALUE_NUMBER:
        if (!isfinite(d->number))
            return glca_error_set(err, GLCA_EPARSE, &d->loc, "'%s' is not a finite number",
                                  d->name);
        if (!string) {
            snprintf(text, sizeof text, "%.17g", d->number);
            string = text;
        }
        break;
    case GLCA_VALUE_BOOL:
        if (!string)
            string = d->boolean ? "true" : "false";
        break;
    case GLCA_VALUE_STRING:
        if (!string)
            return glca_error_set(err, GLCA_EPARSE, &d->loc, "'%s' has no value", d->name);
        break;
    default:
        return glca_error_set(err, GLCA_ERROR, &d->loc, "invalid value kind");
    }
    if (!copy(p, d->name, &c.name) || !copy(p, string, &c.string) ||
        !copy(p, d->unit, &c.unit) || !copy_loc(p, &d->loc, &c.loc) ||
        glca_engine__reserve(&p->declares, &p->capdeclares, p->ndeclares,
                             sizeof *p->declares) < 0)
        return glca_error_oom(err);
    p->declares[p->ndeclares++] = c;
    return 0;
}

const char *glca_product_id(const glca_product *p)
{
    return p->id;
}

const char *glca_product_name(const glca_product *p)
{
    return p->name;
}

const char *glca_product_category(const glca_product *p)
{
    return p->category;
}

const char *glca_product_functional_unit(const glca_product *p)
{
    return p->functional_unit;
}

glca_srcloc glca_product_loc(const glca_product *p)
{
    return p->loc;
}

const glca_product_line *glca_product_lines(const glca_product *p, size_t *n)
{
    *n = p->nlines;
    return p->lines;
}

const glca_material *glca_product_materials(const glca_product *p, size_t *n)
{
    *n = p->nmaterials;
    return p->materials;
}

const glca_substance *glca_product_substances(const glca_product *p, size_t *n)
{
    *n = p->nsubstances;
    return p->substances;
}

const glca_declare *glca_product_declares(const glca_product *p, size_t *n)
{
    *n = p->ndeclares;
    return p->declares;
}
