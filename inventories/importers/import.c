/*
 * Storage of a glca_import: flows, processes, exchanges, allocation factors and notes as the
 * readers add them, every string copied once (interned).  No linking here: import_link.c.
 */
#include "importers/import_int.h"

#include <assert.h>
#include <math.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#define CHUNK_BYTES 65536

struct glca_imp_chunk {
    glca_imp_chunk *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void *glca_inventories__imp_alloc(glca_import *im, size_t n)
{
    const size_t align = alignof(max_align_t);
    glca_imp_chunk *c = im->chunks;
    void *p;

    n = (n + align - 1) / align * align;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_BYTES ? n : CHUNK_BYTES;

        if (!(c = glca_malloc(sizeof *c + size)))
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = im->chunks;
        im->chunks = c;
    }
    p = c->data + c->used;
    c->used += n;
    return p;
}

static int grow_strs(glca_import *im)
{
    size_t cap = im->capstrs ? 2 * im->capstrs : 1024, i;
    const char **strs = glca_calloc(cap, sizeof *strs);

    if (!strs)
        return GLCA_ENOMEM;
    for (i = 0; i < im->capstrs; i++) {
        size_t j;

        if (!im->strs[i])
            continue;
        for (j = hash_str(im->strs[i]) & (cap - 1); strs[j]; j = (j + 1) & (cap - 1))
            ;
        strs[j] = im->strs[i];
    }
    glca_free(im->strs);
    im->strs = strs;
    im->capstrs = cap;
    return 0;
}

const char *glca_inventories__imp_intern(glca_import *im, const char *s, bool *oom)
{
    size_t j, len;
    char *copy;

    if (!s)
        return NULL;
    if (2 * (im->nstrs + 1) > im->capstrs && grow_strs(im) < 0) {
        *oom = true;
        return NULL;
    }
    for (j = hash_str(s) & (im->capstrs - 1); im->strs[j]; j = (j + 1) & (im->capstrs - 1))
        if (strcmp(im->strs[j], s) == 0)
            return im->strs[j];
    len = strlen(s) + 1;
    if (!(copy = glca_inventories__imp_alloc(im, len))) {
        *oom = true;
        return NULL;
    }
    memcpy(copy, s, len);
    im->strs[j] = copy;
    im->nstrs++;
    return copy;
}

/* Indexes store positions into an array of records whose first member is the id. */
static size_t index_find(const glca_imp_index *ix, const char *id, const void *base, size_t stride)
{
    size_t j;

    if (!ix->cap)
        return SIZE_MAX;
    for (j = hash_str(id) & (ix->cap - 1); ix->slots[j] != SIZE_MAX; j = (j + 1) & (ix->cap - 1)) {
        const char *const *rec = (const char *const *)((const char *)base + ix->slots[j] * stride);

        if (strcmp(*rec, id) == 0)
            return ix->slots[j];
    }
    return SIZE_MAX;
}

static int index_add(glca_imp_index *ix, size_t pos, const void *base, size_t stride)
{
    size_t j;

    if (2 * (ix->n + 1) > ix->cap) {
        size_t cap = ix->cap ? 2 * ix->cap : 256, i;
        size_t *slots = glca_mallocarray(cap, sizeof *slots);

        if (!slots)
            return GLCA_ENOMEM;
        for (i = 0; i < cap; i++)
            slots[i] = SIZE_MAX;
        glca_free(ix->slots);
        ix->slots = slots;
        ix->cap = cap;
        for (i = 0, ix->n = 0; i < pos; i++)
            index_add(ix, i, base, stride);
    }
    {
        const char *const *rec = (const char *const *)((const char *)base + pos * stride);

        for (j = hash_str(*rec) & (ix->cap - 1); ix->slots[j] != SIZE_MAX;
             j = (j + 1) & (ix->cap - 1))
            ;
    }
    ix->slots[j] = pos;
    ix->n++;
    return 0;
}

int glca_inventories__imp_reserve(void **arr, size_t *cap, size_t n, size_t size)
{
    void *p;
    size_t c;

    if (n < *cap)
        return 0;
    c = *cap ? 2 * *cap : 64;
    if (!(p = glca_reallocarray(*arr, c, size)))
        return GLCA_ENOMEM;
    *arr = p;
    *cap = c;
    return 0;
}

