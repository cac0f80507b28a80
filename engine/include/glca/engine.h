/*
 * greenlca engine: the public interface of the computation core.
 *
 * Pure computation, no I/O: errors and memory, the unit table, the model builder that turns
 * processes, flows and exchanges (by id, with units) into the matrices A, B, C, the background
 * (KLU factorization of A and the precomputed Lambda = C·B·A^-1), the product model and its
 * evaluation by life-cycle stage.  Readers in inventories/ fill the builders; nothing here
 * touches a file.
 *
 * Conventions: functions return 0 (GLCA_OK) or a negative glca_code and fill the caller's
 * glca_error; positive values are warnings.  An object returned through `out` belongs to the
 * caller and has a _free that accepts NULL; a pointer returned directly is borrowed from its
 * parent and lives as long as the parent.  Strings passed in are copied.
 */
#ifndef GLCA_ENGINE_H
#define GLCA_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GLCA_VERSION "0.1.0"

#if defined(__GNUC__)
#define GLCA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GLCA_PRINTF(f, a)
#endif

/* ---------------------------------------------------------------- errors */

typedef enum glca_code {
    GLCA_OK = 0,
    GLCA_ERROR = -1,     /* anything without a better name */
    GLCA_ENOMEM = -2,
    GLCA_EPARSE = -3,    /* malformed or invalid input */
    GLCA_EUNIT = -4,     /* unknown unit, or conversion across dimensions */
    GLCA_ENOTFOUND = -5, /* dangling or ambiguous reference */
    GLCA_ESINGULAR = -6, /* technosphere matrix cannot be solved */
    GLCA_EIO = -7,       /* file or database I/O */
    GLCA_ELIMIT = -8     /* a size, depth or count limit was exceeded */
} glca_code;

typedef struct glca_error {
    glca_code code;
    char message[256]; /* one line, no location */
    char file[256];    /* input file at fault, "" if none */
    long line, column; /* 0 if unknown */
} glca_error;

#define GLCA_ERROR_INIT {GLCA_OK, "", "", 0, 0}

/** Where something was read from.  `file` is borrowed and must outlive the use. */
typedef struct glca_srcloc {
    const char *file;
    long line, column;
} glca_srcloc;

void glca_error_clear(glca_error *err);

/**
 * Fill `err` (which may be NULL) and return `code`.  `where` may be NULL.  The message is
 * truncated to fit.
 */
int glca_error_set(glca_error *err, glca_code code, const glca_srcloc *where, const char *fmt,
                   ...) GLCA_PRINTF(4, 5);

/** Set GLCA_ENOMEM with a fixed message; returns GLCA_ENOMEM. */
int glca_error_oom(glca_error *err);

/** Add a location to an error that has none yet (lower layers do not know the file). */
void glca_error_locate(glca_error *err, const glca_srcloc *where);

/** "file:line:column: message", or "file: message", or "message". */
void glca_error_format(const glca_error *err, char *buf, size_t size);

/**
 * Diagnostics sink for operations that report every problem (validation, linking).  Each call
 * gets one complete error; the operation still returns the first error's code.
 */
typedef void (*glca_diag_fn)(const glca_error *e, void *payload);

/**
 * What every "report all problems" operation does with its problems: hand each to `fn` (may be
 * NULL) and keep the first in `err` (may be NULL) and its code in `first`.
 */
typedef struct glca_diag_sink {
    glca_diag_fn fn;
    void *payload;
    glca_error *err;
    int first;    /* code of the first problem, 0 while there is none */
    size_t count; /* problems so far */
} glca_diag_sink;

void glca_diag_init(glca_diag_sink *s, glca_diag_fn fn, void *payload, glca_error *err);
/** Report `e`; returns its code. */
int glca_diag_report(glca_diag_sink *s, const glca_error *e);
/** Report a new problem; returns `code`. */
int glca_diag_problem(glca_diag_sink *s, glca_code code, const glca_srcloc *where,
                      const char *fmt, ...) GLCA_PRINTF(4, 5);

/* ---------------------------------------------------------------- memory */

