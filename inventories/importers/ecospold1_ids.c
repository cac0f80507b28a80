/*
 * EcoSpold 1 processes and product flows and their ids, by the converter's assign_ids (see
 * ecospold1_link.c for all the rules): datasets with an unknown reference unit or a
 * non-positive amount are left out; a product flow per (name, dimension); process ids
 * slug(name)-slug(location), clashes resolved by the tie-break.
 */
#include "importers/ecospold1.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Native unit name and its dimension name, or false (the converter's unit_of). */
bool glca_inventories__es1_unit_of(glca_es1_ctx *c, const char *u, const char **unit,
                                   const char **dim)
{
    int d;
    double factor;

    if (!u)
        return false;
    if (strcmp(u, "Item(s)") == 0)
        u = "item";
    if (glca_units_lookup(c->im->units, u, &d, &factor) < 0)
        return false;
    *unit = intern(c, u);
    *dim = glca_units_dimension_name(c->im->units, d);
    return true;
}

double glca_inventories__es1_factor_of(const glca_es1_ctx *c, const char *unit)
{
    int d;
    double f = 1;

    glca_units_lookup(c->im->units, unit, &d, &f);
    return f;
}

int glca_inventories__es1_note(glca_es1_ctx *c, glca_imp_note_kind kind, const glca_es1_proc *p,
                               const glca_es1_exchange *x, const char *const *cands,
                               const char *msg)
{
    glca_imp_note n = {kind,
                       p->id ? p->id : str(p->ds->name),
                       x ? x->name : NULL,
                       x && x->has_amount ? x->amount : NAN,
                       x ? x->unit : NULL,
                       cands,
                       msg,
                       x ? x->loc : p->ds->loc};
    glca_error e = GLCA_ERROR_INIT;

    return glca_inventories__imp_note(c->im, &n, &e) < 0 ? GLCA_ENOMEM : 0;
}

/* "\bU\.?S\.? average\b|\bnational average\b", ignoring case. */
static bool is_word(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || (unsigned char)ch >= 0x80;
}

static bool says_average(const char *s)
{
    size_t i, n = strlen(s);

    for (i = 0; i < n; i++) {
        const char *p = s + i;

        if (i > 0 && is_word(s[i - 1]))
            continue;
        if (strncasecmp(p, "national average", 16) == 0 && !is_word(p[16]))
            return true;
        if ((*p == 'u' || *p == 'U')) {
            p++;
            if (*p == '.')
                p++;
            if (*p != 's' && *p != 'S')
                continue;
            p++;
            if (*p == '.')
                p++;
            if (strncasecmp(p, " average", 8) == 0 && !is_word(p[8]))
                return true;
        }
    }
    return false;
}

/* The tie-break: true when a is preferred to b (U.S. average, national, end year, number). */
bool glca_inventories__es1_preferred(const glca_es1_proc *a, const glca_es1_proc *b)
{
    if (a->us_avg != b->us_avg)
        return a->us_avg;
    if (a->national != b->national)
        return a->national;
    if (a->ds->end_year != b->ds->end_year)
        return a->ds->end_year > b->ds->end_year;
    return a->ds->number < b->ds->number;
}

static int cmp_key(const void *a, const void *b)
{
    const glca_es1_key *p = a, *q = b;
    int r = strcmp(p->name, q->name);

    return r ? r : (p->i > q->i) - (p->i < q->i);
}

