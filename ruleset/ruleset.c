/*
 * A loaded ruleset: freeing, accessors, the names of its enumerations as written in files and
 * JSON, and the checks that a product and a background fit the ruleset.  Reading is in
 * ruleset_read.c, evaluation in verdict.c.
 */
#include "ruleset_int.h"

#include <string.h>

void glca_ruleset__rule_clear(glca_ruleset__rule *r)
{
    size_t i;

    glca_free(r->id);
    glca_free(r->name);
    glca_free(r->unit);
    glca_free(r->verification);
    glca_free(r->source);
    glca_ruleset__expr_free(r->expr);
    for (i = 0; i < r->nbaselines; i++) {
        glca_ruleset__expr_free(r->baselines[i].when);
        glca_free((char *)r->baselines[i].value.string);
        glca_free(r->baselines[i].source);
    }
    glca_free(r->baselines);
    memset(r, 0, sizeof *r);
}

void glca_ruleset_free(glca_ruleset *rs)
{
    size_t i;

    if (!rs)
        return;
    for (i = 0; i < rs->nrules; i++)
        glca_ruleset__rule_clear(&rs->rules[i]);
    glca_free(rs->rules);
    glca_free(rs->path);
    glca_free(rs->id);
    glca_free(rs->version);
    glca_free(rs->standard);
    glca_free(rs->category);
    glca_free(rs->method);
    glca_free((char *)rs->edition.number);
    glca_free((char *)rs->edition.title);
    glca_free(rs);
}

const char *glca_ruleset_id(const glca_ruleset *rs)
{
    return rs->id;
}

const char *glca_ruleset_version(const glca_ruleset *rs)
{
    return rs->version;
}

const char *glca_ruleset_standard(const glca_ruleset *rs)
{
    return rs->standard;
}

const char *glca_ruleset_category(const glca_ruleset *rs)
{
    return rs->category;
}

const char *glca_ruleset_method(const glca_ruleset *rs)
{
    return rs->method;
}

const char *glca_ruleset_path(const glca_ruleset *rs)
{
    return rs->path;
}

glca_framework glca_ruleset_framework(const glca_ruleset *rs)
{
    return rs->framework;
}

const glca_edition *glca_ruleset_edition(const glca_ruleset *rs)
{
    return &rs->edition;
}

const char *glca_framework_name(glca_framework f)
{
    return f == GLCA_FRAMEWORK_GREEN_PRODUCT ? "green-product" : "eco-design";
}

const char *glca_framework_name_zh(glca_framework f)
{
    return f == GLCA_FRAMEWORK_GREEN_PRODUCT ? "绿色产品" : "生态设计产品";
}

int glca_ruleset__parse_date(char out[11], const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, i;

    for (i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return GLCA_EPARSE;
    if (s[10])
        return GLCA_EPARSE;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1] ||
        (m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400))))
        return GLCA_EPARSE;
    memcpy(out, s, 11);
    return 0;
}

bool glca_ruleset__in_force(const glca_ruleset *rs, const char *date)
{
    /* ISO dates compare as strings. */
    return (!rs->from[0] || strcmp(rs->from, date) <= 0) &&
           (!rs->to[0] || strcmp(date, rs->to) <= 0);
}

size_t glca_ruleset_nitems(const glca_ruleset *rs)
{
    return rs->nrules;
}

int glca_ruleset_check_category(const glca_ruleset *rs, const glca_product *p, glca_error *err)
{
    const char *category = glca_product_category(p);
    glca_srcloc where = glca_product_loc(p);

    if (category && strcmp(category, rs->category) == 0)
        return 0;
    if (!category)
        return glca_error_set(err, GLCA_EPARSE, where.file ? &where : NULL,
                              "product '%s' has no category; ruleset '%s' (%s:%ld) is for "
                              "category '%s'",
                              glca_product_id(p), rs->id, rs->path, rs->line, rs->category);
    return glca_error_set(err, GLCA_EPARSE, where.file ? &where : NULL,
                          "product '%s' is in category '%s' but ruleset '%s' (%s:%ld) is for "
                          "category '%s'",
                          glca_product_id(p), category, rs->id, rs->path, rs->line, rs->category);
}

int glca_ruleset_check_method(const glca_ruleset *rs, const glca_background *bg, glca_error *err)
{
    const char *used = glca_background_method_id(bg);
    glca_srcloc where = {rs->path, rs->line, 0};

    if (!rs->method || (used && strcmp(used, rs->method) == 0))
        return 0;
    return glca_error_set(err, GLCA_EPARSE, &where,
                          "ruleset '%s' needs method '%s' but the assessment uses '%s'", rs->id,
                          rs->method, used ? used : "(none)");
}

const char *glca_item_kind_name(glca_item_kind k)
{
    return k == GLCA_ITEM_BASIC ? "basic" : "indicator";
}

const char *glca_attribute_name(glca_attribute a)
{
    static const char *const names[] = {NULL,          "resource", "energy",
                                        "environment", "product",  "quality"};

    return (size_t)a < sizeof names / sizeof names[0] ? names[a] : NULL;
}

const char *glca_comparator_name(glca_comparator c)
{
    static const char *const names[] = {">=", "<=", ">", "<", "==", "report"};

    return (size_t)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

const char *glca_outcome_name(glca_outcome o)
{
    static const char *const names[] = {"pass", "fail", "not-evaluable", "report"};

    return (size_t)o < sizeof names / sizeof names[0] ? names[o] : "?";
}

const char *glca_verdict_item_basis(const glca_verdict_item *it)
{
    if (it->kind != GLCA_ITEM_INDICATOR || it->comparator == GLCA_CMP_REPORT ||
        !it->baseline.present)
        return NULL;
    return it->provisional ? "provisional" : "confirmed";
}
