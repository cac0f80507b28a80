/*
 * EcoSpold 1 elementary flows (ids slug(name)@compartment, the most frequent unit and CAS
 * number), the merging of repeated exchanges, and each process with its allocation factors into
 * the import (the converter's elementary_ids, merge_duplicates and write_inventory).
 */
#include "importers/ecospold1.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An elementary row's key: (name, compartment, dimension), then its position. */
typedef struct es1_ekey {
    const char *name, *comp, *dim;
    size_t row;
} es1_ekey;

static int cmp_elem(const void *a, const void *b)
{
    const es1_ekey *p = a, *q = b;
    int r = strcmp(p->name, q->name);

    if (!r)
        r = strcmp(p->comp, q->comp);
    if (!r)
        r = strcmp(p->dim, q->dim);
    return r ? r : (p->row > q->row) - (p->row < q->row);
}

/* The most frequent of n strings (ties: the smallest); NULLs are not counted. */
static const char *mode_of(const char **v, size_t n)
{
    const char *best = NULL;
    size_t i, j, bestn = 0;

    for (i = 0; i < n; i++) {
        size_t k = 0;

        if (!v[i])
            continue;
        for (j = 0; j < n; j++)
            k += v[j] && strcmp(v[j], v[i]) == 0;
        if (k > bestn || (k == bestn && strcmp(v[i], best) < 0)) {
            best = v[i];
            bestn = k;
        }
    }
    return best;
}

typedef struct es1_elem {
    const char *id, *name, *comp, *unit, *cas;
    size_t order;
    glca_srcloc loc;
} es1_elem;

static int cmp_elem_id(const void *a, const void *b)
{
    const es1_elem *p = *(es1_elem *const *)a, *q = *(es1_elem *const *)b;
    int r = strcmp(p->id, q->id);

    return r ? r : (p->order > q->order) - (p->order < q->order);
}

