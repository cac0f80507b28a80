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
    long line;
} glca_ruleset__baseline;

typedef struct glca_ruleset__rule {
    glca_item_kind kind;
    char *id, *name, *unit, *verification; /* unit, verification may be NULL */
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
    glca_ruleset__rule *rules;
    size_t nrules, cap;
};

/** Frees what a rule owns, not the rule itself. */
void glca_ruleset__rule_clear(glca_ruleset__rule *r);

#endif
