/*
 * ILCD LCIA method datasets (http://lca.jrc.it/ILCD/LCIAMethod; the EF 3.x methods) as
 * categories of a glca_method: one category per dataset, id = the dataset UUID, name, unit =
 * the reference quantity as the dataset describes it ("kg CO2-Equivalents").
 *
 * A factor applies to a flow UUID in one exchange direction, and optionally at one location.
 * The engine keys factors by flow id alone and holds inputs and outputs as positive amounts,
 * so both reach it in the id (README.md): "<uuid>/in", "<uuid>/out", and "<uuid>/out@<loc>"
 * for a location-specific factor.  The inventory reader gives an elementary exchange the
 * located id only when some method dataset of its archive has a factor for that very flow,
 * direction and location (the set built by glca_inventories__ilcd_located_read); every other
 * exchange keeps the plain id and so gets the factor without location.
 */
#include "importers/ilcd_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define AT(suffix) ILCD_AT(&path, suffix)

typedef struct ilcd_factor {
    char *flow, *location;
    bool has_dir;
    glca_direction dir;
    double value;
    glca_srcloc loc;
} ilcd_factor;

typedef struct ilcd_lcia {
    char *uuid, *name, *unit;
    ilcd_factor *factors;
    size_t n, cap;
    glca_srcloc loc;
} ilcd_lcia;

static void lcia_clear(ilcd_lcia *d)
{
    for (size_t i = 0; i < d->n; i++) {
        glca_free(d->factors[i].flow);
        glca_free(d->factors[i].location);
    }
    glca_free(d->factors);
    glca_free(d->uuid);
    glca_free(d->name);
    glca_free(d->unit);
    memset(d, 0, sizeof *d);
}

static int start_factor(ilcd_lcia *d, glca_xml *x, glca_error *err)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        ilcd_factor *grown = glca_reallocarray(d->factors, cap, sizeof *grown);
        if (!grown)
            return glca_error_oom(err);
        d->factors = grown;
        d->cap = cap;
    }
    memset(&d->factors[d->n], 0, sizeof d->factors[d->n]);
    d->factors[d->n].value = NAN;
    d->factors[d->n].loc = glca_xml_loc(x);
    d->n++;
    return 0;
}

static int factor_text(ilcd_factor *f, const ilcd_path *pp, glca_xml *x, glca_error *err)
{
    const ilcd_path path = *pp;
    bool oom = false;
    char *t;

    if (AT("factor/meanValue"))
        return glca_inventories__ilcd_number(x, &f->value, err);
    if (AT("factor/location")) {
        if (!f->location && !(f->location = glca_inventories__ilcd_text(x, &oom)) && oom)
            return glca_error_oom(err);
        return 0;
    }
    if (!AT("factor/exchangeDirection"))
        return 0;
    if (!(t = glca_inventories__ilcd_text(x, &oom)) && oom)
        return glca_error_oom(err);
    f->has_dir = t && (!strcmp(t, "Input") || !strcmp(t, "Output"));
    f->dir = t && !strcmp(t, "Input") ? GLCA_INPUT : GLCA_OUTPUT;
    glca_free(t);
    if (!f->has_dir) {
        glca_srcloc loc = glca_xml_loc(x);
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "exchangeDirection of a factor is neither Input nor Output");
    }
    return 0;
}

