/*
 * The common ground of the importers (EcoSpold 1, EcoSpold 2, ILCD).
 *
 * Each format reader fills a glca_import with flows, processes and exchanges as the data states
 * them: signs and directions as written, reference products and co-products, allocation factors,
 * providers the data names, and a note for everything it had to leave out (a dangling flow
 * reference, an amount given by a formula it cannot evaluate, ...).  import_link.c then does
 * what a practitioner must be able to audit, in one place for every format:
 *   - multi-output processes are allocated (data / physical / economic factors, or none: the
 *     process stands for its reference product alone and the co-products are listed);
 *   - every exchange of a product or waste flow gets its provider by direction: a demand (input
 *     of a good, negative output) links to the single process whose reference exchange
 *     *produces* that flow, a supply that is not a reference (a waste output) to the single
 *     process whose reference exchange *treats* it; the provider the data names wins, then the
 *     user's provider map; none -> cut off, several -> ambiguous, both in the linking report;
 *   - treatment processes are turned into the engine's form (a process producing the service
 *     "treatment of W"), so the engine model gets only positive reference outputs and named
 *     providers, and its own linking merely checks.
 *
 * In matrix terms an exchange's entry is (output ? +1 : -1) × amount: a provider for an entry e
 * is a process whose reference entry r for the same flow has the opposite sign.
 *
 * Nothing here is public: the loader (native/inv_load.c) and `greenlca convert` use it through
 * the functions of <glca/inventories.h>.
 */
#ifndef GLCA_IMPORT_H
#define GLCA_IMPORT_H

#include <glca/inventories.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum glca_imp_flow_kind {
    GLCA_IMP_FLOW_PRODUCT,
    GLCA_IMP_FLOW_WASTE,
    GLCA_IMP_FLOW_ELEMENTARY
} glca_imp_flow_kind;

typedef struct glca_imp_flow {
    const char *id;          /* UUID (ILCD, EcoSpold 2); EcoSpold 1: the converter's id scheme */
    const char *name;        /* may be NULL */
    const char *unit;        /* reference unit, a name in the import's unit table */
    const char *compartment; /* elementary flows: "air/urban" etc.; may be NULL */
    const char *cas;         /* may be NULL */
    glca_imp_flow_kind kind;
    glca_srcloc loc;
} glca_imp_flow;

typedef struct glca_imp_process {
    const char *id; /* ILCD dataset UUID; EcoSpold 2 file stem; EcoSpold 1 as the converter */
    const char *name, *location; /* may be NULL */
    glca_srcloc loc;
} glca_imp_process;

typedef struct glca_imp_exchange {
    const char *flow;
    glca_direction dir;
    double amount;        /* as stated (may be negative); NaN: not stated and not evaluable
                             (the linking lists it; a reader may add a note saying why) */
    const char *unit;     /* NULL = the flow's reference unit */
    const char *provider; /* process id the data names (EcoSpold 2 activityLinkId), or NULL */
    const char *location; /* for location-specific factors; NULL = none */
    glca_uncertainty unc;
    bool reference;       /* the process's quantitative reference */
    bool coproduct;       /* another product output that the process makes (allocation) */
    glca_srcloc loc;
} glca_imp_exchange;

typedef enum glca_imp_alloc_kind {
    GLCA_IMP_ALLOC_DATA,     /* a factor the data states for this exchange (EcoSpold 1, ILCD) */
    GLCA_IMP_ALLOC_PHYSICAL, /* a whole-process factor from a physical property */
    GLCA_IMP_ALLOC_ECONOMIC  /* a whole-process factor from prices (EcoSpold 2 properties) */
} glca_imp_alloc_kind;

/** One allocation factor as the data gives it, for the most recently added process. */
typedef struct glca_imp_alloc {
    glca_imp_alloc_kind kind;
    size_t coproduct; /* index (within the process) of the reference / co-product exchange */
    size_t exchange;  /* index (within the process) it applies to; SIZE_MAX: every exchange */
    double fraction;  /* 0..1 */
    glca_srcloc loc;
} glca_imp_alloc;

