/*
 * A background to and from bytes, for the Lambda cache (inventories/store/lambda_cache.c does the
 * file I/O and the checksum; this file only lays out and checks bytes).
 *
 * Version 1 keeps what binding and evaluation read: the unit table, the method id, ids, names
 * and reference units of processes, elementary flows and categories, Lambda and CF.  A and B
 * and the factorization are not: a background read back has no solver, which
 * glca_background_has_factorization reports, so contribution analysis and Monte Carlo (which
 * need solves) can refuse it or rebuild from the inputs.  Version 2 (the background cache of
 * contributions, Monte Carlo and sensitivity) appends A, B, the uncertain exchanges and how
 * Lambda was solved (background_blob_solve.c), so a background read back solves as the
 * original did.
 *
 * Layout (little-endian, no padding): "GLCABG01", u64 format version, u64 n, m, k, unmatched;
 * the method id; the unit table as (dimension name, unit name, factor) in table order; n, m, k
 * times (id, name, unit); CF (m × k doubles); Lambda (k × n doubles); version 2's section.  A
 * string is a u64 length plus bytes, with length 2^64-1 for NULL.  Reading checks every length
 * against the bytes left, so a damaged blob is GLCA_EPARSE, never a wild read.
 *
 * The unit table is private to units.c and has no way to list its units, so this file mirrors
 * its struct (mirror_units below).  That is a stopgap until units.c offers an internal accessor;
 * every mirrored unit is checked against glca_units_lookup before it is written.
 */
#include <glca/engine.h>

#include "background_blob_int.h"

#include <string.h>

#define BLOB_VERSION 1u       /* names, units, CF, Lambda */
#define BLOB_VERSION_SOLVE 2u /* and background_blob_solve.c's section */
#define NULL_STRING UINT64_MAX

static const char blob_magic[8] = {'G', 'L', 'C', 'A', 'B', 'G', '0', '1'};

/* Mirror of units.c's private struct (see the file comment). */
typedef struct mirror_unit {
    const char *name;
    int dimension;
    double factor;
} mirror_unit;

typedef struct mirror_units {
    glca_engine__arena strings;
    mirror_unit *units;
    size_t nunits, capunits;
    const char **dims;
    size_t ndims, capdims;
    glca_engine__strmap byname;
} mirror_units;

/* ---------------------------------------------------------------- writing */