/* All allocation goes through these; sizes are checked for overflow. */
void *glca_malloc(size_t size);
void *glca_calloc(size_t n, size_t size);
void *glca_mallocarray(size_t n, size_t size);
void *glca_reallocarray(void *p, size_t n, size_t size);
char *glca_strdup(const char *s);
void glca_free(void *p);

/**
 * For tests: on the calling thread, let `n` more allocations succeed and fail every one after
 * (n < 0: never fail, the default).  glca_alloc_failures counts the failures since.
 */
void glca_alloc_fail_after(long n);
size_t glca_alloc_failures(void);

/* ---------------------------------------------------------------- units */

/**
 * A unit table: units grouped in dimensions, each unit a factor of its dimension's base unit.
 * The built-in table holds at least the units of FORMATS.md; inventories may declare more.
 */
typedef struct glca_units glca_units;

int glca_units_new(glca_units **out, glca_error *err); /* the built-in table */
int glca_units_clone(glca_units **out, const glca_units *u, glca_error *err);
void glca_units_free(glca_units *u);

/**
 * Declare `name` as `factor` base units of `dimension`.  A dimension that does not exist yet is
 * created with `name` as its base (factor must then be 1).  Re-declaring a unit identically is
 * fine; a conflicting declaration is GLCA_EUNIT.
 */
int glca_units_declare(glca_units *u, const char *name, const char *dimension, double factor,
                       glca_error *err);

/** Dimension index and factor of `name`; GLCA_ENOTFOUND (no error filled) if unknown. */
int glca_units_lookup(const glca_units *u, const char *name, int *dimension, double *factor);
const char *glca_units_dimension_name(const glca_units *u, int dimension);

/**
 * `out` = how many `to` one `from` is (value_in_to = value_in_from * out).  Unknown unit or
 * different dimensions: GLCA_EUNIT naming both units and their dimensions.
 */
int glca_units_ratio(const glca_units *u, const char *from, const char *to, double *out,
                     glca_error *err);
int glca_units_convert(const glca_units *u, double value, const char *from, const char *to,
                       double *out, glca_error *err);

/* ---------------------------------------------------------------- stages */

typedef enum glca_stage {
    GLCA_STAGE_RAW_MATERIALS = 0,
    GLCA_STAGE_PRODUCTION,
    GLCA_STAGE_DISTRIBUTION,
    GLCA_STAGE_USE,
    GLCA_STAGE_END_OF_LIFE,
    GLCA_NSTAGES
} glca_stage;

/** "raw-materials", "production", "distribution", "use", "end-of-life". */
const char *glca_stage_name(glca_stage s);
/** GLCA_ENOTFOUND (no error filled) for an unknown name. */
int glca_stage_parse(const char *name, glca_stage *out);

/* ---------------------------------------------------------------- uncertainty */

typedef enum glca_dist {
    GLCA_DIST_NONE = 0,
    GLCA_DIST_LOGNORMAL, /* a = geometric standard deviation; the amount is the median */
    GLCA_DIST_NORMAL,    /* a = standard deviation; the amount is the mean */
    GLCA_DIST_TRIANGULAR, /* a = min, b = max; the amount is the mode */
    GLCA_DIST_UNIFORM    /* a = min, b = max */
} glca_dist;

typedef struct glca_uncertainty {
    glca_dist dist;
    double a, b;
} glca_uncertainty;

/* ---------------------------------------------------------------- model builder */

typedef enum glca_flow_kind { GLCA_FLOW_PRODUCT, GLCA_FLOW_ELEMENTARY } glca_flow_kind;
typedef enum glca_direction { GLCA_INPUT, GLCA_OUTPUT } glca_direction;

/**
 * Collects flows, processes and exchanges by id (from one or several inventory files, in any
 * order) and links them: resolves flow and provider references, converts every amount to the
 * reference unit of its flow, and checks everything FORMATS.md requires.  Once linked it is the
 * input of glca_background_new.
 */
typedef struct glca_model glca_model;

int glca_model_new(glca_model **out, glca_error *err);
void glca_model_free(glca_model *m);

