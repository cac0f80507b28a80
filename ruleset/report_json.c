/*
 * The self-evaluation report as one JSON object: the same content as the HTML report, with
 * every number at full precision, for tools that archive or compare reports.
 */
#include "report_int.h"


static void key(FILE *f, const char *k)
{
    glca_write_json_string(f, k);
    fputs(": ", f);
}

/* `"k": "v", ` — a string member followed by the separator for the next one. */
static void field(FILE *f, const char *k, const char *v)
{
    key(f, k);
    glca_write_json_string_or_null(f, v);
    fputs(", ", f);
}

static void product_json(FILE *f, const glca_report_model *m)
{
    const glca_product *p = m->in->product;
    const glca_declare *d;
    size_t n, i;

    fputs("\"product\": {", f);
    field(f, "id", glca_product_id(p));
    field(f, "name", glca_product_name(p));
    field(f, "category", glca_product_category(p));
    key(f, "functional_unit");
    glca_write_json_string_or_null(f, glca_product_functional_unit(p));
    fputs(", \"declared\": [", f);
    d = glca_product_declares(p, &n);
    for (i = 0; i < n; i++) {
        fputs(i ? ", {" : "{", f);
        field(f, "name", d[i].name);
        field(f, "value", d[i].string);
        key(f, "unit");
        glca_write_json_string_or_null(f, d[i].unit);
        fprintf(f, ", \"line\": %ld}", d[i].loc.line);
    }
    fputs("]}", f);
}

static void scope_json(FILE *f, const glca_report_model *m)
{
    int s;

    fputs("\"scope\": {\"boundary\": \"cradle to grave\", \"stages\": [", f);
    for (s = 0; s < GLCA_NSTAGES; s++) {
        fprintf(f, "%s{\"stage\": \"%s\", \"name_zh\": ", s ? ", " : "",
                glca_stage_name((glca_stage)s));
        glca_write_json_string_or_null(f, glca_ruleset__stage_zh((glca_stage)s));
        fprintf(f, ", \"lines\": %zu}", m->lines_per_stage[s]);
    }
    fputs("], \"method\": ", f);
    glca_write_json_string_or_null(f, glca_background_method_id(m->in->bg));
    fputs("}", f);
}

static void sources_json(FILE *f, const glca_report_model *m)
{
    size_t i;

    fputs("\"sources\": [", f);
    for (i = 0; i < m->nsources; i++) {
        const glca_report_source *s = &m->sources[i];

        fputs(i ? ", {" : "{", f);
        field(f, "role", s->role);
        field(f, "path", s->path);
        field(f, "id", s->id);
        field(f, "version", s->version);
        key(f, "sha256");
        glca_write_json_string_or_null(f, s->sha256);
        fputs("}", f);
    }
    fputs("]", f);
}

static void inventory_json(FILE *f, const glca_report_model *m)
{
    const glca_background *bg = m->in->bg;
    const glca_product_line *lines;
    const glca_material *mats;
    size_t n, i;

    fputs("\"inventory\": {", f);
    sources_json(f, m);
    fputs(", \"lines\": [", f);
    lines = glca_product_lines(m->in->product, &n);
    for (i = 0; i < n; i++) {
        const glca_product_line *l = &lines[i];
        int emission = l->kind == GLCA_LINE_EMISSION;

        fprintf(f, "%s{\"stage\": \"%s\", \"kind\": \"%s\", ", i ? ", " : "",
                glca_stage_name(l->stage),
                emission ? "emission" : l->kind == GLCA_LINE_MATERIAL ? "material" : "input");
        field(f, "ref", l->ref);
        key(f, "path");
        glca_write_json_string_or_null(f, l->path);
        fputs(", \"amount\": ", f);
        glca_write_json_number(f, l->amount);
        fputs(", ", f);
        key(f, "unit");
        glca_write_json_string_or_null(f, l->unit);
        fputs(", \"amount_ref\": ", f);
        glca_write_json_number(f, l->amount_ref);
        fputs(", ", f);
        key(f, "ref_unit");
        glca_write_json_string_or_null(f, emission ? glca_background_flow_unit(bg, (size_t)l->index)
                         : glca_background_process_unit(bg, (size_t)l->index));
        fprintf(f, ", \"line\": %ld}", l->loc.line);
    }
    fputs("], \"materials\": [", f);
    mats = glca_product_materials(m->in->product, &n);
    for (i = 0; i < n; i++) {
        fputs(i ? ", {" : "{", f);
        key(f, "path");
        glca_write_json_string_or_null(f, mats[i].path);
        fputs(", \"mass_kg\": ", f);
        glca_write_json_number(f, mats[i].mass_kg);
        fprintf(f, ", \"recyclable\": %s, \"recycled_content\": ",
                mats[i].recyclable ? "true" : "false");
        glca_write_json_number(f, mats[i].recycled_content);
        fputs("}", f);
    }
    fputs("], \"mass_kg\": ", f);
    glca_write_json_number(f, m->mass_kg);
    fputs("}", f);
}