void glca_engine__blob_put(glca_engine__blob_writer *w, const void *p, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        unsigned char *grown;

        while (cap < w->len + n)
            cap *= 2;
        if (!(grown = glca_reallocarray(w->buf, cap, 1))) {
            w->oom = true;
            return;
        }
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void glca_engine__blob_put_u64(glca_engine__blob_writer *w, uint64_t v)
{
    unsigned char b[8];
    int i;

    for (i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    glca_engine__blob_put(w, b, 8);
}

void glca_engine__blob_put_f64(glca_engine__blob_writer *w, double d)
{
    uint64_t v;

    memcpy(&v, &d, sizeof v);
    glca_engine__blob_put_u64(w, v);
}

static void put_str(glca_engine__blob_writer *w, const char *s)
{
    if (!s) {
        glca_engine__blob_put_u64(w, NULL_STRING);
        return;
    }
    glca_engine__blob_put_u64(w, strlen(s));
    glca_engine__blob_put(w, s, strlen(s));
}

static void put_names(glca_engine__blob_writer *w, const char **id, const char **name,
                      const char **unit, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        put_str(w, id[i]);
        put_str(w, name[i]);
        put_str(w, unit[i]);
    }
}

static int put_units(glca_engine__blob_writer *w, const glca_units *table, glca_error *err)
{
    const mirror_units *u = (const mirror_units *)(const void *)table;
    size_t i;

    glca_engine__blob_put_u64(w, u->nunits);
    for (i = 0; i < u->nunits; i++) {
        const mirror_unit *x = &u->units[i];
        int dim;
        double factor;

        if (x->dimension < 0 || (size_t)x->dimension >= u->ndims ||
            glca_units_lookup(table, x->name, &dim, &factor) < 0 || dim != x->dimension ||
            factor != x->factor)
            return glca_error_set(err, GLCA_ERROR, NULL,
                                  "background blob: the unit table is not laid out as expected");
        put_str(w, u->dims[x->dimension]);
        put_str(w, x->name);
        glca_engine__blob_put_f64(w, x->factor);
    }
    return 0;
}

static int to_blob(unsigned char **out, size_t *size, const glca_background *bg, uint64_t version,
                   glca_error *err)
{
    glca_engine__blob_writer w = {NULL, 0, 0, false};
    size_t i;
    int rc;

    *out = NULL;
    *size = 0;
    glca_engine__blob_put(&w, blob_magic, sizeof blob_magic);
    glca_engine__blob_put_u64(&w, version);
    glca_engine__blob_put_u64(&w, bg->n);
    glca_engine__blob_put_u64(&w, bg->m);
    glca_engine__blob_put_u64(&w, bg->k);
    glca_engine__blob_put_u64(&w, bg->unmatched);
    put_str(&w, bg->method_id);
    if ((rc = put_units(&w, bg->units, err)) < 0) {
        glca_free(w.buf);
        return rc;
    }
    put_names(&w, bg->process_id, bg->process_name, bg->process_unit, bg->n);
    put_names(&w, bg->flow_id, bg->flow_name, bg->flow_unit, bg->m);
    put_names(&w, bg->category_id, bg->category_name, bg->category_unit, bg->k);
    for (i = 0; i < bg->m * bg->k; i++)
        glca_engine__blob_put_f64(&w, bg->cf[i]);
    for (i = 0; i < bg->k * bg->n; i++)
        glca_engine__blob_put_f64(&w, bg->lambda[i]);
    if (version == BLOB_VERSION_SOLVE)
        glca_engine__blob_put_solve(&w, bg);
    if (w.oom) {
        glca_free(w.buf);
        return glca_error_oom(err);
    }
    *out = w.buf;
    *size = w.len;
    return 0;
}

int glca_background_to_blob(unsigned char **out, size_t *size, const glca_background *bg,
                            glca_error *err)
{
    return to_blob(out, size, bg, BLOB_VERSION, err);
}

int glca_background_to_blob_solve(unsigned char **out, size_t *size, const glca_background *bg,
                                  glca_error *err)
{
    if (!bg->a || !bg->b || !bg->solver)
        return glca_error_set(err, GLCA_ERROR, NULL,
                              "this background has no technosphere matrix to keep "
                              "(read from the Lambda cache)");
    return to_blob(out, size, bg, BLOB_VERSION_SOLVE, err);
}

/* ---------------------------------------------------------------- reading */

uint64_t glca_engine__blob_get_u64(glca_engine__blob_reader *r)
{
    uint64_t v = 0;
    int i;

    if (r->bad || r->left < 8) {
        r->bad = true;
        return 0;
    }
    for (i = 7; i >= 0; i--)
        v = v << 8 | r->p[i];
    r->p += 8;
    r->left -= 8;
    return v;
}

double glca_engine__blob_get_f64(glca_engine__blob_reader *r)
{
    uint64_t v = glca_engine__blob_get_u64(r);
    double d;

    memcpy(&d, &v, sizeof d);
    return d;
}

/* A count that must fit in what is left at `unit` bytes per item at least. */
size_t glca_engine__blob_get_count(glca_engine__blob_reader *r, size_t unit)
{
    uint64_t v = glca_engine__blob_get_u64(r);

    if (r->bad || v > r->left / (unit ? unit : 1)) {
        r->bad = true;
        return 0;
    }
    return (size_t)v;
}

/* A string copied into the background's arena; false on a malformed blob or no memory. */
static bool get_str(glca_engine__blob_reader *r, glca_background *bg, const char **out)
{
    uint64_t len = glca_engine__blob_get_u64(r);
    char *s;

    *out = NULL;
    if (r->bad)
        return false;
    if (len == NULL_STRING)
        return true;
    if (len > r->left) {
        r->bad = true;
        return false;
    }
    if (!(s = glca_engine__arena_alloc(&bg->strings, (size_t)len + 1)))
        return false;
    memcpy(s, r->p, (size_t)len);
    s[len] = '\0';
    r->p += len;
    r->left -= len;
    *out = s;
    return true;
}

int glca_engine__blob_malformed(glca_error *err)
{
    return glca_error_set(err, GLCA_EPARSE, NULL, "background blob is malformed or truncated");
}

static int get_units(glca_engine__blob_reader *r, glca_background *bg, glca_error *err)
{
    size_t i, n = glca_engine__blob_get_count(r, 24);
    int rc;

    if (r->bad)
        return glca_engine__blob_malformed(err);
    if ((rc = glca_units_new(&bg->units, err)) < 0)
        return rc;
    for (i = 0; i < n; i++) {
        const char *dim, *name;
        double factor;

        if (!get_str(r, bg, &dim) || !get_str(r, bg, &name))
            return r->bad ? glca_engine__blob_malformed(err) : glca_error_oom(err);
        factor = glca_engine__blob_get_f64(r);
        if (r->bad || !dim || !name)
            return glca_engine__blob_malformed(err);
        /* the built-ins are already there: re-declaring them identically is a no-op, and a
           conflicting one can only come from damaged bytes */
        if ((rc = glca_units_declare(bg->units, name, dim, factor, err)) < 0)
            return rc == GLCA_ENOMEM ? rc : glca_engine__blob_malformed(err);
    }
    return 0;
}

static int get_names(glca_engine__blob_reader *r, glca_background *bg, const char ***id,
                     const char ***name, const char ***unit, size_t n, glca_engine__strmap *map,
                     glca_error *err)
{
    size_t i;

    *id = glca_calloc(n ? n : 1, sizeof **id);
    *name = glca_calloc(n ? n : 1, sizeof **name);
    *unit = glca_calloc(n ? n : 1, sizeof **unit);
    if (!*id || !*name || !*unit || glca_engine__strmap_reserve(map, n) < 0)
        return glca_error_oom(err);
    for (i = 0; i < n; i++) {
        if (!get_str(r, bg, &(*id)[i]) || !get_str(r, bg, &(*name)[i]) ||
            !get_str(r, bg, &(*unit)[i]))
            return r->bad ? glca_engine__blob_malformed(err) : glca_error_oom(err);
        if (!(*id)[i])
            return glca_engine__blob_malformed(err);
        switch (glca_engine__strmap_put(map, (*id)[i], i, NULL)) {
        case 0:
            break;
        case 1:
            return glca_engine__blob_malformed(err); /* duplicate id */
        default:
            return glca_error_oom(err);
        }
    }
    return 0;
}

int glca_engine__blob_get_doubles(glca_engine__blob_reader *r, double **out, size_t count,
                                  glca_error *err)
{
    size_t i;

    if (count > r->left / 8) {
        r->bad = true;
        return glca_engine__blob_malformed(err);
    }
    if (!(*out = glca_mallocarray(count ? count : 1, sizeof **out)))
        return glca_error_oom(err);
    for (i = 0; i < count; i++)
        (*out)[i] = glca_engine__blob_get_f64(r);
    return 0;
}

int glca_background_from_blob(glca_background **out, const void *blob, size_t size, glca_error *err)
{
    glca_engine__blob_reader r = {blob, size, false};
    glca_background *bg = NULL;
    uint64_t version;
    double kg;
    int rc;

    *out = NULL;
    if (size < sizeof blob_magic || memcmp(blob, blob_magic, sizeof blob_magic) != 0)
        return glca_error_set(err, GLCA_EPARSE, NULL, "not a greenlca background blob");
    r.p += sizeof blob_magic;
    r.left -= sizeof blob_magic;
    version = glca_engine__blob_get_u64(&r);
    if (version != BLOB_VERSION && version != BLOB_VERSION_SOLVE)
        return glca_error_set(err, GLCA_EPARSE, NULL, "background blob of another version");
    if (!(bg = glca_calloc(1, sizeof *bg)))
        return glca_error_oom(err);
    /* every process, flow and category takes at least three 8-byte string lengths */
    bg->n = glca_engine__blob_get_count(&r, 24);
    bg->m = glca_engine__blob_get_count(&r, 24);
    bg->k = glca_engine__blob_get_count(&r, 24);
    bg->unmatched = (size_t)glca_engine__blob_get_u64(&r);
    if (r.bad || (bg->k && (bg->n > SIZE_MAX / bg->k || bg->m > SIZE_MAX / bg->k))) {
        rc = glca_engine__blob_malformed(err);
        goto cleanup;
    }
    if (!get_str(&r, bg, &bg->method_id)) {
        rc = r.bad ? glca_engine__blob_malformed(err) : glca_error_oom(err);
        goto cleanup;
    }
    if ((rc = get_units(&r, bg, err)) < 0 ||
        (rc = get_names(&r, bg, &bg->process_id, &bg->process_name, &bg->process_unit, bg->n,
                        &bg->process_ids, err)) < 0 ||
        (rc = get_names(&r, bg, &bg->flow_id, &bg->flow_name, &bg->flow_unit, bg->m, &bg->flow_ids,
                        err)) < 0 ||
        (rc = get_names(&r, bg, &bg->category_id, &bg->category_name, &bg->category_unit, bg->k,
                        &bg->category_ids, err)) < 0 ||
        (rc = glca_engine__blob_get_doubles(&r, &bg->cf, bg->m * bg->k, err)) < 0 ||
        (rc = glca_engine__blob_get_doubles(&r, &bg->lambda, bg->k * bg->n, err)) < 0 ||
        (version == BLOB_VERSION_SOLVE && (rc = glca_engine__blob_get_solve(&r, bg, err)) < 0))
        goto cleanup;
    if (r.bad || r.left != 0) {
        rc = glca_engine__blob_malformed(err);
        goto cleanup;
    }
    if ((rc = glca_engine__background_lambda_by_process(bg, err)) < 0)
        goto cleanup;
    if (glca_units_lookup(bg->units, "kg", &bg->mass_dimension, &kg) < 0)
        bg->mass_dimension = -1;
    *out = bg;
    bg = NULL;
    rc = 0;
cleanup:
    glca_background_free(bg);
    return rc;
}

bool glca_background_has_factorization(const glca_background *bg)
{
    /* with A at hand the factorization is made on first need (background_lambda.c) */
    return bg->solver != NULL;
}
