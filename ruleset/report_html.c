/*
 * The self-evaluation report as one self-contained HTML file: inline CSS, SVG bar charts embedded
 * as data: images, no scripts and nothing fetched, so it reads the same offline, printed, or
 * archived with the certification file.  It keeps to the HTML 4 element set (div, not section;
 * SVG inside <img>, not as <svg> elements) so that a strict HTML parser such as
 * `xmllint --html` accepts it without a complaint.  Sections follow the LCA report GB/T 32161
 * asks for (basic information, goal and scope, inventory, impact assessment, evaluation,
 * interpretation).
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void glca_ruleset__html_esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* Six significant digits: what an assessor reads; the JSON keeps every digit. */
static void num(FILE *f, double v)
{
    fprintf(f, "%.6g", v);
}

void glca_ruleset__html_value(FILE *f, const glca_rule_value *v)
{
    if (!v->present)
        fputs("—", f);
    else if (v->kind == GLCA_VALUE_NUMBER)
        num(f, v->number);
    else
        glca_ruleset__html_esc(f, v->string);
}

static const char style[] =
    "body{font-family:'Noto Sans','Noto Sans CJK SC',sans-serif;margin:2em auto;max-width:64em;"
    "color:#222;line-height:1.4}h1{font-size:1.6em;border-bottom:3px solid #2e7d32}"
    "h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.92em}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
    "th{background:#f1f5f1}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".pass{color:#1b5e20;font-weight:bold}.fail{color:#b71c1c;font-weight:bold}"
    ".not-evaluable{color:#e65100;font-weight:bold}.report{color:#0d47a1}"
    ".badge{display:inline-block;padding:.4em 1em;border-radius:.3em;color:#fff;font-size:1.2em}"
    ".yes{background:#2e7d32}.no{background:#c62828}.prov{background:#ef6c00}code{font-size:.9em}"
    ".small{font-size:.85em;color:#555}";

static void head(FILE *f, const glca_report_input *in)
{
    const char *name = glca_product_name(in->product);

    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    fputs("Self-evaluation report 自评价报告 — ", f);
    glca_ruleset__html_esc(f, name ? name : glca_product_id(in->product));
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
    if (glca_ruleset__report_framework(in) == GLCA_FRAMEWORK_GREEN_PRODUCT)
        fputs("<h1>Green product self-evaluation report<br>绿色产品自评价报告</h1>\n", f);
    else
        fputs("<h1>Eco-design product self-evaluation report<br>生态设计产品自评价报告</h1>\n", f);
}

static void product_section(FILE *f, const glca_report_input *in)
{
    const glca_product *p = in->product;
    const char *v;
    const glca_declare *d;
    size_t n, i;

    fputs(
        "<div class=\"section\" id=\"product\">\n<h2>1. Basic information 基本信息</h2>\n<table>\n",
        f);
    fputs("<tr><th>Product id</th><td><code>", f);
    glca_ruleset__html_esc(f, glca_product_id(p));
    fputs("</code></td></tr>\n", f);
    if ((v = glca_product_name(p))) {
        fputs("<tr><th>Name 产品名称</th><td>", f);
        glca_ruleset__html_esc(f, v);
        fputs("</td></tr>\n", f);
    }
    if ((v = glca_product_category(p))) {
        fputs("<tr><th>Category 产品类别</th><td>", f);
        glca_ruleset__html_esc(f, v);
        fputs("</td></tr>\n", f);
    }
    fputs("<tr><th>Functional unit 功能单位</th><td>", f);
    glca_ruleset__html_esc(f, (v = glca_product_functional_unit(p)) ? v : "not declared");
    fputs("</td></tr>\n</table>\n", f);
    d = glca_product_declares(p, &n);
    if (n) {
        fputs("<p>Declared data 申报数据 (manufacturer's declarations and test-report values):</p>\n"
              "<table>\n<tr><th>name</th><th>value</th><th>unit</th><th>source</th></tr>\n",
              f);
        for (i = 0; i < n; i++) {
            fputs("<tr><td><code>", f);
            glca_ruleset__html_esc(f, d[i].name);
            fputs("</code></td><td>", f);
            glca_ruleset__html_esc(f, d[i].string);
            fputs("</td><td>", f);
            glca_ruleset__html_esc(f, d[i].unit ? d[i].unit : "");
            fprintf(f, "</td><td class=\"small\">line %ld</td></tr>\n", d[i].loc.line);
        }
        fputs("</table>\n", f);
    }
    fputs("</div>\n", f);
}

static void scope_section(FILE *f, const glca_report_model *m)
{
    const glca_report_input *in = m->in;
    const char *fu;
    size_t c;
    int s;

    fputs("<div class=\"section\" id=\"goal-scope\">\n<h2>2. Goal and scope 目的与范围</h2>\n", f);
    fprintf(f,
            "<p>Goal: evaluate the product over its life cycle for the %s evaluation of %s, "
            "following GB/T 24040/24044. Functional unit: ",
            glca_ruleset__report_framework(in) == GLCA_FRAMEWORK_GREEN_PRODUCT ? "green-product"
                                                                             : "eco-design product",
            glca_ruleset__report_framework(in) == GLCA_FRAMEWORK_GREEN_PRODUCT ? "GB/T 33761"
                                                                             : "GB/T 32161");
    fu = glca_product_functional_unit(in->product);
    glca_ruleset__html_esc(f, fu ? fu : "not declared");
    fputs(".</p>\n<p>System boundary 系统边界: cradle to grave, five life-cycle stages.</p>\n"
          "<table>\n<tr><th>stage</th><th>阶段</th><th>lines in the model</th></tr>\n",
          f);
    for (s = 0; s < GLCA_NSTAGES; s++)
        fprintf(f, "<tr><td>%s</td><td>%s</td><td class=\"n\">%zu</td></tr>\n",
                glca_stage_name((glca_stage)s), glca_ruleset__stage_zh((glca_stage)s),
                m->lines_per_stage[s]);
    fputs("</table>\n<p>Cut-off rules 取舍原则: every line of the bill of materials and every "
          "declared stage input is included; background cut-offs are those documented with the "
          "inventory data. Allocation 分配: as in the background inventory (one reference "
          "product per process).</p>\n<p>Impact categories 影响类别 (method <code>",
          f);
    glca_ruleset__html_esc(f, glca_background_method_id(in->bg));
    fputs("</code>): ", f);
    for (c = 0; c < m->k; c++) {
        if (c)
            fputs("; ", f);
        glca_ruleset__html_esc(f, glca_background_category_name(in->bg, c));
        fputs(" (", f);
        glca_ruleset__html_esc(f, glca_background_category_unit(in->bg, c));
        fputs(")", f);
    }
    fputs(".</p>\n</div>\n", f);
}

static void sources_table(FILE *f, const glca_report_model *m)
{
    size_t i;

    fputs("<p>Data sources 数据来源 (SHA-256 of each file as read):</p>\n<table id=\"sources\">\n"
          "<tr><th>role</th><th>file</th><th>id</th><th>version</th><th>SHA-256</th></tr>\n",
          f);
    for (i = 0; i < m->nsources; i++) {
        const glca_report_source *s = &m->sources[i];

        fprintf(f, "<tr><td>%s</td><td><code>", s->role);
        glca_ruleset__html_esc(f, s->path);
        fputs("</code></td><td><code>", f);
        glca_ruleset__html_esc(f, s->id);
        fputs("</code></td><td>", f);
        glca_ruleset__html_esc(f, s->version);
        fprintf(f, "</td><td class=\"small\"><code>%s</code></td></tr>\n", s->sha256);
    }
    fputs("</table>\n", f);
}

static void lines_table(FILE *f, const glca_report_model *m)
{
    const glca_background *bg = m->in->bg;
    const glca_product_line *lines;
    size_t n, i;

    lines = glca_product_lines(m->in->product, &n);
    fputs("<p>Product lines 产品清单 (in reference units of the background):</p>\n<table>\n"
          "<tr><th>stage</th><th>kind</th><th>process / flow</th><th>component path</th>"
          "<th>amount</th><th>unit</th><th>in reference unit</th><th>ref. unit</th>"
          "<th>line</th></tr>\n",
          f);
    for (i = 0; i < n; i++) {
        const glca_product_line *l = &lines[i];
        int emission = l->kind == GLCA_LINE_EMISSION;

        fprintf(f, "<tr><td>%s</td><td>%s</td><td><code>", glca_stage_name(l->stage),
                emission ? "emission" : l->kind == GLCA_LINE_MATERIAL ? "material" : "input");
        glca_ruleset__html_esc(f, l->ref);
        fputs("</code></td><td>", f);
        glca_ruleset__html_esc(f, l->path ? l->path : "");
        fputs("</td><td class=\"n\">", f);
        num(f, l->amount);
        fputs("</td><td>", f);
        glca_ruleset__html_esc(f, l->unit);
        fputs("</td><td class=\"n\">", f);
        num(f, l->amount_ref);
        fputs("</td><td>", f);
        glca_ruleset__html_esc(f, emission ? glca_background_flow_unit(bg, (size_t)l->index)
                        : glca_background_process_unit(bg, (size_t)l->index));
        fprintf(f, "</td><td class=\"small\">%ld</td></tr>\n", l->loc.line);
    }
    fputs("</table>\n", f);
}

static void materials_table(FILE *f, const glca_report_model *m)
{
    const glca_material *mats;
    const glca_substance *subs;
    size_t n, ns, i, j;

    mats = glca_product_materials(m->in->product, &n);
    subs = glca_product_substances(m->in->product, &ns);
    if (!n)
        return;
    fputs("<p>Materials 材料 (mass includes the quantities of enclosing components):</p>\n"
          "<table>\n<tr><th>component path</th><th>name</th><th>mass (kg)</th>"
          "<th>recyclable</th><th>recycled content</th><th>declared substances (ppm)</th></tr>\n",
          f);
    for (i = 0; i < n; i++) {
        fputs("<tr><td><code>", f);
        glca_ruleset__html_esc(f, mats[i].path);
        fputs("</code></td><td>", f);
        glca_ruleset__html_esc(f, mats[i].name ? mats[i].name : "");
        fputs("</td><td class=\"n\">", f);
        num(f, mats[i].mass_kg);
        fprintf(f, "</td><td>%s</td><td class=\"n\">%.4g %%</td><td>",
                mats[i].recyclable ? "yes" : "no", mats[i].recycled_content * 100);
        for (j = 0; j < mats[i].nsubstances; j++) {
            const glca_substance *s = &subs[mats[i].first_substance + j];

            if (j)
                fputs("; ", f);
            glca_ruleset__html_esc(f, s->name ? s->name : s->cas);
            fputs(" (", f);
            glca_ruleset__html_esc(f, s->cas);
            fputs(") ", f);
            num(f, s->ppm);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<p>Total mass ", f);
    num(f, m->mass_kg);
    fputs(" kg; recyclable share ", f);
    num(f, m->mass_kg > 0 ? 100 * m->recyclable_kg / m->mass_kg : 0);
    fputs(" %; recycled content ", f);
    num(f, m->mass_kg > 0 ? 100 * m->recycled_kg / m->mass_kg : 0);
    fputs(" % (mass-weighted).</p>\n", f);
}

/* One horizontal bar per stage, scaled to the largest magnitude, negatives left of the axis. */
static void stage_svg(FILE *f, const glca_report_model *m, size_t c)
{
    const double *row = m->in->impacts + c * GLCA_NSTAGES;
    const int w = 640, label = 150, bar_h = 22, gap = 6, value_w = 110;
    double lo = 0, hi = 0, span, zero;
    int s, plot = w - label - value_w;

    for (s = 0; s < GLCA_NSTAGES; s++) {
        lo = fmin(lo, row[s]);
        hi = fmax(hi, row[s]);
    }
    span = hi - lo > 0 ? hi - lo : 1;
    zero = label + plot * (-lo / span);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">",
            w, GLCA_NSTAGES * (bar_h + gap) + gap);
    fputs("<title>", f);
    glca_ruleset__html_esc(f, glca_background_category_id(m->in->bg, c));
    fputs(" by life-cycle stage</title>\n", f);
    for (s = 0; s < GLCA_NSTAGES; s++) {
        double x0 = zero, x1 = zero + plot * (row[s] / span);
        int y = gap + s * (bar_h + gap);

        fprintf(f, "<text x=\"0\" y=\"%d\" font-size=\"13\">%s</text>", y + 16,
                glca_stage_name((glca_stage)s));
        fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                fmin(x0, x1), y, fabs(x1 - x0), bar_h, row[s] < 0 ? "#1565c0" : "#2e7d32");
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%.4g</text>\n", w - value_w + 8,
                y + 16, row[s]);
    }
    fprintf(f, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\"/></svg>\n", zero,
            zero, GLCA_NSTAGES * (bar_h + gap) + gap);
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i + 2 < n; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 | p[i + 2];

        fputc(digits[v >> 18 & 63], f);
        fputc(digits[v >> 12 & 63], f);
        fputc(digits[v >> 6 & 63], f);
        fputc(digits[v & 63], f);
    }
    if (i < n) {
        unsigned long v =
            (unsigned long)p[i] << 16 | (i + 1 < n ? (unsigned long)p[i + 1] << 8 : 0);

        fputc(digits[v >> 18 & 63], f);
        fputc(digits[v >> 12 & 63], f);
        fputc(i + 1 < n ? digits[v >> 6 & 63] : '=', f);
        fputc('=', f);
    }
}