static void interpretation_json(FILE *f, const glca_report_model *m)
{
    const glca_product_line *lines;
    size_t n, c, i, ntop = m->in->top_lines ? m->in->top_lines : 5;

    lines = glca_product_lines(m->in->product, &n);
    fputs("\"interpretation\": [", f);
    for (c = 0; c < m->k; c++) {
        fputs(c ? ", {" : "{", f);
        key(f, "category");
        glca_write_json_string_or_null(f, glca_background_category_id(m->in->bg, c));
        fputs(", \"dominant_stage\": ", f);
        glca_write_json_string_or_null(f, m->dominant[c] < 0 ? NULL : glca_stage_name((glca_stage)m->dominant[c]));
        fputs(", \"top_lines\": [", f);
        for (i = 0; i < m->ntop[c]; i++) {
            size_t l = m->top[c * ntop + i];

            fprintf(f, "%s{\"line\": %ld, \"stage\": \"%s\", ", i ? ", " : "",
                    lines[l].loc.line, glca_stage_name(lines[l].stage));
            key(f, "what");
            glca_write_json_string_or_null(f, lines[l].path ? lines[l].path : lines[l].ref);
            fputs(", \"impact\": ", f);
            glca_write_json_number(f, m->line_value[c * m->nlines + l]);
            fputs("}", f);
        }
        fputs("]}", f);
    }
    fputs("]", f);
}

int glca_report_write_json(FILE *f, const glca_report_input *in, glca_error *err)
{
    glca_report_model m;
    glca_assessment a = {in->product, in->bg, in->impacts};
    int rc;

    if ((rc = glca_ruleset__report_model(&m, in, err)) < 0)
        goto cleanup;
    fprintf(f, "{\"report\": \"self-evaluation\", \"greenlca\": \"%s\", ", GLCA_VERSION);
    field(f, "generated", in->generated);
    product_json(f, &m);
    fputs(", ", f);
    scope_json(f, &m);
    fputs(", ", f);
    inventory_json(f, &m);
    fputs(", ", f);
    if ((rc = glca_write_impacts_json(f, &a, err)) < 0)
        goto cleanup;
    fputs(", ", f);
    if (in->verdict) {
        if ((rc = glca_write_verdict_json(f, in->verdict, err)) < 0)
            goto cleanup;
    } else {
        fputs("\"verdict\": null", f);
    }
    fputs(", \"options\": {", f);
    key(f, "rules_date");
    glca_write_json_string_or_null(f, in->rules_date);
    fputs("}, ", f);
    interpretation_json(f, &m);
    fputs("}\n", f);
    if (ferror(f))
        rc = glca_error_set(err, GLCA_EIO, NULL, "cannot write the JSON report");
cleanup:
    glca_ruleset__report_model_free(&m);
    return rc;
}
