/*
 * greenlca ruleset: certification of one product under GB/T 32161 (eco-design, 生态设计产品)
 * or GB/T 33761 (green product, 绿色产品), by the category specification's edition in force.
 *
 * A ruleset file (FORMATS.md "Ruleset", namespace urn:greenlca:ruleset:1) lists the basic
 * requirements and the indicators of one product category.  Loading it reads the file through
 * the safe XML reader of inventories.h and compiles every expression once, with static checks;
 * evaluating it against a bound product, its background and the impacts from glca_evaluate
 * gives a verdict: every item with its value, the baseline that applied, the outcome, a reason
 * sentence and the evidence it rests on, plus the list of reasons the product is not certified.
 * Every threshold carries its basis (confirmed or provisional) and source, and the verdict is
 * qualified by the provisional thresholds it rests on.
 *
 * A loaded ruleset is read-only and can be shared by threads; each evaluation allocates its own
 * verdict.  Rendering (HTML report, CLI) lives elsewhere; this header gives them every datum.
 */
#ifndef GLCA_RULESET_H
#define GLCA_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <glca/engine.h>
#include <glca/inventories.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- ruleset */

typedef struct glca_ruleset glca_ruleset;

/**
 * The certification scheme a ruleset implements.  They differ in their attribute groups (the
 * fourth is 产品属性 for eco-design, 品质属性 for green products) and in the report's headings.
 */
typedef enum glca_framework {
    GLCA_FRAMEWORK_ECO_DESIGN = 0, /* GB/T 32161-2015 生态设计产品 */
    GLCA_FRAMEWORK_GREEN_PRODUCT   /* GB/T 33761-2017 绿色产品 */
} glca_framework;

/**
 * The edition of the category specification a ruleset encodes.  Strings are borrowed from the
 * ruleset; NULL (and year 0) when the file does not say.  `from` and `to` are the dates the
 * edition applies from and to (YYYY-MM-DD, both included), "" when open.
 */
typedef struct glca_edition {
    const char *number; /* "GB/T 35610-2024", "T/CAGP 0001—2016" */
    int year;
    const char *title; /* "绿色产品评价 陶瓷砖(板)" */
    const char *from, *to;
} glca_edition;

/**
 * Read and compile a ruleset file.  Every problem (XML, unknown element or attribute, bad
 * comparator, missing baseline, duplicate id, expression syntax or type error, ...) goes to
 * `diag` (may be NULL) as file:line:column: message; the return is the first problem's code with
 * its error in `err`, or 0 with `*out` set (caller frees).  Expression errors carry the line of
 * their element and say the character offset within the expression in the message.
 * `limits` may be NULL for the defaults.
 */
int glca_ruleset_load(glca_ruleset **out, const char *path, const glca_xml_limits *limits,
                      glca_diag_fn diag, void *payload, glca_error *err);
void glca_ruleset_free(glca_ruleset *rs);

/* Root attributes, borrowed from the ruleset.  `standard` and `method` may be NULL. */
const char *glca_ruleset_id(const glca_ruleset *rs);
const char *glca_ruleset_version(const glca_ruleset *rs);
const char *glca_ruleset_standard(const glca_ruleset *rs);
const char *glca_ruleset_category(const glca_ruleset *rs);
const char *glca_ruleset_method(const glca_ruleset *rs);
const char *glca_ruleset_path(const glca_ruleset *rs);
glca_framework glca_ruleset_framework(const glca_ruleset *rs);
/** The edition (borrowed, lives as long as the ruleset). */
const glca_edition *glca_ruleset_edition(const glca_ruleset *rs);
/** "eco-design" or "green-product", as in files and JSON. */
const char *glca_framework_name(glca_framework f);
/** The scheme's product name in Chinese: "生态设计产品" or "绿色产品". */
const char *glca_framework_name_zh(glca_framework f);
/** Basic requirements plus indicators. */
size_t glca_ruleset_nitems(const glca_ruleset *rs);

/**
 * GLCA_EPARSE when the product's category is not the ruleset's (or the product has none); the
 * error is located at the product (when its location is known) and names the ruleset file:line.
 */
