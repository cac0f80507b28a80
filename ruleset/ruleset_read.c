/*
 * Reader of ruleset files (FORMATS.md "Ruleset", urn:greenlca:ruleset:1) through the safe XML
 * reader of inventories.h.  It checks everything that can be checked without a product:
 * element and attribute names, attribute values (first-level attribute, stage, comparator,
 * baseline literals), duplicate ids, that every pass/fail indicator has a baseline and every
 * baseline can apply, and it compiles every expression with its static type checks.
 * The root element (framework, edition) and each threshold's basis and source are read by
 * ruleset_read_root.c.
 *
 * Problems in one rule are reported and the rule is skipped, so a single run lists every
 * problem of the file; malformed XML stops the reading.  Expression errors carry the line of
 * their element; the message gives the character offset within the expression, because the
 * XML reader knows where an element starts, not where each attribute value does.
 */
#include "ruleset_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef glca_ruleset__reader reader;

/* Report a problem already in `e`; returns its code. */
int glca_ruleset__problem(reader *r, const glca_error *e)
{
    return glca_diag_report(&r->sink, e);
}

/* A problem of the file's content at `line` (0: the current element); GLCA_EPARSE. */
int glca_ruleset__complain_at(reader *r, long line, const char *fmt, ...)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc where = glca_xml_loc(r->x);
    char msg[256];
    va_list ap;

    if (line > 0) {
        where.line = line;
        where.column = 0;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    glca_error_set(&e, GLCA_EPARSE, &where, "%s", msg);
    return glca_ruleset__problem(r, &e);
}

/* glca_xml_next / glca_xml_skip, remembering that the document is broken when they fail. */
static int next(reader *r)
{
    glca_error e = GLCA_ERROR_INIT;
    int ev = glca_xml_next(r->x, &e);

    if (ev < 0) {
        r->broken = true;
        return glca_ruleset__problem(r, &e);
    }
    return ev;
}

static int skip(reader *r)
{
    glca_error e = GLCA_ERROR_INIT;

    if (glca_xml_skip(r->x, &e) < 0) {
        r->broken = true;
        return glca_ruleset__problem(r, &e);
    }
    return 0;
}

/* Reads events up to the end of the current element, which must have no children. */
static int expect_no_children(reader *r)
{
    char parent[64];
    int ev, rc;

    snprintf(parent, sizeof parent, "%s", glca_xml_name(r->x));
    for (;;) {
        if ((ev = next(r)) < 0)
            return ev;
        if (ev == GLCA_XML_END)
            return 0;
        if (ev == GLCA_XML_EOF)
            return glca_ruleset__complain_at(r, 0, "unexpected end of file inside <%s>", parent);
        glca_ruleset__complain_at(r, 0, "unexpected element <%s> inside <%s>", glca_xml_name(r->x),
                                  parent);
        if ((rc = skip(r)) < 0)
            return rc;
    }
}

static int parse_attribute(const char *s, glca_attribute *out)
{
    glca_attribute a;

    for (a = GLCA_ATTRIBUTE_RESOURCE; a <= GLCA_ATTRIBUTE_QUALITY; a++)
        if (strcmp(s, glca_attribute_name(a)) == 0) {
            *out = a;
            return 0;
        }
    return GLCA_ENOTFOUND;
}

static int parse_comparator(const char *s, glca_comparator *out)
{
    glca_comparator c;

    for (c = GLCA_CMP_GE; c <= GLCA_CMP_REPORT; c++)
        if (strcmp(s, glca_comparator_name(c)) == 0) {
            *out = c;
            return 0;
        }
    return GLCA_ENOTFOUND;
}

static int compile(reader *r, glca_ruleset__expr **out, const char *text, const char *what)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_srcloc where = glca_xml_loc(r->x);

    if (glca_ruleset__expr_compile(out, text, what, &where, &e) < 0)
        return glca_ruleset__problem(r, &e);
    return 0;
}

