/*
 * Synthetic LCA data for benchmarks and tests: a seeded generator of a background inventory, an
 * LCIA method and a product catalog in the native formats of FORMATS.md, at ecoinvent scale or
 * beyond.  The files are written as a stream, so a catalog of a million products needs no more
 * memory than one of ten.  The same options give byte-identical files on the same build.
 *
 * What the data looks like (so benchmark figures mean something): each process has ~15 inputs,
 * mostly from "upstream" processes (lower index, skewed towards the first 0.5 %, the hubs such
 * as electricity and transport), loops among the hubs and about 2 % of back-edges to near
 * neighbours, with amounts chosen so A stays strictly column-diagonally dominant (non-singular,
 * well conditioned); 8-20 elementary exchanges over a skewed choice of flows (CO2 in most);
 * reference products and exchanges in several units of one dimension.  The world built by
 * glca_synth_new holds only per-process and per-flow facts (O(processes + flows) memory).
 *
 * `realistic` builds the technosphere the way ecoinvent 3 is built instead (synth_market.c):
 * a fifth of the processes are markets buying from the producers of their good, producers buy
 * almost only from markets, electricity, heat and transport feed nearly everything, and product
 * sizes span ten orders of magnitude (infrastructure per unit against energy per kWh), so the
 * largest strongly connected component holds ~78 % of the processes and A is ill-conditioned.
 */
#ifndef GLCA_BENCH_SYNTH_H
#define GLCA_BENCH_SYNTH_H

#include <glca/engine.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct glca_synth_options {
    int version;
    size_t processes;  /* background processes (each makes one product flow) */
    size_t flows;      /* elementary flows */
    size_t categories; /* impact categories of the method */
    size_t products;   /* products of the catalog */
    size_t lines;      /* approximate product lines (materials, inputs, emissions) per product */
    size_t bad;        /* products with a deliberate error, at seeded positions */
    uint64_t seed;
    bool uncertainty; /* an <uncertainty> on every exchange and product input/emission */
    bool realistic;   /* markets, a giant SCC and ill conditioning (see above) */
} glca_synth_options;

#define GLCA_SYNTH_OPTIONS_INIT {1, 20000, 2000, 25, 10000, 100, 0, 1, false, false}

/** Facts shared by the three writers: unit family of each process, kind of each flow. */
typedef struct glca_synth glca_synth;

/** GLCA_EPARSE for options that cannot make sense (no processes, bad > products, ...). */
int glca_synth_new(glca_synth **out, const glca_synth_options *opts, glca_error *err);
void glca_synth_free(glca_synth *s);

/** Counts of what a writer produced. */
typedef struct glca_synth_stats {
    long long bytes;
    size_t elements; /* processes, categories or products written */
    size_t exchanges; /* exchanges, factors or product lines written */
} glca_synth_stats;

int glca_synth_write_inventory(const glca_synth *s, const char *path, glca_synth_stats *stats,
                               glca_error *err);
int glca_synth_write_method(const glca_synth *s, const char *path, glca_synth_stats *stats,
                            glca_error *err);
/**
 * The catalog.  When `bad_path` is not NULL, a tab-separated list "ordinal id kind" of the
 * products with deliberate errors is written there (kinds: dangling-process, dangling-flow,
 * negative-quantity, negative-mass, non-mass-unit, non-mass-provider).
 */
int glca_synth_write_catalog(const glca_synth *s, const char *path, const char *bad_path,
                             glca_synth_stats *stats, glca_error *err);

#endif