/** The model's unit table (borrowed), for unit declarations read from inventories. */
glca_units *glca_model_units(glca_model *m);

/** `name`, `compartment`, `cas` may be NULL.  A duplicate id is an error naming both places. */
int glca_model_add_flow(glca_model *m, const char *id, glca_flow_kind kind, const char *name,
                        const char *unit, const char *compartment, const char *cas,
                        const glca_srcloc *loc, glca_error *err);

/**
 * A process making `amount` `unit` of `product_flow` (unit NULL = the flow's unit).  `name` and
 * `location` may be NULL.  Exchanges added after this call belong to it until the next process.
 */
int glca_model_add_process(glca_model *m, const char *id, const char *name, const char *location,
                           const char *product_flow, double amount, const char *unit,
                           const glca_srcloc *loc, glca_error *err);

/**
 * An exchange of the most recently added process, per its reference amount.  `unit` NULL = the
 * flow's unit; `provider` only for inputs of product flows (NULL = the unique producer);
 * `unc` may be NULL.
 */
int glca_model_add_exchange(glca_model *m, glca_direction dir, const char *flow_id, double amount,
                            const char *unit, const char *provider, const glca_uncertainty *unc,
                            const glca_srcloc *loc, glca_error *err);

/**
 * Resolve every reference and unit.  Every problem goes to `diag` (may be NULL); the return is
 * the first problem's code (its error in `err`) or 0.  Idempotent once it has succeeded.
 */
int glca_model_link(glca_model *m, glca_diag_fn diag, void *payload, glca_error *err);

size_t glca_model_nprocesses(const glca_model *m);
size_t glca_model_nflows(const glca_model *m); /* all flows, product and elementary */

/* ---------------------------------------------------------------- LCIA method */

/** Impact categories with characterization factors keyed by flow id. */
typedef struct glca_method glca_method;

int glca_method_new(glca_method **out, const char *id, const char *name, const char *version,
                    glca_error *err);
void glca_method_free(glca_method *m);
int glca_method_add_category(glca_method *m, const char *id, const char *name, const char *unit,
                             const glca_srcloc *loc, glca_error *err);
/** A factor per `unit` of the flow (NULL = per the flow's reference unit). */
int glca_method_add_factor(glca_method *m, const char *category_id, const char *flow_id,
                           double value, const char *unit, const glca_srcloc *loc,
                           glca_error *err);
const char *glca_method_id(const glca_method *m);
const char *glca_method_name(const glca_method *m);
const char *glca_method_version(const glca_method *m);
size_t glca_method_ncategories(const glca_method *m);

/* ---------------------------------------------------------------- background */

/** How Lambda's k transposed systems A^T y = (C·B)^T are solved (background_lambda.c). */
typedef enum glca_bg_solver {
    GLCA_BG_SOLVER_AUTO = 0,  /* from a cost model of the actual matrix (estimated LU fill) */
    GLCA_BG_SOLVER_DIRECT,    /* KLU factorization, one transposed solve of k right-hand sides */
    GLCA_BG_SOLVER_ITERATIVE  /* GMRES preconditioned by ILU(0), backward error checked, KLU
                                 when it does not converge; A is factorized on first need */
} glca_bg_solver;

typedef struct glca_background_options {
    int version;
    bool use_btf;     /* KLU block triangular form: suits near-triangular LCA databases */
    double pivot_tol; /* KLU partial pivoting tolerance */
    int threads;      /* for the k transposed solves; 0 = OpenMP default */
    glca_bg_solver solver;
} glca_background_options;

#define GLCA_BACKGROUND_OPTIONS_INIT {1, true, 0.001, 0, GLCA_BG_SOLVER_AUTO}

/**
 * The background of a study: A, B, C assembled from a linked model and a method, A factorized
 * with KLU, Lambda = C·B·A^-1 computed once (k transposed solves).  Read-only after creation and
 * safe to share between threads (except glca_background_solve, see there).
 *
 * A singular A is GLCA_ESINGULAR naming the processes involved.  Factors for flows that are not
 * in the model are ignored and counted (glca_background_unmatched_factors).
 */