int glca_inventories__imp_new(glca_import **out, glca_units *units, glca_error *err)
{
    glca_import *im;

    *out = NULL;
    if (!(im = glca_calloc(1, sizeof *im)))
        return glca_error_oom(err);
    im->units = units;
    *out = im;
    return 0;
}

void glca_inventories__imp_free(glca_import *im)
{
    glca_imp_chunk *c, *next;

    if (!im)
        return;
    for (c = im->chunks; c; c = next) {
        next = c->next;
        glca_free(c);
    }
    glca_free(im->strs);
    glca_free(im->flows);
    glca_free(im->flow_index.slots);
    glca_free(im->procs);
    glca_free(im->proc_index.slots);
    glca_free(im->xs);
    glca_free(im->allocs);
    glca_free(im->notes);
    glca_free(im->native_flows);
    glca_free(im->native);
    glca_free(im);
}

glca_units *glca_inventories__imp_units(glca_import *im)
{
    return im->units;
}

size_t glca_inventories__imp_find_flow(const glca_import *im, const char *id)
{
    return index_find(&im->flow_index, id, im->flows, sizeof *im->flows);
}

size_t glca_inventories__imp_find_process(const glca_import *im, const char *id)
{
    return index_find(&im->proc_index, id, im->procs, sizeof *im->procs);
}

bool glca_inventories__imp_has_flow(const glca_import *im, const char *id)
{
    return glca_inventories__imp_find_flow(im, id) != SIZE_MAX;
}

static glca_srcloc intern_loc(glca_import *im, glca_srcloc loc, bool *oom)
{
    loc.file = glca_inventories__imp_intern(im, loc.file, oom);
    return loc;
}

static const char *kind_word(glca_imp_flow_kind k)
{
    return k == GLCA_IMP_FLOW_PRODUCT ? "product"
           : k == GLCA_IMP_FLOW_WASTE ? "waste"
                                      : "elementary";
}

int glca_inventories__imp_add_flow(glca_import *im, const glca_imp_flow *f, glca_error *err)
{
    glca_imp_flow c = *f;
    bool oom = false;
    size_t at;

    if (!f->id || !f->unit)
        return glca_error_set(err, GLCA_EPARSE, &f->loc, "flow without %s",
                              f->id ? "a unit" : "an id");
    if ((at = glca_inventories__imp_find_flow(im, f->id)) != SIZE_MAX) {
        const glca_imp_flow *o = &im->flows[at];

        if (o->kind == f->kind && strcmp(o->unit, f->unit) == 0)
            return 0;
        return glca_error_set(err, GLCA_EPARSE, &f->loc,
                              "flow '%s' (%s, %s) differs from its first definition (%s, %s) at "
                              "%s:%ld",
                              f->id, kind_word(f->kind), f->unit, kind_word(o->kind), o->unit,
                              o->loc.file ? o->loc.file : "?", o->loc.line);
    }
    c.id = glca_inventories__imp_intern(im, f->id, &oom);
    c.name = glca_inventories__imp_intern(im, f->name, &oom);
    c.unit = glca_inventories__imp_intern(im, f->unit, &oom);
    c.compartment = glca_inventories__imp_intern(im, f->compartment, &oom);
    c.cas = glca_inventories__imp_intern(im, f->cas, &oom);
    c.loc = intern_loc(im, f->loc, &oom);
    if (oom || glca_inventories__imp_reserve((void **)&im->flows, &im->capflows, im->nflows,
                                             sizeof *im->flows) < 0)
        return glca_error_oom(err);
    im->flows[im->nflows] = c;
    if (index_add(&im->flow_index, im->nflows, im->flows, sizeof *im->flows) < 0)
        return glca_error_oom(err);
    im->nflows++;
    return 0;
}

