/*
 * The byte primitives of background blobs, shared by background_blob.c (names, units, CF,
 * Lambda) and background_blob_solve.c (A, B, the uncertain exchanges and how Lambda was solved,
 * format version 2).  Little-endian, no padding.  A writer records running out of memory and a
 * reader running out of bytes in a flag, so a sequence of calls is checked once at its end.
 */
#ifndef GLCA_ENGINE_BACKGROUND_BLOB_INT_H
#define GLCA_ENGINE_BACKGROUND_BLOB_INT_H

#include "background_int.h"

typedef struct glca_engine__blob_writer {
    unsigned char *buf;
    size_t len, cap;
    bool oom;
} glca_engine__blob_writer;

typedef struct glca_engine__blob_reader {
    const unsigned char *p;
    size_t left;
    bool bad;
} glca_engine__blob_reader;

void glca_engine__blob_put(glca_engine__blob_writer *w, const void *p, size_t n);
void glca_engine__blob_put_u64(glca_engine__blob_writer *w, uint64_t v);
void glca_engine__blob_put_f64(glca_engine__blob_writer *w, double d);

uint64_t glca_engine__blob_get_u64(glca_engine__blob_reader *r);
double glca_engine__blob_get_f64(glca_engine__blob_reader *r);
/** A count that must fit in what is left at `unit` bytes per item at least (else r->bad). */
size_t glca_engine__blob_get_count(glca_engine__blob_reader *r, size_t unit);
/** `count` doubles into a new array (glca_free); GLCA_EPARSE if fewer bytes are left. */
int glca_engine__blob_get_doubles(glca_engine__blob_reader *r, double **out, size_t count,
                                  glca_error *err);
/** GLCA_EPARSE "malformed or truncated". */
int glca_engine__blob_malformed(glca_error *err);

/** Version 2's section: A, B, the uncertain exchanges, the solve state (see that file). */
void glca_engine__blob_put_solve(glca_engine__blob_writer *w, const glca_background *bg);
/** Its inverse, into a background whose names and Lambda are already read. */
int glca_engine__blob_get_solve(glca_engine__blob_reader *r, glca_background *bg, glca_error *err);

#endif
