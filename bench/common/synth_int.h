/*
 * Internals shared by the synthetic-data writers (synth_world.c, synth_inventory.c,
 * synth_method.c, synth_catalog.c): unit families, the world struct, id and uncertainty
 * writers.  Not for use outside bench/common/synth_*.c.
 */
#ifndef GLCA_BENCH_SYNTH_INT_H
#define GLCA_BENCH_SYNTH_INT_H

#include "bench_out.h"
#include "bench_rng.h"
#include "synth.h"

/*
 * Unit families: the reference unit of a flow and other units of the same dimension that
 * exchanges may use instead.  The first SYNTH_NPCLASSES are the reference units of product
 * flows; the rest occur only on elementary flows.
 */
enum {
    FAM_KG,
    FAM_KWH,
    FAM_MJ,
    FAM_TKM,
    FAM_M3,
    FAM_UNIT,
    FAM_KBQ,
    FAM_LAND,
    SYNTH_NFAMS
};
#define SYNTH_NPCLASSES 6

typedef struct synth_unit {
    const char *name;
    double per; /* how many of the family's reference unit one of this unit is */
    bool declared; /* declared by the inventory, not built in: kept out of product files */
} synth_unit;

typedef struct synth_family {
    synth_unit ref;
    size_t nalt;
    synth_unit alt[4];
} synth_family;

enum { COMP_AIR, COMP_WATER, COMP_SOIL, COMP_RESOURCE };

typedef struct synth_eflow {
    const char *id;   /* NULL: a generic flow, id "ef-<index>" */
    const char *name; /* NULL for generic flows */
    const char *cas;  /* may be NULL */
    unsigned char fam, comp;
} synth_eflow;

/* Well-known elementary flows that come first, in this order (index = flow index). */
enum {
    EF_CO2,
    EF_CH4,
    EF_N2O,
    EF_SO2,
    EF_NOX,
    EF_PM25,
    EF_NH3,
    EF_CO,
    EF_NMVOC,
    EF_WATER,
    EF_GAS,
    EF_COAL,
    EF_LAND,
    EF_RADON,
    EF_PHOSPHATE,
    EF_HFC32,
    SYNTH_NNAMED
};

struct glca_synth {
    glca_synth_options opt;
    unsigned char *pfam;       /* per process: family of its reference product */
    size_t *by_fam;            /* process indexes grouped by family ... */
    size_t fam_start[SYNTH_NPCLASSES + 1]; /* ... family c at by_fam[fam_start[c] ..] */
    synth_eflow *eflows;       /* per elementary flow */
    size_t *air_kg;            /* elementary flows to air in kg (product emissions) */
    size_t nair_kg;
    int pwidth, fwidth, cwidth; /* digits of process, flow and product ids */
    /* realistic only (synth_market.c); NULL otherwise */
    size_t ngoods;             /* goods = markets: processes 0 .. ngoods-1 */
    size_t *good;              /* per process: the good it makes (a market: its own index) */
    size_t *prod_start;        /* producers of good g: prod_list[prod_start[g] .. [g+1]) */
    size_t *prod_list;
    double *size;              /* per process: magnitude of one reference unit of its good */
};

/* Streams of one seed: each file has its own, so the method does not change with --products. */
enum { STREAM_WORLD = 1, STREAM_INVENTORY, STREAM_METHOD, STREAM_CATALOG };

const synth_family *glca_synth__family(int fam);
/** The reference unit with probability 1 - p_alt, else an alternative (declared ones only if allowed). */
const synth_unit *glca_synth__pick_unit(glca_bench_rng *r, int fam, double p_alt,
                                        bool allow_declared);

void glca_synth__process_id(glca_bench_out *o, const glca_synth *s, size_t p);
void glca_synth__product_flow_id(glca_bench_out *o, const glca_synth *s, size_t p);
void glca_synth__eflow_id(glca_bench_out *o, const glca_synth *s, size_t f);

/** Hubs: the first processes, which supply nearly everything and each other (see synth.h). */
size_t glca_synth__nhubs(const glca_synth *s);

/** A process index of family `fam` (SYNTH_NPCLASSES: any), skewed to the first ones; -1 if none. */
long glca_synth__pick_process(const glca_synth *s, glca_bench_rng *r, int fam);

/** Realistic mode: goods, producers and sizes (synth_market.c); called by glca_synth_new. */
int glca_synth__build_markets(glca_synth *s, glca_bench_rng *r, glca_error *err);
void glca_synth__free_markets(glca_synth *s);
/** Whether process p is a market (realistic mode). */
bool glca_synth__is_market(const glca_synth *s, size_t p);
/**
 * Realistic providers of process j and their shares: q[0..n) with w[k] in the provider's
 * reference units per reference unit of j, before the size ratio.  Returns n <= cap.
 */
size_t glca_synth__market_inputs(const glca_synth *s, glca_bench_rng *r, size_t j, size_t *q,
                                 double *w, size_t cap);

/** ` amount="…"` with 4 significant digits: what every generated amount looks like. */
void glca_synth__amount(glca_bench_out *o, double amount);

/**
 * End an exchange element whose start tag is open: "/>" or, with uncertainty on, ">" plus an
 * <uncertainty> child for `amount` and "</tag>".  `indent` is the exchange's indentation.
 * Negative amounts always get a normal distribution (lognormal needs a positive median).
 */
void glca_synth__close_exchange(glca_bench_out *o, glca_bench_rng *r, bool uncertainty,
                                double amount, const char *indent, const char *tag);

/**
 * As glca_synth__close_exchange with uncertainty on, always lognormal with a gsd drawn from
 * [gsd_lo, gsd_hi): the narrow basic uncertainty of a market's supply shares.
 */
void glca_synth__close_exchange_lognormal(glca_bench_out *o, glca_bench_rng *r, double gsd_lo,
                                          double gsd_hi, const char *indent, const char *tag);

#endif