typedef struct glca_background glca_background;

int glca_background_new(glca_background **out, const glca_model *model, const glca_method *method,
                        const glca_background_options *opts, glca_error *err);
void glca_background_free(glca_background *bg);

size_t glca_background_nprocesses(const glca_background *bg); /* n: columns of A */
size_t glca_background_nflows(const glca_background *bg);     /* m: elementary flows, rows of B */
size_t glca_background_ncategories(const glca_background *bg); /* k: rows of C */
size_t glca_background_unmatched_factors(const glca_background *bg);

/** Index of a process / elementary flow / category by id, or -1. */
long glca_background_find_process(const glca_background *bg, const char *id);
long glca_background_find_flow(const glca_background *bg, const char *id);
long glca_background_find_category(const glca_background *bg, const char *id);

const char *glca_background_process_id(const glca_background *bg, size_t p);
const char *glca_background_process_name(const glca_background *bg, size_t p);
const char *glca_background_process_unit(const glca_background *bg, size_t p); /* ref. unit */
const char *glca_background_flow_id(const glca_background *bg, size_t f);
const char *glca_background_flow_name(const glca_background *bg, size_t f);
const char *glca_background_flow_unit(const glca_background *bg, size_t f);
const char *glca_background_category_id(const glca_background *bg, size_t c);
const char *glca_background_category_name(const glca_background *bg, size_t c);
const char *glca_background_category_unit(const glca_background *bg, size_t c);
const char *glca_background_method_id(const glca_background *bg);
const glca_units *glca_background_units(const glca_background *bg);

/** How the background was prepared (for benchmarks and diagnostics). */
typedef struct glca_background_stats {
    glca_bg_solver solver;  /* the one that computed Lambda (never AUTO) */
    size_t fill;            /* entries of KLU's L + U + off-diagonal blocks, 0 if not factorized */
    size_t estimated_fill;  /* the symbolic analysis' estimate the AUTO choice used, 0 if none */
    size_t largest_block;   /* order of the largest BTF block (AUTO only), 0 if not computed */
    size_t iterations;      /* Krylov iterations over all categories (ITERATIVE) */
    double rcond;           /* KLU's cheap reciprocal condition estimate, -1 if not factorized */
    double seconds_factor;  /* analysis + factorization (or ILU(0)) */
    double seconds_lambda;  /* the k solves */
} glca_bg_stats;

void glca_background_stats(const glca_background *bg, glca_bg_stats *out);

/** A read-only view of a sparse matrix in compressed sparse column form (borrowed). */
typedef struct glca_matrix_view {
    size_t nrows, ncols, nnz;
    const size_t *colptr; /* ncols + 1 */
    const size_t *rowidx; /* nnz, ascending within each column */
    const double *values; /* nnz */
} glca_matrix_view;

/** A (n × n, column p = process p per reference unit), borrowed from `bg`. */
void glca_background_technosphere(const glca_background *bg, glca_matrix_view *out);
/** B (m × n, row f = elementary flow f in its reference unit), borrowed from `bg`. */
void glca_background_interventions(const glca_background *bg, glca_matrix_view *out);

/** Lambda, k rows of n: lambda[c * n + p] = impact c per reference unit of process p. */
const double *glca_background_lambda(const glca_background *bg);
/** Characterization factors, m rows of k: cf[f * k + c], per the flow's reference unit. */
const double *glca_background_cf(const glca_background *bg);

/**
 * Solve A x = b in place (b has n entries), using the nominal factorization.  KLU's solve writes
 * workspace inside the factorization, so calls on one background must not overlap; callers that
 * solve from several threads serialize or use one background per thread.
 */
int glca_background_solve(glca_background *bg, double *b, glca_error *err);

/** g = B s (g has m entries). */
void glca_background_inventory(const glca_background *bg, const double *s, double *g);

/* ---------------------------------------------------------------- product */

