/*
 * Recursive-descent parser of the rule expression language, with the static checks that can be
 * made before any product is seen: syntax, unknown functions, argument counts, arguments that
 * must be string literals (impact, attr, has, substance_ppm), valid stage names, and operand
 * types wherever they are known (attr() is the only value whose type waits for the product).
 *
 * Precedence, lowest first: ||, &&, == !=, < <= > >=, + -, * /, unary ! -.  The tree lives in
 * one array, children by index; string literals are copied into one buffer no longer than the
 * text, so nodes can point into it without reallocation.
 */
#include "expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct parser {
    const char *text, *what;
    const glca_srcloc *loc;
    glca_error *err;
    glca_ruleset__token tok;
    glca_ruleset__node *nodes;
    int nnodes, cap;
    char *strings;
    size_t slen;
    int depth;
} parser;

typedef struct func {
    const char *name;
    glca_ruleset__op op;
    int min_args, max_args;
    bool names; /* the arguments are string literals naming something */
    glca_ruleset__type result;
} func;

static const func funcs[] = {
    {"impact", GLCA_RULESET__OP_IMPACT, 1, 2, true, GLCA_RULESET__TYPE_NUMBER},
    {"attr", GLCA_RULESET__OP_ATTR, 1, 1, true, GLCA_RULESET__TYPE_ANY},
    {"has", GLCA_RULESET__OP_HAS, 1, 1, true, GLCA_RULESET__TYPE_BOOL},
    {"mass", GLCA_RULESET__OP_MASS, 0, 0, false, GLCA_RULESET__TYPE_NUMBER},
    {"recyclable_share", GLCA_RULESET__OP_RECYCLABLE, 0, 0, false, GLCA_RULESET__TYPE_NUMBER},
    {"recycled_share", GLCA_RULESET__OP_RECYCLED, 0, 0, false, GLCA_RULESET__TYPE_NUMBER},
    {"substance_ppm", GLCA_RULESET__OP_PPM, 1, 1, true, GLCA_RULESET__TYPE_NUMBER},
    {"min", GLCA_RULESET__OP_MIN, 2, 2, false, GLCA_RULESET__TYPE_NUMBER},
    {"max", GLCA_RULESET__OP_MAX, 2, 2, false, GLCA_RULESET__TYPE_NUMBER},
    {"abs", GLCA_RULESET__OP_ABS, 1, 1, false, GLCA_RULESET__TYPE_NUMBER},
    {NULL, GLCA_RULESET__OP_NUMBER, 0, 0, false, GLCA_RULESET__TYPE_ANY},
};

static int parse_or(parser *p);

GLCA_PRINTF(3, 4)
static int fail(parser *p, size_t pos, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return glca_error_set(p->err, GLCA_EPARSE, p->loc, "in %s expression at character %zu: %s",
                          p->what, pos + 1, msg);
}

static int advance(parser *p)
{
    char msg[160];
    size_t next = p->tok.pos + p->tok.len;

    if (glca_ruleset__lex(p->text, next, &p->tok, msg, sizeof msg) < 0)
        return fail(p, p->tok.pos, "%s", msg);
    return 0;
}

static int expect(parser *p, glca_ruleset__tok kind)
{
    if (p->tok.kind != kind)
        return fail(p, p->tok.pos, "expected %s, found %s", glca_ruleset__tok_name(kind),
                    glca_ruleset__tok_name(p->tok.kind));
    return advance(p);
}

/* Returns the new node's index, or a negative code. */
static int add_node(parser *p, glca_ruleset__op op, glca_ruleset__type type, int a, int b,
                    size_t pos)
{
    glca_ruleset__node *n;

    if (p->nnodes == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        glca_ruleset__node *grown = glca_reallocarray(p->nodes, (size_t)cap, sizeof *grown);

        if (!grown)
            return glca_error_oom(p->err);
        p->nodes = grown;
        p->cap = cap;
    }
    n = &p->nodes[p->nnodes];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->type = type;
    n->a = a;
    n->b = b;
    n->stage = -1;
    n->pos = pos;
    return p->nnodes++;
}

static bool fits(glca_ruleset__type have, glca_ruleset__type want)
{
    return have == GLCA_RULESET__TYPE_ANY || have == want;
}

static int check_operand(parser *p, int node, glca_ruleset__type want, const char *opname)
{
    const glca_ruleset__node *n = &p->nodes[node];

    if (!fits(n->type, want))
        return fail(p, n->pos, "%s needs a %s, not a %s", opname, glca_ruleset__type_name(want),
                    glca_ruleset__type_name(n->type));
    return 0;
}

