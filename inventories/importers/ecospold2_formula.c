/*
 * The formula evaluator of the EcoSpold 2 reader: a recursive-descent parser that evaluates as
 * it parses, over a string from an untrusted file.  It never allocates, bounds its recursion
 * (so "((((..." cannot exhaust the stack) and knows only the functions listed in
 * ecospold2_int.h; anything else is an error with the reason, which the reader turns into a
 * GLCA_IMP_NOT_EVALUABLE note.  Function names are matched without case, as ecoinvent's and
 * openLCA's formula languages do; variable names are matched by the caller.
 */
#include "importers/ecospold2_int.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Nesting beyond this is refused: real formulas stay under ten levels. */
#define MAX_NESTING 64
/* if(), min(), max() and sum() take at most this many arguments. */
#define MAX_ARGS 32

typedef struct parser {
    const char *s, *p;
    glca_es2_lookup_fn lookup;
    void *payload;
    int depth;
    glca_error *err;
} parser;

static int expr(parser *ps, double *out);

static int fail(parser *ps, const char *what)
{
    return glca_error_set(ps->err, GLCA_EPARSE, NULL, "%s at offset %ld of '%.80s'", what,
                          (long)(ps->p - ps->s), ps->s);
}

static void blanks(parser *ps)
{
    while (*ps->p && isspace((unsigned char)*ps->p))
        ps->p++;
}

