/*
 * The verdict and evaluation sections of the HTML report: what an assessor signs.  The badge
 * and its reasons carry the verdict's qualifier in English and Chinese, so a report whose
 * verdict rests on provisional thresholds cannot be read as a plain certification, and every
 * threshold in the tables shows its basis and source for checking against the purchased text.
 * The rest of the report is in report_html.c.
 */
#include "report_int.h"

#include <stdio.h>
#include <string.h>

glca_framework glca_ruleset__report_framework(const glca_report_input *in)
{
    if (in->verdict)
        return glca_verdict_framework(in->verdict);
    return in->ruleset ? glca_ruleset_framework(in->ruleset) : GLCA_FRAMEWORK_ECO_DESIGN;
}

static const char *badge_class(glca_verdict_status s)
{
    switch (s) {
    case GLCA_VERDICT_CERTIFIED:
        return "yes";
    case GLCA_VERDICT_CERTIFIED_PROVISIONAL:
        return "prov";
    default:
        return "no";
    }
}

/* The provisional thresholds the verdict rests on, each with its source. */
static void provisional_list(FILE *f, const glca_verdict *v)
{
    glca_verdict_status s = glca_verdict_get_status(v);
    glca_outcome decided =
        s == GLCA_VERDICT_CERTIFIED_PROVISIONAL ? GLCA_OUTCOME_PASS : GLCA_OUTCOME_FAIL;
    const glca_verdict_item *items;
    size_t n, i;

    if (s != GLCA_VERDICT_CERTIFIED_PROVISIONAL && s != GLCA_VERDICT_NOT_CERTIFIED_PROVISIONAL)
        return;
    fputs("<p>This verdict rests on provisional thresholds, not yet confirmed against the "
          "published standard; an assessor must confirm each before signing. "
          "本结论依据暂定阈值，签署前须逐项对照已发布标准确认：</p>\n<ul id=\"provisional\">\n",
          f);
    items = glca_verdict_items(v, &n);
    for (i = 0; i < n; i++) {
        const glca_verdict_item *it = &items[i];

        if (!it->provisional || it->outcome != decided)
            continue;
        fputs("<li><b>", f);
        glca_ruleset__html_esc(f, it->id);
        fputs("</b> ", f);
        glca_ruleset__html_esc(f, it->name);
        fputs(": baseline ", f);
        glca_ruleset__html_esc(f, it->baseline.string);
        if (it->unit) {
            fputc(' ', f);
            glca_ruleset__html_esc(f, it->unit);
        }
        fputs(" (provisional 暂定", f);
        if (it->source) {
            fputs("; source: ", f);
            glca_ruleset__html_esc(f, it->source);
        }
        fputs(")</li>\n", f);
    }
    fputs("</ul>\n", f);
}

void glca_ruleset__html_verdict(FILE *f, const glca_report_input *in)
{
    const glca_verdict *v = in->verdict;
    const char *std, *edition;

    fputs("<div class=\"section\" id=\"verdict\">\n<h2>Verdict 评价结论</h2>\n", f);
    if (!v) {
        fputs("<p>No ruleset was given: this is a life-cycle assessment without a certification "
              "verdict.</p>\n</div>\n",
              f);
        return;
    }
    fprintf(f, "<p><span class=\"badge %s\" id=\"badge\">",
            badge_class(glca_verdict_get_status(v)));
    glca_ruleset__html_esc(f, glca_verdict_label(v));
    fputs(" — ", f);
    glca_ruleset__html_esc(f, glca_verdict_label_zh(v));
    fputs("</span></p>\n", f);
    provisional_list(f, v);
    fputs("<p>Ruleset <code>", f);
    glca_ruleset__html_esc(f, glca_verdict_ruleset_id(v));
    fputs("</code> version <code>", f);
    glca_ruleset__html_esc(f, glca_verdict_ruleset_version(v));
    fprintf(f, "</code>, framework %s (%s, %s)", glca_framework_name(glca_verdict_framework(v)),
            glca_framework_name_zh(glca_verdict_framework(v)),
            glca_verdict_framework(v) == GLCA_FRAMEWORK_GREEN_PRODUCT ? "GB/T 33761-2017"
                                                                      : "GB/T 32161-2015");
    if ((edition = glca_verdict_edition(v))) {
        fputs(", edition ", f);
        glca_ruleset__html_esc(f, edition);
    }
    if ((std = glca_verdict_standard(v))) {
        fputs(", standard: ", f);
        glca_ruleset__html_esc(f, std);
    }
    fputs(".</p>\n", f);
    {
        size_t n, i;
        const char *const *reasons = glca_verdict_reasons(v, &n);

        if (n) {
            fputs("<p>Reasons 原因:</p>\n<ul id=\"reasons\">\n", f);
            for (i = 0; i < n; i++) {
                fputs("<li>", f);
                glca_ruleset__html_esc(f, reasons[i]);
                fputs("</li>\n", f);
            }
            fputs("</ul>\n", f);
        }
    }
    fputs("</div>\n", f);
}