int glca_inventories__imp_add_process(glca_import *im, const glca_imp_process *p, glca_error *err)
{
    glca_imp_proc c;
    bool oom = false;
    size_t at;

    if (!p->id)
        return glca_error_set(err, GLCA_EPARSE, &p->loc, "process without an id");
    if ((at = glca_inventories__imp_find_process(im, p->id)) != SIZE_MAX) {
        const glca_imp_process *o = &im->procs[at].p;

        return glca_error_set(err, GLCA_EPARSE, &p->loc,
                              "duplicate process id '%s' (first at %s:%ld)", p->id,
                              o->loc.file ? o->loc.file : "?", o->loc.line);
    }
    memset(&c, 0, sizeof c);
    c.p.id = glca_inventories__imp_intern(im, p->id, &oom);
    c.p.name = glca_inventories__imp_intern(im, p->name, &oom);
    c.p.location = glca_inventories__imp_intern(im, p->location, &oom);
    c.p.loc = intern_loc(im, p->loc, &oom);
    c.x0 = im->nxs;
    c.a0 = im->nallocs;
    if (oom || glca_inventories__imp_reserve((void **)&im->procs, &im->capprocs, im->nprocs,
                                             sizeof *im->procs) < 0)
        return glca_error_oom(err);
    im->procs[im->nprocs] = c;
    if (index_add(&im->proc_index, im->nprocs, im->procs, sizeof *im->procs) < 0)
        return glca_error_oom(err);
    im->nprocs++;
    return 0;
}

int glca_inventories__imp_add_exchange(glca_import *im, const glca_imp_exchange *x, glca_error *err)
{
    glca_imp_exchange c = *x;
    bool oom = false;

    assert(im->nprocs > 0);
    if (!x->flow)
        return glca_error_set(err, GLCA_EPARSE, &x->loc, "exchange without a flow");
    c.flow = glca_inventories__imp_intern(im, x->flow, &oom);
    c.unit = glca_inventories__imp_intern(im, x->unit, &oom);
    c.provider = glca_inventories__imp_intern(im, x->provider, &oom);
    c.location = glca_inventories__imp_intern(im, x->location, &oom);
    c.loc = intern_loc(im, x->loc, &oom);
    if (oom ||
        glca_inventories__imp_reserve((void **)&im->xs, &im->capxs, im->nxs, sizeof *im->xs) < 0)
        return glca_error_oom(err);
    im->xs[im->nxs++] = c;
    im->procs[im->nprocs - 1].nx++;
    return 0;
}

size_t glca_inventories__imp_nexchanges_of_current(const glca_import *im)
{
    assert(im->nprocs > 0 && im->procs[im->nprocs - 1].nx > 0);
    return im->procs[im->nprocs - 1].nx - 1;
}

int glca_inventories__imp_add_alloc(glca_import *im, const glca_imp_alloc *a, glca_error *err)
{
    glca_imp_alloc c = *a;
    bool oom = false;

    assert(im->nprocs > 0);
    if (!isfinite(a->fraction) || a->fraction < 0 || a->fraction > 1)
        return glca_error_set(err, GLCA_EPARSE, &a->loc,
                              "allocation factor %g outside 0..1 (100 %%)", a->fraction);
    c.loc = intern_loc(im, a->loc, &oom);
    if (oom || glca_inventories__imp_reserve((void **)&im->allocs, &im->capallocs, im->nallocs,
                                             sizeof *im->allocs) < 0)
        return glca_error_oom(err);
    im->allocs[im->nallocs++] = c;
    im->procs[im->nprocs - 1].na++;
    return 0;
}

int glca_inventories__imp_note(glca_import *im, const glca_imp_note *n, glca_error *err)
{
    glca_imp_note c = *n;
    bool oom = false;

    c.process = glca_inventories__imp_intern(im, n->process, &oom);
    c.flow = glca_inventories__imp_intern(im, n->flow, &oom);
    c.unit = glca_inventories__imp_intern(im, n->unit, &oom);
    c.message = glca_inventories__imp_intern(im, n->message, &oom);
    c.loc = intern_loc(im, n->loc, &oom);
    if (n->candidates) {
        size_t k, m = 0;
        const char **cands;

        while (n->candidates[m])
            m++;
        if (!(cands = glca_inventories__imp_alloc(im, (m + 1) * sizeof *cands)))
            return glca_error_oom(err);
        for (k = 0; k < m; k++)
            cands[k] = glca_inventories__imp_intern(im, n->candidates[k], &oom);
        cands[m] = NULL;
        c.candidates = cands;
    }
    if (oom || glca_inventories__imp_reserve((void **)&im->notes, &im->capnotes, im->nnotes,
                                             sizeof *im->notes) < 0)
        return glca_error_oom(err);
    im->notes[im->nnotes++] = c;
    return 0;
}