int glca_ruleset_check_category(const glca_ruleset *rs, const glca_product *p, glca_error *err);

/**
 * GLCA_EPARSE when the ruleset names a method and the background was built with another one.
 * Evaluating anyway makes every impact() not evaluable, never a silent pass.
 */
int glca_ruleset_check_method(const glca_ruleset *rs, const glca_background *bg, glca_error *err);

/** Forms of the review sheet. */
typedef enum glca_explain_format { GLCA_EXPLAIN_TEXT = 0, GLCA_EXPLAIN_CSV } glca_explain_format;

/**
 * The review sheet: every basic requirement and indicator of `rs` in plain English and
 * Chinese, with unit, comparator, baselines and their conditions, each threshold's basis and
 * source, and the framework and edition.  CSV: a header, then one row per threshold (an item
 * without one gets one row with condition, baseline and basis empty).  GLCA_EIO if the stream
 * failed.
 */
int glca_ruleset_explain(FILE *f, const glca_ruleset *rs, glca_explain_format format,
                         glca_error *err);

/* ---------------------------------------------------------------- verdict */

typedef enum glca_item_kind {
    GLCA_ITEM_BASIC,    /* basic requirement (基本要求): its check must be true */
    GLCA_ITEM_INDICATOR /* indicator (评价指标): value against a baseline */
} glca_item_kind;

/** First-level attribute of an indicator; GLCA_ATTRIBUTE_NONE for basic requirements. */
typedef enum glca_attribute {
    GLCA_ATTRIBUTE_NONE = 0,
    GLCA_ATTRIBUTE_RESOURCE,    /* 资源属性 */
    GLCA_ATTRIBUTE_ENERGY,      /* 能源属性 */
    GLCA_ATTRIBUTE_ENVIRONMENT, /* 环境属性 */
    GLCA_ATTRIBUTE_PRODUCT,     /* 产品属性 (eco-design) */
    GLCA_ATTRIBUTE_QUALITY      /* 品质属性 (green product) */
} glca_attribute;

/** Basic requirements use GLCA_CMP_EQ against the baseline true. */
typedef enum glca_comparator {
    GLCA_CMP_GE = 0,
    GLCA_CMP_LE,
    GLCA_CMP_GT,
    GLCA_CMP_LT,
    GLCA_CMP_EQ,
    GLCA_CMP_REPORT /* value shown, no pass or fail */
} glca_comparator;

typedef enum glca_outcome {
    GLCA_OUTCOME_PASS = 0,
    GLCA_OUTCOME_FAIL,
    GLCA_OUTCOME_NOT_EVALUABLE, /* a datum is missing or of the wrong type: never a pass */
    GLCA_OUTCOME_REPORT         /* comparator report with a value */
} glca_outcome;

/** A value: `present` false means missing (not evaluable); `string` is set for every kind. */
typedef struct glca_rule_value {
    bool present;
    glca_value_kind kind; /* engine.h: number, bool, string */
    double number;
    bool boolean;
    const char *string; /* the value as text ("4.8", "true", "R32"); "" when missing */
} glca_rule_value;

/** One evaluated item.  All strings belong to the verdict. */
typedef struct glca_verdict_item {
    const char *id, *name;
    glca_item_kind kind;
    glca_attribute attribute;
    bool has_stage; /* the rule names a life-cycle stage */
    glca_stage stage;
    const char *unit; /* NULL if the rule gives none */
    glca_comparator comparator;
    const char *expression;    /* the check or value expression as written */
    glca_rule_value value;     /* not present when not evaluable */
    glca_rule_value baseline;  /* the baseline that applied; not present if none did / report */
    const char *baseline_when; /* condition of the <baseline when> that applied, else NULL */
    glca_outcome outcome;
    const char *reason;       /* one sentence, always set, e.g. "E1: ... 4.8 < 5.0 (baseline)" */
    const char *evidence;     /* the data used: declared values with their source, BOM and LCA
                                 figures; "" if none */
    const char *verification; /* how the rule says it is verified ("test report"), or NULL */
    long rule_line;           /* line of the rule in the ruleset file */
    bool provisional; /* the threshold that decided it is provisional (pass/fail indicators) */
    const char *source; /* citation of that threshold (or of the requirement), or NULL */
} glca_verdict_item;

