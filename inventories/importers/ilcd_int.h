/*
 * Inside the ILCD reader: what one dataset of each kind leaves behind after parsing, before the
 * datasets are joined (ilcd_read.c).  Each dataset is parsed on its own (ilcd_data.c: unit
 * groups, flow properties, flows; ilcd_process.c: processes; ilcd_method.c: LCIA methods), so
 * many can be parsed at once by OpenMP tasks; the join then runs in sorted entry order, which
 * makes the import the same for any thread count.
 *
 * Every string is glca_malloc'ed and owned by its record; `file` is the entry's display name
 * ("archive.zip:flows/x.xml"), borrowed from the archive.
 */
#ifndef GLCA_ILCD_INT_H
#define GLCA_ILCD_INT_H

#include "importers/archive.h"
#include "importers/importers.h"

#define GLCA_NS_ILCD_FLOW "http://lca.jrc.it/ILCD/Flow"
#define GLCA_NS_ILCD_FLOWPROPERTY "http://lca.jrc.it/ILCD/FlowProperty"
#define GLCA_NS_ILCD_UNITGROUP "http://lca.jrc.it/ILCD/UnitGroup"

/* Longest element path the parsers track; ILCD nests about eight levels. */
#define ILCD_MAX_DEPTH 32

typedef struct ilcd_unit {
    char *name;
    double factor; /* meanValue: reference units per this unit */
    long internal_id;
} ilcd_unit;

typedef struct ilcd_unitgroup {
    char *uuid, *name;
    long ref_unit; /* internal id of the reference unit */
    bool has_ref;  /* ref_unit was given */
    ilcd_unit *units;
    size_t nunits;
    glca_srcloc loc;
} ilcd_unitgroup;

typedef struct ilcd_flowprop {
    char *uuid, *name, *unitgroup;
    glca_srcloc loc;
} ilcd_flowprop;

typedef struct ilcd_flow_prop_ref {
    char *prop; /* flow property UUID */
    double mean;
    long internal_id;
} ilcd_flow_prop_ref;

typedef struct ilcd_flow {
    char *uuid, *name, *cas, *compartment;
    glca_imp_flow_kind kind;
    bool kind_known;
    long ref_prop; /* internal id of the reference flow property */
    bool has_ref;  /* ref_prop was given */
    ilcd_flow_prop_ref *props;
    size_t nprops;
    glca_srcloc loc;
} ilcd_flow;

typedef struct ilcd_alloc {
    long coproduct; /* internal id of the co-product exchange */
    double percent;
    glca_srcloc loc;
} ilcd_alloc;

typedef struct ilcd_exchange {
    long internal_id;
    char *flow;     /* refObjectId as written (may be a name, not a UUID) */
    char *property; /* referenceToFlowPropertyDataSet, NULL: the flow's reference property */
    char *location;
    bool has_dir;
    glca_direction dir;
    double mean, resulting; /* NaN when absent */
    char *dist;             /* uncertaintyDistributionType */
    double rsd95, min, max; /* NaN when absent */
    ilcd_alloc *allocs;
    size_t nallocs;
    glca_srcloc loc;
} ilcd_exchange;

typedef struct ilcd_process {
    char *uuid, *name, *location;
    long *refs; /* referenceToReferenceFlow internal ids */
    size_t nrefs;
    ilcd_exchange *xs;
    size_t nxs;
    glca_srcloc loc;
} ilcd_process;

/* Which kind of dataset an entry holds, from the folder it sits in ("flows/x.xml"). */
typedef enum ilcd_kind {
    ILCD_OTHER = 0,
    ILCD_UNITGROUP,
    ILCD_FLOWPROP,
    ILCD_FLOW,
    ILCD_PROCESS,
    ILCD_METHOD
} ilcd_kind;

ilcd_kind glca_inventories__ilcd_kind(const char *entry);

/* A text-mode reader over entry `i` of `a` after checking that it declares no encoding but
 * UTF-8; `*buf` as for glca_inventories__archive_open_xml. */