/* Copies a string token's content (without quotes) into the strings buffer. */
static const char *intern(parser *p, const glca_ruleset__token *t)
{
    char *s = p->strings + p->slen;
    size_t len = t->len - 2;

    memcpy(s, p->text + t->pos + 1, len);
    s[len] = '\0';
    p->slen += len + 1;
    return s;
}

static int parse_name_args(parser *p, const func *f, int call, size_t pos)
{
    int nargs = 0, rc;

    while (p->tok.kind != GLCA_RULESET__TOK_RPAREN) {
        const char *s;

        if (nargs > 0 && (rc = expect(p, GLCA_RULESET__TOK_COMMA)) < 0)
            return rc;
        if (nargs == f->max_args)
            return fail(p, p->tok.pos, "%s() takes at most %d argument%s", f->name, f->max_args,
                        f->max_args == 1 ? "" : "s");
        if (p->tok.kind != GLCA_RULESET__TOK_STRING)
            return fail(p, p->tok.pos, "argument %d of %s() must be a quoted name, found %s",
                        nargs + 1, f->name, glca_ruleset__tok_name(p->tok.kind));
        if (p->tok.len == 2)
            return fail(p, p->tok.pos, "argument %d of %s() is empty", nargs + 1, f->name);
        s = intern(p, &p->tok);
        if (nargs == 0) {
            p->nodes[call].str = s;
        } else {
            glca_stage st;

            if (glca_stage_parse(s, &st) < 0)
                return fail(p, p->tok.pos,
                            "unknown stage '%s' (raw-materials, production, distribution, "
                            "use, end-of-life)",
                            s);
            p->nodes[call].stage = (int)st;
        }
        nargs++;
        if ((rc = advance(p)) < 0)
            return rc;
    }
    if (nargs < f->min_args)
        return fail(p, pos, "%s() takes %s%d argument%s, got %d", f->name,
                    f->min_args == f->max_args ? "" : "at least ", f->min_args,
                    f->min_args == 1 ? "" : "s", nargs);
    return 0;
}

static int parse_value_args(parser *p, const func *f, int call, size_t pos)
{
    int args[2] = {-1, -1};
    int nargs = 0, rc, i;

    if (++p->depth > GLCA_RULESET__MAX_DEPTH)
        return fail(p, pos, "nested deeper than %d levels", GLCA_RULESET__MAX_DEPTH);
    while (p->tok.kind != GLCA_RULESET__TOK_RPAREN) {
        if (nargs > 0 && (rc = expect(p, GLCA_RULESET__TOK_COMMA)) < 0)
            return rc;
        if (nargs == f->max_args)
            return fail(p, p->tok.pos, "%s() takes %d argument%s", f->name, f->max_args,
                        f->max_args == 1 ? "" : "s");
        if ((rc = parse_or(p)) < 0)
            return rc;
        args[nargs++] = rc;
    }
    if (nargs < f->min_args)
        return fail(p, pos, "%s() takes %d argument%s, got %d", f->name, f->min_args,
                    f->min_args == 1 ? "" : "s", nargs);
    for (i = 0; i < nargs; i++) {
        char what[48];

        snprintf(what, sizeof what, "%s()", f->name);
        if ((rc = check_operand(p, args[i], GLCA_RULESET__TYPE_NUMBER, what)) < 0)
            return rc;
    }
    p->nodes[call].a = args[0];
    p->nodes[call].b = args[1];
    p->depth--;
    return 0;
}

static int parse_call(parser *p)
{
    const glca_ruleset__token name = p->tok;
    const func *f;
    int call, rc;

    for (f = funcs; f->name; f++)
        if (strlen(f->name) == name.len && strncmp(f->name, p->text + name.pos, name.len) == 0)
            break;
    if ((rc = advance(p)) < 0)
        return rc;
    if ((name.len == 4 && strncmp(p->text + name.pos, "true", 4) == 0) ||
        (name.len == 5 && strncmp(p->text + name.pos, "false", 5) == 0)) {
        if ((call = add_node(p, GLCA_RULESET__OP_BOOL, GLCA_RULESET__TYPE_BOOL, -1, -1,
                             name.pos)) >= 0)
            p->nodes[call].boolean = name.len == 4;
        return call;
    }
    if (p->tok.kind != GLCA_RULESET__TOK_LPAREN)
        return fail(p, name.pos, "unknown name '%.*s' (strings need quotes)", (int)name.len,
                    p->text + name.pos);
    if (!f->name)
        return fail(p, name.pos, "unknown function '%.*s'", (int)name.len, p->text + name.pos);
    if ((rc = advance(p)) < 0)
        return rc;
    if ((call = add_node(p, f->op, f->result, -1, -1, name.pos)) < 0)
        return call;
    rc = f->names ? parse_name_args(p, f, call, name.pos) : parse_value_args(p, f, call, name.pos);
    if (rc < 0)
        return rc;
    if ((rc = expect(p, GLCA_RULESET__TOK_RPAREN)) < 0)
        return rc;
    return call;
}