typedef enum glca_line_kind {
    GLCA_LINE_MATERIAL, /* a BOM material: consumes a process, stage raw-materials */
    GLCA_LINE_INPUT,    /* <input process=…>: consumes a process's reference product */
    GLCA_LINE_EMISSION  /* <emission flow=…>: a direct elementary exchange */
} glca_line_kind;

/** One line of a product, in file order. */
typedef struct glca_product_line {
    glca_line_kind kind;
    glca_stage stage;
    const char *ref;  /* process id (material, input) or elementary flow id (emission) */
    double amount;    /* as written; materials: mass × the enclosing quantities */
    const char *unit; /* as written */
    const char *path; /* materials: component path "outdoor/fan/blade"; else NULL */
    glca_uncertainty unc;
    glca_srcloc loc;
    /* filled by glca_product_bind: */
    long index;        /* process or flow index in the background */
    double amount_ref; /* in the process's reference unit / the flow's unit */
} glca_product_line;

typedef struct glca_material {
    const char *id, *name, *path;
    size_t line;           /* its entry in the product's lines */
    double mass;           /* as written, times the enclosing quantities */
    const char *unit;      /* of mass */
    double mass_kg;        /* filled by glca_product_bind */
    bool recyclable;
    double recycled_content; /* 0..1 */
    size_t first_substance, nsubstances;
} glca_material;

typedef struct glca_substance {
    const char *cas, *name;
    double ppm;
    size_t material;
} glca_substance;

typedef enum glca_value_kind {
    GLCA_VALUE_NUMBER,
    GLCA_VALUE_BOOL,
    GLCA_VALUE_STRING
} glca_value_kind;

/** A declared datum: numbers, true/false, or any other text as a string. */
typedef struct glca_declare {
    const char *name;
    glca_value_kind kind;
    double number;
    bool boolean;
    const char *string; /* the text as written, for every kind */
    const char *unit;   /* NULL if none */
    glca_srcloc loc;
} glca_declare;

/** A product: its lines by stage, BOM materials and substances, declared data. */
typedef struct glca_product glca_product;

/** `name`, `category`, `functional_unit` and `loc` may be NULL. */
int glca_product_new(glca_product **out, const char *id, const char *name, const char *category,
                     const char *functional_unit, const glca_srcloc *loc, glca_error *err);
void glca_product_free(glca_product *p);

/** Append a line (strings copied; `index` and `amount_ref` ignored). */
int glca_product_add_line(glca_product *p, const glca_product_line *line, glca_error *err);
/**
 * Append a BOM material: a raw-materials line consuming `process`, amount = `mass` × `quantity`
 * (the product of the enclosing components' quantities).
 */
int glca_product_add_material(glca_product *p, const char *id, const char *name, const char *path,
                              const char *process, double mass, const char *unit, double quantity,
                              bool recyclable, double recycled_content, const glca_uncertainty *unc,
                              const glca_srcloc *loc, glca_error *err);
/** A substance of the most recently added material. */
int glca_product_add_substance(glca_product *p, const char *cas, const char *name, double ppm,
                               const glca_srcloc *loc, glca_error *err);
/** A duplicate name is an error naming both places. */
int glca_product_declare(glca_product *p, const glca_declare *d, glca_error *err);

const char *glca_product_id(const glca_product *p);
const char *glca_product_name(const glca_product *p);     /* may be NULL */
const char *glca_product_category(const glca_product *p); /* may be NULL */
const char *glca_product_functional_unit(const glca_product *p); /* may be NULL */
glca_srcloc glca_product_loc(const glca_product *p);
const glca_product_line *glca_product_lines(const glca_product *p, size_t *n);
const glca_material *glca_product_materials(const glca_product *p, size_t *n);
const glca_substance *glca_product_substances(const glca_product *p, size_t *n);
const glca_declare *glca_product_declares(const glca_product *p, size_t *n);
const glca_declare *glca_product_find_declare(const glca_product *p, const char *name);

/**
 * Resolve every line against the background: process / flow ids to indexes, amounts to
 * reference units (a material's provider must have a mass reference unit), material masses to
 * kg.  Every problem goes to `diag` with its location; returns the first one's code.
 */
