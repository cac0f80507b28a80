/*
 * What the libFuzzer harnesses of tests/fuzz share: the input written to a file (our readers
 * read by path, and the catalog's includes and the splitter's pread need a real file), the
 * example background the product, ruleset and expression harnesses evaluate against, and the
 * checks every reader's answer must pass whatever the input: an error carries its code and a
 * message, an input at fault is named, and "every problem goes to diag" agrees with the
 * returned code.  A failed check aborts, which libFuzzer reports as a finding.
 *
 * Each harness is one file fuzz_<name>.c defining GLCA_FUZZ_ENTRY.  The fuzz build names it
 * LLVMFuzzerTestOneInput; the Criterion suite (test_fuzz_replay.c) links every harness into one
 * executable under the name glca_fuzz_<name> and replays the kept inputs through it.
 */
#ifndef GLCA_FUZZ_HARNESS_H
#define GLCA_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include <glca/engine.h>
#include <glca/inventories.h>

#ifndef GLCA_FUZZ_ENTRY
#define GLCA_FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size);

/**
 * Write `size` bytes to `name` in this process's scratch directory (made on first use, removed
 * at exit) and return its path (static, one per name; at most a few names per process).
 */
const char *glca_fuzz_write(const char *name, const uint8_t *data, size_t size);

/** Problems a reader sent to its diagnostics sink, each checked as it arrives. */
typedef struct glca_fuzz_diag {
    size_t count;
} glca_fuzz_diag;

/** A glca_diag_fn; `payload` is a glca_fuzz_diag. */
void glca_fuzz_diag_fn(const glca_error *e, void *payload);

/** A reader's answer: rc < 0 only with `err` filled (same code, a message, the file if the
 *  input is at fault).  Returns rc. */
int glca_fuzz_check(int rc, const glca_error *err);

/** The same, and a reader that reports every problem to diag reported one iff it failed. */
int glca_fuzz_check_diag(int rc, const glca_error *err, const glca_fuzz_diag *d);

/** Abort with a message (a finding). */
void glca_fuzz_fail(const char *fmt, ...) GLCA_PRINTF(1, 2);

/**
 * The worked example of the fixtures (tests/fixtures/xml: loop inventory, GWP method, heater
 * product bound and evaluated), loaded once per process and shared read-only.
 */
typedef struct glca_fuzz_example {
    glca_background *bg;
    glca_product *product;
    double *impacts; /* k × GLCA_NSTAGES */
} glca_fuzz_example;

const glca_fuzz_example *glca_fuzz_example_get(void);

#endif
