/*
 * The ruleset reader's state and problem reporting, shared by ruleset_read.c (the rules) and
 * ruleset_read_root.c (the root element and the basis of thresholds).
 */
#ifndef GLCA_RULESET_READ_H
#define GLCA_RULESET_READ_H

#include "ruleset_int.h"

typedef struct glca_ruleset__reader {
    glca_xml *x;
    glca_ruleset *rs;
    glca_diag_sink sink; /* every problem is reported, the first one kept */
    bool broken;         /* the XML itself failed: nothing more can be read */
} glca_ruleset__reader;

/** Report a problem already in `e`; returns its code. */
int glca_ruleset__problem(glca_ruleset__reader *r, const glca_error *e);
/** A problem of the file's content at `line` (0: the current element); GLCA_EPARSE. */
GLCA_PRINTF(3, 4)
int glca_ruleset__complain_at(glca_ruleset__reader *r, long line, const char *fmt, ...);

/**
 * basis="confirmed|provisional" (absent: `dflt`) and source="…" (absent: a copy of `dsource`,
 * which may be NULL) of the current element into `*provisional` and `*source` (owned).
 */
int glca_ruleset__read_basis(glca_ruleset__reader *r, bool dflt, const char *dsource,
                             bool *provisional, char **source);
/** The root element's attributes into r->rs; < 0 (reported) when it is not a valid root. */
int glca_ruleset__read_root(glca_ruleset__reader *r);

#endif