/* A baseline literal: a number, true or false.  The text is kept as written for reports. */
static int read_baseline_value(reader *r, const char *attr, glca_rule_value *out)
{
    glca_error e = GLCA_ERROR_INIT;
    const char *text = glca_xml_attr(r->x, attr);

    memset(out, 0, sizeof *out);
    out->present = true;
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
        out->kind = GLCA_VALUE_BOOL;
        out->boolean = text[0] == 't';
    } else {
        out->kind = GLCA_VALUE_NUMBER;
        if (glca_xml_attr_double(r->x, attr, true, 0, &out->number, &e) < 0)
            return glca_ruleset__problem(r, &e);
    }
    if (!(out->string = glca_strdup(glca_xml_attr(r->x, attr))))
        return glca_error_oom(r->sink.err);
    return 0;
}

static int add_baseline(reader *r, glca_ruleset__rule *rule, const glca_ruleset__baseline *b)
{
    glca_ruleset__baseline *grown =
        glca_reallocarray(rule->baselines, rule->nbaselines + 1, sizeof *grown);

    if (!grown)
        return glca_error_oom(r->sink.err);
    rule->baselines = grown;
    rule->baselines[rule->nbaselines++] = *b;
    return 0;
}

static int read_baseline_element(reader *r, glca_ruleset__rule *rule)
{
    static const char *const allowed[] = {"when", "value", "basis", "source", NULL};
    glca_ruleset__baseline b;
    glca_error e = GLCA_ERROR_INIT;
    const char *when, *value;
    int rc;

    memset(&b, 0, sizeof b);
    b.line = glca_xml_loc(r->x).line;
    if (glca_xml_check_attrs(r->x, allowed, &e) < 0 ||
        glca_xml_attr_required(r->x, "value", &value, &e) < 0)
        return glca_ruleset__problem(r, &e);
    (void)value;
    if (rule->nbaselines > 0 && !rule->baselines[rule->nbaselines - 1].when)
        return glca_ruleset__complain_at(
            r, 0,
            "this baseline can never apply: the baseline at line %ld has no "
            "condition and comes first",
            rule->baselines[rule->nbaselines - 1].line);
    if ((rc = glca_ruleset__read_basis(r, rule->provisional, rule->source, &b.provisional,
                                       &b.source)) < 0)
        return rc;
    if ((when = glca_xml_attr(r->x, "when")) && (rc = compile(r, &b.when, when, "when")) < 0) {
        glca_free(b.source);
        return rc;
    }
    if (b.when) {
        glca_ruleset__type t = glca_ruleset__expr_type(b.when);

        if (t != GLCA_RULESET__TYPE_ANY && t != GLCA_RULESET__TYPE_BOOL) {
            glca_ruleset__expr_free(b.when);
            glca_free(b.source);
            return glca_ruleset__complain_at(r, 0,
                                             "a baseline condition must be true/false, not a %s",
                                             glca_ruleset__type_name(t));
        }
    }
    if ((rc = read_baseline_value(r, "value", &b.value)) < 0 ||
        (rc = add_baseline(r, rule, &b)) < 0) {
        glca_ruleset__expr_free(b.when);
        glca_free((char *)b.value.string);
        glca_free(b.source);
        return rc;
    }
    return 0;
}