/* Elementary flow ids and units (the converter's elementary_ids), added to the import. */
int glca_inventories__es1_elementary(glca_es1_ctx *c)
{
    es1_ekey *ix = NULL;
    size_t n = 0, i, j, k, ng = 0;
    const char **vals = NULL;
    es1_elem *groups = NULL, **byid = NULL;
    char slug[GLCA_ES1_SLUG], uslug[GLCA_ES1_SLUG], buf[3 * GLCA_ES1_SLUG], cas[64];
    int rc = GLCA_ENOMEM;

    for (i = 0; i < c->nrows; i++)
        n += !c->rows[i].product;
    if (!(ix = glca_mallocarray(n ? n : 1, sizeof *ix)) ||
        !(vals = glca_mallocarray(n ? n : 1, sizeof *vals)) ||
        !(groups = glca_calloc(n ? n : 1, sizeof *groups)) ||
        !(byid = glca_mallocarray(n ? n : 1, sizeof *byid)))
        goto cleanup;
    for (i = 0, n = 0; i < c->nrows; i++)
        if (!c->rows[i].product)
            ix[n++] = (es1_ekey){c->rows[i].name, c->rows[i].comp, c->rows[i].dim, i};
    qsort(ix, n, sizeof *ix, cmp_elem);
    for (i = 0; i < n; i = j) {
        const glca_es1_row *r0 = &c->rows[ix[i].row];
        es1_elem *g = &groups[ng];
        size_t ndims = 0, a;

        for (j = i; j < n && strcmp(c->rows[ix[j].row].name, r0->name) == 0 &&
                    strcmp(c->rows[ix[j].row].comp, r0->comp) == 0 &&
                    strcmp(c->rows[ix[j].row].dim, r0->dim) == 0;
             j++)
            vals[j - i] = c->rows[ix[j].row].unit;
        g->unit = mode_of(vals, j - i);
        for (k = i; k < j; k++) {
            const char *cs = c->rows[ix[k].row].x->cas;

            vals[k - i] = glca_inventories__es1_cas(cs, cas, sizeof cas) ? intern(c, cas) : NULL;
        }
        g->cas = mode_of(vals, j - i);
        g->name = r0->name;
        g->comp = r0->comp;
        g->order = ng;
        g->loc = r0->x->loc;
        /* dimensions of this name and compartment */
        for (a = i; a > 0 && strcmp(c->rows[ix[a - 1].row].name, r0->name) == 0 &&
                    strcmp(c->rows[ix[a - 1].row].comp, r0->comp) == 0;
             a--)
            ;
        for (k = a; k < n && strcmp(c->rows[ix[k].row].name, r0->name) == 0 &&
                    strcmp(c->rows[ix[k].row].comp, r0->comp) == 0;
             k++)
            ndims += k == a || strcmp(c->rows[ix[k].row].dim, c->rows[ix[k - 1].row].dim) != 0;
        glca_inventories__es1_slug(r0->name, slug, sizeof slug);
        if (ndims > 1) {
            glca_inventories__es1_slug(g->unit, uslug, sizeof uslug);
            snprintf(buf, sizeof buf, "%s-%s@%s", slug, uslug, g->comp);
        } else {
            snprintf(buf, sizeof buf, "%s@%s", slug, g->comp);
        }
        g->id = intern(c, buf);
        for (k = i; k < j; k++)
            c->rows[ix[k].row].elem = (const char *)g; /* the group, until ids are final */
        byid[ng] = g;
        ng++;
    }
    if (c->oom)
        goto cleanup;
    /* names differing only in case share a slug: the first in key order keeps it */
    qsort(byid, ng, sizeof *byid, cmp_elem_id);
    for (i = 0; i < ng; i = j) {
        for (j = i + 1; j < ng && byid[j]->id == byid[i]->id; j++) {
            const char *at = strrchr(byid[j]->id, '@');

            snprintf(buf, sizeof buf, "%.*s-%zu%s", (int)(at - byid[j]->id), byid[j]->id, j - i + 1,
                     at);
            byid[j]->id = intern(c, buf);
        }
    }
    for (i = 0; i < ng && !c->oom; i++) {
        glca_imp_flow f = {groups[i].id,  groups[i].name,           groups[i].unit, groups[i].comp,
                           groups[i].cas, GLCA_IMP_FLOW_ELEMENTARY, groups[i].loc};
        glca_error e = GLCA_ERROR_INIT;

        if ((rc = glca_inventories__imp_add_flow(c->im, &f, &e)) < 0)
            goto cleanup;
    }
    for (i = 0; i < c->nrows; i++)
        if (!c->rows[i].product)
            c->rows[i].elem = ((const es1_elem *)c->rows[i].elem)->id;
    rc = c->oom ? GLCA_ENOMEM : 0;
cleanup:
    glca_free(ix);
    glca_free(vals);
    glca_free(groups);
    glca_free(byid);
    return rc;
}

/* Sum repeated exchanges of one flow (same direction, same provider) of each process into the
 * first, converted to its unit, without uncertainty (the converter's merge_duplicates). */
void glca_inventories__es1_merge(glca_es1_ctx *c)
{
    size_t i = 0, j, k;

    while (i < c->nrows) {
        size_t end = i;

        while (end < c->nrows && c->rows[end].proc == c->rows[i].proc)
            end++;
        /* factors are per source exchange: nothing merges where they apply */
        if (c->procs[c->rows[i].proc].ds->nallocs) {
            i = end;
            continue;
        }
        for (j = i; j < end; j++) {
            glca_es1_row *r = &c->rows[j];
            const char *key = r->product ? (r->provider ? r->provider : r->flow) : r->elem;

            for (k = i; k < j; k++) {
                glca_es1_row *m = &c->rows[k];

                if (m->merged || m->dir != r->dir || m->product != r->product ||
                    (m->product ? (m->provider ? m->provider : m->flow) : m->elem) != key)
                    continue;
                m->amount += r->amount * (glca_inventories__es1_factor_of(c, r->unit) /
                                          glca_inventories__es1_factor_of(c, m->unit));
                m->unc.dist = GLCA_DIST_NONE;
                r->merged = true;
                break;
            }
        }
        i = end;
    }
}

