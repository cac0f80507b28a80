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
        return eq(sub, "air")      ? "air"
               : eq(sub, "water")  ? "water"
               : eq(sub, "ground") ? "soil"
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
static size_t provider(glca_es1_ctx *c, const glca_es1_proc *consumer, const glca_es1_exchange *x,
                       const char *name, const char *dim, const char **why, size_t *ncands,
                       const char ***cands)
{
    size_t i0 = glca_inventories__es1_first_named(c, name), i, n = 0, nlocal = 0, best = SIZE_MAX;
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
        const glca_es1_proc *p = &c->procs[c->by_name[i].i];

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
        const glca_es1_proc *p = &c->procs[k];

        if (strcmp(p->dim, dim) != 0 || (nlocal && strcmp(str(p->ds->location), want) != 0))
            continue;
        list[n++] = p->id;
        if (best == SIZE_MAX || glca_inventories__es1_preferred(p, &c->procs[best]))
            best = k;
    }
    *ncands = n;
    *cands = list;
    return best;
}

int glca_inventories__es1_add_row(glca_es1_ctx *c, const glca_es1_row *r)
{
    if (c->nrows == c->caprows) {
        size_t cap = c->caprows ? 2 * c->caprows : 1024;
        glca_es1_row *rows = glca_reallocarray(c->rows, cap, sizeof *rows);

        if (!rows)
            return GLCA_ENOMEM;
        c->rows = rows;
        c->caprows = cap;
    }
    c->rows[c->nrows++] = *r;
    return 0;
}

static const char *relinked(const glca_es1_proc *p, const char *name)
{
    size_t i;

    for (i = 0; i < sizeof relink / sizeof *relink; i++)
        if (p->ds->number == relink[i].dataset && strcmp(name, relink[i].input) == 0)
            return relink[i].provider;
    return NULL;
}

/* A joint product: the product flow of that name and dimension when a process makes it, else
 * one of its own (slug of the name). */
static int coproduct(glca_es1_ctx *c, size_t pi, const glca_es1_exchange *x)
{
    const char *unit, *dim, *name = str(x->name);
    char slug[GLCA_ES1_SLUG];
    glca_es1_row r;
    size_t i;

    if (!glca_inventories__es1_unit_of(c, x->unit, &unit, &dim))
        return glca_inventories__es1_note(c, GLCA_IMP_UNIT, &c->procs[pi], x, NULL,
                                          "unknown unit: left out");
    memset(&r, 0, sizeof r);
    r.proc = pi;
    r.x = x;
    r.amount = x->amount;
    r.unit = unit;
    r.dim = dim;
    r.dir = GLCA_OUTPUT;
    r.product = true;
    r.coproduct = true;
    r.name = name;
    for (i = glca_inventories__es1_first_named(c, name);
         i < c->nprocs && strcmp(c->by_name[i].name, name) == 0; i++)
        if (strcmp(c->procs[c->by_name[i].i].dim, dim) == 0) {
            r.flow = c->procs[c->by_name[i].i].flow;
            break;
        }
    if (!r.flow) {
        glca_inventories__es1_slug(name, slug, sizeof slug);
        r.flow = intern(c, slug);
    }
    return c->oom ? GLCA_ENOMEM : glca_inventories__es1_add_row(c, &r);
}

/* The product flow id slug(name) when a process of our own inventories in the same study
 * makes it, else NULL. */
static const char *native_flow(glca_es1_ctx *c, const char *name)
{
    char slug[GLCA_ES1_SLUG];
    const char *id;
    size_t k;

    if (!c->im->nnative)
        return NULL;
    glca_inventories__es1_slug(name, slug, sizeof slug);
    if (!(id = intern(c, slug)))
        return NULL;
    for (k = 0; k < c->im->nnative; k++)
        if (c->im->native[k].flow == id) /* both interned */
            return id;
    return NULL;
}

