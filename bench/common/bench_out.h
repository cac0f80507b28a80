/*
 * A buffered writer for generated files: large fwrite blocks and hand-written integer and
 * decimal formatting, because printf is the bottleneck when writing hundreds of megabytes of
 * XML.  Errors are sticky: every call after a failed write is a no-op and glca_bench_out_close
 * reports the failure, so the hot paths need no error checks.
 */
#ifndef GLCA_BENCH_OUT_H
#define GLCA_BENCH_OUT_H

#include <glca/engine.h>

#include <stdio.h>
#include <string.h>

typedef struct glca_bench_out {
    FILE *f;
    char *buf;
    size_t len, cap;
    long long total; /* bytes written so far, flushed or not */
    int failed;
    const char *path; /* borrowed, for messages */
} glca_bench_out;

/** Create or truncate `path` (GLCA_EIO naming it on failure). */
int glca_bench_out_open(glca_bench_out *o, const char *path, glca_error *err);
/** Flush and close; GLCA_EIO if any write failed.  Safe on a writer that failed to open. */
int glca_bench_out_close(glca_bench_out *o, glca_error *err);

void glca_bench_out_flush(glca_bench_out *o);
void glca_bench_out_mem(glca_bench_out *o, const char *s, size_t n);
void glca_bench_out_str(glca_bench_out *o, const char *s);
/** Decimal, left-padded with zeros to at least `width` digits. */
void glca_bench_out_uint(glca_bench_out *o, unsigned long long v, int width);
/**
 * `x` rounded to `sig` significant digits (1..17), shortest form: plain decimal for magnitudes
 * in [1e-7, 1e15), otherwise d.ddde±x.  Trailing zeros are dropped; 0 prints as "0".  x must be
 * finite.
 */
void glca_bench_out_num(glca_bench_out *o, double x, int sig);

/** A string literal, without the strlen. */
#define GLCA_BENCH_OUT_LIT(o, lit) glca_bench_out_mem((o), "" lit, sizeof(lit) - 1)

#endif