/** What the linking report says about one entry. */
typedef enum glca_imp_note_kind {
    GLCA_IMP_CUTOFF,        /* no provider / treater: the exchange is left out */
    GLCA_IMP_AMBIGUOUS,     /* several candidates and nothing to choose: left out */
    GLCA_IMP_COPRODUCT,     /* co-product without allocation data: left out of the model */
    GLCA_IMP_DANGLING,      /* a reference to a flow / dataset that is not there */
    GLCA_IMP_NOT_EVALUABLE, /* an amount given by a formula or parameter we cannot evaluate */
    GLCA_IMP_UNIT,          /* a unit that cannot be converted: exchange left out */
    GLCA_IMP_OUT_OF_SCOPE,  /* something the format allows that we do not model (named) */
    GLCA_IMP_PROVIDER_MAP,  /* resolved by the user's provider map (kept, for the audit) */
    GLCA_IMP_CHOSEN         /* resolved by the format's documented rule, e.g. EcoSpold 1's
                               tie-break among same-name providers (kept, for the audit) */
} glca_imp_note_kind;

typedef struct glca_imp_note {
    glca_imp_note_kind kind;
    const char *process;  /* the process concerned; may be NULL */
    const char *flow;     /* may be NULL */
    double amount;        /* NaN if none */
    const char *unit;     /* may be NULL */
    const char *const *candidates; /* ambiguous: the candidate processes, NULL-terminated */
    const char *message;  /* one line: what and why */
    glca_srcloc loc;
} glca_imp_note;

/** Everything read from one or several files of any of the three formats. */
typedef struct glca_import glca_import;

/** `units` (borrowed, outlives the import): the table amounts and flow units refer to; readers
 *  declare units it does not know (EcoSpold 2 MasterData, ILCD unit groups) in it. */
int glca_inventories__imp_new(glca_import **out, glca_units *units, glca_error *err);
void glca_inventories__imp_free(glca_import *im);
glca_units *glca_inventories__imp_units(glca_import *im);

/* Strings are copied.  A second flow with the same id is ignored when it agrees (kind, unit)
 * and an error naming both places when it does not. */
int glca_inventories__imp_add_flow(glca_import *im, const glca_imp_flow *f, glca_error *err);
/* Whether a flow with this id has been added (readers check references with it). */
bool glca_inventories__imp_has_flow(const glca_import *im, const char *id);
/* Exchanges and allocation factors added after this belong to this process.  A duplicate
 * process id is an error naming both places. */
int glca_inventories__imp_add_process(glca_import *im, const glca_imp_process *p,
                                      glca_error *err);
int glca_inventories__imp_add_exchange(glca_import *im, const glca_imp_exchange *x,
                                       glca_error *err);
/* Index of the most recent process's last exchange (for glca_imp_alloc.exchange). */
size_t glca_inventories__imp_nexchanges_of_current(const glca_import *im);
int glca_inventories__imp_add_alloc(glca_import *im, const glca_imp_alloc *a, glca_error *err);
/* A linking report entry found while reading (dangling reference, formula, ...). */
int glca_inventories__imp_note(glca_import *im, const glca_imp_note *n, glca_error *err);

/*
 * What our own inventories of the same study hold, so imported data may link to them: the
 * native flow ids (not emitted again) and their processes' products (providers of last resort,
 * for a demand the import itself cannot serve).  The loader adds them; strings are copied.
 */
int glca_inventories__imp_add_native_flow(glca_import *im, const char *flow, glca_error *err);
int glca_inventories__imp_add_native_producer(glca_import *im, const char *flow,
                                              const char *process, glca_error *err);
/* Scan one of our inventory files for the above (a file that does not read adds nothing: the
 * native reader reports it). */
int glca_inventories__imp_scan_native(glca_import *im, const char *path,
                                      const glca_xml_limits *limits, glca_error *err);