/* The value's static type against the comparator and the baselines' kinds. */
static int check_indicator(reader *r, const glca_ruleset__rule *rule)
{
    glca_ruleset__type t = glca_ruleset__expr_type(rule->expr);
    size_t i;

    if (rule->comparator == GLCA_CMP_REPORT) {
        if (rule->nbaselines)
            return glca_ruleset__complain_at(
                r, rule->line, "indicator '%s' has comparator 'report', which takes no baseline",
                rule->id);
        return 0;
    }
    if (rule->nbaselines == 0)
        return glca_ruleset__complain_at(
            r, rule->line,
            "indicator '%s' has no baseline (comparator '%s' needs a baseline "
            "attribute or <baseline> elements)",
            rule->id, glca_comparator_name(rule->comparator));
    for (i = 0; i < rule->nbaselines; i++) {
        const glca_rule_value *b = &rule->baselines[i].value;
        glca_ruleset__type bt =
            b->kind == GLCA_VALUE_BOOL ? GLCA_RULESET__TYPE_BOOL : GLCA_RULESET__TYPE_NUMBER;

        if (rule->comparator != GLCA_CMP_EQ && bt != GLCA_RULESET__TYPE_NUMBER)
            return glca_ruleset__complain_at(
                r, rule->baselines[i].line,
                "indicator '%s': comparator '%s' needs a number baseline, not "
                "'%s'",
                rule->id, glca_comparator_name(rule->comparator), b->string);
        if (t != GLCA_RULESET__TYPE_ANY && t != bt)
            return glca_ruleset__complain_at(
                r, rule->baselines[i].line,
                "indicator '%s': the value is a %s but the baseline '%s' is a %s", rule->id,
                glca_ruleset__type_name(t), b->string, glca_ruleset__type_name(bt));
    }
    return 0;
}

static int check_unique_id(reader *r, const char *id)
{
    size_t i;

    for (i = 0; i < r->rs->nrules; i++)
        if (strcmp(r->rs->rules[i].id, id) == 0)
            return glca_ruleset__complain_at(r, 0, "duplicate id '%s' (first at line %ld)", id,
                                             r->rs->rules[i].line);
    return 0;
}

/* Reads the common attributes of both rule kinds.  Returns < 0 (reported) on a problem. */
static int read_rule_head(reader *r, glca_ruleset__rule *rule, const char *const *allowed,
                          const char *expr_attr)
{
    glca_error e = GLCA_ERROR_INIT;
    const char *id, *expr, *name;
    int rc;

    rule->line = glca_xml_loc(r->x).line;
    if (glca_xml_check_attrs(r->x, allowed, &e) < 0 ||
        glca_xml_attr_required(r->x, "id", &id, &e) < 0 ||
        glca_xml_attr_required(r->x, expr_attr, &expr, &e) < 0)
        return glca_ruleset__problem(r, &e);
    if ((rc = check_unique_id(r, id)) < 0)
        return rc;
    name = glca_xml_attr(r->x, "name");
    if (!(rule->id = glca_strdup(id)) || !(rule->name = glca_strdup(name ? name : id)) ||
        (glca_xml_attr(r->x, "evidence") &&
         !(rule->verification = glca_strdup(glca_xml_attr(r->x, "evidence")))))
        return glca_error_oom(r->sink.err);
    return compile(r, &rule->expr, expr, expr_attr);
}

static int read_basic(reader *r, glca_ruleset__rule *rule)
{
    static const char *const allowed[] = {"id", "name", "check", "evidence", "source", NULL};
    glca_ruleset__type t;
    int rc;

    rule->kind = GLCA_ITEM_BASIC;
    rule->comparator = GLCA_CMP_EQ;
    if ((rc = read_rule_head(r, rule, allowed, "check")) < 0 ||
        (rc = glca_ruleset__read_basis(r, false, NULL, &rule->provisional, &rule->source)) < 0)
        return rc;
    t = glca_ruleset__expr_type(rule->expr);
    if (t != GLCA_RULESET__TYPE_ANY && t != GLCA_RULESET__TYPE_BOOL)
        return glca_ruleset__complain_at(
            r, 0, "basic requirement '%s': the check must be true/false, not a %s", rule->id,
            glca_ruleset__type_name(t));
    return 0;
}

