/*
 * Internals of the EcoSpold 2 reader, in three layers so that each can be tested alone:
 *   - ecospold2_formula.c: the safe evaluator of EcoSpold 2 / openLCA formulas;
 *   - ecospold2_dataset.c: one .spold file into a glca_es2_dataset (amounts as written), then
 *     ecospold2_finish.c: formulas evaluated where the amount is not stated, the reference
 *     product and the process id; ecospold2_master.c: MasterData/ into a glca_es2_master (flow
 *     names, units, compartments);
 *   - ecospold2_set.c: a file or a directory into a glca_es2_set: datasets parsed in parallel,
 *     one file per task, kept in sorted file order, and every activityLinkId resolved to the
 *     file stem of the dataset that produces that product in that activity.
 * ecospold2.c hands a set to the common import layer (import.h): units, flows, exchanges,
 * allocation factors and notes.  Nothing here touches a glca_import except ecospold2.c.
 */
#ifndef GLCA_ECOSPOLD2_INT_H
#define GLCA_ECOSPOLD2_INT_H

/* import.h by its sibling name, so that tests (which do not have inventories/ on their include
 * path) can include this header */
#include "import.h"

#ifndef GLCA_NS_ECOSPOLD2 /* importers.h has it too */
#define GLCA_NS_ECOSPOLD2 "http://www.EcoInvent.org/EcoSpold02"
#endif

/* ---------------------------------------------------------------- formulas */

/* Value of a variable; false when the name is unknown or its value is not known. */
typedef bool (*glca_es2_lookup_fn)(const char *name, size_t len, double *out, void *payload);

/**
 * Evaluate `expr`: numbers, variables, + - * / ^ (right-associative), unary minus, parentheses
 * and the functions abs, sqrt, exp, ln, log (base 10), sum, min, max, if (arguments separated by
 * ';' as EcoSpold 2 writes them, or ','; if(c; a; b) takes a when c is not 0), with comparisons
 * < <= > >= = <>.  Returns 0, or GLCA_EPARSE with a one-line reason in `err` (no location: the
 * caller knows where the formula stands).  A result that is not finite is an error.
 */
int glca_inventories__es2_eval(const char *expr, glca_es2_lookup_fn lookup, void *payload,
                               double *out, glca_error *err);

/* ---------------------------------------------------------------- one dataset */

/* Properties that give allocation factors (EcoSpold 2 master property ids). */
#define GLCA_ES2_PROP_PRICE "38f94dd1-d5aa-41b8-b182-c0c42985d9dc"
#define GLCA_ES2_PROP_WET_MASS "67f102e2-9cb6-4d20-aa16-bf74d8a03326"

typedef struct glca_es2_exchange {
    char *flow;     /* intermediateExchangeId / elementaryExchangeId */
    char *name;     /* as the dataset writes it; may be NULL */
    char *unit;     /* unitName as written; may be NULL */
    char *link;     /* activityLinkId; may be NULL */
    char *provider; /* file stem the link resolves to (set); NULL: none or dangling */
    char *compartment; /* elementary: "compartment/subcompartment"; may be NULL */
    char *formula;  /* mathematicalRelation; may be NULL */
    char *variable; /* variableName; may be NULL */
    double amount;  /* as stated or evaluated; NaN: neither */
    double price;   /* amount of the price property, NaN if none */
    double mass;    /* amount of the wet mass property, NaN if none */
    glca_uncertainty unc;
    int group;      /* the inputGroup or outputGroup value */
    bool output, elementary;
    bool reference; /* outputGroup 0 with a non-zero amount, the first such */
    bool coproduct; /* another product output (outputGroup 0 or 2) that is not a waste */
    bool waste;     /* By-product classification "Waste" in the dataset */
    glca_srcloc loc;
} glca_es2_exchange;

typedef struct glca_es2_param {
    char *name; /* variableName */
    char *formula;
    double value; /* NaN until known */
    glca_srcloc loc;
} glca_es2_param;

typedef struct glca_es2_note {
    glca_imp_note_kind kind;
    char *flow;    /* may be NULL */
    char *message;
    glca_srcloc loc;
} glca_es2_note;

typedef struct glca_es2_dataset {
    char *file;     /* the path read; every loc.file of the dataset points here */
    char *stem;     /* activity id "_" reference product id: the process id */
    char *activity; /* activity id */
    char *name, *geography; /* may be NULL */
    glca_es2_exchange *x;
    size_t nx, capx;
    glca_es2_param *params;
    size_t nparams, capparams;
    glca_es2_note *notes;
    size_t nnotes, capnotes;
    glca_srcloc loc; /* of the activity dataset element */
} glca_es2_dataset;