/* The chart as an <img> with the SVG in a data: URI, so the file stays self-contained. */
static int stage_chart(FILE *f, const glca_report_model *m, size_t c, glca_error *err)
{
    char *svg = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&svg, &len);

    if (!mem)
        return glca_error_oom(err);
    stage_svg(mem, m, c);
    if (fclose(mem) != 0) {
        free(svg);
        return glca_error_oom(err);
    }
    fputs("<img alt=\"", f);
    glca_ruleset__html_esc(f, glca_background_category_id(m->in->bg, c));
    fputs(" by life-cycle stage\" src=\"data:image/svg+xml;base64,", f);
    base64(f, (const unsigned char *)svg, len);
    fputs("\">\n", f);
    free(svg); /* open_memstream allocates with malloc */
    return 0;
}

static int impacts_section(FILE *f, const glca_report_model *m, glca_error *err)
{
    const glca_background *bg = m->in->bg;
    size_t c;
    int s, rc;

    fputs("<div class=\"section\" id=\"impacts\">\n<h2>4. Impact assessment 影响评价</h2>\n<table>\n"
          "<tr><th>category</th><th>unit</th>",
          f);
    for (s = 0; s < GLCA_NSTAGES; s++)
        fprintf(f, "<th>%s<br>%s</th>", glca_stage_name((glca_stage)s),
                glca_ruleset__stage_zh((glca_stage)s));
    fputs("<th>total</th></tr>\n", f);
    for (c = 0; c < m->k; c++) {
        fputs("<tr><td>", f);
        glca_ruleset__html_esc(f, glca_background_category_name(bg, c));
        fputs("</td><td>", f);
        glca_ruleset__html_esc(f, glca_background_category_unit(bg, c));
        fputs("</td>", f);
        for (s = 0; s < GLCA_NSTAGES; s++) {
            fputs("<td class=\"n\">", f);
            num(f, m->in->impacts[c * GLCA_NSTAGES + s]);
            fputs("</td>", f);
        }
        fputs("<td class=\"n\"><b>", f);
        num(f, m->totals[c]);
        fputs("</b></td></tr>\n", f);
    }
    fputs("</table>\n", f);
    for (c = 0; c < m->k; c++) {
        fputs("<div class=\"figure\"><p>", f);
        glca_ruleset__html_esc(f, glca_background_category_name(bg, c));
        fputs(" (", f);
        glca_ruleset__html_esc(f, glca_background_category_unit(bg, c));
        fputs(") by stage</p>\n", f);
        if ((rc = stage_chart(f, m, c, err)) < 0)
            return rc;
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
    return 0;
}

static void interpretation_section(FILE *f, const glca_report_model *m)
{
    const glca_background *bg = m->in->bg;
    const glca_product_line *lines;
    size_t n, c, i;

    lines = glca_product_lines(m->in->product, &n);
    fputs("<div class=\"section\" id=\"interpretation\">\n<h2>6. Interpretation and improvement "
          "结果解释与改进建议</h2>\n",
          f);
    for (c = 0; c < m->k; c++) {
        int d = m->dominant[c];

        fputs("<p><b>", f);
        glca_ruleset__html_esc(f, glca_background_category_name(bg, c));
        fputs("</b>: ", f);
        if (d < 0) {
            fputs("no impact in any stage.</p>\n", f);
            continue;
        }
        fprintf(f, "the %s stage (%s) dominates with ", glca_stage_name((glca_stage)d),
                glca_ruleset__stage_zh((glca_stage)d));
        num(f, m->totals[c] != 0 ? 100 * m->in->impacts[c * GLCA_NSTAGES + d] / m->totals[c] : 0);
        fputs(" % of the total. Largest lines — the first places to look for improvement:</p>\n"
              "<table>\n<tr><th>#</th><th>stage</th><th>line</th><th>impact</th>"
              "<th>share of total</th></tr>\n",
              f);
        for (i = 0; i < m->ntop[c]; i++) {
            size_t l = m->top[c * (m->in->top_lines ? m->in->top_lines : 5) + i];
            double v = m->line_value[c * m->nlines + l];

            fprintf(f, "<tr><td>%zu</td><td>%s</td><td><code>", i + 1,
                    glca_stage_name(lines[l].stage));
            glca_ruleset__html_esc(f, lines[l].path ? lines[l].path : lines[l].ref);
            fputs("</code></td><td class=\"n\">", f);
            num(f, v);
            fputs("</td><td class=\"n\">", f);
            num(f, m->totals[c] != 0 ? 100 * v / m->totals[c] : 0);
            fputs(" %</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    if (m->in->verdict) {
        size_t nr;
        const char *const *reasons = glca_verdict_reasons(m->in->verdict, &nr);

        if (nr) {
            fputs("<p>Items to address before certification:</p>\n<ul>\n", f);
            for (i = 0; i < nr; i++) {
                fputs("<li>", f);
                glca_ruleset__html_esc(f, reasons[i]);
                fputs("</li>\n", f);
            }
            fputs("</ul>\n", f);
        }
    }
    fputs("</div>\n", f);
}

int glca_report_write_html(FILE *f, const glca_report_input *in, glca_error *err)
{
    glca_report_model m;
    int rc;

    if ((rc = glca_ruleset__report_model(&m, in, err)) < 0)
        goto cleanup;
    head(f, in);
    glca_ruleset__html_verdict(f, in);
    product_section(f, in);
    scope_section(f, &m);
    fputs("<div class=\"section\" id=\"inventory\">\n<h2>3. Life-cycle inventory 生命周期清单</h2>\n", f);
    sources_table(f, &m);
    lines_table(f, &m);
    materials_table(f, &m);
    fputs("</div>\n", f);
    if ((rc = impacts_section(f, &m, err)) < 0)
        goto cleanup;
    glca_ruleset__html_evaluation(f, in);
    interpretation_section(f, &m);
    fprintf(f, "<div class=\"small footer\"><p>Generated by greenlca %s", GLCA_VERSION);
    if (in->generated) {
        fputs(" on ", f);
        glca_ruleset__html_esc(f, in->generated);
    }
    fputs(". Baselines are those of the ruleset file named above; the evaluation tables give "
          "each threshold's basis (provisional: not yet confirmed against the published "
          "standard; 暂定阈值) and source.</p></div>\n"
          "</body>\n</html>\n",
          f);
    if (ferror(f))
        rc = glca_error_set(err, GLCA_EIO, NULL, "cannot write the HTML report");
cleanup:
    glca_ruleset__report_model_free(&m);
    return rc;
}