int glca_product_bind(glca_product *p, const glca_background *bg, glca_diag_fn diag,
                      void *payload, glca_error *err);

/* ---------------------------------------------------------------- evaluation */

/**
 * Impacts of a bound product by category and stage:
 * impacts[c * GLCA_NSTAGES + s] = sum over lines of stage s, in file order, of
 * amount_ref · Lambda[c][process] (inputs, materials) or amount_ref · CF[flow][c] (emissions).
 * `impacts` has k × GLCA_NSTAGES entries.  Thread-safe; no allocation.
 */
int glca_evaluate(const glca_background *bg, const glca_product *p, double *impacts,
                  glca_error *err);

/** Totals over stages: totals[c]. */
void glca_impacts_totals(size_t ncategories, const double *impacts, double *totals);

/* ---------------------------------------------------------------- background blobs */

/**
 * A background as bytes, for the Lambda cache (the file I/O is in inventories/): ids, names and
 * units of processes, flows and categories, the unit table, the method id, Lambda and CF.  The
 * format is versioned and little-endian; it holds no pointers.  `*out` belongs to the caller
 * (glca_free).  Pure computation, no I/O.
 */
int glca_background_to_blob(unsigned char **out, size_t *size, const glca_background *bg,
                            glca_error *err);

/**
 * The same plus A, B, the uncertain exchanges and how Lambda was solved (format version 2),
 * for the background cache of commands that solve: a background read back gives contributions,
 * Monte Carlo draws and sensitivities bitwise equal to the original's.  GLCA_ERROR for a
 * background itself read from a version 1 blob (it has no A).
 */
int glca_background_to_blob_solve(unsigned char **out, size_t *size, const glca_background *bg,
                                  glca_error *err);

/**
 * The inverse of both.  From a version 1 blob the background has everything binding and
 * evaluation need, but no A, B and no factorization: glca_background_has_factorization is
 * false and functions that need a solve must not be called on it.  From version 2 it is
 * complete (the factorization or ILU(0) is remade as glca_background_new made it).  A malformed
 * or foreign blob is GLCA_EPARSE (never a crash: every length, offset and index is checked).
 */
int glca_background_from_blob(glca_background **out, const void *blob, size_t size,
                              glca_error *err);

/** False for a background restored from a version 1 blob (no A, no factorization). */
bool glca_background_has_factorization(const glca_background *bg);

/* ------------------------------------------------------ contributions, Monte Carlo, sensitivity */
/*
 * Contributions (hotspots) of one bound product: its impacts broken down four ways, each of
 * which sums to the total of every category (up to rounding; the process and flow breakdowns
 * come from one solve s = A^-1 f instead of Lambda, so they agree to solver precision).
 */
typedef struct glca_contributions {
    size_t ncategories, nlines, nprocesses, nflows; /* k, product lines, n, m */
    double *total;   /* k: totals over stages, as glca_impacts_totals */
    double *stage;   /* k × GLCA_NSTAGES, as glca_evaluate */
    double *line;    /* k × nlines: line[c * nlines + l], the product's lines in file order */
    double *process; /* k × n: (C·B)[c][p]·s[p], what process p emits for the product */
    double *direct;  /* k: the product's own emissions, which no process accounts for */
    double *flow;    /* k × m: C[c][f]·g[f] with g = B·s + the product's emissions */
    double *scaling; /* n: s = A^-1 f, f the product's demand on each process */
} glca_contributions;

/**
 * Contributions of `p` (bound to `bg`).  Uses the background's solver (one solve), so it must
 * not run concurrently with another solve on `bg`.  `*out` belongs to the caller.
 */
int glca_contributions_compute(glca_contributions **out, glca_background *bg,
                               const glca_product *p, glca_error *err);
void glca_contributions_free(glca_contributions *c);

/**
 * The indexes of the `top` entries of `values` (n of them, read with `stride`) with the largest
 * absolute values, largest first, ties in index order; entries equal to 0 are left out.  `idx`
 * has room for `top`; returns how many were written.  GLCA_ENOMEM as a negative return.
 */
long glca_rank_by_magnitude(const double *values, size_t n, size_t stride, size_t top,
                            size_t *idx);