typedef struct glca_verdict glca_verdict;

/**
 * Evaluate `rs` on a product bound to `bg` (glca_product_bind) whose impacts are `impacts`
 * (k × GLCA_NSTAGES, from glca_evaluate).  The category is not checked here (see
 * glca_ruleset_check_category).  Missing data never fail the call: they make items not
 * evaluable.  Returns 0 with `*out` set (caller frees), or GLCA_ENOMEM.  Thread-safe.
 */
int glca_ruleset_evaluate(glca_verdict **out, const glca_ruleset *rs, const glca_product *product,
                          const glca_background *bg, const double *impacts, glca_error *err);
void glca_verdict_free(glca_verdict *v);

/**
 * What a verdict says, qualified by the basis of the thresholds it rests on.  A certified
 * product is CERTIFIED_PROVISIONAL when any indicator it passed was judged against a
 * provisional threshold.  The qualifier is symmetric: a product that is not certified only
 * because of failed provisional thresholds (no basic requirement failed, no confirmed threshold
 * failed, nothing not evaluable) is NOT_CERTIFIED_PROVISIONAL.  NOT_EVALUABLE: nothing failed
 * but a deciding item could not be evaluated (missing data never pass).
 */
typedef enum glca_verdict_status {
    GLCA_VERDICT_CERTIFIED = 0,
    GLCA_VERDICT_CERTIFIED_PROVISIONAL,
    GLCA_VERDICT_NOT_CERTIFIED,
    GLCA_VERDICT_NOT_CERTIFIED_PROVISIONAL,
    GLCA_VERDICT_NOT_EVALUABLE
} glca_verdict_status;

/** True iff every basic requirement passes and every non-report indicator passes. */
bool glca_verdict_certified(const glca_verdict *v);
glca_verdict_status glca_verdict_get_status(const glca_verdict *v);
/** "certified", "certified-provisional", "not-certified", "not-certified-provisional", ... */
const char *glca_verdict_status_name(glca_verdict_status s);
/**
 * The ids of the provisional thresholds the verdict rests on, ", "-separated ("R1, E1"; "" when
 * none): the passed ones of a certified product, the failed ones of a product not certified.
 */
const char *glca_verdict_provisional(const glca_verdict *v);
/**
 * "certified", "certified (provisional thresholds: R1, E1)", "not certified", "not certified (on
 * provisional thresholds: V7)", "not certified (not evaluable: E1)": never a bare "certified"
 * when a provisional threshold decided.  Borrowed.
 */
const char *glca_verdict_label(const glca_verdict *v);
/** The same in Chinese, with the framework's product name ("符合绿色产品评价要求（暂定阈值：…）"). */
const char *glca_verdict_label_zh(const glca_verdict *v);
glca_framework glca_verdict_framework(const glca_verdict *v);
/** Edition number of the ruleset applied ("GB/T 35610-2024"), or NULL. */
const char *glca_verdict_edition(const glca_verdict *v);
const char *glca_verdict_product_id(const glca_verdict *v);
const char *glca_verdict_ruleset_id(const glca_verdict *v);
const char *glca_verdict_ruleset_version(const glca_verdict *v);
const char *glca_verdict_standard(const glca_verdict *v); /* may be NULL */
/** Items in file order (borrowed from the verdict). */
const glca_verdict_item *glca_verdict_items(const glca_verdict *v, size_t *n);
/** One sentence per failing or not-evaluable item, in file order (borrowed). */
const char *const *glca_verdict_reasons(const glca_verdict *v, size_t *n);

/* Names used in files and JSON: "basic", "resource", ">=", "not-evaluable", ... */
const char *glca_item_kind_name(glca_item_kind k);
const char *glca_attribute_name(glca_attribute a); /* NULL for GLCA_ATTRIBUTE_NONE */
const char *glca_comparator_name(glca_comparator c);
const char *glca_outcome_name(glca_outcome o);
/** "confirmed" or "provisional" for the threshold an indicator was judged on; NULL when no
 * threshold applied (basic requirements, report indicators, no baseline). */
