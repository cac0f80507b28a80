/*
 * The rule expression language, internal to ruleset/: lexer (expr_lex.c), parser with static
 * type checks (expr_parse.c), evaluation of operators (expr_eval.c) and of the data functions
 * that read the product, the background and the impacts (expr_env.c).
 *
 * An expression is compiled once, at ruleset load time, into a small typed tree held in one
 * array; evaluating it walks the tree without parsing.  Values are number, bool, string or
 * missing; a missing value carries the first reason it went missing, which becomes the item's
 * "not evaluable" reason.
 */
#ifndef GLCA_RULESET_EXPR_H
#define GLCA_RULESET_EXPR_H

#include <glca/ruleset.h>

/* Deepest nesting the parser accepts: a guard against stack exhaustion, not a language rule. */
#define GLCA_RULESET__MAX_DEPTH 64
/* Longest expression accepted, in bytes. */
#define GLCA_RULESET__MAX_TEXT 4096

/* ---------------------------------------------------------------- lexer */

typedef enum glca_ruleset__tok {
    GLCA_RULESET__TOK_END = 0,
    GLCA_RULESET__TOK_NUMBER,
    GLCA_RULESET__TOK_STRING,
    GLCA_RULESET__TOK_IDENT,
    GLCA_RULESET__TOK_LPAREN,
    GLCA_RULESET__TOK_RPAREN,
    GLCA_RULESET__TOK_COMMA,
    GLCA_RULESET__TOK_PLUS,
    GLCA_RULESET__TOK_MINUS,
    GLCA_RULESET__TOK_STAR,
    GLCA_RULESET__TOK_SLASH,
    GLCA_RULESET__TOK_LT,
    GLCA_RULESET__TOK_LE,
    GLCA_RULESET__TOK_GT,
    GLCA_RULESET__TOK_GE,
    GLCA_RULESET__TOK_EQ,
    GLCA_RULESET__TOK_NE,
    GLCA_RULESET__TOK_AND,
    GLCA_RULESET__TOK_OR,
    GLCA_RULESET__TOK_NOT
} glca_ruleset__tok;

typedef struct glca_ruleset__token {
    glca_ruleset__tok kind;
    size_t pos, len; /* byte offset and length in the text */
    double number;   /* GLCA_RULESET__TOK_NUMBER */
} glca_ruleset__token;

/**
 * The token starting at or after `pos`.  A character that starts no token is an error with a
 * message in `msg` (no location) and the offending offset in `tok->pos`.
 */
int glca_ruleset__lex(const char *text, size_t pos, glca_ruleset__token *tok, char *msg,
                      size_t msgsize);
const char *glca_ruleset__tok_name(glca_ruleset__tok t);

/* ---------------------------------------------------------------- tree */

typedef enum glca_ruleset__type {
    GLCA_RULESET__TYPE_ANY = 0, /* known only at evaluation (attr) */
    GLCA_RULESET__TYPE_NUMBER,
    GLCA_RULESET__TYPE_BOOL,
    GLCA_RULESET__TYPE_STRING
} glca_ruleset__type;

typedef enum glca_ruleset__op {
    GLCA_RULESET__OP_NUMBER,
    GLCA_RULESET__OP_BOOL,
    GLCA_RULESET__OP_STRING,
    GLCA_RULESET__OP_NEG,
    GLCA_RULESET__OP_NOT,
    GLCA_RULESET__OP_ADD,
    GLCA_RULESET__OP_SUB,
    GLCA_RULESET__OP_MUL,
    GLCA_RULESET__OP_DIV,
    GLCA_RULESET__OP_LT,
    GLCA_RULESET__OP_LE,
    GLCA_RULESET__OP_GT,
    GLCA_RULESET__OP_GE,
    GLCA_RULESET__OP_EQ,
    GLCA_RULESET__OP_NE,
    GLCA_RULESET__OP_AND,
    GLCA_RULESET__OP_OR,
    GLCA_RULESET__OP_IMPACT, /* str = category, stage = -1 for all stages */
    GLCA_RULESET__OP_ATTR,
    GLCA_RULESET__OP_HAS,
    GLCA_RULESET__OP_MASS,
    GLCA_RULESET__OP_RECYCLABLE,
    GLCA_RULESET__OP_RECYCLED,
    GLCA_RULESET__OP_PPM,
    GLCA_RULESET__OP_MIN,
    GLCA_RULESET__OP_MAX,
    GLCA_RULESET__OP_ABS
} glca_ruleset__op;

