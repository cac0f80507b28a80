/*
 * The evaluator: a ruleset applied to one product gives a verdict.  Basic requirements pass
 * when their check is true; indicators compare their value with the first baseline whose
 * condition holds; a product is certified when every basic requirement and every non-report
 * indicator passes (GB/T 32161: all of them, no weighting).  Anything missing makes its item
 * not evaluable, which is never a pass.  The verdict is qualified by the basis of the
 * thresholds that decided it (glca_verdict_status in ruleset.h), and its label says so in
 * English and Chinese, so no output can show a bare "certified" that rests on an unconfirmed
 * number.
 *
 * A verdict owns copies of every string it shows, in one text buffer, so it outlives the
 * ruleset and the product and costs a handful of allocations per product in a batch.  The JSON
 * form is written by verdict_json.c, the accessors are in verdict_access.c.
 */
#include "ruleset_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NONE ((size_t)-1)

/* Text offsets of one item while the buffer may still move. */
typedef struct item_text {
    size_t id, name, unit, expression, value, baseline, when, reason, evidence, verification,
        source;
} item_text;

typedef struct builder {
    char *text;
    size_t len, cap;
    bool oom;
    item_text *offs;
    size_t *reasons;
} builder;

static size_t add_text(builder *b, const char *fmt, ...) GLCA_PRINTF(2, 3);

static size_t add_text(builder *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    size_t at = b->len;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || b->oom) {
        b->oom = true;
        return NONE;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        char *grown;

        while (b->len + (size_t)n + 1 > cap)
            cap *= 2;
        if (!(grown = glca_reallocarray(b->text, cap, 1))) {
            b->oom = true;
            return NONE;
        }
        b->text = grown;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->text + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n + 1;
    return at;
}

static size_t add_str(builder *b, const char *s)
{
    return s ? add_text(b, "%s", s) : NONE;
}

static const char *at(const builder *b, size_t off)
{
    return off == NONE ? NULL : b->text + off;
}

/* The value as text: numbers with 6 significant digits, for sentences and tables. */
static void value_text(const glca_rule_value *v, char *buf, size_t size)
{
    if (!v->present)
        snprintf(buf, size, "%s", "");
    else if (v->kind == GLCA_VALUE_NUMBER)
        glca_ruleset__fmt_number(v->number, buf, size);
    else if (v->kind == GLCA_VALUE_BOOL)
        snprintf(buf, size, "%s", v->boolean ? "true" : "false");
    else
        snprintf(buf, size, "'%s'", v->string);
}

static bool holds(glca_comparator c, const glca_rule_value *v, const glca_rule_value *b)
{
    if (v->kind == GLCA_VALUE_BOOL)
        return v->boolean == b->boolean;
    switch (c) {
    case GLCA_CMP_GE:
        return v->number >= b->number;
    case GLCA_CMP_LE:
        return v->number <= b->number;
    case GLCA_CMP_GT:
        return v->number > b->number;
    case GLCA_CMP_LT:
        return v->number < b->number;
    default:
        return v->number == b->number;
    }
}

