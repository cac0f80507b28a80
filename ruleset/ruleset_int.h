/*
 * Internals of a loaded ruleset, shared by the reader (ruleset_read.c), the accessors
 * (ruleset.c) and the evaluator (verdict.c).  A ruleset is built once by the reader and never
 * changes afterwards, which is what lets threads share it.
 */
#ifndef GLCA_RULESET_INT_H
#define GLCA_RULESET_INT_H

#include <glca/ruleset.h>

#include "expr.h"

/** One <baseline> child, or the baseline attribute (when == NULL). */
typedef struct glca_ruleset__baseline {
    glca_ruleset__expr *when; /* NULL: always applies */
    glca_rule_value value;    /* number or bool; value.string = text as written (owned) */
    bool provisional;         /* basis="provisional", or inherited from the indicator */
    char *source;             /* citation, owned; inherited from the indicator when absent */
    long line;
} glca_ruleset__baseline;

typedef struct glca_ruleset__rule {
    glca_item_kind kind;
    char *id, *name, *unit, *verification; /* unit, verification may be NULL */
    bool provisional;                      /* the rule's basis, default for its baselines */
    char *source;                          /* the rule's citation, may be NULL */
    glca_attribute attribute;
    bool has_stage;
    glca_stage stage;
    glca_comparator comparator; /* basic requirements: GLCA_CMP_EQ against true */
    glca_ruleset__expr *expr;   /* check or value */
    glca_ruleset__baseline *baselines;
    size_t nbaselines;
    long line;
} glca_ruleset__rule;

struct glca_ruleset {
    char *path, *id, *version, *standard, *category, *method; /* standard, method may be NULL */
    long line;                                                /* of the root element */
    glca_framework framework;
    glca_edition edition; /* strings owned; from/to "" when open */
    char from[11], to[11];
    glca_ruleset__rule *rules;
    size_t nrules, cap;
};

/** A verdict (verdict.c builds it, verdict_access.c reads it); every string is in `text`. */
struct glca_verdict {
    bool certified;
    glca_verdict_status status;
    glca_framework framework;
    const char *product_id, *ruleset_id, *version, *standard, *edition;
    const char *provisional, *label, *label_zh;
    glca_verdict_item *items;
    size_t nitems;
    const char **reasons;
    size_t nreasons;
    char *text;
};

/** Frees what a rule owns, not the rule itself. */
void glca_ruleset__rule_clear(glca_ruleset__rule *r);

/** 0 when `s` is a calendar date YYYY-MM-DD (copied to `out`), else GLCA_EPARSE. */
int glca_ruleset__parse_date(char out[11], const char *s);
/** Whether the edition of `rs` is in force on `date` (YYYY-MM-DD; both ends included). */
bool glca_ruleset__in_force(const glca_ruleset *rs, const char *date);

#endif