static int parse_primary(parser *p)
{
    const glca_ruleset__token t = p->tok;
    int node, rc;

    switch (t.kind) {
    case GLCA_RULESET__TOK_NUMBER:
        if ((node = add_node(p, GLCA_RULESET__OP_NUMBER, GLCA_RULESET__TYPE_NUMBER, -1, -1,
                             t.pos)) < 0)
            return node;
        p->nodes[node].number = t.number;
        return (rc = advance(p)) < 0 ? rc : node;
    case GLCA_RULESET__TOK_STRING:
        if ((node = add_node(p, GLCA_RULESET__OP_STRING, GLCA_RULESET__TYPE_STRING, -1, -1,
                             t.pos)) < 0)
            return node;
        p->nodes[node].str = intern(p, &t);
        return (rc = advance(p)) < 0 ? rc : node;
    case GLCA_RULESET__TOK_IDENT:
        return parse_call(p);
    case GLCA_RULESET__TOK_LPAREN:
        if (++p->depth > GLCA_RULESET__MAX_DEPTH)
            return fail(p, t.pos, "nested deeper than %d levels", GLCA_RULESET__MAX_DEPTH);
        if ((rc = advance(p)) < 0)
            return rc;
        if ((node = parse_or(p)) < 0)
            return node;
        p->depth--;
        return (rc = expect(p, GLCA_RULESET__TOK_RPAREN)) < 0 ? rc : node;
    default:
        return fail(p, t.pos, "expected a value, found %s", glca_ruleset__tok_name(t.kind));
    }
}

static int parse_unary(parser *p)
{
    const glca_ruleset__token t = p->tok;
    int operand, rc;

    if (t.kind != GLCA_RULESET__TOK_NOT && t.kind != GLCA_RULESET__TOK_MINUS)
        return parse_primary(p);
    if (++p->depth > GLCA_RULESET__MAX_DEPTH)
        return fail(p, t.pos, "nested deeper than %d levels", GLCA_RULESET__MAX_DEPTH);
    if ((rc = advance(p)) < 0)
        return rc;
    if ((operand = parse_unary(p)) < 0)
        return operand;
    p->depth--;
    if (t.kind == GLCA_RULESET__TOK_NOT) {
        if ((rc = check_operand(p, operand, GLCA_RULESET__TYPE_BOOL, "'!'")) < 0)
            return rc;
        return add_node(p, GLCA_RULESET__OP_NOT, GLCA_RULESET__TYPE_BOOL, operand, -1, t.pos);
    }
    if ((rc = check_operand(p, operand, GLCA_RULESET__TYPE_NUMBER, "unary '-'")) < 0)
        return rc;
    return add_node(p, GLCA_RULESET__OP_NEG, GLCA_RULESET__TYPE_NUMBER, operand, -1, t.pos);
}

/* One precedence level: the operators it takes, what they make and what operands they need. */
typedef struct level {
    glca_ruleset__tok tok[4];
    glca_ruleset__op op[4];
    glca_ruleset__type operand; /* GLCA_RULESET__TYPE_ANY: both sides of one type (== and !=) */
    glca_ruleset__type result;
} level;

static const level levels[] = {
    {{GLCA_RULESET__TOK_OR},
     {GLCA_RULESET__OP_OR},
     GLCA_RULESET__TYPE_BOOL,
     GLCA_RULESET__TYPE_BOOL},
    {{GLCA_RULESET__TOK_AND},
     {GLCA_RULESET__OP_AND},
     GLCA_RULESET__TYPE_BOOL,
     GLCA_RULESET__TYPE_BOOL},
    {{GLCA_RULESET__TOK_EQ, GLCA_RULESET__TOK_NE},
     {GLCA_RULESET__OP_EQ, GLCA_RULESET__OP_NE},
     GLCA_RULESET__TYPE_ANY,
     GLCA_RULESET__TYPE_BOOL},
    {{GLCA_RULESET__TOK_LT, GLCA_RULESET__TOK_LE, GLCA_RULESET__TOK_GT, GLCA_RULESET__TOK_GE},
     {GLCA_RULESET__OP_LT, GLCA_RULESET__OP_LE, GLCA_RULESET__OP_GT, GLCA_RULESET__OP_GE},
     GLCA_RULESET__TYPE_NUMBER,
     GLCA_RULESET__TYPE_BOOL},
    {{GLCA_RULESET__TOK_PLUS, GLCA_RULESET__TOK_MINUS},
     {GLCA_RULESET__OP_ADD, GLCA_RULESET__OP_SUB},
     GLCA_RULESET__TYPE_NUMBER,
     GLCA_RULESET__TYPE_NUMBER},
    {{GLCA_RULESET__TOK_STAR, GLCA_RULESET__TOK_SLASH},
     {GLCA_RULESET__OP_MUL, GLCA_RULESET__OP_DIV},
     GLCA_RULESET__TYPE_NUMBER,
     GLCA_RULESET__TYPE_NUMBER},
};
#define NLEVELS ((int)(sizeof levels / sizeof levels[0]))