static void items_table(FILE *f, const glca_verdict *v, glca_item_kind kind)
{
    const glca_verdict_item *items;
    size_t n, i;

    items = glca_verdict_items(v, &n);
    fputs("<table>\n<tr><th>id</th><th>item</th>", f);
    if (kind == GLCA_ITEM_INDICATOR)
        fputs("<th>attribute</th><th>stage</th><th>value</th><th>unit</th><th>rule</th>"
              "<th>baseline</th><th>basis</th>",
              f);
    fputs("<th>outcome</th><th>evidence</th></tr>\n", f);
    for (i = 0; i < n; i++) {
        const glca_verdict_item *it = &items[i];
        const char *outcome = glca_outcome_name(it->outcome);

        if (it->kind != kind)
            continue;
        fprintf(f, "<tr id=\"item-");
        glca_ruleset__html_esc(f, it->id);
        fputs("\"><td><b>", f);
        glca_ruleset__html_esc(f, it->id);
        fputs("</b></td><td>", f);
        glca_ruleset__html_esc(f, it->name ? it->name : "");
        fputs("</td>", f);
        if (kind == GLCA_ITEM_INDICATOR) {
            const char *attr = glca_attribute_name(it->attribute);
            const char *basis = glca_verdict_item_basis(it);

            fputs("<td>", f);
            glca_ruleset__html_esc(f, attr ? attr : "");
            fprintf(f, "</td><td>%s</td><td class=\"n\">",
                    it->has_stage ? glca_stage_name(it->stage) : "all");
            glca_ruleset__html_value(f, &it->value);
            fputs("</td><td>", f);
            glca_ruleset__html_esc(f, it->unit ? it->unit : "");
            fputs("</td><td>", f);
            glca_ruleset__html_esc(f, glca_comparator_name(it->comparator));
            fputs("</td><td class=\"n\">", f);
            glca_ruleset__html_value(f, &it->baseline);
            if (it->baseline_when) {
                fputs("<br><span class=\"small\">when ", f);
                glca_ruleset__html_esc(f, it->baseline_when);
                fputs("</span>", f);
            }
            fprintf(f, "</td><td class=\"%s\">%s", basis && it->provisional ? "not-evaluable" : "",
                    basis ? (it->provisional ? "provisional 暂定" : "confirmed 已确认") : "");
            if (basis && it->source) {
                fputs("<br><span class=\"small\">", f);
                glca_ruleset__html_esc(f, it->source);
                fputs("</span>", f);
            }
            fputs("</td>", f);
        }
        fprintf(f, "<td class=\"%s\">%s</td><td class=\"small\">", outcome, outcome);
        glca_ruleset__html_esc(f, it->reason);
        if (it->evidence && *it->evidence) {
            fputs("<br>", f);
            glca_ruleset__html_esc(f, it->evidence);
        }
        if (it->verification) {
            fputs("<br>verified by: ", f);
            glca_ruleset__html_esc(f, it->verification);
        }
        if (kind == GLCA_ITEM_BASIC && it->source) {
            fputs("<br>source: ", f);
            glca_ruleset__html_esc(f, it->source);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

void glca_ruleset__html_evaluation(FILE *f, const glca_report_input *in)
{
    fputs("<div class=\"section\" id=\"evaluation\">\n<h2>5. Evaluation 评价</h2>\n", f);
    if (!in->verdict) {
        fputs("<p>No ruleset was given.</p>\n</div>\n", f);
        return;
    }
    fputs("<h3>Basic requirements 基本要求</h3>\n", f);
    items_table(f, in->verdict, GLCA_ITEM_BASIC);
    fputs("<h3>Evaluation indicators 评价指标</h3>\n", f);
    items_table(f, in->verdict, GLCA_ITEM_INDICATOR);
    fputs("</div>\n", f);
}