/* What changed between two designs of a product (both bound to the same background). */
typedef enum glca_line_change {
    GLCA_LINE_SAME = 0,
    GLCA_LINE_CHANGED, /* matched, but the process or the amount differs */
    GLCA_LINE_ADDED,   /* only in the second design */
    GLCA_LINE_REMOVED  /* only in the first design */
} glca_line_change;

typedef struct glca_line_diff {
    glca_line_change change;
    long a, b;       /* line index in each design, -1 where absent */
    const char *key; /* what matched them: "material PATH" or "STAGE input|emission REF",
                        with " #n" for the n-th repeat; owned by the comparison */
} glca_line_diff;

typedef struct glca_comparison {
    size_t ncategories;
    double *a, *b;  /* k × GLCA_NSTAGES: impacts of each design (glca_evaluate) */
    double *change; /* k × (GLCA_NSTAGES + 1): b − a per stage, then of the totals */
    double *relative; /* same layout: (b − a) / |a|; 0 when both are 0, NaN when only a is 0 */
    glca_line_diff *lines; /* matched lines: first design's order, then added ones */
    size_t nlines;
    double *line_change; /* k × nlines: line impact in b − in a, per category */
} glca_comparison;

/**
 * Compare design `b` with design `a`.  Material lines match by path (components, material id),
 * other lines by stage, kind and the process or flow they name (the n-th repeat with the n-th).
 * Amounts are compared in reference units, so "3 kg" and "3000 g" are the same.
 */
int glca_compare_products(glca_comparison **out, const glca_background *bg,
                          const glca_product *a, const glca_product *b, glca_error *err);
void glca_comparison_free(glca_comparison *c);
const char *glca_line_change_name(glca_line_change c); /* "same", "changed", "added", ... */

/*
 * Monte Carlo: each iteration draws every uncertain line of the product and (optionally) every
 * uncertain exchange of the background, solves the perturbed system and keeps the impacts by
 * category and stage.  Draw (iteration i, parameter j) comes from the Philox counter
 * (j, i) under the key seed, so the results are bitwise identical for any thread count.
 */
typedef enum glca_mc_solver {
    GLCA_MC_SOLVER_AUTO = 0,  /* the cheapest for the actual matrix, from iterations counted
                                 on the first draw (montecarlo_solve.c) */
    GLCA_MC_SOLVER_REFACTOR,  /* klu_refactor with the nominal symbolic analysis and pivots */
    GLCA_MC_SOLVER_REFINE,    /* iterative refinement preconditioned by the nominal LU */
    GLCA_MC_SOLVER_GMRES,     /* GMRES preconditioned by the nominal LU */
    GLCA_MC_SOLVER_GMRES_ILU, /* GMRES preconditioned by ILU(0) of the nominal A: no LU */
    GLCA_MC_SOLVER_GMRES_BLOCK /* GMRES_ILU on a block of draws in lockstep (one pass over A's
                                  indexes and the ILU serves the block) */
} glca_mc_solver;

typedef struct glca_montecarlo_options {
    int version;
    size_t iterations;
    uint64_t seed;
    int threads;           /* 0 = OpenMP default */
    bool foreground;       /* draw the product's uncertain lines */
    bool background;       /* draw the background's uncertain exchanges (A and B) */
    glca_mc_solver solver; /* how a perturbed A is solved */
    double refine_tol;     /* refinement stops when the step is below tol × |x| (max norm) */
    int refine_max;        /* steps before falling back to refactoring */
    bool stages;           /* impacts by stage (a solve per stage); false: totals only, one
                              solve, each iteration's total in the raw-materials slot */
    size_t block;          /* GMRES_BLOCK: draws per block (0 = 8); the results do not depend
                              on it */
} glca_montecarlo_options;

#define GLCA_MONTECARLO_OPTIONS_INIT                                                           \
    {1, 1000, 1, 0, true, true, GLCA_MC_SOLVER_AUTO, 1e-13, 40, true, 0}