static int parse_lcia(ilcd_lcia *d, glca_xml *x, glca_error *err)
{
    ilcd_path path = {{{0}}, {0}, 0, false};
    ilcd_factor *f = NULL;
    bool oom = false;
    int ev, rc = 0;

    memset(d, 0, sizeof *d);
    while ((ev = glca_inventories__ilcd_next(x, &path, err)) > 0) {
        if (ev == GLCA_XML_START) {
            if (path.depth == 1) {
                d->loc = glca_xml_loc(x);
                rc = glca_inventories__ilcd_root(x, "LCIAMethodDataSet", GLCA_NS_ILCD_METHOD,
                                                 "LCIA method", err);
            } else if (AT("characterisationFactors/factor")) {
                if ((rc = start_factor(d, x, err)) == 0)
                    f = &d->factors[d->n - 1];
            } else if (f && AT("factor/referenceToFlowDataSet")) {
                const char *id = glca_xml_attr(x, "refObjectId");
                if (id && !f->flow && !(f->flow = glca_strdup(id)))
                    rc = glca_error_oom(err);
            }
            if (rc < 0)
                return rc;
            continue;
        }
        if (f && AT("characterisationFactors/factor")) {
            if (!f->flow || !f->has_dir || isnan(f->value))
                return glca_error_set(err, GLCA_EPARSE, &f->loc,
                                      "factor without %s",
                                      !f->flow ? "referenceToFlowDataSet"
                                               : !f->has_dir ? "exchangeDirection"
                                                             : "meanValue");
            f = NULL;
        } else if (f) {
            rc = factor_text(f, &path, x, err);
        } else if (AT("LCIAMethodInformation/dataSetInformation/UUID")) {
            if (!d->uuid)
                d->uuid = glca_inventories__ilcd_text(x, &oom);
        } else if (AT("LCIAMethodInformation/dataSetInformation/name")) {
            if (!d->name)
                d->name = glca_inventories__ilcd_text(x, &oom);
        } else if (AT("quantitativeReference/referenceQuantity/shortDescription")) {
            if (!d->unit)
                d->unit = glca_inventories__ilcd_text(x, &oom);
        }
        if (oom)
            return glca_error_oom(err);
        if (rc < 0)
            return rc;
    }
    if (ev < 0)
        return ev;
    if (!d->uuid)
        return glca_error_set(err, GLCA_EPARSE, &d->loc, "LCIA method dataset without a UUID");
    return 0;
}

static int parse_entry(ilcd_lcia *d, glca_archive *a, size_t i, const glca_xml_limits *limits,
                       glca_error *err)
{
    glca_xml *x = NULL;
    char *buf = NULL;
    int rc;

    if ((rc = glca_inventories__ilcd_open(&x, &buf, a, i, limits, err)) < 0)
        return rc;
    if ((rc = parse_lcia(d, x, err)) < 0) {
        lcia_clear(d);
    } else {
        /* locations must outlive the XML reader: the archive's name of the entry does */
        const char *file = glca_inventories__archive_display(a, i);
        d->loc.file = file;
        for (size_t k = 0; k < d->n; k++)
            d->factors[k].loc.file = file;
    }
    glca_xml_free(x);
    glca_free(buf);
    return rc;
}

/* The method datasets of an archive: its entries in lciamethods/ folders. */
static size_t method_entries(glca_archive *a, size_t *out)
{
    size_t n = glca_inventories__archive_count(a), k = 0;

    for (size_t i = 0; i < n; i++)
        if (glca_inventories__ilcd_kind(glca_inventories__archive_entry(a, i)) == ILCD_METHOD)
            out[k++] = i;
    return k;
}

/* ---------------------------------------------------------------- located set */

static int by_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int located_add(ilcd_located *set, const char *id, glca_error *err)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 64;
        char **grown = glca_reallocarray(set->ids, cap, sizeof *grown);
        if (!grown)
            return glca_error_oom(err);
        set->ids = grown;
        set->cap = cap;
    }
    if (!(set->ids[set->n] = glca_strdup(id)))
        return glca_error_oom(err);
    set->n++;
    return 0;
}

int glca_inventories__ilcd_located_read(ilcd_located *set, glca_archive *a,
                                        const glca_xml_limits *limits, glca_diag_sink *sink)
{
    size_t *entries = NULL, n;
    glca_error e = GLCA_ERROR_INIT;
    int rc = 0;

    if (!(entries = glca_mallocarray(glca_inventories__archive_count(a) + 1, sizeof *entries)))
        return glca_diag_report(sink, (glca_error_oom(&e), &e));
    n = method_entries(a, entries);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        ilcd_lcia d;
        /* a method that cannot be read is reported by the method reader, not here */
        if (parse_entry(&d, a, entries[i], limits, &e) < 0) {
            if (e.code == GLCA_ENOMEM)
                rc = glca_diag_report(sink, &e);
            continue;
        }
        for (size_t k = 0; k < d.n && rc >= 0; k++) {
            char id[GLCA_ILCD_ID_MAX];
            if (!d.factors[k].location)
                continue;
            glca_inventories__ilcd_elementary_id(id, d.factors[k].flow, d.factors[k].dir,
                                                 d.factors[k].location);
            if (located_add(set, id, &e) < 0)
                rc = glca_diag_report(sink, &e);
        }
        lcia_clear(&d);
    }
    glca_free(entries);
    if (set->n)
        qsort(set->ids, set->n, sizeof *set->ids, by_str);
    return rc;
}

bool glca_inventories__ilcd_located_has(const ilcd_located *set, const char *id)
{
    return set->n && bsearch(&id, set->ids, set->n, sizeof *set->ids, by_str) != NULL;
}

