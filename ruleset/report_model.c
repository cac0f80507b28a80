/*
 * Computes the report model from a bound product, its background, impacts and verdict.  Line
 * contributions are the very terms glca_evaluate sums (amount × Lambda, or amount × CF), so they
 * add up to the stage totals exactly as the impact table shows, and need no solve; the model
 * therefore works on a background restored from the Lambda cache too.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *glca_ruleset__stage_zh(glca_stage s)
{
    static const char *const zh[GLCA_NSTAGES] = {"原材料获取", "生产制造", "运输/分销", "使用",
                                                 "废弃/回收处理"};

    return (unsigned)s < GLCA_NSTAGES ? zh[s] : "";
}

/* Root element's id and version: the first element, nothing further is read. */
static int read_root_ids(glca_report_source *src, glca_error *err)
{
    glca_xml *x = NULL;
    const char *v;
    int rc;

    if ((rc = glca_xml_open(&x, src->path, NULL, err)) < 0)
        return rc;
    if ((rc = glca_xml_next(x, err)) < 0)
        goto cleanup;
    if (rc == GLCA_XML_START) {
        if ((v = glca_xml_attr(x, "id")))
            snprintf(src->id, sizeof src->id, "%s", v);
        if ((v = glca_xml_attr(x, "version")))
            snprintf(src->version, sizeof src->version, "%s", v);
    }
    rc = 0;
cleanup:
    glca_xml_free(x);
    return rc;
}

static int add_source(glca_report_model *m, const char *role, const char *path, glca_error *err)
{
    glca_report_source *s = &m->sources[m->nsources];
    unsigned char digest[GLCA_SHA256_SIZE];
    int rc;

    if (!path)
        return 0;
    memset(s, 0, sizeof *s);
    s->role = role;
    s->path = path;
    if ((rc = glca_sha256_file(digest, path, err)) < 0)
        return rc;
    glca_sha256_hex(digest, s->sha256);
    if ((rc = read_root_ids(s, err)) < 0)
        return rc;
    m->nsources++;
    return 0;
}

static int collect_sources(glca_report_model *m, const glca_report_input *in, glca_error *err)
{
    size_t i;
    int rc;

    m->sources = glca_calloc(in->ninventories + 3, sizeof *m->sources);
    if (!m->sources)
        return glca_error_oom(err);
    if ((rc = add_source(m, "product", in->product_path, err)) < 0)
        return rc;
    for (i = 0; i < in->ninventories; i++)
        if ((rc = add_source(m, "inventory", in->inventory_paths[i], err)) < 0)
            return rc;
    if ((rc = add_source(m, "method", in->method_path, err)) < 0)
        return rc;
    if (in->ruleset)
        return add_source(m, "ruleset", glca_ruleset_path(in->ruleset), err);
    return 0;
}

static double line_term(const glca_background *bg, const glca_product_line *l, size_t c)
{
    size_t n = glca_background_nprocesses(bg), k = glca_background_ncategories(bg);

    if (l->kind == GLCA_LINE_EMISSION)
        return l->amount_ref * glca_background_cf(bg)[(size_t)l->index * k + c];
    return l->amount_ref * glca_background_lambda(bg)[c * n + (size_t)l->index];
}

/* Insertion of line l into category c's top list, largest |value| first, ties in file order. */
static void rank_line(glca_report_model *m, size_t c, size_t l, size_t ntop)
{
    size_t *top = m->top + c * ntop, *cnt = &m->ntop[c], pos;
    double v = fabs(m->line_value[c * m->nlines + l]);

    if (v == 0)
        return;
    for (pos = *cnt; pos > 0 && fabs(m->line_value[c * m->nlines + top[pos - 1]]) < v; pos--)
        ;
    if (pos >= ntop)
        return;
    if (*cnt < ntop)
        (*cnt)++;
    memmove(top + pos + 1, top + pos, (*cnt - 1 - pos) * sizeof *top);
    top[pos] = l;
}

static int compute_contributions(glca_report_model *m, const glca_report_input *in,
                                 glca_error *err)
{
    const glca_product_line *lines = glca_product_lines(in->product, &m->nlines);
    size_t ntop = in->top_lines ? in->top_lines : 5, c, l;
    int s;

    m->totals = glca_calloc(m->k, sizeof *m->totals);
    m->line_value = glca_calloc(m->k * (m->nlines ? m->nlines : 1), sizeof *m->line_value);
    m->top = glca_calloc(m->k * ntop, sizeof *m->top);
    m->ntop = glca_calloc(m->k, sizeof *m->ntop);
    m->dominant = glca_calloc(m->k, sizeof *m->dominant);
    if (!m->totals || !m->line_value || !m->top || !m->ntop || !m->dominant)
        return glca_error_oom(err);
    glca_impacts_totals(m->k, in->impacts, m->totals);
    for (l = 0; l < m->nlines; l++)
        m->lines_per_stage[lines[l].stage]++;
    for (c = 0; c < m->k; c++) {
        double best = 0;

        m->dominant[c] = -1;
        for (s = 0; s < GLCA_NSTAGES; s++) {
            double v = fabs(in->impacts[c * GLCA_NSTAGES + s]);

            if (v > best) {
                best = v;
                m->dominant[c] = s;
            }
        }
        for (l = 0; l < m->nlines; l++) {
            m->line_value[c * m->nlines + l] = line_term(in->bg, &lines[l], c);
            rank_line(m, c, l, ntop);
        }
    }
    return 0;
}

int glca_ruleset__report_model(glca_report_model *m, const glca_report_input *in,
                               glca_error *err)
{
    const glca_material *mats;
    size_t i;
    int rc;

    memset(m, 0, sizeof *m);
    m->in = in;
    m->k = glca_background_ncategories(in->bg);
    mats = glca_product_materials(in->product, &m->nmaterials);
    for (i = 0; i < m->nmaterials; i++) {
        m->mass_kg += mats[i].mass_kg;
        if (mats[i].recyclable)
            m->recyclable_kg += mats[i].mass_kg;
        m->recycled_kg += mats[i].mass_kg * mats[i].recycled_content;
    }
    if ((rc = collect_sources(m, in, err)) < 0)
        return rc;
    return compute_contributions(m, in, err);
}

void glca_ruleset__report_model_free(glca_report_model *m)
{
    glca_free(m->sources);
    glca_free(m->totals);
    glca_free(m->line_value);
    glca_free(m->top);
    glca_free(m->ntop);
    glca_free(m->dominant);
    memset(m, 0, sizeof *m);
}