const char *glca_verdict_item_basis(const glca_verdict_item *it);

/**
 * Write the `"verdict": {...}` member of FORMATS.md's machine interface (no surrounding
 * braces): ruleset, version, standard, framework, edition, certified, status, label, label_zh,
 * provisional (ids), items (id, name, kind, attribute, stage, unit, comparator, value, baseline,
 * baseline_when, basis, source, outcome, reason, evidence, verification) and reasons.  Missing
 * values are null.  Returns GLCA_EIO if the stream failed.
 */
int glca_write_verdict_json(FILE *f, const glca_verdict *v, glca_error *err);

/* ------------------------------------------------------------ self-evaluation report, rulebooks */

/**
 * What a self-evaluation report (自评价报告) is made of.  Everything is borrowed.  The product
 * must be bound to `bg`; `impacts` comes from glca_evaluate; `ruleset` and `verdict` may be NULL
 * (an LCA report without certification).  Paths are shown and their files hashed (SHA-256), so
 * an assessor can check that the numbers come from the files named.
 */
typedef struct glca_report_input {
    int version;
    const glca_product *product;
    const glca_background *bg;
    const double *impacts;
    const glca_ruleset *ruleset;
    const glca_verdict *verdict;
    const char *product_path;
    const char *const *inventory_paths;
    size_t ninventories;
    const char *method_path;
    const char *generated; /* when, as text (ISO 8601); NULL leaves it out */
    size_t top_lines;      /* lines listed per category in the interpretation */
    const char *rules_date; /* the date editions were chosen on (glca_rulebook_date), or NULL */
} glca_report_input;

#define GLCA_REPORT_INPUT_INIT {1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 5, NULL}

/**
 * Write the report as one self-contained HTML file (inline CSS and SVG, no scripts, no
 * fetches): basic information, goal and scope with the system boundary, inventory (data sources
 * with content hashes, product lines, materials), impact assessment by stage with charts, every
 * basic requirement and indicator with value, baseline, outcome and evidence, the verdict, and
 * interpretation with improvement points.  GLCA_EIO when a file cannot be hashed or written.
 */
int glca_report_write_html(FILE *f, const glca_report_input *in, glca_error *err);

/**
 * The same content as one JSON object, plus what glca_report_verify needs to redo it: every
 * input file with its SHA-256 ("inventory": {"sources"}) and the options that change the
 * result ("options": {"rules_date"}).
 */
int glca_report_write_json(FILE *f, const glca_report_input *in, glca_error *err);

/** What glca_report_verify recomputes a JSON report from. */
typedef struct glca_verify_input {
    int version;
    const char *report_path;
    const char *product_path; /* NULL: the product file the report names */
    const char *const *inventory_paths;
    size_t ninventories;
    const char *method_path;
    const char *ruleset_path; /* at most one of ruleset_path and rules_dir */
    const char *rules_dir;
} glca_verify_input;

#define GLCA_VERIFY_INPUT_INIT {1, NULL, NULL, NULL, 0, NULL, NULL, NULL}

/**
 * The third-party evaluation step: recompute the product of a JSON report from the given files
 * (editions chosen on the report's rules date) and compare.  Each difference is one line on
 * `out`: a file whose hash changed, a number that moved (old and new, 17 digits), an outcome
 * or the verdict that flipped; or one "reproduced" line when the input hashes, every number
 * (bitwise) and the verdict are the same.  `*ndiff` gets the count.  Errors (an unreadable or
 * malformed report, inputs that fail to load) return < 0.
 */
int glca_report_verify(FILE *out, size_t *ndiff, const glca_verify_input *in, glca_error *err);

/**
 * A rulebook: the rulesets that apply to products by their `category`, from one file (every
 * product must then be of its category) or a directory of rule files (a product whose category
 * has no ruleset gets no verdict).  Read-only once loaded; safe to share between threads.
 */
typedef struct glca_rulebook glca_rulebook;

/**
 * Every *.xml file of `dir`, in name order.  A category may have several rulesets only when
 * they are editions whose dates do not overlap; the one in force on the rulebook's date (today,
 * UTC, unless glca_rulebook_set_date) applies.
 */