int glca_inventories__ilcd_open(glca_xml **out, char **buf, glca_archive *a, size_t i,
                                const glca_xml_limits *limits, glca_error *err);
/* The same over a file. */
int glca_inventories__ilcd_open_file(glca_xml **out, const char *path,
                                     const glca_xml_limits *limits, glca_error *err);

/* The element path of the current event, kept by glca_inventories__ilcd_next. */
typedef struct ilcd_path {
    char names[ILCD_MAX_DEPTH][48];
    unsigned char lens[ILCD_MAX_DEPTH]; /* strlen of each name (truncated names never match) */
    int depth; /* elements open, the current one included (at an end event too) */
    bool pop;  /* the last event was an end: leave that element before the next */
} ilcd_path;

/* glca_xml_next that also keeps `p`; refuses documents nested deeper than ILCD_MAX_DEPTH. */
int glca_inventories__ilcd_next(glca_xml *x, ilcd_path *p, glca_error *err);
/* Whether the current element's path ends with `suffix` ("exchange/meanAmount") of `len`
 * bytes; the parsers call it through AT("literal") for the length at compile time. */
bool glca_inventories__ilcd_at(const ilcd_path *p, const char *suffix, size_t len);
#define ILCD_AT(path, lit) glca_inventories__ilcd_at((path), "" lit, sizeof(lit) - 1)
/* A copy of the current end event's text, trimmed; NULL for empty text or out of memory
 * (`*oom` set). */
char *glca_inventories__ilcd_text(const glca_xml *x, bool *oom);
/* The current end event's text as a number (C locale, whole text); an error names it. */
int glca_inventories__ilcd_number(glca_xml *x, double *out, glca_error *err);
/* A dataset-internal id (an exchange's, a reference to one) read as the number `v` at the
 * current element: an error when beyond a long, which no id of real data is. */
int glca_inventories__ilcd_id(glca_xml *x, double v, long *out, glca_error *err);
/* The root element must be `root` in namespace `ns`: else an error naming what it is. */
int glca_inventories__ilcd_root(glca_xml *x, const char *root, const char *ns,
                                const char *what, glca_error *err);

int glca_inventories__ilcd_parse_unitgroup(ilcd_unitgroup *out, glca_xml *x, glca_error *err);
int glca_inventories__ilcd_parse_flowprop(ilcd_flowprop *out, glca_xml *x, glca_error *err);
int glca_inventories__ilcd_parse_flow(ilcd_flow *out, glca_xml *x, glca_error *err);
int glca_inventories__ilcd_parse_process(ilcd_process *out, glca_xml *x, glca_error *err);
void glca_inventories__ilcd_unitgroup_clear(ilcd_unitgroup *u);
void glca_inventories__ilcd_flowprop_clear(ilcd_flowprop *fp);
void glca_inventories__ilcd_flow_clear(ilcd_flow *f);
void glca_inventories__ilcd_process_clear(ilcd_process *p);

/*
 * Elementary flows reach the engine with the exchange direction, and the location where a
 * method has a factor for that place, in their id (inventories/importers/README.md):
 * "<uuid>/in", "<uuid>/out", "<uuid>/out@<location>".  `out` holds at least
 * GLCA_ILCD_ID_MAX bytes.
 */
#define GLCA_ILCD_ID_MAX 256
void glca_inventories__ilcd_elementary_id(char *out, const char *uuid, glca_direction dir,
                                          const char *location);

/*
 * The (flow, direction, location) triples for which some LCIA method dataset has a
 * location-specific factor: a sorted set of elementary ids "<uuid>/<dir>@<location>".
 */
typedef struct ilcd_located {
    char **ids;
    size_t n, cap;
} ilcd_located;

/* Add the located factors of the LCIA method datasets of archive `a` (entries `which`). */
int glca_inventories__ilcd_located_read(ilcd_located *set, glca_archive *a,
                                        const glca_xml_limits *limits, glca_diag_sink *sink);
bool glca_inventories__ilcd_located_has(const ilcd_located *set, const char *id);
void glca_inventories__ilcd_located_clear(ilcd_located *set);

#endif