/** The results of a run; it borrows the background and the product, which must outlive it. */
typedef struct glca_montecarlo glca_montecarlo;

/**
 * Run a Monte Carlo analysis of `p` (bound to `bg`).  Bad uncertainty parameters are
 * GLCA_EPARSE at the line; a perturbed A that stays singular after refactoring from scratch is
 * GLCA_ESINGULAR naming the iteration.
 */
int glca_montecarlo_run(glca_montecarlo **out, const glca_background *bg, const glca_product *p,
                        const glca_montecarlo_options *opts, glca_error *err);
void glca_montecarlo_free(glca_montecarlo *mc);

size_t glca_montecarlo_iterations(const glca_montecarlo *mc);
/** Impacts of iteration i, k × GLCA_NSTAGES as glca_evaluate (borrowed). */
const double *glca_montecarlo_impacts(const glca_montecarlo *mc, size_t i);

typedef struct glca_mc_summary {
    double mean, sd, median, p025, p975; /* percentiles interpolate between order statistics */
} glca_mc_summary;

/**
 * Statistics of category c over the iterations: of stage `stage`, or of the total if < 0.  A
 * run without stages has only totals: a stage is then GLCA_ERROR.
 */
int glca_montecarlo_summary(const glca_montecarlo *mc, size_t c, int stage,
                            glca_mc_summary *out, glca_error *err);

typedef struct glca_mc_stats {
    size_t foreground, background; /* uncertain parameters drawn */
    glca_mc_solver solver;         /* the one used (never AUTO) */
    size_t refine_steps;           /* refinement steps or GMRES iterations over all draws */
    size_t fallbacks;              /* iterations solved by refactoring from scratch */
    double seconds;                /* wall time of the draws */
} glca_mc_stats;

void glca_montecarlo_stats(const glca_montecarlo *mc, glca_mc_stats *out);

typedef enum glca_param_kind {
    GLCA_PARAM_LINE,         /* a line of the product */
    GLCA_PARAM_TECHNOSPHERE, /* an exchange in A: product of process `row` into process `col` */
    GLCA_PARAM_INTERVENTION  /* an exchange in B: flow `row` of process `col` */
} glca_param_kind;

typedef struct glca_mc_parameter {
    glca_param_kind kind;
    size_t line;     /* GLCA_PARAM_LINE */
    size_t row, col; /* the others */
    double amount;   /* nominal, as written */
    glca_uncertainty unc;
} glca_mc_parameter;

/** Parameters in draw order: the background's exchanges first, then the product's lines. */
size_t glca_montecarlo_nparameters(const glca_montecarlo *mc);
void glca_montecarlo_parameter(const glca_montecarlo *mc, size_t j, glca_mc_parameter *out);
/** The `iterations` values parameter j took (regenerated from the counter, not stored). */
void glca_montecarlo_parameter_draws(const glca_montecarlo *mc, size_t j, double *out);

/** Sensitivity of one category's total to one parameter. */
typedef struct glca_sensitivity {
    size_t parameter;
    double rho; /* Spearman rank correlation; rho² ranks the parameters */
} glca_sensitivity;

/**
 * Spearman rank correlation between every parameter's draws and the total of category `c`,
 * sorted by rho² (largest first, ties by parameter).  `*out` (nparameters entries) belongs to
 * the caller (glca_free).  A constant result or parameter gives rho = 0.
 */
int glca_sensitivity_compute(glca_sensitivity **out, const glca_montecarlo *mc, size_t c,
                             int threads, glca_error *err);

/**
 * The same for categories first .. last - 1 at once, each parameter's draws ranked once for all
 * of them: `*out` holds (last - first) blocks of `*per_category` entries, block c - first the
 * first `top` entries (all when `top` is 0 or at least nparameters) of what
 * glca_sensitivity_compute gives for category c, bitwise.  `per_category` may be NULL.
 */
int glca_sensitivity_compute_many(glca_sensitivity **out, size_t *per_category,
                                  const glca_montecarlo *mc, size_t first, size_t last,
                                  size_t top, int threads, glca_error *err);
#ifdef __cplusplus
}
#endif
#endif
