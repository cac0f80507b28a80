/*
 * Lexer of the rule expression language: numbers, quoted strings, names, parentheses, commas
 * and the operators + - * / < <= > >= == != && || !.  It works on the text in place and hands
 * out one token at a time with its byte offset, so the parser can say where an error is.
 *
 * Strings take single quotes (FORMATS.md) or double quotes (as ARCHITECTURE.md writes them);
 * there are no escapes, because no name a rule needs contains a quote.
 */
#include "expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || is_digit(c);
}

/* digits [. digits] [e [+-] digits], or . digits ...; returns the length, 0 if malformed. */
static size_t scan_number(const char *s)
{
    size_t i = 0, mantissa = 0;

    while (is_digit(s[i])) {
        i++;
        mantissa++;
    }
    if (s[i] == '.') {
        i++;
        while (is_digit(s[i])) {
            i++;
            mantissa++;
        }
    }
    if (mantissa == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;

        if (s[j] == '+' || s[j] == '-')
            j++;
        if (!is_digit(s[j]))
            return 0;
        while (is_digit(s[j]))
            j++;
        i = j;
    }
    return i;
}

static int lex_number(const char *text, glca_ruleset__token *tok, char *msg, size_t msgsize)
{
    const char *s = text + tok->pos;
    size_t len = scan_number(s);
    char buf[64];

    if (len == 0 || is_name_char(s[len]) || s[len] == '.') {
        snprintf(msg, msgsize, "malformed number");
        return GLCA_EPARSE;
    }
    if (len >= sizeof buf) {
        snprintf(msg, msgsize, "number too long");
        return GLCA_EPARSE;
    }
    /* The text was checked above to be plain decimal, so strtod reads exactly it. */
    memcpy(buf, s, len);
    buf[len] = '\0';
    tok->kind = GLCA_RULESET__TOK_NUMBER;
    tok->len = len;
    tok->number = strtod(buf, NULL);
    return 0;
}

static int lex_string(const char *text, glca_ruleset__token *tok, char *msg, size_t msgsize)
{
    char quote = text[tok->pos];
    const char *end = strchr(text + tok->pos + 1, quote);

    if (!end) {
        snprintf(msg, msgsize, "unterminated string");
        return GLCA_EPARSE;
    }
    tok->kind = GLCA_RULESET__TOK_STRING;
    tok->len = (size_t)(end - (text + tok->pos)) + 1;
    return 0;
}

typedef struct punct {
    const char *text;
    glca_ruleset__tok kind;
} punct;

/* Two-character operators first, so "<=" is not read as "<" then "=". */
static const punct puncts[] = {
    {"<=", GLCA_RULESET__TOK_LE},    {">=", GLCA_RULESET__TOK_GE},
    {"==", GLCA_RULESET__TOK_EQ},    {"!=", GLCA_RULESET__TOK_NE},
    {"&&", GLCA_RULESET__TOK_AND},   {"||", GLCA_RULESET__TOK_OR},
    {"<", GLCA_RULESET__TOK_LT},     {">", GLCA_RULESET__TOK_GT},
    {"!", GLCA_RULESET__TOK_NOT},    {"+", GLCA_RULESET__TOK_PLUS},
    {"-", GLCA_RULESET__TOK_MINUS},  {"*", GLCA_RULESET__TOK_STAR},
    {"/", GLCA_RULESET__TOK_SLASH},  {"(", GLCA_RULESET__TOK_LPAREN},
    {")", GLCA_RULESET__TOK_RPAREN}, {",", GLCA_RULESET__TOK_COMMA},
    {NULL, GLCA_RULESET__TOK_END},
};

int glca_ruleset__lex(const char *text, size_t pos, glca_ruleset__token *tok, char *msg,
                      size_t msgsize)
{
    const punct *p;
    char c;

    while (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')
        pos++;
    tok->pos = pos;
    tok->len = 0;
    tok->number = 0;
    c = text[pos];
    if (c == '\0') {
        tok->kind = GLCA_RULESET__TOK_END;
        return 0;
    }
    if (is_digit(c) || (c == '.' && is_digit(text[pos + 1])))
        return lex_number(text, tok, msg, msgsize);
    if (c == '\'' || c == '"')
        return lex_string(text, tok, msg, msgsize);
    if (is_name_start(c)) {
        size_t len = 1;

        while (is_name_char(text[pos + len]))
            len++;
        tok->kind = GLCA_RULESET__TOK_IDENT;
        tok->len = len;
        return 0;
    }
    for (p = puncts; p->text; p++) {
        size_t len = strlen(p->text);

        if (strncmp(text + pos, p->text, len) == 0) {
            tok->kind = p->kind;
            tok->len = len;
            return 0;
        }
    }
    if (c == '=')
        snprintf(msg, msgsize, "unexpected '=' (comparison is '==')");
    else if (c == '&' || c == '|')
        snprintf(msg, msgsize, "unexpected '%c' (logical operators are '&&' and '||')", c);
    else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        snprintf(msg, msgsize, "unexpected byte 0x%02x", (unsigned)(unsigned char)c);
    else
        snprintf(msg, msgsize, "unexpected character '%c'", c);
    return GLCA_EPARSE;
}

const char *glca_ruleset__tok_name(glca_ruleset__tok t)
{
    static const char *const names[] = {
        "end of expression",
        "number",
        "string",
        "name",
        "'('",
        "')'",
        "','",
        "'+'",
        "'-'",
        "'*'",
        "'/'",
        "'<'",
        "'<='",
        "'>'",
        "'>='",
        "'=='",
        "'!='",
        "'&&'",
        "'||'",
        "'!'",
    };

    return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