/* The first process named `name` in c->by_name, or nprocs. */
size_t glca_inventories__es1_first_named(const glca_es1_ctx *c, const char *name)
{
    size_t lo = 0, hi = c->nprocs;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(c->by_name[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Processes: units, product flows and ids (the converter's assign_ids). */
int glca_inventories__es1_assign_ids(glca_es1_ctx *c)
{
    glca_es1 *e = c->e;
    size_t i, j, k, n = 0;
    char slug[GLCA_ES1_SLUG], buf[2 * GLCA_ES1_SLUG + 32];

    if (!(c->procs = glca_calloc(e->nds ? e->nds : 1, sizeof *c->procs)) ||
        !(c->by_name = glca_calloc(e->nds ? e->nds : 1, sizeof *c->by_name)))
        return GLCA_ENOMEM;
    for (i = 0; i < e->nds; i++) {
        glca_es1_proc *p = &c->procs[n];

        p->ds = &e->ds[i];
        p->ref_number = -1;
        if (!p->ds->has_amount || p->ds->amount <= 0 ||
            !glca_inventories__es1_unit_of(c, p->ds->unit, &p->unit, &p->dim)) {
            char msg[300];

            snprintf(msg, sizeof msg,
                     "reference unit '%s' unknown or amount <= 0: the process is left out",
                     str(p->ds->unit));
            if (glca_inventories__es1_note(c, GLCA_IMP_OUT_OF_SCOPE, p, NULL, NULL, msg) < 0)
                return GLCA_ENOMEM;
            continue;
        }
        p->us_avg = says_average(str(p->ds->comment));
        p->national =
            p->ds->geo_text &&
            (strcmp(p->ds->geo_text, "US") == 0 || strcmp(p->ds->geo_text, "USA") == 0 ||
             strcmp(p->ds->geo_text, "U.S.") == 0 || strcmp(p->ds->geo_text, "United States") == 0);
        c->by_name[n].name = str(p->ds->name);
        c->by_name[n].i = n;
        n++;
    }
    c->nprocs = n;
    qsort(c->by_name, n, sizeof *c->by_name, cmp_key);
    /* product flows, one per (name, dimension), in name order */
    for (i = 0; i < n; i = j) {
        const char *name = c->by_name[i].name;
        const char *dims[16];
        size_t nd = 0, a, b;

        for (j = i; j < n && strcmp(c->by_name[j].name, name) == 0; j++) {
            const char *d = c->procs[c->by_name[j].i].dim;

            for (a = 0; a < nd && strcmp(dims[a], d) != 0; a++)
                ;
            if (a == nd && nd < 16)
                dims[nd++] = d;
        }
        for (a = 1; a < nd; a++) /* sorted, as the converter's sorted(set) */
            for (b = a; b > 0 && strcmp(dims[b - 1], dims[b]) > 0; b--) {
                const char *t = dims[b];

                dims[b] = dims[b - 1];
                dims[b - 1] = t;
            }
        glca_inventories__es1_slug(name, slug, sizeof slug);
        for (a = 0; a < nd; a++) {
            const char *fid, *funit = NULL;

            if (nd == 1)
                snprintf(buf, sizeof buf, "%s", slug);
            else
                snprintf(buf, sizeof buf, "%s-%s", slug, dims[a]);
            fid = intern(c, buf);
            for (k = i; k < j; k++) {
                glca_es1_proc *p = &c->procs[c->by_name[k].i];

                if (strcmp(p->dim, dims[a]) != 0)
                    continue;
                if (!funit)
                    funit = p->unit;
                p->flow = fid;
                p->flow_unit = funit;
            }
        }
    }
    return c->oom ? GLCA_ENOMEM : 0;
}

/* Product flow ids that clash (names differing in punctuation) get -2, -3, ... in (name, dim)
 * order; then process ids slug(name)-slug(location), clashes by the tie-break. */
int glca_inventories__es1_unique_ids(glca_es1_ctx *c)
{
    glca_es1_key *keys = glca_calloc(c->nprocs ? c->nprocs : 1, sizeof *keys);
    size_t i, j, k, n = c->nprocs;
    char slug[GLCA_ES1_SLUG], loc[GLCA_ES1_SLUG], buf[2 * GLCA_ES1_SLUG + 32];
    int rc = 0;

    if (!keys)
        return GLCA_ENOMEM;
    /* (flow id, name, dim) order: one representative process per (name, dim) */
    for (i = 0; i < n; i++) {
        keys[i].name = c->procs[i].flow;
        keys[i].i = i;
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (i = 0; i < n; i = j) {
        const char *fid = keys[i].name;
        const glca_es1_proc *firsts[64];
        size_t nf = 0, a, b;

        for (j = i; j < n && keys[j].name == fid; j++) {
            const glca_es1_proc *p = &c->procs[keys[j].i];

            for (a = 0; a < nf; a++)
                if (strcmp(str(firsts[a]->ds->name), str(p->ds->name)) == 0 &&
                    strcmp(firsts[a]->dim, p->dim) == 0)
                    break;
            if (a == nf && nf < 64)
                firsts[nf++] = p;
        }
        if (nf < 2)
            continue;
        for (a = 1; a < nf; a++) /* the converter sorts the (name, dim) keys */
            for (b = a; b > 0; b--) {
                int r = strcmp(str(firsts[b - 1]->ds->name), str(firsts[b]->ds->name));

                if (r < 0 || (r == 0 && strcmp(firsts[b - 1]->dim, firsts[b]->dim) <= 0))
                    break;
                const glca_es1_proc *t = firsts[b];
                firsts[b] = firsts[b - 1];
                firsts[b - 1] = t;
            }
        for (a = 1; a < nf; a++) {
            const char *nid;

            snprintf(buf, sizeof buf, "%s-%zu", fid, a + 1);
            nid = intern(c, buf);
            for (k = 0; k < n; k++)
                if (c->procs[k].flow == fid &&
                    strcmp(str(c->procs[k].ds->name), str(firsts[a]->ds->name)) == 0 &&
                    strcmp(c->procs[k].dim, firsts[a]->dim) == 0)
                    c->procs[k].flow = nid;
        }
    }
    /* process ids */
    for (i = 0; i < n; i++) {
        glca_es1_proc *p = &c->procs[i];

        glca_inventories__es1_slug(str(p->ds->name), slug, sizeof slug);
        if (p->ds->location && p->ds->location[0]) {
            glca_inventories__es1_slug(p->ds->location, loc, sizeof loc);
            snprintf(buf, sizeof buf, "%s-%s", slug, loc);
        } else {
            snprintf(buf, sizeof buf, "%s", slug);
        }
        keys[i].name = intern(c, buf);
        keys[i].i = i;
    }
    if (c->oom) {
        rc = GLCA_ENOMEM;
        goto cleanup;
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (i = 0; i < n; i = j) {
        size_t best = keys[i].i;

        for (j = i; j < n && keys[j].name == keys[i].name; j++)
            if (glca_inventories__es1_preferred(&c->procs[keys[j].i], &c->procs[best]))
                best = keys[j].i;
        for (k = i; k < j; k++) {
            glca_es1_proc *p = &c->procs[keys[k].i];

            if (keys[k].i == best) {
                p->id = keys[k].name;
            } else {
                snprintf(buf, sizeof buf, "%s-n%d", keys[k].name, p->ds->number);
                p->id = intern(c, buf);
            }
        }
    }
    rc = c->oom ? GLCA_ENOMEM : 0;
cleanup:
    glca_free(keys);
    return rc;
}
