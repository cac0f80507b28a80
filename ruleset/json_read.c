/*
 * A small JSON reader for what greenlca itself wrote (the JSON report that `verify` reads
 * back): a tree of values with numbers converted by strtod, which gives back the very double
 * that was written with 17 significant digits.  It accepts RFC 8259 JSON, refuses anything
 * else with the line where it stopped, and bounds nesting so a hostile file cannot exhaust the
 * stack.
 */
#include "json_read.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct parser {
    const char *s, *end, *path;
    long line;
    glca_error *err;
} parser;

static int fail(parser *p, const char *what)
{
    glca_srcloc where = {p->path, p->line, 0};

    return glca_error_set(p->err, GLCA_EPARSE, &where, "not valid JSON: %s", what);
}

static void skip_space(parser *p)
{
    for (; p->s < p->end; p->s++) {
        if (*p->s == '\n')
            p->line++;
        else if (*p->s != ' ' && *p->s != '\t' && *p->s != '\r')
            break;
    }
}

static int parse_value(parser *p, glca_ruleset__json *v, int depth);

/* Appends the UTF-8 form of code point `c` to `out`. */
static size_t put_utf8(char *out, unsigned long c)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static int hex4(parser *p, unsigned long *out)
{
    int i;

    *out = 0;
    if (p->end - p->s < 4)
        return fail(p, "short \\u escape");
    for (i = 0; i < 4; i++) {
        char c = *p->s++;

        *out <<= 4;
        if (c >= '0' && c <= '9')
            *out |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            *out |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            *out |= (unsigned long)(c - 'A' + 10);
        else
            return fail(p, "bad \\u escape");
    }
    return 0;
}

/* A string at p->s (on its opening quote); the text, unescaped, is owned by `*out`. */
static int parse_string(parser *p, char **out)
{
    const char *q;
    char *buf, *w;
    int rc;

    p->s++;
    for (q = p->s; q < p->end && *q != '"'; q++)
        if (*q == '\\')
            q++;
    if (q >= p->end)
        return fail(p, "unterminated string");
    /* escapes never grow: \uXXXX is 6 bytes for at most 4 of UTF-8 */
    if (!(buf = w = glca_malloc((size_t)(q - p->s) + 1)))
        return glca_error_oom(p->err);
    while (*p->s != '"') {
        unsigned char c = (unsigned char)*p->s++;
        unsigned long u, lo;

        if (c < 0x20) {
            rc = fail(p, "control character in a string");
            goto error;
        }
        if (c != '\\') {
            *w++ = (char)c;
            continue;
        }
        switch (*p->s++) {
        case '"':
            *w++ = '"';
            break;
        case '\\':
            *w++ = '\\';
            break;
        case '/':
            *w++ = '/';
            break;
        case 'b':
            *w++ = '\b';
            break;
        case 'f':
            *w++ = '\f';
            break;
        case 'n':
            *w++ = '\n';
            break;
        case 'r':
            *w++ = '\r';
            break;
        case 't':
            *w++ = '\t';
            break;
        case 'u':
            if ((rc = hex4(p, &u)) < 0)
                goto error;
            if (u >= 0xD800 && u < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' &&
                p->s[1] == 'u') {
                p->s += 2;
                if ((rc = hex4(p, &lo)) < 0)
                    goto error;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    rc = fail(p, "unpaired surrogate");
                    goto error;
                }
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            }
            w += put_utf8(w, u);
            break;
        default:
            rc = fail(p, "bad escape");
            goto error;
        }
    }
    p->s++;
    *w = '\0';
    *out = buf;
    return 0;
error:
    glca_free(buf);
    return rc;
}

static int parse_number(parser *p, glca_ruleset__json *v)
{
    char text[64], *end;
    size_t n = strspn(p->s, "-+0123456789.eE");

    if (n == 0 || n >= sizeof text || p->s + n > p->end)
        return fail(p, "unexpected character");
    memcpy(text, p->s, n);
    text[n] = '\0';
    errno = 0;
    v->number = strtod(text, &end);
    /* underflow to a subnormal is a value (ERANGE too); overflow is not */
    if (*end || (errno == ERANGE && isinf(v->number)))
        return fail(p, "bad number");
    v->type = GLCA_RULESET__JSON_NUMBER;
    p->s += n;
    return 0;
}

