/*
 * The review sheet of a ruleset (`greenlca ruleset explain`): every basic requirement and
 * indicator in plain English and Chinese, with its unit, comparator, baselines and their
 * conditions, and each threshold's basis and source.  It is what an assessor holds next to the
 * purchased standard to confirm each number, so it shows the rules as written, not a verdict.
 * The CSV form has one row per threshold (a requirement or report indicator without one gets a
 * single row with the threshold columns empty), for a spreadsheet.
 */
#include "report_int.h"
#include "ruleset_int.h"

#include <stdio.h>
#include <string.h>

static const char *attribute_zh(glca_attribute a)
{
    static const char *const zh[] = {"",         "资源属性", "能源属性",
                                     "环境属性", "产品属性", "品质属性"};

    return (size_t)a < sizeof zh / sizeof zh[0] ? zh[a] : "";
}

/* "at least 80 %" / "不低于 80 %": what the comparator asks of the value, in words. */
static void requirement(char *en, char *zh, size_t size, const glca_ruleset__rule *r,
                        const glca_rule_value *b)
{
    static const char *const words_en[] = {"at least", "at most", "more than", "less than",
                                           "equal to"};
    static const char *const words_zh[] = {"不低于", "不高于", "高于", "低于", "等于"};
    const char *unit = r->unit ? r->unit : "", *sep = r->unit ? " " : "";

    if (r->kind == GLCA_ITEM_BASIC || (b && b->kind == GLCA_VALUE_BOOL)) {
        bool want = !b || b->boolean;

        snprintf(en, size, "must be %s", want ? "true (declared with evidence)" : "false");
        snprintf(zh, size, "%s", want ? "须满足（申报并提供证据）" : "须为否");
    } else if (r->comparator == GLCA_CMP_REPORT || !b) {
        snprintf(en, size, "reported only (not judged)");
        snprintf(zh, size, "仅报告，不作判定");
    } else {
        snprintf(en, size, "%s %s%s%s", words_en[r->comparator], b->string, sep, unit);
        snprintf(zh, size, "%s %s%s%s", words_zh[r->comparator], b->string, sep, unit);
    }
}

static void text_threshold(FILE *f, const glca_ruleset__rule *r, const glca_ruleset__baseline *b)
{
    char en[300], zh[300];

    requirement(en, zh, sizeof en, r, &b->value);
    if (b->when)
        fprintf(f, "      when 当 %s:\n  ", b->when->text);
    fprintf(f, "      requirement 要求: %s / %s\n", en, zh);
    fprintf(f, "%s      basis 依据: %s\n", b->when ? "  " : "",
            b->provisional ? "PROVISIONAL 暂定 (not confirmed against the published text)"
                           : "confirmed 已确认");
    fprintf(f, "%s      source 出处: %s\n", b->when ? "  " : "",
            b->source ? b->source : "(none given)");
}

static void text_rule(FILE *f, const glca_ruleset__rule *r)
{
    char en[300], zh[300];
    size_t i;

    if (r->kind == GLCA_ITEM_BASIC) {
        requirement(en, zh, sizeof en, r, NULL);
        fprintf(f, "  %s  basic requirement 基本要求 (line %ld)\n      %s\n", r->id, r->line,
                r->name);
        fprintf(f, "      check 检查: %s — %s / %s\n", r->expr->text, en, zh);
        if (r->source)
            fprintf(f, "      source 出处: %s\n", r->source);
    } else {
        fprintf(f, "  %s  indicator 评价指标, %s %s", r->id, glca_attribute_name(r->attribute),
                attribute_zh(r->attribute));
        if (r->has_stage)
            fprintf(f, ", stage %s %s", glca_stage_name(r->stage),
                    glca_ruleset__stage_zh(r->stage));
        fprintf(f, " (line %ld)\n      %s\n", r->line, r->name);
        fprintf(f, "      value 数值: %s%s%s%s\n", r->expr->text, r->unit ? " [" : "",
                r->unit ? r->unit : "", r->unit ? "]" : "");
        fprintf(f, "      comparator 比较: %s\n", glca_comparator_name(r->comparator));
        if (r->comparator == GLCA_CMP_REPORT) {
            requirement(en, zh, sizeof en, r, NULL);
            fprintf(f, "      %s / %s\n", en, zh);
        }
        if (r->nbaselines > 1 || (r->nbaselines == 1 && r->baselines[0].when))
            fputs("      piecewise 分段: the first condition that holds applies; none: not "
                  "evaluable 依次判断，均不满足则无法评价\n",
                  f);
        for (i = 0; i < r->nbaselines; i++)
            text_threshold(f, r, &r->baselines[i]);
    }
    if (r->verification)
        fprintf(f, "      evidence 证据: %s\n", r->verification);
}

