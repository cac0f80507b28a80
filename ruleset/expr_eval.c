/*
 * Evaluation of a compiled expression: literals and operators here, data functions in
 * expr_env.c.  Nothing is parsed and nothing is allocated; the tree is walked recursively (its
 * depth is bounded by the parser's nesting limit and the text length limit).
 *
 * Missing values propagate through every operator, with the first reason kept.  && and || use
 * three-valued logic so a guard like has('x') && attr('x') > 3 works: false && missing is false,
 * true || missing is true, anything else involving missing is missing.  A runtime type error
 * (arithmetic on a declared true/false, comparing a number with a string) and a division by
 * zero also give missing, with the reason, never a number that could pass a rule.
 */
#include "expr.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static glca_rule_value eval(const glca_ruleset__expr *e, int i, glca_ruleset__env *env);

glca_rule_value glca_ruleset__number(double x)
{
    glca_rule_value v = {true, GLCA_VALUE_NUMBER, x, false, NULL};

    return v;
}

glca_rule_value glca_ruleset__bool(bool b)
{
    glca_rule_value v = {true, GLCA_VALUE_BOOL, 0, b, NULL};

    return v;
}

glca_rule_value glca_ruleset__missing(glca_ruleset__env *env, const char *fmt, ...)
{
    glca_rule_value v = {false, GLCA_VALUE_NUMBER, 0, false, NULL};
    va_list ap;

    if (env->why[0] == '\0') {
        va_start(ap, fmt);
        vsnprintf(env->why, sizeof env->why, fmt, ap);
        va_end(ap);
    }
    return v;
}

static const char *kind_name(glca_value_kind k)
{
    switch (k) {
    case GLCA_VALUE_NUMBER:
        return "number";
    case GLCA_VALUE_BOOL:
        return "true/false value";
    default:
        return "string";
    }
}

static const char *op_name(glca_ruleset__op op)
{
    static const char *const names[] = {
        [GLCA_RULESET__OP_NEG] = "unary '-'", [GLCA_RULESET__OP_NOT] = "'!'",
        [GLCA_RULESET__OP_ADD] = "'+'",       [GLCA_RULESET__OP_SUB] = "'-'",
        [GLCA_RULESET__OP_MUL] = "'*'",       [GLCA_RULESET__OP_DIV] = "'/'",
        [GLCA_RULESET__OP_LT] = "'<'",        [GLCA_RULESET__OP_LE] = "'<='",
        [GLCA_RULESET__OP_GT] = "'>'",        [GLCA_RULESET__OP_GE] = "'>='",
        [GLCA_RULESET__OP_EQ] = "'=='",       [GLCA_RULESET__OP_NE] = "'!='",
        [GLCA_RULESET__OP_AND] = "'&&'",      [GLCA_RULESET__OP_OR] = "'||'",
        [GLCA_RULESET__OP_MIN] = "min()",     [GLCA_RULESET__OP_MAX] = "max()",
        [GLCA_RULESET__OP_ABS] = "abs()",
    };

    return (size_t)op < sizeof names / sizeof names[0] && names[op] ? names[op] : "operator";
}

/* Missing stays missing; a present value of the wrong kind becomes missing with the reason. */
static bool need(glca_rule_value *v, glca_value_kind kind, glca_ruleset__op op,
                 glca_ruleset__env *env)
{
    if (!v->present)
        return false;
    if (v->kind != kind) {
        *v = glca_ruleset__missing(env, "%s needs a %s, not a %s", op_name(op), kind_name(kind),
                                   kind_name(v->kind));
        return false;
    }
    return true;
}

static glca_rule_value arithmetic(glca_ruleset__op op, glca_rule_value l, glca_rule_value r,
                                  glca_ruleset__env *env)
{
    double x;
    bool lok, rok;

    /* Both sides are checked even when the left is missing, so the reason names the first
     * problem in reading order. */
    lok = need(&l, GLCA_VALUE_NUMBER, op, env);
    rok = need(&r, GLCA_VALUE_NUMBER, op, env);
    if (!lok || !rok)
        return l.present ? r : l;
    switch (op) {
    case GLCA_RULESET__OP_ADD:
        x = l.number + r.number;
        break;
    case GLCA_RULESET__OP_SUB:
        x = l.number - r.number;
        break;
    case GLCA_RULESET__OP_MUL:
        x = l.number * r.number;
        break;
    case GLCA_RULESET__OP_DIV:
        if (r.number == 0)
            return glca_ruleset__missing(env, "division by zero");
        x = l.number / r.number;
        break;
    case GLCA_RULESET__OP_MIN:
        x = l.number < r.number ? l.number : r.number;
        break;
    case GLCA_RULESET__OP_MAX:
        x = l.number > r.number ? l.number : r.number;
        break;
    default:
        assert(!"not an arithmetic operator");
        x = 0;
    }
    if (!isfinite(x))
        return glca_ruleset__missing(env, "%s overflows", op_name(op));
    return glca_ruleset__number(x);
}