static int grow(parser *p, glca_ruleset__json *v, size_t *cap)
{
    if (v->n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        glca_ruleset__json *items = glca_reallocarray(v->items, c, sizeof *items);
        char **keys;

        if (!items)
            return glca_error_oom(p->err);
        v->items = items;
        if (v->type == GLCA_RULESET__JSON_OBJECT) {
            if (!(keys = glca_reallocarray(v->keys, c, sizeof *keys)))
                return glca_error_oom(p->err);
            v->keys = keys;
        }
        *cap = c;
    }
    memset(&v->items[v->n], 0, sizeof v->items[v->n]);
    if (v->type == GLCA_RULESET__JSON_OBJECT)
        v->keys[v->n] = NULL;
    return 0;
}

/* An array or object at p->s (on its bracket). */
static int parse_container(parser *p, glca_ruleset__json *v, int depth)
{
    bool object = *p->s == '{';
    char close = object ? '}' : ']';
    size_t cap = 0;
    int rc;

    if (depth >= MAX_DEPTH)
        return fail(p, "nested too deeply");
    v->type = object ? GLCA_RULESET__JSON_OBJECT : GLCA_RULESET__JSON_ARRAY;
    p->s++;
    skip_space(p);
    if (p->s < p->end && *p->s == close) {
        p->s++;
        return 0;
    }
    for (;;) {
        if ((rc = grow(p, v, &cap)) < 0)
            return rc;
        v->n++; /* counted now so that a failure below frees what was read */
        if (object) {
            skip_space(p);
            if (p->s >= p->end || *p->s != '"')
                return fail(p, "expected a member name");
            if ((rc = parse_string(p, &v->keys[v->n - 1])) < 0)
                return rc;
            skip_space(p);
            if (p->s >= p->end || *p->s++ != ':')
                return fail(p, "expected ':'");
        }
        if ((rc = parse_value(p, &v->items[v->n - 1], depth + 1)) < 0)
            return rc;
        skip_space(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == close) {
            p->s++;
            return 0;
        }
        return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static bool literal(parser *p, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0)
        return false;
    p->s += n;
    return true;
}

static int parse_value(parser *p, glca_ruleset__json *v, int depth)
{
    skip_space(p);
    if (p->s >= p->end)
        return fail(p, "unexpected end");
    switch (*p->s) {
    case '{':
    case '[':
        return parse_container(p, v, depth);
    case '"':
        v->type = GLCA_RULESET__JSON_STRING;
        return parse_string(p, &v->string);
    default:
        break;
    }
    if (literal(p, "null")) {
        v->type = GLCA_RULESET__JSON_NULL;
        return 0;
    }
    if (literal(p, "true") || literal(p, "false")) {
        v->type = GLCA_RULESET__JSON_BOOL;
        v->boolean = p->s[-1] == 'e' && p->s[-2] == 'u';
        return 0;
    }
    return parse_number(p, v);
}

void glca_ruleset__json_clear(glca_ruleset__json *v)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < v->n; i++) {
        glca_ruleset__json_clear(&v->items[i]);
        if (v->keys)
            glca_free(v->keys[i]);
    }
    glca_free(v->items);
    glca_free(v->keys);
    glca_free(v->string);
    memset(v, 0, sizeof *v);
}

int glca_ruleset__json_parse(glca_ruleset__json *out, const char *text, size_t len,
                             const char *path, glca_error *err)
{
    parser p = {text, text + len, path, 1, err};
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = parse_value(&p, out, 0)) == 0) {
        skip_space(&p);
        if (p.s != p.end)
            rc = fail(&p, "text after the value");
    }
    if (rc < 0)
        glca_ruleset__json_clear(out);
    return rc;
}

const glca_ruleset__json *glca_ruleset__json_get(const glca_ruleset__json *v, const char *key)
{
    size_t i;

    if (!v || v->type != GLCA_RULESET__JSON_OBJECT)
        return NULL;
    for (i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const char *glca_ruleset__json_string(const glca_ruleset__json *v)
{
    return v && v->type == GLCA_RULESET__JSON_STRING ? v->string : NULL;
}
