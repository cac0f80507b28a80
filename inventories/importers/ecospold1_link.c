/*
 * EcoSpold 1 datasets into a glca_import, by the rules of the bundled USLCI converter
 * (tools/convert_uslci.py; LINKING.md states them), so the ids and numbers are the same as the
 * converted inventory's:
 *   - a process whose reference unit is unknown or whose amount is not positive is left out;
 *   - product flows: one per (reference product name, unit dimension), id slug(name) (plus
 *     "-dimension" when a name comes in several); processes slug(name)-slug(location), a clash
 *     resolved by the tie-break (U.S. average, national geography, latest end year, lowest
 *     dataset number), the others getting "-n<number>";
 *   - technosphere inputs (inputGroup 5) and wastes to treatment (outputGroup 3) become inputs
 *     of the product of the same-name process of the same dimension, the one at the exchange's
 *     (else the consumer's) location if there is one, else the tie-break's choice; none: cut
 *     off;
 *   - elementary flows (group 4): id slug(name)@compartment (subcompartments merged), the most
 *     frequent unit, the most frequent CAS number;
 *   - repeated exchanges of one flow and provider in a process are summed, without
 *     uncertainty; zero amounts are dropped.
 * Every exchange left out is a note (the linking report); the provider each input names is
 * checked again by import_link.c.
 */
#include "importers/ecospold1.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SLUG 256

/* Units the converter declares (FORMATS.md "Units"): name, dimension, factor. */
static const struct {
    const char *name, *dimension;
    double factor;
} declared[] = {{"t*mi", "transport", 1609.344},
                {"p*km", "person-transport", 1.0},
                {"m2*a", "land-occupation", 1.0},
                {"m3*a", "volume-occupation", 1.0}};

/* A known source error of USLCI FY21 Q3 (LINKING.md "Source errors fixed"): dataset 89204, the
 * coil coating of aluminium, takes its own product as feedstock, which makes the technosphere
 * singular; the feedstock is the cold-rolled sheet. */
static const struct {
    int dataset;
    const char *input, *provider;
} relink[] = {{89204, "Aluminum, sheet, coated, at plant", "Aluminum, cold rolling, at plant"}};

typedef struct es1_proc {
    glca_es1_dataset *ds;
    const char *unit, *dim, *id, *flow, *flow_unit;
    bool us_avg, national;
    bool dropped;
} es1_proc;

/* One exchange kept, before duplicates are merged. */
typedef struct es1_row {
    size_t proc;
    const glca_es1_exchange *x;
    bool product;
    glca_direction dir;
    const char *name, *comp, *dim, *unit; /* elementary key and unit */
    const char *flow, *provider;          /* product: the provider's flow and id */
    double amount;
    glca_uncertainty unc;
    const char *elem; /* elementary flow id, once known */
    bool merged;      /* summed into an earlier row */
} es1_row;

/* A sort key: a process's or an elementary row's name and its position. */
typedef struct es1_key {
    const char *name;
    size_t i;
} es1_key;

typedef struct es1_ctx {
    glca_es1 *e;
    glca_import *im;
    es1_proc *procs;
    size_t nprocs;
    es1_key *by_name; /* processes sorted by name, then source order */
    es1_row *rows;
    size_t nrows, caprows;
    bool oom;
} es1_ctx;

static const char *str(const char *s)
{
    return s ? s : "";
}

static const char *intern(es1_ctx *c, const char *s)
{
    return glca_inventories__imp_intern(c->im, s, &c->oom);
}

/* Native unit name and its dimension name, or false (the converter's unit_of). */
static bool unit_of(es1_ctx *c, const char *u, const char **unit, const char **dim)
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

static double factor_of(const es1_ctx *c, const char *unit)
{
    int d;
    double f = 1;

    glca_units_lookup(c->im->units, unit, &d, &f);
    return f;
}