/* One exchange of process `pi` (the converter's convert(), exchange by exchange). */
static int convert_one(glca_es1_ctx *c, size_t pi, const glca_es1_exchange *x, bool *seen_ref)
{
    glca_es1_proc *p = &c->procs[pi];
    glca_es1_row r;
    const char *unit, *dim, *name = str(x->name), *why = "", **cands = NULL, *fixed;
    char msg[512];
    size_t q, n;
    int rc = 0;

    memset(&r, 0, sizeof r);
    if (!x->has_amount)
        return glca_inventories__es1_note(c, GLCA_IMP_NOT_EVALUABLE, p, x, NULL,
                                          "amount not a number: left out");
    if (x->dir == 'o' && x->group == 0 && !*seen_ref) {
        *seen_ref = true;
        p->ref_number = x->number;
        return 0;
    }
    /* joint products: with allocation records, products of their own (import_alloc.c) */
    if (x->dir == 'o' && (x->group == 0 || x->group == 2) && p->ds->nallocs)
        return coproduct(c, pi, x);
    if (x->dir == 'o' && x->group == 0)
        return glca_inventories__es1_note(c, GLCA_IMP_OUT_OF_SCOPE, p, x, NULL,
                                          "second reference output: left out");
    if (x->dir == 'o' && x->group == 2)
        return glca_inventories__es1_note(
            c, GLCA_IMP_COPRODUCT, p, x, NULL,
            "by-product output without allocation data: left out, the burdens stay "
            "with the reference product");
    if (!glca_inventories__es1_unit_of(c, x->unit, &unit, &dim))
        return glca_inventories__es1_note(c, GLCA_IMP_UNIT, p, x, NULL, "unknown unit: left out");
    if (x->amount == 0) /* changes no number, but nothing goes without a line */
        return glca_inventories__es1_note(c, GLCA_IMP_OUT_OF_SCOPE, p, x, NULL,
                                          "amount 0: left out");
    r.proc = pi;
    r.x = x;
    r.amount = x->amount;
    r.unit = unit;
    r.dim = dim;
    if ((x->dir == 'i' && x->group == 5) || (x->dir == 'o' && x->group == 3)) {
        if ((fixed = relinked(p, name))) {
            snprintf(msg, sizeof msg, "known source error fixed: linked to '%s' instead", fixed);
            if ((rc = glca_inventories__es1_note(c, GLCA_IMP_CHOSEN, p, x, NULL, msg)) < 0)
                return rc;
            name = fixed;
        }
        q = provider(c, p, x, name, dim, &why, &n, &cands);
        if (c->oom)
            return GLCA_ENOMEM;
        if (q == SIZE_MAX && (r.flow = native_flow(c, name))) {
            /* our own inventories make it: the linking names their producer */
            r.product = true;
            r.native = true;
            r.dir = GLCA_INPUT;
            r.name = name;
            r.unc = uncertainty(x, x->amount);
            return glca_inventories__es1_add_row(c, &r);
        }
        if (q == SIZE_MAX) {
            snprintf(msg, sizeof msg, "%s: %s: cut off",
                     x->dir == 'o' ? "waste to treatment" : "input", why);
            return glca_inventories__es1_note(c, GLCA_IMP_CUTOFF, p, x, NULL, msg);
        }
        if (n > 1) {
            snprintf(msg, sizeof msg, "%zu providers of this name: '%s' chosen by the tie-break", n,
                     c->procs[q].id);
            rc = glca_inventories__es1_note(c, GLCA_IMP_CHOSEN, p, x, cands, msg);
        }
        glca_free(cands);
        if (rc < 0)
            return rc;
        r.product = true;
        r.dir = GLCA_INPUT;
        r.flow = c->procs[q].flow;
        r.provider = c->procs[q].id;
        r.unc = uncertainty(x, x->amount);
        return glca_inventories__es1_add_row(c, &r);
    }
    if (x->group == 4 && x->dir) {
        if (!(r.comp = compartment(x->dir == 'i', x->category, x->subcategory))) {
            snprintf(msg, sizeof msg, "unknown compartment %s/%s: left out", str(x->category),
                     str(x->subcategory));
            return glca_inventories__es1_note(c, GLCA_IMP_OUT_OF_SCOPE, p, x, NULL, msg);
        }
        r.dir = x->dir == 'i' ? GLCA_INPUT : GLCA_OUTPUT;
        r.name = name;
        r.unc = uncertainty(x, x->amount);
        return glca_inventories__es1_add_row(c, &r);
    }
    snprintf(msg, sizeof msg, "unknown exchange group %s %d: left out",
             x->dir == 'i'   ? "in"
             : x->dir == 'o' ? "out"
                             : "?",
             x->group);
    return glca_inventories__es1_note(c, GLCA_IMP_OUT_OF_SCOPE, p, x, NULL, msg);
}

int glca_inventories__es1_emit(glca_es1 *e, glca_error *err)
{
    glca_es1_ctx c;
    size_t i, j, r;
    int rc;

    memset(&c, 0, sizeof c);
    c.e = e;
    c.im = e->im;
    for (i = 0; i < sizeof declared / sizeof *declared; i++)
        if ((rc = glca_units_declare(c.im->units, declared[i].name, declared[i].dimension,
                                     declared[i].factor, err)) < 0)
            goto cleanup;
    if ((rc = glca_inventories__es1_assign_ids(&c)) < 0 ||
        (rc = glca_inventories__es1_unique_ids(&c)) < 0)
        goto oom;
    for (i = 0; i < c.nprocs; i++) {
        bool seen_ref = false;

        for (j = 0; j < c.procs[i].ds->nx; j++)
            if ((rc = convert_one(&c, i, &c.procs[i].ds->xs[j], &seen_ref)) < 0)
                goto oom;
    }
    if ((rc = glca_inventories__es1_elementary(&c)) < 0)
        goto oom;
    glca_inventories__es1_merge(&c);
    for (i = 0; i < c.nprocs; i++) {
        glca_imp_flow f = {
            c.procs[i].flow,       c.procs[i].ds->name, c.procs[i].flow_unit, NULL, NULL,
            GLCA_IMP_FLOW_PRODUCT, c.procs[i].ds->loc};

        if ((rc = glca_inventories__imp_add_flow(c.im, &f, err)) < 0)
            goto cleanup;
    }
    for (r = 0; r < c.nrows; r++) {
        const glca_es1_row *row = &c.rows[r];
        glca_imp_flow f = {row->flow,  row->name, row->unit, NULL, NULL, GLCA_IMP_FLOW_PRODUCT,
                           row->x->loc};

        if ((row->coproduct || (row->native && !glca_inventories__imp_has_flow(c.im, f.id))) &&
            (rc = glca_inventories__imp_add_flow(c.im, &f, err)) < 0)
            goto cleanup;
    }
    for (i = 0, r = 0; i < c.nprocs; i++) {
        size_t r1 = r;

        while (r1 < c.nrows && c.rows[r1].proc == i)
            r1++;
        if ((rc = glca_inventories__es1_emit_process(&c, i, r, r1, err)) < 0)
            goto cleanup;
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