static void csv_row(FILE *f, const glca_ruleset *rs, const glca_ruleset__rule *r,
                    const glca_ruleset__baseline *b)
{
    char en[300], zh[300];
    const char *fields[] = {
        rs->id,
        rs->edition.number,
        glca_framework_name(rs->framework),
        r->id,
        glca_item_kind_name(r->kind),
        glca_attribute_name(r->attribute),
        attribute_zh(r->attribute),
        r->has_stage ? glca_stage_name(r->stage) : NULL,
        r->name,
        r->unit,
        r->expr->text,
        glca_comparator_name(r->comparator),
        b && b->when ? b->when->text : NULL,
        b ? b->value.string : NULL,
        b ? (b->provisional ? "provisional" : "confirmed") : NULL,
        b ? b->source : r->source,
        en,
        zh,
    };
    size_t i;

    requirement(en, zh, sizeof en, r, b ? &b->value : NULL);
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (i)
            fputc(',', f);
        glca_write_csv_field(f, fields[i]);
    }
    fputc('\n', f);
}

static void write_csv(FILE *f, const glca_ruleset *rs)
{
    size_t i, j;

    fputs("ruleset,edition,framework,id,kind,attribute,attribute_zh,stage,name,unit,value,"
          "comparator,condition,baseline,basis,source,requirement,requirement_zh\n",
          f);
    for (i = 0; i < rs->nrules; i++) {
        const glca_ruleset__rule *r = &rs->rules[i];

        if (r->nbaselines == 0)
            csv_row(f, rs, r, NULL);
        for (j = 0; j < r->nbaselines; j++)
            csv_row(f, rs, r, &r->baselines[j]);
    }
}

static void write_text(FILE *f, const glca_ruleset *rs)
{
    const glca_edition *e = &rs->edition;
    size_t i, j, thresholds = 0, provisional = 0;

    for (i = 0; i < rs->nrules; i++)
        for (j = 0; j < rs->rules[i].nbaselines; j++) {
            thresholds++;
            provisional += rs->rules[i].baselines[j].provisional;
        }
    fprintf(f, "Review sheet 审核清单: ruleset %s version %s (%s)\n", rs->id, rs->version,
            rs->path);
    fprintf(f, "framework 评价体系: %s — %s (%s)\n", glca_framework_name(rs->framework),
            glca_framework_name_zh(rs->framework),
            rs->framework == GLCA_FRAMEWORK_GREEN_PRODUCT ? "GB/T 33761-2017 绿色产品评价通则"
                                                          : "GB/T 32161-2015 生态设计产品评价通则");
    fprintf(f, "edition 标准版本: %s", e->number ? e->number : "(not stated)");
    if (e->year)
        fprintf(f, " (%d)", e->year);
    if (e->title)
        fprintf(f, " %s", e->title);
    fprintf(f, "\nin force 实施: from %s to %s\n", e->from[0] ? e->from : "(not stated)",
            e->to[0] ? e->to : "(open)");
    if (rs->standard)
        fprintf(f, "standard: %s\n", rs->standard);
    fprintf(f, "category 产品类别: %s; method: %s\n", rs->category,
            rs->method ? rs->method : "(any)");
    fprintf(f,
            "thresholds 阈值: %zu, of which %zu provisional 暂定 and %zu confirmed 已确认.\n"
            "A product is certified only if it meets every basic requirement and every "
            "indicator; missing data never pass.\n产品须满足全部基本要求和全部评价指标；"
            "数据缺失视为不满足。\n",
            thresholds, provisional, thresholds - provisional);
    for (i = 0; i < rs->nrules; i++) {
        fputc('\n', f);
        text_rule(f, &rs->rules[i]);
    }
}

int glca_ruleset_explain(FILE *f, const glca_ruleset *rs, glca_explain_format format,
                         glca_error *err)
{
    if (format == GLCA_EXPLAIN_CSV)
        write_csv(f, rs);
    else
        write_text(f, rs);
    if (ferror(f))
        return glca_error_set(err, GLCA_EIO, NULL, "writing the review sheet failed");
    return 0;
}
