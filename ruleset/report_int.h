/*
 * The report model: every figure the self-evaluation report shows, computed once and rendered
 * twice (report_html.c, report_json.c) so the HTML and the JSON cannot disagree.
 */
#ifndef GLCA_RULESET_REPORT_INT_H
#define GLCA_RULESET_REPORT_INT_H

#include <glca/ruleset.h>

typedef struct glca_report_source {
    const char *role; /* "product", "inventory", "method", "ruleset" */
    const char *path;
    char id[201];      /* root element's id, "" if it has none */
    char version[64];  /* root element's version, "" if none */
    char sha256[65];   /* hex */
} glca_report_source;

typedef struct glca_report_model {
    const glca_report_input *in;
    size_t k, nlines, nmaterials;
    glca_report_source *sources;
    size_t nsources;
    double *totals;     /* k */
    double *line_value; /* k × nlines: what each line adds to each category (its evaluate term) */
    size_t *top;        /* k × ntop: line indexes by decreasing |value| */
    size_t *ntop;       /* k */
    int *dominant;      /* k: stage with the largest |impact|, -1 when all are 0 */
    size_t lines_per_stage[GLCA_NSTAGES];
    double mass_kg, recyclable_kg, recycled_kg;
} glca_report_model;

int glca_ruleset__report_model(glca_report_model *m, const glca_report_input *in,
                               glca_error *err);
void glca_ruleset__report_model_free(glca_report_model *m);

/** The n-th stage's Chinese name as the standard uses it (原材料获取 …). */
const char *glca_ruleset__stage_zh(glca_stage s);

/** The framework of the verdict (or ruleset) reported; eco-design without either. */
glca_framework glca_ruleset__report_framework(const glca_report_input *in);

/* HTML pieces shared by report_html.c and report_verdict.c. */
void glca_ruleset__html_esc(FILE *f, const char *s);
void glca_ruleset__html_value(FILE *f, const glca_rule_value *v);
/** The verdict section: badge and label in English and Chinese, edition, reasons. */
void glca_ruleset__html_verdict(FILE *f, const glca_report_input *in);
/** Section 5: every basic requirement and indicator, each threshold with basis and source. */
void glca_ruleset__html_evaluation(FILE *f, const glca_report_input *in);

#endif
