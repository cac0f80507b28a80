/*
 * A synthetic EcoSpold 2 database, generated from a seed, for bench_import: `n` activity
 * datasets in DIR/datasets/<activity>_<product>.spold and DIR/MasterData/ with their products
 * and 2,000 elementary flows.  The shape follows ecoinvent 3's: ~12 intermediate and ~10
 * elementary exchanges per dataset, activityLinkId on 95 % of the inputs (the rest must be
 * linked by their unique producer), lognormal uncertainty with the pedigree variance, price and
 * mass properties, a by-product in 10 % of the datasets, two parameters and one formula each,
 * and the metadata blocks (comments, geography, time period, administrative information) that
 * make up most of a real file's bytes.
 */
#ifndef GLCA_SYNTH_ES2_H
#define GLCA_SYNTH_ES2_H

#include <glca/engine.h>

#include <stdint.h>

typedef struct glca_synth_es2_stats {
    size_t datasets, intermediate, elementary, linked; /* exchanges written */
    long long bytes;                                    /* of the dataset files */
} glca_synth_es2_stats;

/** Write the database under `dir` (created; existing files are overwritten). */
int glca_synth_es2(const char *dir, size_t n, uint64_t seed, glca_synth_es2_stats *stats,
                   glca_error *err);

#endif