int glca_rulebook_load_dir(glca_rulebook **out, const char *dir, const glca_xml_limits *limits,
                           glca_diag_fn diag, void *payload, glca_error *err);
/** One ruleset file, applied to every product (a product of another category is an error). */
int glca_rulebook_load_file(glca_rulebook **out, const char *path, const glca_xml_limits *limits,
                            glca_diag_fn diag, void *payload, glca_error *err);
void glca_rulebook_free(glca_rulebook *rb);
size_t glca_rulebook_count(const glca_rulebook *rb);
/**
 * Judge with the editions in force on `date` (YYYY-MM-DD) instead of today.  GLCA_EPARSE for a
 * malformed date; GLCA_ENOTFOUND, naming the editions, when a single-file rulebook's edition is
 * not in force then (a directory reports that per product, for the product's category).
 */
int glca_rulebook_set_date(glca_rulebook *rb, const char *date, glca_error *err);
/** The date the rulebook judges on (YYYY-MM-DD, borrowed). */
const char *glca_rulebook_date(const glca_rulebook *rb);
/** The n-th ruleset in load order (borrowed), for listing; n < glca_rulebook_count. */
const glca_ruleset *glca_rulebook_ruleset(const glca_rulebook *rb, size_t n);
/**
 * "id@version,…" of the rulesets in load order, truncated to `size`: what identifies the rules
 * of a batch run, so that resuming with other rules is a new run.
 */
void glca_rulebook_identity(const glca_rulebook *rb, char *buf, size_t size);

/**
 * The ruleset for product `p` (borrowed): 0 with `*out` NULL when a directory has none for its
 * category; GLCA_EPARSE (located at the product) when a single-file rulebook does not match;
 * GLCA_ENOTFOUND, naming the editions there are, when none of its category is in force on the
 * rulebook's date.
 */
int glca_rulebook_select(const glca_ruleset **out, const glca_rulebook *rb, const glca_product *p,
                         glca_error *err);

/**
 * Evaluate the matching ruleset: `*out` NULL when none applies.  Method mismatches are errors
 * (glca_ruleset_check_method).
 */
int glca_rulebook_evaluate(glca_verdict **out, const glca_rulebook *rb, const glca_product *p,
                           const glca_background *bg, const double *impacts, glca_error *err);

/**
 * glca_validate_file for every kind of file, rulesets included: each problem goes to `diag`;
 * `kind` (may be NULL) receives what the file is.
 */
int glca_validate_any(const char *path, const glca_xml_limits *limits, glca_doc_kind *kind,
                      glca_diag_fn diag, void *payload, glca_error *err);

/** A glca_verdict_fn for glca_batch_run: `payload` is the glca_rulebook. */
int glca_rulebook_verdict_rows(glca_verdict_rows *out, const glca_product *p,
                               const glca_background *bg, const double *impacts, glca_error *err,
                               void *payload);

/* ---------------------------------------------------------------- verdict comparison */

/** An item whose outcome differs between two verdicts of the same ruleset. */
typedef struct glca_outcome_flip {
    size_t item_a, item_b; /* index in each verdict's items (matched by id) */
    glca_outcome from, to;
} glca_outcome_flip;

/**
 * Items of `a` whose outcome in `b` (the item with the same id) is different, in `a`'s order.
 * `*out` (caller frees with glca_free; NULL when none) and `*n` receive them.  Returns 0 or
 * GLCA_ENOMEM.
 */
int glca_verdict_flips(glca_outcome_flip **out, size_t *n, const glca_verdict *a,
                       const glca_verdict *b, glca_error *err);

/**
 * For every item of `rs` (file order; glca_ruleset_nitems entries in `pass`): the share of the
 * Monte Carlo iterations of `mc` in which it passes, the ruleset evaluated on `p` with each
 * iteration's impacts (declared data and BOM as in the file: only impacts vary).  NaN for
 * report-only items.  Returns 0 or a negative code.
 */
int glca_ruleset_pass_probability(double *pass, const glca_ruleset *rs, const glca_product *p,
                                  const glca_background *bg, const glca_montecarlo *mc,
                                  int threads, glca_error *err);

#ifdef __cplusplus
}
#endif
#endif