void glca_inventories__ilcd_located_clear(ilcd_located *set)
{
    for (size_t i = 0; i < set->n; i++)
        glca_free(set->ids[i]);
    glca_free(set->ids);
    memset(set, 0, sizeof *set);
}

/* ---------------------------------------------------------------- method reader */

static int add_dataset(glca_method *m, const ilcd_lcia *d, glca_diag_sink *sink)
{
    glca_error e = GLCA_ERROR_INIT;

    if (glca_method_add_category(m, d->uuid, d->name ? d->name : d->uuid,
                                 d->unit ? d->unit : "", &d->loc, &e) < 0)
        return glca_diag_report(sink, &e);
    for (size_t k = 0; k < d->n; k++) {
        const ilcd_factor *f = &d->factors[k];
        char id[GLCA_ILCD_ID_MAX];
        glca_inventories__ilcd_elementary_id(id, f->flow, f->dir, f->location);
        if (glca_method_add_factor(m, d->uuid, id, f->value, NULL, &f->loc, &e) < 0 &&
            glca_diag_report(sink, &e) == GLCA_ENOMEM)
            return GLCA_ENOMEM;
    }
    return 0;
}

int glca_inventories__read_ilcd_methods(glca_method *m, const char *path,
                                        const glca_xml_limits *limits, glca_diag_fn diag,
                                        void *payload, glca_error *err)
{
    glca_diag_sink sink;
    glca_archive *a = NULL;
    glca_error e = GLCA_ERROR_INIT;
    size_t *entries = NULL, n = 0;
    ilcd_lcia *ds = NULL;
    glca_error **errs = NULL;
    struct stat st;
    int rc = 0;

    glca_diag_init(&sink, diag, payload, err);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && !glca_inventories__archive_is_zip(path)) {
        glca_xml *x = NULL;
        ilcd_lcia d;
        if ((rc = glca_inventories__ilcd_open_file(&x, path, limits, &e)) == 0) {
            if ((rc = parse_lcia(&d, x, &e)) == 0) {
                rc = add_dataset(m, &d, &sink);
                lcia_clear(&d);
            } else {
                lcia_clear(&d);
            }
        }
        glca_xml_free(x);
        if (rc < 0 && !sink.first)
            glca_diag_report(&sink, &e);
        return sink.first ? sink.first : rc;
    }
    if ((rc = glca_inventories__archive_open(&a, path, NULL, &e)) < 0) {
        glca_diag_report(&sink, &e);
        goto cleanup;
    }
    if (!(entries = glca_mallocarray(glca_inventories__archive_count(a) + 1, sizeof *entries))) {
        rc = glca_diag_report(&sink, (glca_error_oom(&e), &e));
        goto cleanup;
    }
    if (!(n = method_entries(a, entries)))
        for (size_t i = 0; i < glca_inventories__archive_count(a); i++) {
            const char *name = glca_inventories__archive_entry(a, i);
            size_t len = strlen(name);
            if (len > 4 && !strcmp(name + len - 4, ".xml"))
                entries[n++] = i;
        }
    if (!n) {
        glca_srcloc at = {path, 0, 0};
        rc = glca_diag_problem(&sink, GLCA_EPARSE, &at, "no LCIA method datasets");
        goto cleanup;
    }
    if (!(ds = glca_calloc(n, sizeof *ds)) || !(errs = glca_calloc(n, sizeof *errs))) {
        rc = glca_diag_report(&sink, (glca_error_oom(&e), &e));
        goto cleanup;
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t i = 0; i < n; i++) {
        glca_error pe = GLCA_ERROR_INIT;
        if (parse_entry(&ds[i], a, entries[i], limits, &pe) < 0 &&
            (errs[i] = glca_malloc(sizeof pe)))
            *errs[i] = pe;
    }
    for (size_t i = 0; i < n && rc != GLCA_ENOMEM; i++) {
        if (errs[i])
            glca_diag_report(&sink, errs[i]);
        else if (!ds[i].uuid) /* failed without room for its error */
            rc = glca_diag_report(&sink, (glca_error_oom(&e), &e));
        else
            rc = add_dataset(m, &ds[i], &sink);
    }
cleanup:
    for (size_t i = 0; ds && i < n; i++) {
        lcia_clear(&ds[i]);
        if (errs)
            glca_free(errs[i]);
    }
    glca_free(ds);
    glca_free(errs);
    glca_free(entries);
    glca_inventories__archive_free(a);
    return sink.first ? sink.first : rc;
}
