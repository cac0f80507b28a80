/*
 * What several subcommands share: the --inventory/--method/--ruleset/--rules-dir options, loading
 * the background and rulebook once, and taking one product file through read, bind, evaluate
 * and (with rules) verdict.  Only calls into the libraries; prints errors as they come.
 */
#ifndef GLCA_CLI_STUDY_H
#define GLCA_CLI_STUDY_H

#include <glca/ruleset.h>

#include "args.h"

typedef struct cli_study {
    glca_background *bg;
    glca_rulebook *rules; /* NULL without --ruleset / --rules-dir */
    const char *const *inventories;
    size_t ninventories;
    const char *method; /* the first --method */
    const char *const *methods;
    size_t nmethods;
} cli_study;

/** How inventories of other formats are read: allocation, provider map, linking report. */
#define CLI_IMPORT_OPTIONS                                                                    \
    {"allocation", true, false, 0, {0}}, {"provider-map", true, false, 0, {0}},               \
        {"linking-report", true, false, 0, {0}}, {"linking-report-format", true, false, 0, {0}}

/** The options a study needs, for a subcommand's option table (copy them in). */
#define CLI_STUDY_OPTIONS                                                                     \
    {"inventory", true, true, 0, {0}}, {"method", true, true, 0, {0}},                       \
        {"ruleset", true, false, 0, {0}}, {"rules-dir", true, false, 0, {0}},                  \
        {"on", true, false, 0, {0}}, CLI_IMPORT_OPTIONS

/** CLI_IMPORT_OPTIONS into `o`; 0, or an exit status after a usage message. */
int cli_import_options(const cli_args *a, const char *cmd, glca_load_options *o);

/** Loads the study from parsed options; prints problems; returns 0 or a CLI exit status. */
int cli_study_open(cli_study *s, const cli_args *a, const char *cmd, bool rules_allowed);
void cli_study_close(cli_study *s);

/** One product of a study, evaluated (and judged when the study has rules). */
typedef struct cli_product {
    glca_product *p;
    double *impacts;       /* k × GLCA_NSTAGES */
    glca_verdict *verdict; /* NULL without rules or when none applies */
} cli_product;

/** Read, bind, evaluate, judge; prints problems; returns 0 or a negative glca_code. */
int cli_product_load(cli_product *out, const cli_study *s, const char *path);
void cli_product_free(cli_product *cp);

/** --category ID (all categories without it) as the range [first, last); 0 or exit status. */
int cli_category_option(const cli_args *a, const glca_background *bg, const char *cmd,
                        size_t *first, size_t *last);

/**
 * For commands on one product: open the study, read --category, load the first positional
 * product.  These commands solve with A, so a --cache-dir keeps A and B too (the .background
 * file).  Returns 0, or an exit status with everything closed again.
 */
int cli_study_open_product(cli_study *s, cli_product *cp, const cli_args *a, const char *cmd,
                           bool rules_allowed, size_t *first, size_t *last);

#endif
