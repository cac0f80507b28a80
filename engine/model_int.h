/*
 * The model builder's internals, shared by model.c (collecting), link.c (resolving ids and
 * units) and background.c (assembling A and B).  After a successful glca_model_link every
 * flow, provider and amount below is resolved and converted; before it only the "as given"
 * fields are meaningful.
 */
#ifndef GLCA_ENGINE_MODEL_INT_H
#define GLCA_ENGINE_MODEL_INT_H

#include <glca/engine.h>

#include "arena.h"
#include "strmap.h"

typedef struct glca_engine__flow {
    const char *id, *name, *unit, *compartment, *cas; /* unit: reference unit */
    glca_flow_kind kind;
    glca_srcloc loc;
    size_t elementary; /* after link: row of B if elementary */
} glca_engine__flow;

typedef struct glca_engine__process {
    const char *id, *name, *location, *product; /* product: reference product flow id */
    double amount;                              /* reference amount as given */
    const char *unit;                           /* as given, NULL = the flow's */
    glca_srcloc loc;
    size_t first_exchange, nexchanges;
    /* after link: */
    size_t flow;       /* reference product flow */
    double amount_ref; /* reference amount in the flow's unit, > 0 */
} glca_engine__process;

typedef struct glca_engine__exchange {
    glca_direction dir;
    const char *flow_id, *unit, *provider; /* as given; unit, provider may be NULL */
    double amount;
    glca_uncertainty unc;
    glca_srcloc loc;
    /* after link: */
    size_t flow;
    long provider_index; /* product inputs and outputs: the providing process; else -1 */
    double amount_ref;   /* in the flow's reference unit */
} glca_engine__exchange;

struct glca_model {
    glca_units *units;
    glca_engine__arena strings;
    const char *last_file;
    glca_engine__flow *flows;
    size_t nflows, capflows;
    glca_engine__process *processes;
    size_t nprocesses, capprocesses;
    glca_engine__exchange *exchanges;
    size_t nexchanges, capexchanges;
    glca_engine__strmap flow_ids, process_ids;
    size_t nelementary; /* after link */
    bool linked;
};

#endif