static int read_indicator_attrs(reader *r, glca_ruleset__rule *rule)
{
    static const char *const allowed[] = {"id",       "name",       "attribute", "stage",
                                          "unit",     "comparator", "baseline",  "value",
                                          "evidence", "basis",      "source",    NULL};
    glca_error e = GLCA_ERROR_INIT;
    const char *attribute, *comparator, *stage, *unit;
    int rc;

    rule->kind = GLCA_ITEM_INDICATOR;
    if ((rc = read_rule_head(r, rule, allowed, "value")) < 0)
        return rc;
    if (glca_xml_attr_required(r->x, "attribute", &attribute, &e) < 0 ||
        glca_xml_attr_required(r->x, "comparator", &comparator, &e) < 0)
        return glca_ruleset__problem(r, &e);
    if (parse_attribute(attribute, &rule->attribute) < 0)
        return glca_ruleset__complain_at(
            r, 0,
            "attribute '%s' is not one of resource, energy, environment, product "
            "(eco-design), quality (green-product)",
            attribute);
    /* The fourth attribute group is what tells the two schemes apart (GB/T 32161 vs 33761). */
    if (rule->attribute == GLCA_ATTRIBUTE_PRODUCT &&
        r->rs->framework == GLCA_FRAMEWORK_GREEN_PRODUCT)
        return glca_ruleset__complain_at(
            r, 0,
            "attribute 'product' (产品属性) is eco-design; a green-product "
            "ruleset uses 'quality' (品质属性)");
    if (rule->attribute == GLCA_ATTRIBUTE_QUALITY && r->rs->framework == GLCA_FRAMEWORK_ECO_DESIGN)
        return glca_ruleset__complain_at(
            r, 0,
            "attribute 'quality' (品质属性) belongs to the green-product "
            "framework; this ruleset is eco-design");
    if ((rc = glca_ruleset__read_basis(r, true, NULL, &rule->provisional, &rule->source)) < 0)
        return rc;
    if (parse_comparator(comparator, &rule->comparator) < 0)
        return glca_ruleset__complain_at(
            r, 0, "comparator '%s' is not one of >=, <=, >, <, ==, report", comparator);
    if ((stage = glca_xml_attr(r->x, "stage"))) {
        if (glca_stage_parse(stage, &rule->stage) < 0)
            return glca_ruleset__complain_at(
                r, 0,
                "unknown stage '%s' (raw-materials, production, distribution, use, "
                "end-of-life)",
                stage);
        rule->has_stage = true;
    }
    if ((unit = glca_xml_attr(r->x, "unit")) && !(rule->unit = glca_strdup(unit)))
        return glca_error_oom(r->sink.err);
    if (glca_xml_attr(r->x, "baseline")) {
        glca_ruleset__baseline b;

        memset(&b, 0, sizeof b);
        b.line = rule->line;
        b.provisional = rule->provisional;
        if ((rc = read_baseline_value(r, "baseline", &b.value)) < 0)
            return rc;
        if ((rule->source && !(b.source = glca_strdup(rule->source))) ||
            (rc = add_baseline(r, rule, &b)) < 0) {
            glca_free((char *)b.value.string);
            glca_free(b.source);
            return rc < 0 ? rc : glca_error_oom(r->sink.err);
        }
    }
    return 0;
}

/* An indicator and its <baseline> children; positioned on its end event afterwards. */
static int read_indicator(reader *r, glca_ruleset__rule *rule)
{
    bool had_attr;
    int rc, ev, depth = glca_xml_depth(r->x);

    if ((rc = read_indicator_attrs(r, rule)) < 0) {
        if (rc == GLCA_ENOMEM)
            return rc;
        return skip(r) < 0 ? GLCA_EPARSE : rc;
    }
    had_attr = rule->nbaselines > 0;
    for (;;) {
        if ((ev = next(r)) < 0)
            return ev;
        if (ev == GLCA_XML_EOF)
            return glca_ruleset__complain_at(r, 0, "unexpected end of file inside <indicator>");
        if (ev == GLCA_XML_END && glca_xml_depth(r->x) == depth)
            break;
        if (ev != GLCA_XML_START)
            continue;
        if (strcmp(glca_xml_name(r->x), "baseline") != 0) {
            rc = glca_ruleset__complain_at(r, 0, "unknown element <%s> inside <indicator>",
                                           glca_xml_name(r->x));
        } else if (had_attr) {
            rc = glca_ruleset__complain_at(
                r, 0,
                "indicator '%s' has both a baseline attribute and <baseline> "
                "elements",
                rule->id);
        } else {
            rc = read_baseline_element(r, rule);
        }
        if (rc == GLCA_ENOMEM || r->broken)
            return rc;
        if ((rc = expect_no_children(r)) < 0)
            return rc;
    }
    return check_indicator(r, rule);
}