static glca_rule_value compare(glca_ruleset__op op, glca_rule_value l, glca_rule_value r,
                               glca_ruleset__env *env)
{
    bool equal, lok, rok;

    if (op == GLCA_RULESET__OP_EQ || op == GLCA_RULESET__OP_NE) {
        if (!l.present || !r.present)
            return l.present ? r : l;
        if (l.kind != r.kind)
            return glca_ruleset__missing(env, "%s compares a %s with a %s", op_name(op),
                                         kind_name(l.kind), kind_name(r.kind));
        if (l.kind == GLCA_VALUE_NUMBER)
            equal = l.number == r.number;
        else if (l.kind == GLCA_VALUE_BOOL)
            equal = l.boolean == r.boolean;
        else
            equal = strcmp(l.string, r.string) == 0;
        return glca_ruleset__bool(op == GLCA_RULESET__OP_EQ ? equal : !equal);
    }
    lok = need(&l, GLCA_VALUE_NUMBER, op, env);
    rok = need(&r, GLCA_VALUE_NUMBER, op, env);
    if (!lok || !rok)
        return l.present ? r : l;
    switch (op) {
    case GLCA_RULESET__OP_LT:
        return glca_ruleset__bool(l.number < r.number);
    case GLCA_RULESET__OP_LE:
        return glca_ruleset__bool(l.number <= r.number);
    case GLCA_RULESET__OP_GT:
        return glca_ruleset__bool(l.number > r.number);
    default:
        return glca_ruleset__bool(l.number >= r.number);
    }
}

/*
 * Kleene logic with short-circuit: the right side is not evaluated when the left decides.  A
 * missing side that the other side overrules leaves no reason behind, so a later missing value
 * reports its own.
 */
static glca_rule_value logic(const glca_ruleset__expr *e, const glca_ruleset__node *n,
                             glca_ruleset__env *env)
{
    bool decisive = n->op == GLCA_RULESET__OP_OR; /* the value that decides the result alone */
    glca_rule_value l, r, v;
    char why[sizeof env->why];

    memcpy(why, env->why, sizeof why);
    l = eval(e, n->a, env);
    if (need(&l, GLCA_VALUE_BOOL, n->op, env) && l.boolean == decisive)
        return l;
    r = eval(e, n->b, env);
    if (need(&r, GLCA_VALUE_BOOL, n->op, env) && r.boolean == decisive)
        v = r;
    else if (!l.present || !r.present)
        return l.present ? r : l;
    else
        v = glca_ruleset__bool(!decisive);
    memcpy(env->why, why, sizeof why);
    return v;
}

static glca_rule_value eval(const glca_ruleset__expr *e, int i, glca_ruleset__env *env)
{
    const glca_ruleset__node *n = &e->nodes[i];
    glca_rule_value v;

    switch (n->op) {
    case GLCA_RULESET__OP_NUMBER:
        return glca_ruleset__number(n->number);
    case GLCA_RULESET__OP_BOOL:
        return glca_ruleset__bool(n->boolean);
    case GLCA_RULESET__OP_STRING:
        v = glca_ruleset__number(0);
        v.kind = GLCA_VALUE_STRING;
        v.string = n->str;
        return v;
    case GLCA_RULESET__OP_NEG:
    case GLCA_RULESET__OP_ABS:
        v = eval(e, n->a, env);
        if (!need(&v, GLCA_VALUE_NUMBER, n->op, env))
            return v;
        return glca_ruleset__number(n->op == GLCA_RULESET__OP_NEG ? -v.number : fabs(v.number));
    case GLCA_RULESET__OP_NOT:
        v = eval(e, n->a, env);
        if (!need(&v, GLCA_VALUE_BOOL, n->op, env))
            return v;
        return glca_ruleset__bool(!v.boolean);
    case GLCA_RULESET__OP_ADD:
    case GLCA_RULESET__OP_SUB:
    case GLCA_RULESET__OP_MUL:
    case GLCA_RULESET__OP_DIV:
    case GLCA_RULESET__OP_MIN:
    case GLCA_RULESET__OP_MAX:
        v = eval(e, n->a, env);
        return arithmetic(n->op, v, eval(e, n->b, env), env);
    case GLCA_RULESET__OP_LT:
    case GLCA_RULESET__OP_LE:
    case GLCA_RULESET__OP_GT:
    case GLCA_RULESET__OP_GE:
    case GLCA_RULESET__OP_EQ:
    case GLCA_RULESET__OP_NE:
        v = eval(e, n->a, env);
        return compare(n->op, v, eval(e, n->b, env), env);
    case GLCA_RULESET__OP_AND:
    case GLCA_RULESET__OP_OR:
        return logic(e, n, env);
    default:
        return glca_ruleset__call(n, env);
    }
}

glca_rule_value glca_ruleset__expr_eval(const glca_ruleset__expr *e, glca_ruleset__env *env)
{
    return eval(e, e->root, env);
}