/* glca_allocation is public (<glca/inventories.h>): the CLI's --allocation. */

/* ---------------------------------------------------------------- provider map */

/**
 * The user's choice of providers (inventories/importers/README.md): CSV lines
 * "consumer,flow,provider", consumer "*" for every consumer.  A pair given twice is an error
 * naming both lines.
 */
typedef struct glca_provider_map glca_provider_map;

int glca_inventories__provider_map_read(glca_provider_map **out, const char *path,
                                        glca_error *err);
void glca_inventories__provider_map_free(glca_provider_map *pm);
/* The provider named for this consumer process and flow (the consumer's own line first, then
 * "*"), or NULL. */
const char *glca_inventories__provider_map_get(const glca_provider_map *pm, const char *consumer,
                                               const char *flow);

/* ---------------------------------------------------------------- linking */

/**
 * Where the linked model goes: the engine's builder (glca_model_add_*) or the native writer.
 * The calls come in the order those functions want: every flow, then each process followed by
 * its exchanges; every product exchange names its provider.
 */
typedef struct glca_imp_sink {
    int (*flow)(void *payload, const char *id, glca_flow_kind kind, const char *name,
                const char *unit, const char *compartment, const char *cas,
                const glca_srcloc *loc, glca_error *err);
    int (*process)(void *payload, const char *id, const char *name, const char *location,
                   const char *product_flow, double amount, const char *unit,
                   const glca_srcloc *loc, glca_error *err);
    int (*exchange)(void *payload, glca_direction dir, const char *flow, double amount,
                    const char *unit, const char *provider, const glca_uncertainty *unc,
                    const glca_srcloc *loc, glca_error *err);
    void *payload;
} glca_imp_sink;

/* A sink into the engine's model builder. */
glca_imp_sink glca_inventories__model_sink(glca_model *m);

/*
 * Engine ids of what the linking makes up (documented in importers/README.md):
 * the allocated part of process P for its co-product F is "P/F" (for its reference product it
 * keeps "P"); the service of treating waste W is the product flow "treatment/W".
 */
#define GLCA_IMP_COPRODUCT_SEP "/"
#define GLCA_IMP_TREATMENT_PREFIX "treatment/"

/**
 * Allocate, resolve providers, normalize treatment and emit into `sink`.  What is left out gets
 * a note in `im` (the linking report).  Allocation factors that do not sum to 1 for an
 * exchange (tolerance 1e-6) are errors (file:line of a factor); every error goes to `diag` and
 * the first one's code is returned.  `map` may be NULL.
 */
int glca_inventories__imp_link(glca_import *im, glca_allocation allocation,
                               const glca_provider_map *map, const glca_imp_sink *sink,
                               glca_diag_fn diag, void *payload, glca_error *err);

/* ---------------------------------------------------------------- native writer */

/* A sink writing our inventory format (import_write.c); `units` (borrowed) declares units the
 * built-in table lacks. */
typedef struct glca_native_writer glca_native_writer;

int glca_inventories__writer_new(glca_native_writer **out, const glca_units *units,
                                 glca_error *err);
void glca_inventories__writer_free(glca_native_writer *w);
glca_imp_sink glca_inventories__writer_sink(glca_native_writer *w);
/* The whole document to `f`, with inventory id `id`. */
int glca_inventories__writer_finish(glca_native_writer *w, FILE *f, const char *id,
                                    glca_error *err);

/* ---------------------------------------------------------------- linking report */

size_t glca_inventories__imp_nnotes(const glca_import *im);
const glca_imp_note *glca_inventories__imp_note_at(const glca_import *im, size_t i);
const char *glca_inventories__imp_note_kind_name(glca_imp_note_kind k);

/* The notes of `im` as Markdown or JSON: a count per kind, then every note. */
int glca_inventories__imp_write_report(FILE *f, const glca_import *im, glca_report_format fmt,
                                       glca_error *err);

#endif