/* The comparator that is true when `c` is not, for failure sentences. */
static const char *negated(glca_comparator c)
{
    static const char *const names[] = {"<", ">", "<=", ">=", "!="};

    return (size_t)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

/*
 * Picks the baseline: the first whose condition is true.  Returns it, or NULL with `why` set
 * when a condition cannot be evaluated or none applies.
 */
static const glca_ruleset__baseline *choose_baseline(const glca_ruleset__rule *rule,
                                                     glca_ruleset__env *env, char *why, size_t size)
{
    size_t i;

    for (i = 0; i < rule->nbaselines; i++) {
        const glca_ruleset__baseline *b = &rule->baselines[i];
        glca_rule_value c;

        if (!b->when)
            return b;
        env->why[0] = '\0';
        c = glca_ruleset__expr_eval(b->when, env);
        if (!c.present) {
            snprintf(why, size, "the baseline condition at line %ld cannot be decided: %s", b->line,
                     env->why);
            return NULL;
        }
        if (c.kind != GLCA_VALUE_BOOL) {
            snprintf(why, size, "the baseline condition at line %ld is not true/false", b->line);
            return NULL;
        }
        if (c.boolean)
            return b;
    }
    snprintf(why, size, "no baseline applies (no condition holds)");
    return NULL;
}

static void fill_item(glca_verdict_item *it, const glca_ruleset__rule *rule)
{
    memset(it, 0, sizeof *it);
    it->kind = rule->kind;
    it->attribute = rule->attribute;
    it->has_stage = rule->has_stage;
    it->stage = rule->stage;
    it->comparator = rule->comparator;
    it->rule_line = rule->line;
}

/* Evaluates one rule into `it`; strings go to the builder as offsets in `o`. */
static void evaluate_rule(builder *b, glca_verdict_item *it, item_text *o,
                          const glca_ruleset__rule *rule, glca_ruleset__env *env)
{
    const glca_ruleset__baseline *base = NULL;
    char why[400] = "", vtext[300], btext[300];
    const char *unit_sep = rule->unit ? " " : "", *unit = rule->unit ? rule->unit : "";
    glca_rule_value v;

    fill_item(it, rule);
    glca_ruleset__env_reset(env);
    v = glca_ruleset__expr_eval(rule->expr, env);
    if (!v.present)
        snprintf(why, sizeof why, "%s", env->why);
    if (rule->kind == GLCA_ITEM_BASIC) {
        it->baseline = glca_ruleset__bool(true);
        if (v.present && v.kind != GLCA_VALUE_BOOL) {
            snprintf(why, sizeof why, "the check gives a %s, not true/false",
                     v.kind == GLCA_VALUE_NUMBER ? "number" : "string");
            v.present = false;
        }
    } else if (rule->comparator != GLCA_CMP_REPORT) {
        char bwhy[400] = "";

        base = choose_baseline(rule, env, bwhy, sizeof bwhy);
        if (!base && !why[0])
            snprintf(why, sizeof why, "%s", bwhy);
        if (base)
            it->baseline = base->value;
        if (v.present && base && v.kind != base->value.kind) {
            snprintf(why, sizeof why, "the value is a %s, the baseline '%s' is not",
                     v.kind == GLCA_VALUE_STRING ? "string"
                     : v.kind == GLCA_VALUE_BOOL ? "true/false value"
                                                 : "number",
                     base->value.string);
            v.present = false;
        }
    }
    it->value = v;
    value_text(&v, vtext, sizeof vtext);
    value_text(&it->baseline, btext, sizeof btext);
    if (!v.present ||
        (rule->comparator != GLCA_CMP_REPORT && !base && rule->kind != GLCA_ITEM_BASIC)) {
        it->outcome = GLCA_OUTCOME_NOT_EVALUABLE;
        it->value.present = false;
        o->reason = add_text(b, "%s: %s not evaluable: %s", rule->id, rule->name, why);
    } else if (rule->kind == GLCA_ITEM_BASIC) {
        it->outcome = v.boolean ? GLCA_OUTCOME_PASS : GLCA_OUTCOME_FAIL;
        o->reason = add_text(b, "%s: %s %s (%s is %s)", rule->id, rule->name,
                             v.boolean ? "met" : "not met", rule->expr->text, vtext);
    } else if (rule->comparator == GLCA_CMP_REPORT) {
        it->outcome = GLCA_OUTCOME_REPORT;
        o->reason =
            add_text(b, "%s: %s %s%s%s (reported)", rule->id, rule->name, vtext, unit_sep, unit);
    } else {
        bool pass = holds(rule->comparator, &v, &base->value);

        it->outcome = pass ? GLCA_OUTCOME_PASS : GLCA_OUTCOME_FAIL;
        o->reason = add_text(
            b, "%s: %s %s%s%s %s %s%s%s (%sbaseline%s%s)", rule->id, rule->name, vtext, unit_sep,
            unit, pass ? glca_comparator_name(rule->comparator) : negated(rule->comparator),
            base->value.string, unit_sep, unit, base->provisional ? "provisional " : "",
            base->when ? " for " : "", base->when ? base->when->text : "");
    }
    /* Only a threshold that was applied decides; a report indicator has none. */
    it->provisional = base && base->provisional;
    o->source = add_str(b, base ? base->source : rule->source);
    if (!it->value.present)
        vtext[0] = '\0';
    o->id = add_str(b, rule->id);
    o->name = add_str(b, rule->name);
    o->unit = add_str(b, rule->unit);
    o->expression = add_str(b, rule->expr->text);
    o->value = it->value.kind == GLCA_VALUE_STRING && it->value.present
                   ? add_str(b, it->value.string)
                   : add_str(b, vtext);
    o->baseline = add_str(b, it->baseline.present
                                 ? (rule->kind == GLCA_ITEM_BASIC ? "true" : it->baseline.string)
                                 : "");
    o->when = base && base->when ? add_str(b, base->when->text) : NONE;
    o->evidence = add_str(b, env->evidence);
    o->verification = add_str(b, rule->verification);
}

typedef struct label_text {
    size_t provisional, en, zh;
} label_text;

/* Whether item `it` blocks certification, and whether only a provisional threshold makes it. */
static bool blocks(const glca_verdict_item *it)
{
    return it->outcome == GLCA_OUTCOME_FAIL ||
           (it->outcome == GLCA_OUTCOME_NOT_EVALUABLE && it->comparator != GLCA_CMP_REPORT);
}

/* Appends sep and id to buf; a list longer than the buffer is cut, never overrun. */
static void append(char *buf, size_t size, size_t *used, const char *sep, const char *id)
{
    int w;

    if (*used >= size - 1)
        return;
    w = snprintf(buf + *used, size - *used, "%s%s", sep, id);
    *used = w < 0 || (size_t)w >= size - *used ? size - 1 : *used + (size_t)w;
}

/*
 * The status and its labels.  Provisional thresholds decide a certified product when it passed
 * any of them; they decide a failed one when every blocking item is a failed provisional
 * threshold (confirming or correcting those numbers alone could then certify it).
 */
static void qualify(builder *b, glca_verdict *v, label_text *out)
{
    char ids[1024] = "", zh_ids[1024] = "", missing[1024] = "";
    size_t i, used = 0, zused = 0, mused = 0, firm = 0, nprov = 0;
    bool failed = false;
    const char *zh = glca_framework_name_zh(v->framework);

    out->provisional = out->en = out->zh = NONE;
    if (b->oom) /* the ids may be missing from the text: nothing to build */
        return;
    for (i = 0; i < v->nitems; i++) {
        const glca_verdict_item *it = &v->items[i];
        bool counts;

        if (blocks(it) && !(it->outcome == GLCA_OUTCOME_FAIL && it->provisional))
            firm++;
        failed |= it->outcome == GLCA_OUTCOME_FAIL;
        if (blocks(it) && it->outcome == GLCA_OUTCOME_NOT_EVALUABLE)
            append(missing, sizeof missing, &mused, mused ? ", " : "", b->text + b->offs[i].id);
        counts = it->provisional && (v->certified ? it->outcome == GLCA_OUTCOME_PASS
                                                  : it->outcome == GLCA_OUTCOME_FAIL);
        if (!counts)
            continue;
        append(ids, sizeof ids, &used, nprov ? ", " : "", b->text + b->offs[i].id);
        append(zh_ids, sizeof zh_ids, &zused, nprov ? "、" : "", b->text + b->offs[i].id);
        nprov++;
    }
    if (v->certified)
        v->status = nprov ? GLCA_VERDICT_CERTIFIED_PROVISIONAL : GLCA_VERDICT_CERTIFIED;
    else if (!failed)
        v->status = GLCA_VERDICT_NOT_EVALUABLE;
    else
        v->status = firm == 0 ? GLCA_VERDICT_NOT_CERTIFIED_PROVISIONAL : GLCA_VERDICT_NOT_CERTIFIED;
    if (v->status == GLCA_VERDICT_NOT_CERTIFIED)
        ids[0] = zh_ids[0] = '\0';
    out->provisional = add_str(b, ids);
    switch (v->status) {
    case GLCA_VERDICT_CERTIFIED:
        out->en = add_str(b, "certified");
        out->zh = add_text(b, "符合%s评价要求", zh);
        break;
    case GLCA_VERDICT_CERTIFIED_PROVISIONAL:
        out->en = add_text(b, "certified (provisional thresholds: %s)", ids);
        out->zh = add_text(b, "符合%s评价要求（暂定阈值：%s）", zh, zh_ids);
        break;
    case GLCA_VERDICT_NOT_CERTIFIED_PROVISIONAL:
        out->en = add_text(b, "not certified (on provisional thresholds: %s)", ids);
        out->zh = add_text(b, "不符合%s评价要求（依据暂定阈值：%s）", zh, zh_ids);
        break;
    case GLCA_VERDICT_NOT_EVALUABLE:
        out->en = add_text(b, "not certified (not evaluable: %s)", missing);
        out->zh = add_text(b, "不符合%s评价要求（无法评价：%s）", zh, missing);
        break;
    default:
        out->en = add_str(b, "not certified");
        out->zh = add_text(b, "不符合%s评价要求", zh);
    }
}

/* Turns offsets into pointers once the text buffer no longer moves. */
static void finish(glca_verdict *v, const builder *b)
{
    size_t i;

    for (i = 0; i < v->nitems; i++) {
        glca_verdict_item *it = &v->items[i];
        const item_text *o = &b->offs[i];

        it->id = at(b, o->id);
        it->name = at(b, o->name);
        it->unit = at(b, o->unit);
        it->expression = at(b, o->expression);
        it->value.string = at(b, o->value);
        it->baseline.string = at(b, o->baseline);
        it->baseline_when = at(b, o->when);
        it->reason = at(b, o->reason);
        it->evidence = at(b, o->evidence);
        it->verification = at(b, o->verification);
        it->source = at(b, o->source);
    }
    for (i = 0; i < v->nreasons; i++)
        v->reasons[i] = at(b, b->reasons[i]);
}

int glca_ruleset_evaluate(glca_verdict **out, const glca_ruleset *rs, const glca_product *product,
                          const glca_background *bg, const double *impacts, glca_error *err)
{
    glca_verdict *v = NULL;
    glca_ruleset__env *env = NULL;
    builder b;
    size_t i, product_off, id_off, version_off, standard_off, edition_off;
    label_text label;
    int rc = 0;

    memset(&b, 0, sizeof b);
    if (!(v = glca_calloc(1, sizeof *v)) ||
        !(v->items = glca_calloc(rs->nrules, sizeof *v->items)) ||
        !(v->reasons = glca_calloc(rs->nrules, sizeof *v->reasons)) ||
        !(b.offs = glca_calloc(rs->nrules, sizeof *b.offs)) ||
        !(b.reasons = glca_calloc(rs->nrules, sizeof *b.reasons)) ||
        !(env = glca_malloc(sizeof *env))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    glca_ruleset__env_init(env, product, bg, impacts, rs->method);
    v->certified = true;
    v->framework = rs->framework;
    for (i = 0; i < rs->nrules; i++) {
        const glca_ruleset__rule *rule = &rs->rules[i];
        glca_verdict_item *it = &v->items[i];

        evaluate_rule(&b, it, &b.offs[i], rule, env);
        if (it->outcome == GLCA_OUTCOME_FAIL || it->outcome == GLCA_OUTCOME_NOT_EVALUABLE)
            b.reasons[v->nreasons++] = b.offs[i].reason;
        /* A report indicator that cannot be evaluated is listed but does not block. */
        if (it->outcome == GLCA_OUTCOME_FAIL ||
            (it->outcome == GLCA_OUTCOME_NOT_EVALUABLE && rule->comparator != GLCA_CMP_REPORT))
            v->certified = false;
    }
    v->nitems = rs->nrules;
    product_off = add_str(&b, glca_product_id(product));
    id_off = add_str(&b, rs->id);
    version_off = add_str(&b, rs->version);
    standard_off = add_str(&b, rs->standard);
    edition_off = add_str(&b, rs->edition.number);
    qualify(&b, v, &label);
    if (b.oom) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    finish(v, &b);
    v->product_id = at(&b, product_off);
    v->ruleset_id = at(&b, id_off);
    v->version = at(&b, version_off);
    v->standard = at(&b, standard_off);
    v->edition = at(&b, edition_off);
    v->provisional = at(&b, label.provisional);
    v->label = at(&b, label.en);
    v->label_zh = at(&b, label.zh);
    v->text = b.text; /* ownership moves to the verdict */
    b.text = NULL;
    *out = v;
    v = NULL;
cleanup:
    glca_free(env);
    glca_free(b.offs);
    glca_free(b.reasons);
    glca_free(b.text);
    glca_verdict_free(v);
    return rc;
}