static int parse_level(parser *p, int lv)
{
    const level *L = &levels[lv];
    int left, right, rc, i;

    if ((left = lv + 1 < NLEVELS ? parse_level(p, lv + 1) : parse_unary(p)) < 0)
        return left;
    for (;;) {
        const glca_ruleset__token t = p->tok;
        char opname[16];

        for (i = 0; i < 4 && L->tok[i] != GLCA_RULESET__TOK_END; i++)
            if (L->tok[i] == t.kind)
                break;
        if (i == 4 || L->tok[i] == GLCA_RULESET__TOK_END)
            return left;
        if ((rc = advance(p)) < 0)
            return rc;
        if ((right = lv + 1 < NLEVELS ? parse_level(p, lv + 1) : parse_unary(p)) < 0)
            return right;
        snprintf(opname, sizeof opname, "%s", glca_ruleset__tok_name(t.kind));
        if (L->operand != GLCA_RULESET__TYPE_ANY) {
            if ((rc = check_operand(p, left, L->operand, opname)) < 0 ||
                (rc = check_operand(p, right, L->operand, opname)) < 0)
                return rc;
        } else {
            glca_ruleset__type lt = p->nodes[left].type, rt = p->nodes[right].type;

            if (lt != GLCA_RULESET__TYPE_ANY && rt != GLCA_RULESET__TYPE_ANY && lt != rt)
                return fail(p, t.pos, "%s compares a %s with a %s", opname,
                            glca_ruleset__type_name(lt), glca_ruleset__type_name(rt));
        }
        if ((left = add_node(p, L->op[i], L->result, left, right, t.pos)) < 0)
            return left;
    }
}

static int parse_or(parser *p)
{
    return parse_level(p, 0);
}

int glca_ruleset__expr_compile(glca_ruleset__expr **out, const char *text, const char *what,
                               const glca_srcloc *loc, glca_error *err)
{
    parser p;
    glca_ruleset__expr *e = NULL;
    size_t len = strlen(text);
    int rc;

    memset(&p, 0, sizeof p);
    p.text = text;
    p.what = what;
    p.loc = loc;
    p.err = err;
    if (len > GLCA_RULESET__MAX_TEXT)
        return glca_error_set(err, GLCA_ELIMIT, loc, "%s expression longer than %d bytes", what,
                              GLCA_RULESET__MAX_TEXT);
    if (!(e = glca_calloc(1, sizeof *e)) || !(e->text = glca_strdup(text)) ||
        !(e->strings = glca_malloc(len + 1))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    p.text = e->text;
    p.strings = e->strings;
    p.tok.pos = 0;
    p.tok.len = 0;
    if ((rc = advance(&p)) < 0)
        goto cleanup;
    if (p.tok.kind == GLCA_RULESET__TOK_END) {
        rc = fail(&p, 0, "empty expression");
        goto cleanup;
    }
    if ((rc = parse_or(&p)) < 0)
        goto cleanup;
    e->root = rc;
    if (p.tok.kind != GLCA_RULESET__TOK_END) {
        rc = fail(&p, p.tok.pos, "unexpected %s after the end of the expression",
                  glca_ruleset__tok_name(p.tok.kind));
        goto cleanup;
    }
    e->nodes = p.nodes;
    e->nnodes = p.nnodes;
    p.nodes = NULL;
    *out = e;
    e = NULL;
    rc = 0;
cleanup:
    glca_free(p.nodes);
    glca_ruleset__expr_free(e);
    return rc;
}

void glca_ruleset__expr_free(glca_ruleset__expr *e)
{
    if (!e)
        return;
    glca_free(e->text);
    glca_free(e->strings);
    glca_free(e->nodes);
    glca_free(e);
}

glca_ruleset__type glca_ruleset__expr_type(const glca_ruleset__expr *e)
{
    return e->nodes[e->root].type;
}

const char *glca_ruleset__type_name(glca_ruleset__type t)
{
    switch (t) {
    case GLCA_RULESET__TYPE_NUMBER:
        return "number";
    case GLCA_RULESET__TYPE_BOOL:
        return "true/false value";
    case GLCA_RULESET__TYPE_STRING:
        return "string";
    default:
        return "value";
    }
}