static int read_rule(reader *r, const char *elem)
{
    glca_ruleset__rule rule;
    glca_ruleset *rs = r->rs;
    int rc;

    memset(&rule, 0, sizeof rule);
    if (strcmp(elem, "basic-requirement") == 0) {
        rc = read_basic(r, &rule);
        if (rc != GLCA_ENOMEM && !r->broken) {
            int end = expect_no_children(r);

            rc = rc < 0 ? rc : end;
        }
    } else if (strcmp(elem, "indicator") == 0) {
        rc = read_indicator(r, &rule);
    } else {
        rc = glca_ruleset__complain_at(
            r, 0,
            "unknown element <%s> (a ruleset holds <basic-requirement> and "
            "<indicator>)",
            elem);
        skip(r);
    }
    if (rc < 0) {
        glca_ruleset__rule_clear(&rule);
        return rc;
    }
    if (rs->nrules == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 16;
        glca_ruleset__rule *grown = glca_reallocarray(rs->rules, cap, sizeof *grown);

        if (!grown) {
            glca_ruleset__rule_clear(&rule);
            return glca_error_oom(r->sink.err);
        }
        rs->rules = grown;
        rs->cap = cap;
    }
    rs->rules[rs->nrules++] = rule;
    return 0;
}

static int read_document(reader *r)
{
    glca_error e = GLCA_ERROR_INIT;
    int ev, rc;

    if ((ev = next(r)) < 0)
        return ev;
    if (ev != GLCA_XML_START)
        return glca_ruleset__complain_at(r, 0, "empty document");
    if ((rc = glca_ruleset__read_root(r)) < 0)
        return rc;
    for (;;) {
        if ((ev = next(r)) < 0)
            return ev;
        if (ev == GLCA_XML_EOF || (ev == GLCA_XML_END && glca_xml_depth(r->x) == 0))
            break;
        /* A problem in one rule has been reported; keep reading to list the next ones. */
        if (ev == GLCA_XML_START && (rc = read_rule(r, glca_xml_name(r->x))) == GLCA_ENOMEM)
            return rc;
        if (r->broken)
            return r->sink.first;
    }
    if (r->rs->nrules == 0 && !r->sink.first) {
        glca_srcloc where = {glca_xml_path(r->x), r->rs->line, 0};

        glca_error_set(&e, GLCA_EPARSE, &where,
                       "ruleset '%s' has no basic requirement and no indicator", r->rs->id);
        return glca_ruleset__problem(r, &e);
    }
    return r->sink.first;
}

int glca_ruleset_load(glca_ruleset **out, const char *path, const glca_xml_limits *limits,
                      glca_diag_fn diag, void *payload, glca_error *err)
{
    reader r;
    glca_ruleset *rs = NULL;
    int rc;

    memset(&r, 0, sizeof r);
    glca_diag_init(&r.sink, diag, payload, err);
    if (!(rs = glca_calloc(1, sizeof *rs)) || !(rs->path = glca_strdup(path))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    r.rs = rs;
    {
        glca_error e = GLCA_ERROR_INIT;

        if ((rc = glca_xml_open(&r.x, path, limits, &e)) < 0) {
            glca_ruleset__problem(&r, &e);
            goto cleanup;
        }
    }
    if ((rc = read_document(&r)) < 0)
        goto cleanup;
    *out = rs;
    rs = NULL;
cleanup:
    glca_xml_free(r.x);
    glca_ruleset_free(rs);
    return rc;
}