/** Read one EcoSpold 2 file (or `len` bytes at `data` named `path` when data is not NULL). */
int glca_inventories__es2_read_dataset(glca_es2_dataset **out, const char *path,
                                       const void *data, size_t len,
                                       const glca_xml_limits *limits, glca_error *err);
void glca_inventories__es2_dataset_free(glca_es2_dataset *d);
/* After reading: formulas evaluated, uncertainty checked, reference and process id chosen. */
int glca_inventories__es2_finish(glca_es2_dataset *d, glca_error *err);
/* Refuse an XML declaration of another encoding than UTF-8 (error at file:1:column). */
int glca_inventories__es2_check_prolog(const char *path, const void *data, size_t len,
                                       glca_error *err);
/* Record a note on `d` (strings copied). */
int glca_inventories__es2_note(glca_es2_dataset *d, glca_imp_note_kind kind, const char *flow,
                               const glca_srcloc *loc, glca_error *err, const char *fmt, ...)
    GLCA_PRINTF(6, 7);

/* ---------------------------------------------------------------- MasterData */

typedef struct glca_es2_mflow {
    char *id, *name, *unit, *compartment, *cas; /* name, unit, compartment, cas may be NULL */
    bool elementary, waste; /* waste: intermediate classified "Waste" */
    glca_srcloc loc;
} glca_es2_mflow;

typedef struct glca_es2_master {
    char *dir;
    char **files; /* the files read, owning the loc.file strings */
    size_t nfiles;
    glca_es2_mflow *flows; /* sorted by id once read */
    size_t nflows, cap;
} glca_es2_master;

/**
 * Read `dir`/IntermediateExchanges.xml and `dir`/ElementaryExchanges.xml (both required).
 * A flow id given twice with different data is an error naming both places.
 */
int glca_inventories__es2_read_master(glca_es2_master **out, const char *dir,
                                      const glca_xml_limits *limits, glca_error *err);
void glca_inventories__es2_master_free(glca_es2_master *m);
/* The flow with this id, or NULL. */
const glca_es2_mflow *glca_inventories__es2_master_find(const glca_es2_master *m,
                                                        const char *id);

/* ---------------------------------------------------------------- a set of datasets */

typedef struct glca_es2_set {
    glca_es2_master *master;
    glca_es2_dataset **ds; /* in sorted file order */
    size_t nds;
} glca_es2_set;

/**
 * Read `path` (a .spold / .xml file, or a directory of them, datasets also looked for in its
 * `datasets/` folder) with the MasterData/ folder found beside the datasets or one level up;
 * no MasterData is an error naming the folders looked in.  `threads` <= 0: OpenMP's default.
 * Every file that cannot be read goes to `diag` in file order; the first one's code is
 * returned.  Providers named by activityLinkId are resolved against the set's stems.
 */
int glca_inventories__es2_read_set(glca_es2_set **out, const char *path,
                                   const glca_xml_limits *limits, int threads,
                                   glca_diag_fn diag, void *payload, glca_error *err);
void glca_inventories__es2_set_free(glca_es2_set *s);

/* ---------------------------------------------------------------- into the import */

/* Helpers of both readers (ecospold2_xml.c): whether the current element is `name` in the
 * EcoSpold 2 namespace; its text, trimmed, replacing `*out`; a <compartment> element as
 * "compartment/subcompartment" in `*out` (unchanged without one); a <classification> setting
 * `*waste` when its system is the by-product classification. */
bool glca_inventories__es2_is(glca_xml *x, const char *name);
int glca_inventories__es2_text(glca_xml *x, glca_error *err, char **out);
int glca_inventories__es2_compartment(glca_xml *x, glca_error *err, char **out);
int glca_inventories__es2_classification(glca_xml *x, glca_error *err, bool *waste);

/* Where the elements that describe a flow go: a dataset's exchange and a MasterData flow both
 * have <name>, <unitName>, <compartment> and <classification>. */
typedef struct glca_es2_flow_slots {
    char **name, **unit, **compartment;
    bool *waste;
} glca_es2_flow_slots;

/* Read the children of the current element up to its end: those that describe the flow into
 * `slots`, every other one by `other(payload)` (which reads or skips it), or skipped when
 * `other` is NULL. */
int glca_inventories__es2_flow_children(glca_xml *x, glca_error *err,
                                        const glca_es2_flow_slots *slots,
                                        int (*other)(void *payload), void *payload);

/* Room for one more item in `*items`, an array of `*cap` items of `size` bytes of which `n` are
 * used: doubled when full, `first` items the first time. */
int glca_inventories__es2_room(void **items, size_t *cap, size_t n, size_t size, size_t first,
                               glca_error *err);

/* The reader's entry point, as importers.h declares it (repeated for the tests). */
int glca_inventories__read_ecospold2(glca_import *im, const char *path,
                                     const glca_xml_limits *limits, glca_diag_fn diag,
                                     void *payload, glca_error *err);

#endif