static bool accept(parser *ps, const char *tok)
{
    size_t n = strlen(tok);

    blanks(ps);
    if (strncmp(ps->p, tok, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static bool is_ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static int number(parser *ps, double *out)
{
    char *end;

    /* strtod would accept "inf", "nan" and hex; a formula number starts with a digit or '.' */
    if (!isdigit((unsigned char)ps->p[0]) &&
        !(ps->p[0] == '.' && isdigit((unsigned char)ps->p[1])))
        return fail(ps, "expected a number");
    if (ps->p[0] == '0' && (ps->p[1] == 'x' || ps->p[1] == 'X'))
        return fail(ps, "hexadecimal number");
    *out = strtod(ps->p, &end);
    ps->p = end;
    return 0;
}

static int args(parser *ps, double *v, size_t *n)
{
    *n = 0;
    if (accept(ps, ")"))
        return 0;
    for (;;) {
        int rc;

        if (*n == MAX_ARGS)
            return fail(ps, "too many arguments");
        if ((rc = expr(ps, &v[(*n)++])) < 0)
            return rc;
        if (accept(ps, ")"))
            return 0;
        if (!accept(ps, ";") && !accept(ps, ","))
            return fail(ps, "expected ';' or ')'");
    }
}

static int call(parser *ps, const char *name, size_t len, double *out)
{
    double v[MAX_ARGS];
    size_t n, i;
    int rc;

#define IS(f) (len == sizeof f - 1 && strncasecmp(name, f, len) == 0)
    if ((rc = args(ps, v, &n)) < 0)
        return rc;
    if (IS("sum") || IS("min") || IS("max")) {
        if (n == 0)
            return fail(ps, "function needs at least one argument");
        *out = v[0];
        for (i = 1; i < n; i++)
            *out = IS("sum") ? *out + v[i] : IS("min") ? fmin(*out, v[i]) : fmax(*out, v[i]);
        return 0;
    }
    if (IS("if")) {
        if (n != 3)
            return fail(ps, "if() takes 3 arguments");
        *out = v[0] != 0 ? v[1] : v[2];
        return 0;
    }
    if (n != 1)
        return fail(ps, "function takes 1 argument");
    if (IS("abs"))
        *out = fabs(v[0]);
    else if (IS("sqrt"))
        *out = sqrt(v[0]);
    else if (IS("exp"))
        *out = exp(v[0]);
    else if (IS("ln"))
        *out = log(v[0]);
    else if (IS("log"))
        *out = log10(v[0]);
    else
        return fail(ps, "unknown function");
#undef IS
    return 0;
}

static int primary(parser *ps, double *out)
{
    int rc;

    blanks(ps);
    if (accept(ps, "(")) {
        if ((rc = expr(ps, out)) < 0)
            return rc;
        return accept(ps, ")") ? 0 : fail(ps, "expected ')'");
    }
    if (is_ident_start(*ps->p)) {
        const char *name = ps->p;
        size_t len;

        while (is_ident(*ps->p))
            ps->p++;
        len = (size_t)(ps->p - name);
        if (accept(ps, "("))
            return call(ps, name, len, out);
        if (!ps->lookup || !ps->lookup(name, len, out, ps->payload)) {
            ps->p = name;
            return glca_error_set(ps->err, GLCA_EPARSE, NULL, "unknown variable '%.*s' in '%.80s'",
                                  (int)(len < 60 ? len : 60), name, ps->s);
        }
        return 0;
    }
    return number(ps, out);
}

static int unary(parser *ps, double *out);

static int power(parser *ps, double *out)
{
    double e;
    int rc;

    if ((rc = primary(ps, out)) < 0)
        return rc;
    if (!accept(ps, "^"))
        return 0;
    if ((rc = unary(ps, &e)) < 0) /* right-associative: 2^3^2 = 2^9 */
        return rc;
    *out = pow(*out, e);
    return 0;
}

static int unary(parser *ps, double *out)
{
    int rc;

    if (++ps->depth > MAX_NESTING)
        return fail(ps, "formula nested too deeply");
    if (accept(ps, "-")) {
        rc = unary(ps, out);
        *out = -*out;
    } else if (accept(ps, "+")) {
        rc = unary(ps, out);
    } else {
        rc = power(ps, out);
    }
    ps->depth--;
    return rc;
}

static int product(parser *ps, double *out)
{
    double r;
    int rc;

    if ((rc = unary(ps, out)) < 0)
        return rc;
    for (;;) {
        bool div;

        if (accept(ps, "*"))
            div = false;
        else if (accept(ps, "/"))
            div = true;
        else
            return 0;
        if ((rc = unary(ps, &r)) < 0)
            return rc;
        *out = div ? *out / r : *out * r;
    }
}

static int sum(parser *ps, double *out)
{
    double r;
    int rc;

    if ((rc = product(ps, out)) < 0)
        return rc;
    for (;;) {
        bool minus;

        if (accept(ps, "+"))
            minus = false;
        else if (accept(ps, "-"))
            minus = true;
        else
            return 0;
        if ((rc = product(ps, &r)) < 0)
            return rc;
        *out = minus ? *out - r : *out + r;
    }
}

static int expr(parser *ps, double *out)
{
    double r;
    int rc, op;

    if (++ps->depth > MAX_NESTING)
        return fail(ps, "formula nested too deeply");
    if ((rc = sum(ps, out)) < 0)
        return rc;
    /* longest operators first */
    if (accept(ps, "<="))
        op = 1;
    else if (accept(ps, ">="))
        op = 2;
    else if (accept(ps, "<>"))
        op = 3;
    else if (accept(ps, "<"))
        op = 4;
    else if (accept(ps, ">"))
        op = 5;
    else if (accept(ps, "="))
        op = 6;
    else
        op = 0;
    if (op) {
        if ((rc = sum(ps, &r)) < 0)
            return rc;
        *out = op == 1 ? *out <= r : op == 2 ? *out >= r : op == 3 ? *out != r
             : op == 4 ? *out < r : op == 5 ? *out > r : *out == r;
    }
    ps->depth--;
    return 0;
}

int glca_inventories__es2_eval(const char *s, glca_es2_lookup_fn lookup, void *payload,
                               double *out, glca_error *err)
{
    parser ps = {s, s, lookup, payload, 0, err};
    double v;
    int rc;

    if ((rc = expr(&ps, &v)) < 0)
        return rc;
    blanks(&ps);
    if (*ps.p)
        return fail(&ps, "unexpected text");
    if (!isfinite(v))
        return glca_error_set(err, GLCA_EPARSE, NULL, "'%.80s' is not a finite number", s);
    *out = v;
    return 0;
}