typedef struct glca_ruleset__node {
    glca_ruleset__op op;
    glca_ruleset__type type;
    int a, b;      /* children (indexes into the node array), -1 if none */
    double number; /* GLCA_RULESET__OP_NUMBER */
    bool boolean;  /* GLCA_RULESET__OP_BOOL */
    const char
        *str;  /* GLCA_RULESET__OP_STRING and functions taking a name: into the expression's text */
    int stage; /* GLCA_RULESET__OP_IMPACT: a glca_stage, or -1 for the sum over stages */
    size_t pos; /* byte offset in the text, for messages */
} glca_ruleset__node;

typedef struct glca_ruleset__expr {
    char *text;                /* as written */
    char *strings;             /* string literals, NUL-separated; nodes point here */
    glca_ruleset__node *nodes; /* root is nodes[root] */
    int nnodes, root;
} glca_ruleset__expr;

/**
 * Compile `text`.  `what` names the expression in messages ("check", "value", "when"); errors
 * are GLCA_EPARSE located at `loc` with "in <what> expression at character N: ..." messages.
 */
int glca_ruleset__expr_compile(glca_ruleset__expr **out, const char *text, const char *what,
                               const glca_srcloc *loc, glca_error *err);
void glca_ruleset__expr_free(glca_ruleset__expr *e);
/** Static type of the whole expression. */
glca_ruleset__type glca_ruleset__expr_type(const glca_ruleset__expr *e);
const char *glca_ruleset__type_name(glca_ruleset__type t);

/* ---------------------------------------------------------------- evaluation */

/**
 * Everything an evaluation reads, plus its scratch output: why a value went missing and the
 * evidence trail of the data used.  One per thread; reused item after item.
 */
typedef struct glca_ruleset__env {
    const glca_product *product;
    const glca_background *bg;
    const double *impacts;
    const char *method; /* method the ruleset requires, NULL if any */
    /* BOM figures, computed once per product */
    size_t nmaterials;
    double mass_kg, recyclable_kg, recycled_kg;
    char why[256];       /* first reason for a missing value; "" if none */
    char evidence[1024]; /* "; "-separated data used */
    size_t evidence_len;
    char number_buf[64]; /* scratch for formatting */
} glca_ruleset__env;

/** Prepare `env` for one product (computes the BOM figures). */
void glca_ruleset__env_init(glca_ruleset__env *env, const glca_product *p,
                            const glca_background *bg, const double *impacts, const char *method);
/** Forget the reason and evidence of the previous item. */
void glca_ruleset__env_reset(glca_ruleset__env *env);

/** Evaluate; a missing result has env->why set. Never fails otherwise. */
glca_rule_value glca_ruleset__expr_eval(const glca_ruleset__expr *e, glca_ruleset__env *env);

/* Used by expr_eval.c: the data functions (expr_env.c). */
glca_rule_value glca_ruleset__call(const glca_ruleset__node *n, glca_ruleset__env *env);
/** A missing value, recording `fmt` as the reason unless one is already recorded. */
glca_rule_value glca_ruleset__missing(glca_ruleset__env *env, const char *fmt, ...)
    GLCA_PRINTF(2, 3);
glca_rule_value glca_ruleset__number(double x);
glca_rule_value glca_ruleset__bool(bool b);
/** Append one "; "-separated entry to the evidence trail (truncated when full). */
void glca_ruleset__evidence(glca_ruleset__env *env, const char *fmt, ...) GLCA_PRINTF(2, 3);
/** Shortest round-trip-free but readable form of a number ("%.6g"), into `buf`. */
const char *glca_ruleset__fmt_number(double x, char *buf, size_t size);

#endif
