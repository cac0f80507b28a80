/*
 * Inside a glca_import: what import.c stores and import_link*.c and the linking report read.
 * Readers use import.h only.
 */
#ifndef GLCA_IMPORT_INT_H
#define GLCA_IMPORT_INT_H

#include "importers/import.h"

/* Strings and small arrays live in chunks freed with the import; ids are interned, so two
 * equal ids are one pointer and the memory grows with distinct strings, not with references. */
typedef struct glca_imp_chunk glca_imp_chunk;

/* An open-addressing index from a string to a position (SIZE_MAX: empty slot). */
typedef struct glca_imp_index {
    size_t *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;
} glca_imp_index;

typedef struct glca_imp_proc {
    glca_imp_process p;
    size_t x0, nx; /* its exchanges: xs[x0 .. x0+nx) */
    size_t a0, na; /* its allocation factors */
} glca_imp_proc;

/* A product of a process of our own inventories (import_native.c). */
typedef struct glca_imp_native {
    const char *flow, *process; /* interned */
} glca_imp_native;

struct glca_import {
    glca_units *units;
    glca_imp_chunk *chunks;
    const char **strs; /* interned strings, by open addressing (NULL: empty) */
    size_t capstrs, nstrs;
    glca_imp_flow *flows;
    size_t nflows, capflows;
    glca_imp_index flow_index;
    glca_imp_proc *procs;
    size_t nprocs, capprocs;
    glca_imp_index proc_index;
    glca_imp_exchange *xs;
    size_t nxs, capxs;
    glca_imp_alloc *allocs;
    size_t nallocs, capallocs;
    glca_imp_note *notes;
    size_t nnotes, capnotes;
    const char **native_flows; /* interned; sorted by the linking */
    size_t nnative_flows, capnative_flows;
    glca_imp_native *native; /* producers in our own inventories; sorted by the linking */
    size_t nnative, capnative;
};

/* The interned copy of `s` (NULL stays NULL); NULL with `*oom` set when memory ran out. */
const char *glca_inventories__imp_intern(glca_import *im, const char *s, bool *oom);
/* `n` bytes from the import's chunks, aligned for any object; NULL when memory ran out. */
void *glca_inventories__imp_alloc(glca_import *im, size_t n);
/* Room for element `n` of the array `*arr` of `*cap` elements of `size` bytes (doubled when
 * full, 64 at first); GLCA_ENOMEM when memory ran out, the array then as it was. */
int glca_inventories__imp_reserve(void **arr, size_t *cap, size_t n, size_t size);
/* Index of the flow / process with this id, or SIZE_MAX. */
size_t glca_inventories__imp_find_flow(const glca_import *im, const char *id);
size_t glca_inventories__imp_find_process(const glca_import *im, const char *id);

#endif
