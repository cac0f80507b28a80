/*
 * EcoSpold 2 MasterData: the flows every dataset refers to by UUID.  IntermediateExchanges.xml
 * gives each product its name, unit and by-product classification (a "Waste" flow is one that
 * treatment activities take in); ElementaryExchanges.xml gives each elementary flow its name,
 * unit, CAS number and compartment/subcompartment.  The flows are kept sorted by id for binary
 * search, so a lookup costs the same whatever order the files list them in.  Other master files
 * (units, geographies, persons, ...) are not needed to build the model and are not read.
 */
#include "importers/ecospold2_int.h"
#include "native/inv_readers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mreader {
    glca_xml *x;
    glca_es2_master *m;
    const char *file; /* owned by m->files */
    glca_error *err;
} mreader;

static bool named(const mreader *r, const char *name)
{
    return glca_inventories__es2_is(r->x, name);
}

static void mflow_clear(glca_es2_mflow *f)
{
    glca_free(f->id);
    glca_free(f->name);
    glca_free(f->unit);
    glca_free(f->compartment);
    glca_free(f->cas);
}

static int read_flow(mreader *r, bool elementary)
{
    glca_es2_master *m = r->m;
    glca_es2_mflow f;
    const glca_es2_flow_slots slots = {&f.name, &f.unit, &f.compartment, &f.waste};
    const char *id;
    int rc;

    memset(&f, 0, sizeof f);
    f.elementary = elementary;
    f.loc = glca_xml_loc(r->x);
    f.loc.file = r->file;
    if ((rc = glca_xml_attr_required(r->x, "id", &id, r->err)) < 0 ||
        (rc = glca_inventories__dup(id, &f.id, r->err)) < 0 ||
        (rc = glca_inventories__dup(glca_xml_attr(r->x, "casNumber"), &f.cas, r->err)) < 0)
        goto cleanup;
    if ((rc = glca_inventories__es2_flow_children(r->x, r->err, &slots, NULL, NULL)) < 0)
        goto cleanup;
    if (!f.unit) {
        rc = glca_error_set(r->err, GLCA_EPARSE, &f.loc, "flow '%s' has no <unitName>", f.id);
        goto cleanup;
    }
    if ((rc = glca_inventories__es2_room((void **)&m->flows, &m->cap, m->nflows, sizeof *m->flows,
                                         64, r->err)) < 0)
        goto cleanup;
    m->flows[m->nflows++] = f;
    return 0;
cleanup:
    mflow_clear(&f);
    return rc;
}

static int read_file(glca_es2_master *m, const char *name, const char *root, const char *entry,
                     const glca_xml_limits *limits, glca_error *err)
{
    mreader r = {NULL, m, NULL, err};
    size_t n = strlen(m->dir) + strlen(name) + 2;
    char *path, **grown;
    int ev, rc;

    if (!(grown = glca_reallocarray(m->files, m->nfiles + 1, sizeof *grown)))
        return glca_error_oom(err);
    m->files = grown;
    if (!(path = glca_malloc(n)))
        return glca_error_oom(err);
    snprintf(path, n, "%s/%s", m->dir, name);
    m->files[m->nfiles++] = path;
    r.file = path;
    if ((rc = glca_inventories__es2_check_prolog(path, NULL, 0, err)) < 0 ||
        (rc = glca_xml_open(&r.x, path, limits, err)) < 0)
        return rc;
    glca_xml_keep_text(r.x, true);
    if ((ev = rc = glca_xml_next(r.x, err)) < 0)
        goto cleanup;
    if (ev != GLCA_XML_START || !named(&r, root)) {
        glca_srcloc loc = glca_xml_loc(r.x);

        loc.file = path;
        rc = glca_error_set(err, GLCA_EPARSE, &loc, "expected <%s> in '" GLCA_NS_ECOSPOLD2 "'",
                            root);
        goto cleanup;
    }
    while ((ev = glca_xml_next(r.x, err)) == GLCA_XML_START) {
        rc = named(&r, entry) ? read_flow(&r, strcmp(entry, "elementaryExchange") == 0)
                              : glca_xml_skip(r.x, err);
        if (rc < 0)
            goto cleanup;
    }
    rc = ev < 0 ? ev : 0;
cleanup:
    glca_xml_free(r.x);
    return rc;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const glca_es2_mflow *)a)->id, ((const glca_es2_mflow *)b)->id);
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int glca_inventories__es2_read_master(glca_es2_master **out, const char *dir,
                                      const glca_xml_limits *limits, glca_error *err)
{
    glca_es2_master *m;
    size_t i, k;
    int rc;

    *out = NULL;
    if (!(m = glca_calloc(1, sizeof *m)) || !(m->dir = glca_strdup(dir))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    if ((rc = read_file(m, "IntermediateExchanges.xml", "validIntermediateExchanges",
                        "intermediateExchange", limits, err)) < 0 ||
        (rc = read_file(m, "ElementaryExchanges.xml", "validElementaryExchanges",
                        "elementaryExchange", limits, err)) < 0)
        goto cleanup;
    if (m->nflows)
        qsort(m->flows, m->nflows, sizeof *m->flows, by_id);
    /* identical repeats are dropped; differing ones are an error naming both places */
    for (i = k = 0; i < m->nflows; i++) {
        glca_es2_mflow *f = &m->flows[i];

        if (k > 0 && strcmp(m->flows[k - 1].id, f->id) == 0) {
            glca_es2_mflow *g = &m->flows[k - 1];

            if (g->elementary != f->elementary || !same(g->unit, f->unit) ||
                !same(g->compartment, f->compartment)) {
                rc = glca_error_set(err, GLCA_EPARSE, &f->loc,
                                    "flow '%s' given again with other data (first at %s:%ld)",
                                    f->id, g->loc.file, g->loc.line);
                goto cleanup;
            }
            mflow_clear(f);
            continue;
        }
        m->flows[k++] = *f;
    }
    m->nflows = k;
    *out = m;
    m = NULL;
cleanup:
    glca_inventories__es2_master_free(m);
    return rc;
}

static int key_vs_id(const void *key, const void *f)
{
    return strcmp(key, ((const glca_es2_mflow *)f)->id);
}

const glca_es2_mflow *glca_inventories__es2_master_find(const glca_es2_master *m, const char *id)
{
    if (!m->nflows)
        return NULL;
    return bsearch(id, m->flows, m->nflows, sizeof *m->flows, key_vs_id);
}

void glca_inventories__es2_master_free(glca_es2_master *m)
{
    size_t i;

    if (!m)
        return;
    for (i = 0; i < m->nflows; i++)
        mflow_clear(&m->flows[i]);
    for (i = 0; i < m->nfiles; i++)
        glca_free(m->files[i]);
    glca_free(m->flows);
    glca_free(m->files);
    glca_free(m->dir);
    glca_free(m);
}