/* The index within the emitted process of the exchange numbered `number` (the reference is 0,
 * then the rows emitted, in order), or SIZE_MAX. */
static size_t emitted_index(const glca_es1_ctx *c, size_t pi, size_t r0, size_t r1, int number)
{
    size_t i, k = 1;

    if (number == c->procs[pi].ref_number)
        return 0;
    for (i = r0; i < r1; i++) {
        const glca_es1_row *r = &c->rows[i];

        if (r->merged || (r->amount == 0 && !r->coproduct))
            continue;
        if (r->x->number == number)
            return k;
        k++;
    }
    return SIZE_MAX;
}

/* EcoSpold 1 <allocation>: `fraction` % of each referenced exchange to the co-product. */
static int allocation(glca_es1_ctx *c, size_t pi, size_t r0, size_t r1, glca_error *err)
{
    const glca_es1_dataset *ds = c->procs[pi].ds;
    size_t a, k;
    int rc;

    for (a = 0; a < ds->nallocs; a++) {
        const glca_es1_alloc *al = &ds->allocs[a];
        size_t cp = emitted_index(c, pi, r0, r1, al->coproduct);

        if (cp == SIZE_MAX) {
            rc = glca_inventories__es1_note(
                c, GLCA_IMP_DANGLING, &c->procs[pi], NULL, NULL,
                "allocation record for a co-product that is not an output kept: ignored");
            if (rc < 0)
                return glca_error_oom(err);
            continue;
        }
        for (k = 0; k < al->nrefs; k++) {
            size_t j = emitted_index(c, pi, r0, r1, al->refs[k]);
            glca_imp_alloc ia = {GLCA_IMP_ALLOC_DATA, cp, j, al->fraction / 100, al->loc};

            /* an exchange left out (cut off, zero) needs no factor */
            if (j == SIZE_MAX || j == cp)
                continue;
            if ((rc = glca_inventories__imp_add_alloc(c->im, &ia, err)) < 0)
                return rc;
        }
    }
    return 0;
}

int glca_inventories__es1_emit_process(glca_es1_ctx *c, size_t pi, size_t r0, size_t r1,
                                       glca_error *err)
{
    const glca_es1_proc *p = &c->procs[pi];
    glca_imp_process ip = {p->id, p->ds->name,
                           p->ds->location && p->ds->location[0] ? p->ds->location : NULL,
                           p->ds->loc};
    glca_imp_exchange x;
    size_t i;
    int rc;

    if ((rc = glca_inventories__imp_add_process(c->im, &ip, err)) < 0)
        return rc;
    memset(&x, 0, sizeof x);
    x.flow = p->flow;
    x.dir = GLCA_OUTPUT;
    x.amount = p->ds->amount;
    x.unit = p->unit;
    x.reference = true;
    x.loc = p->ds->loc;
    if ((rc = glca_inventories__imp_add_exchange(c->im, &x, err)) < 0)
        return rc;
    for (i = r0; i < r1; i++) {
        const glca_es1_row *r = &c->rows[i];

        if (r->merged || (r->amount == 0 && !r->coproduct))
            continue;
        memset(&x, 0, sizeof x);
        x.flow = r->product ? r->flow : r->elem;
        x.dir = r->dir;
        x.amount = r->amount;
        x.unit = r->unit;
        x.provider = r->provider;
        x.unc = r->unc;
        x.coproduct = r->coproduct;
        x.loc = r->x->loc;
        if ((rc = glca_inventories__imp_add_exchange(c->im, &x, err)) < 0)
            return rc;
    }
    return p->ds->nallocs ? allocation(c, pi, r0, r1, err) : 0;
}