static int note(es1_ctx *c, glca_imp_note_kind kind, const es1_proc *p,
                const glca_es1_exchange *x, const char *const *cands, const char *msg)
{
    glca_imp_note n = {kind, p->id ? p->id : str(p->ds->name), x ? x->name : NULL,
                       x && x->has_amount ? x->amount : NAN, x ? x->unit : NULL, cands, msg,
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
static bool preferred(const es1_proc *a, const es1_proc *b)
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
    const es1_key *p = a, *q = b;
    int r = strcmp(p->name, q->name);

    return r ? r : (p->i > q->i) - (p->i < q->i);
}

/* The first process named `name` in c->by_name, or nprocs. */
static size_t first_named(const es1_ctx *c, const char *name)
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
static int assign_ids(es1_ctx *c)
{
    glca_es1 *e = c->e;
    size_t i, j, k, n = 0;
    char slug[SLUG], buf[2 * SLUG + 32];

    if (!(c->procs = glca_calloc(e->nds ? e->nds : 1, sizeof *c->procs)) ||
        !(c->by_name = glca_calloc(e->nds ? e->nds : 1, sizeof *c->by_name)))
        return GLCA_ENOMEM;
    for (i = 0; i < e->nds; i++) {
        es1_proc *p = &c->procs[n];

        p->ds = &e->ds[i];
        if (!p->ds->has_amount || p->ds->amount <= 0 || !unit_of(c, p->ds->unit, &p->unit, &p->dim)) {
            char msg[300];

            snprintf(msg, sizeof msg,
                     "reference unit '%s' unknown or amount <= 0: the process is left out",
                     str(p->ds->unit));
            if (note(c, GLCA_IMP_OUT_OF_SCOPE, p, NULL, NULL, msg) < 0)
                return GLCA_ENOMEM;
            continue;
        }
        p->us_avg = says_average(str(p->ds->comment));
        p->national = p->ds->geo_text &&
                      (strcmp(p->ds->geo_text, "US") == 0 || strcmp(p->ds->geo_text, "USA") == 0 ||
                       strcmp(p->ds->geo_text, "U.S.") == 0 ||
                       strcmp(p->ds->geo_text, "United States") == 0);
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
                es1_proc *p = &c->procs[c->by_name[k].i];

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
static int unique_ids(es1_ctx *c)
{
    es1_key *keys = glca_calloc(c->nprocs ? c->nprocs : 1, sizeof *keys);
    size_t i, j, k, n = c->nprocs;
    char slug[SLUG], loc[SLUG], buf[2 * SLUG + 32];
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
        const es1_proc *firsts[64];
        size_t nf = 0, a, b;

        for (j = i; j < n && keys[j].name == fid; j++) {
            const es1_proc *p = &c->procs[keys[j].i];

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
                const es1_proc *t = firsts[b];
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
        es1_proc *p = &c->procs[i];

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
            if (preferred(&c->procs[keys[j].i], &c->procs[best]))
                best = keys[j].i;
        for (k = i; k < j; k++) {
            es1_proc *p = &c->procs[keys[k].i];

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

/* Case does not matter: ecoinvent 2 writes "Air", USLCI "air" (the converter met only the
 * latter, so this changes nothing for USLCI). */
static bool eq(const char *a, const char *b)
{
    return a && strcasecmp(a, b) == 0;
}

/* The top-level compartment of an elementary exchange (the converter's compartment()). */
static const char *compartment(bool input, const char *cat, const char *sub)
{
    if (input || eq(cat, "resource"))
        return "resource";
    if (eq(cat, "emission"))
        return eq(sub, "air") ? "air" : eq(sub, "water") ? "water" : eq(sub, "ground") ? "soil"
                                                                                        : NULL;
    if (eq(cat, "troposphere") || eq(cat, "air") || eq(cat, "rural") || eq(cat, "urban") ||
        eq(cat, "stratosphere"))
        return "air";
    if (eq(cat, "water") || eq(cat, "fresh water body") || eq(cat, "saline water body"))
        return "water";
    if (eq(cat, "ground") || eq(cat, "human-dominated") || eq(cat, "terrestrial") ||
        eq(cat, "soil"))
        return "soil";
    return NULL;
}

/* EcoSpold 1 uncertainty as FORMATS.md's (dist NONE when not valid; LINKING.md "Uncertainty"). */
static glca_uncertainty uncertainty(const glca_es1_exchange *x, double amount)
{
    glca_uncertainty u = {GLCA_DIST_NONE, 0, 0};

    switch (x->utype) {
    case 1: /* lognormal: standardDeviation95 = GSD^2 */
        if (x->has_sd95 && amount > 0 && x->sd95 > 1)
            u = (glca_uncertainty){GLCA_DIST_LOGNORMAL, sqrt(x->sd95), 0};
        break;
    case 2: /* normal: standardDeviation95 = 2 sd */
        if (x->has_sd95 && x->sd95 > 0)
            u = (glca_uncertainty){GLCA_DIST_NORMAL, x->sd95 / 2, 0};
        break;
    case 3: /* triangular: the native mode is the amount */
        if (x->has_min && x->has_max && x->has_mode && x->min < x->max && x->min <= amount &&
            amount <= x->max && fabs(x->mode - amount) <= 1e-9 * fabs(amount))
            u = (glca_uncertainty){GLCA_DIST_TRIANGULAR, x->min, x->max};
        break;
    case 4:
        if (x->has_min && x->has_max && x->min < x->max && x->min <= amount && amount <= x->max)
            u = (glca_uncertainty){GLCA_DIST_UNIFORM, x->min, x->max};
        break;
    default:
        break;
    }
    return u;
}

/* The provider of an input named `name` (the converter's provider()); SIZE_MAX with `why`. */
static size_t provider(es1_ctx *c, const es1_proc *consumer, const glca_es1_exchange *x,
                       const char *name, const char *dim, const char **why, size_t *ncands,
                       const char ***cands)
{
    size_t i0 = first_named(c, name), i, n = 0, nlocal = 0, best = SIZE_MAX;
    const char *want = x->location && x->location[0] ? x->location : str(consumer->ds->location);
    const char **list;

    *ncands = 0;
    *cands = NULL;
    for (i = i0; i < c->nprocs && strcmp(c->by_name[i].name, name) == 0; i++)
        n++;
    if (!n) {
        *why = "no process makes this product";
        return SIZE_MAX;
    }
    for (i = i0, n = 0; i < c->nprocs && strcmp(c->by_name[i].name, name) == 0; i++) {
        const es1_proc *p = &c->procs[c->by_name[i].i];

        if (strcmp(p->dim, dim) != 0)
            continue;
        n++;
        nlocal += strcmp(str(p->ds->location), want) == 0;
    }
    if (!n) {
        *why = "unit dimension differs from every provider's reference unit";
        return SIZE_MAX;
    }
    if (!(list = glca_calloc(n + 1, sizeof *list))) {
        c->oom = true;
        return SIZE_MAX;
    }
    /* source order among the candidates (by_name is stable) */
    for (i = i0, n = 0; i < c->nprocs && strcmp(c->by_name[i].name, name) == 0; i++) {
        size_t k = c->by_name[i].i;
        const es1_proc *p = &c->procs[k];

        if (strcmp(p->dim, dim) != 0 || (nlocal && strcmp(str(p->ds->location), want) != 0))
            continue;
        list[n++] = p->id;
        if (best == SIZE_MAX || preferred(p, &c->procs[best]))
            best = k;
    }
    *ncands = n;
    *cands = list;
    return best;
}

static int add_row(es1_ctx *c, const es1_row *r)
{
    if (c->nrows == c->caprows) {
        size_t cap = c->caprows ? 2 * c->caprows : 1024;
        es1_row *rows = glca_reallocarray(c->rows, cap, sizeof *rows);

        if (!rows)
            return GLCA_ENOMEM;
        c->rows = rows;
        c->caprows = cap;
    }
    c->rows[c->nrows++] = *r;
    return 0;
}

static const char *relinked(const es1_proc *p, const char *name)
{
    size_t i;

    for (i = 0; i < sizeof relink / sizeof *relink; i++)
        if (p->ds->number == relink[i].dataset && strcmp(name, relink[i].input) == 0)
            return relink[i].provider;
    return NULL;
}

/* One exchange of process `pi` (the converter's convert(), exchange by exchange). */
static int convert_one(es1_ctx *c, size_t pi, const glca_es1_exchange *x, bool *seen_ref)
{
    es1_proc *p = &c->procs[pi];
    es1_row r;
    const char *unit, *dim, *name = str(x->name), *why = "", **cands = NULL, *fixed;
    char msg[512];
    size_t q, n;
    int rc = 0;

    memset(&r, 0, sizeof r);
    if (!x->has_amount)
        return note(c, GLCA_IMP_NOT_EVALUABLE, p, x, NULL, "amount not a number: left out");
    if (x->dir == 'o' && x->group == 0) {
        if (*seen_ref)
            rc = note(c, GLCA_IMP_OUT_OF_SCOPE, p, x, NULL,
                      "second reference output: left out");
        *seen_ref = true;
        return rc;
    }
    if (x->dir == 'o' && x->group == 2)
        return note(c, GLCA_IMP_COPRODUCT, p, x, NULL,
                    "by-product output without allocation data: left out, the burdens stay "
                    "with the reference product");
    if (!unit_of(c, x->unit, &unit, &dim))
        return note(c, GLCA_IMP_UNIT, p, x, NULL, "unknown unit: left out");
    if (x->amount == 0)
        return 0; /* changes no number */
    r.proc = pi;
    r.x = x;
    r.amount = x->amount;
    r.unit = unit;
    r.dim = dim;
    if ((x->dir == 'i' && x->group == 5) || (x->dir == 'o' && x->group == 3)) {
        if ((fixed = relinked(p, name))) {
            snprintf(msg, sizeof msg, "known source error fixed: linked to '%s' instead", fixed);
            if ((rc = note(c, GLCA_IMP_CHOSEN, p, x, NULL, msg)) < 0)
                return rc;
            name = fixed;
        }
        q = provider(c, p, x, name, dim, &why, &n, &cands);
        if (c->oom)
            return GLCA_ENOMEM;
        if (q == SIZE_MAX) {
            snprintf(msg, sizeof msg, "%s: %s: cut off",
                     x->dir == 'o' ? "waste to treatment" : "input", why);
            return note(c, GLCA_IMP_CUTOFF, p, x, NULL, msg);
        }
        if (n > 1) {
            snprintf(msg, sizeof msg, "%zu providers of this name: '%s' chosen by the tie-break",
                     n, c->procs[q].id);
            rc = note(c, GLCA_IMP_CHOSEN, p, x, cands, msg);
        }
        glca_free(cands);
        if (rc < 0)
            return rc;
        r.product = true;
        r.dir = GLCA_INPUT;
        r.flow = c->procs[q].flow;
        r.provider = c->procs[q].id;
        r.unc = uncertainty(x, x->amount);
        return add_row(c, &r);
    }
    if (x->group == 4 && x->dir) {
        if (!(r.comp = compartment(x->dir == 'i', x->category, x->subcategory))) {
            snprintf(msg, sizeof msg, "unknown compartment %s/%s: left out", str(x->category),
                     str(x->subcategory));
            return note(c, GLCA_IMP_OUT_OF_SCOPE, p, x, NULL, msg);
        }
        r.dir = x->dir == 'i' ? GLCA_INPUT : GLCA_OUTPUT;
        r.name = name;
        r.unc = uncertainty(x, x->amount);
        return add_row(c, &r);
    }
    snprintf(msg, sizeof msg, "unknown exchange group %s %d: left out",
             x->dir == 'i' ? "in" : x->dir == 'o' ? "out" : "?", x->group);
    return note(c, GLCA_IMP_OUT_OF_SCOPE, p, x, NULL, msg);
}

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
static int elementary(es1_ctx *c)
{
    es1_ekey *ix = NULL;
    size_t n = 0, i, j, k, ng = 0;
    const char **vals = NULL;
    es1_elem *groups = NULL, **byid = NULL;
    char slug[SLUG], uslug[SLUG], buf[3 * SLUG], cas[64];
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
        const es1_row *r0 = &c->rows[ix[i].row];
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

            snprintf(buf, sizeof buf, "%.*s-%zu%s", (int)(at - byid[j]->id), byid[j]->id,
                     j - i + 1, at);
            byid[j]->id = intern(c, buf);
        }
    }
    for (i = 0; i < ng && !c->oom; i++) {
        glca_imp_flow f = {groups[i].id, groups[i].name, groups[i].unit, groups[i].comp,
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
static void merge(es1_ctx *c)
{
    size_t i = 0, j, k;

    while (i < c->nrows) {
        size_t end = i;

        while (end < c->nrows && c->rows[end].proc == c->rows[i].proc)
            end++;
        for (j = i; j < end; j++) {
            es1_row *r = &c->rows[j];
            const char *key = r->product ? r->provider : r->elem;

            for (k = i; k < j; k++) {
                es1_row *m = &c->rows[k];

                if (m->merged || m->dir != r->dir || m->product != r->product ||
                    (m->product ? m->provider : m->elem) != key)
                    continue;
                m->amount += r->amount * (factor_of(c, r->unit) / factor_of(c, m->unit));
                m->unc.dist = GLCA_DIST_NONE;
                r->merged = true;
                break;
            }
        }
        i = end;
    }
}

static int emit_process(es1_ctx *c, size_t pi, size_t r0, size_t r1)
{
    const es1_proc *p = &c->procs[pi];
    glca_imp_process ip = {p->id, p->ds->name,
                           p->ds->location && p->ds->location[0] ? p->ds->location : NULL,
                           p->ds->loc};
    glca_imp_exchange x;
    glca_error e = GLCA_ERROR_INIT;
    size_t i;

    if (glca_inventories__imp_add_process(c->im, &ip, &e) < 0)
        return e.code;
    memset(&x, 0, sizeof x);
    x.flow = p->flow;
    x.dir = GLCA_OUTPUT;
    x.amount = p->ds->amount;
    x.unit = p->unit;
    x.reference = true;
    x.loc = p->ds->loc;
    if (glca_inventories__imp_add_exchange(c->im, &x, &e) < 0)
        return e.code;
    for (i = r0; i < r1; i++) {
        const es1_row *r = &c->rows[i];

        if (r->merged || r->amount == 0)
            continue;
        memset(&x, 0, sizeof x);
        x.flow = r->product ? r->flow : r->elem;
        x.dir = r->dir;
        x.amount = r->amount;
        x.unit = r->unit;
        x.provider = r->provider;
        x.unc = r->unc;
        x.loc = r->x->loc;
        if (glca_inventories__imp_add_exchange(c->im, &x, &e) < 0)
            return e.code;
    }
    return 0;
}

int glca_inventories__es1_emit(glca_es1 *e, glca_error *err)
{
    es1_ctx c;
    glca_error fe = GLCA_ERROR_INIT;
    size_t i, j, r;
    int rc;

    memset(&c, 0, sizeof c);
    c.e = e;
    c.im = e->im;
    for (i = 0; i < sizeof declared / sizeof *declared; i++)
        if ((rc = glca_units_declare(c.im->units, declared[i].name, declared[i].dimension,
                                     declared[i].factor, err)) < 0)
            goto cleanup;
    if ((rc = assign_ids(&c)) < 0 || (rc = unique_ids(&c)) < 0)
        goto oom;
    for (i = 0; i < c.nprocs; i++) {
        bool seen_ref = false;

        for (j = 0; j < c.procs[i].ds->nx; j++)
            if ((rc = convert_one(&c, i, &c.procs[i].ds->xs[j], &seen_ref)) < 0)
                goto oom;
        if (c.procs[i].ds->nallocs) {
            glca_imp_note n = {GLCA_IMP_OUT_OF_SCOPE, c.procs[i].id, NULL, NAN, NULL, NULL,
                               "allocation records are not read yet: by-products left out",
                               c.procs[i].ds->allocs[0].loc};

            if ((rc = glca_inventories__imp_note(c.im, &n, &fe)) < 0)
                goto oom;
        }
    }
    if ((rc = elementary(&c)) < 0)
        goto oom;
    merge(&c);
    for (i = 0; i < c.nprocs; i++) {
        glca_imp_flow f = {c.procs[i].flow, c.procs[i].ds->name, c.procs[i].flow_unit, NULL, NULL,
                           GLCA_IMP_FLOW_PRODUCT, c.procs[i].ds->loc};

        if ((rc = glca_inventories__imp_add_flow(c.im, &f, err)) < 0)
            goto cleanup;
    }
    for (i = 0, r = 0; i < c.nprocs; i++) {
        size_t r1 = r;

        while (r1 < c.nrows && c.rows[r1].proc == i)
            r1++;
        if ((rc = emit_process(&c, i, r, r1)) < 0)
            goto oom;
        r = r1;
    }
    rc = 0;
    goto cleanup;
oom:
    rc = glca_error_oom(err);
cleanup:
    glca_free(c.procs);
    glca_free(c.by_name);
    glca_free(c.rows);
    return rc;
}
