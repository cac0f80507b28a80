/*
 * Helpers shared by the EcoSpold 2 dataset reader and the MasterData reader: both read trimmed
 * element text, <compartment>/<subcompartment> pairs, the by-product classification and the
 * other elements that describe a flow the same way, and keep what they read in arrays that
 * grow the same way.
 */
#include "importers/ecospold2_int.h"

#include <stdio.h>
#include <string.h>

bool glca_inventories__es2_is(glca_xml *x, const char *name)
{
    return strcmp(glca_xml_name(x), name) == 0 && strcmp(glca_xml_ns(x), GLCA_NS_ECOSPOLD2) == 0;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int glca_inventories__es2_text(glca_xml *x, glca_error *err, char **out)
{
    const char *t, *end;
    char *copy;
    int ev;

    while ((ev = glca_xml_next(x, err)) == GLCA_XML_START)
        if ((ev = glca_xml_skip(x, err)) < 0)
            return ev;
    if (ev < 0)
        return ev;
    for (t = glca_xml_text(x); blank(*t); t++)
        ;
    for (end = t + strlen(t); end > t && blank(end[-1]); end--)
        ;
    if (!(copy = glca_malloc((size_t)(end - t) + 1)))
        return glca_error_oom(err);
    memcpy(copy, t, (size_t)(end - t));
    copy[end - t] = '\0';
    glca_free(*out);
    *out = copy;
    return 0;
}

/* The texts of the children `a` and `b` of the current element into `*ta` and `*tb` (others
 * skipped), up to its end. */
static int child_texts(glca_xml *x, glca_error *err, const char *a, char **ta, const char *b,
                       char **tb)
{
    int ev, rc;

    while ((ev = glca_xml_next(x, err)) == GLCA_XML_START) {
        if (glca_inventories__es2_is(x, a))
            rc = glca_inventories__es2_text(x, err, ta);
        else if (glca_inventories__es2_is(x, b))
            rc = glca_inventories__es2_text(x, err, tb);
        else
            rc = glca_xml_skip(x, err);
        if (rc < 0)
            return rc;
    }
    return ev < 0 ? ev : 0;
}

int glca_inventories__es2_compartment(glca_xml *x, glca_error *err, char **out)
{
    char *comp = NULL, *sub = NULL;
    int rc;

    if ((rc = child_texts(x, err, "compartment", &comp, "subcompartment", &sub)) == 0 && comp) {
        size_t n = strlen(comp) + (sub ? strlen(sub) + 1 : 0) + 1;

        glca_free(*out);
        if ((*out = glca_malloc(n)))
            snprintf(*out, n, "%s%s%s", comp, sub ? "/" : "", sub ? sub : "");
        else
            rc = glca_error_oom(err);
    }
    glca_free(comp);
    glca_free(sub);
    return rc;
}

int glca_inventories__es2_classification(glca_xml *x, glca_error *err, bool *waste)
{
    char *system = NULL, *value = NULL;
    int rc;

    rc = child_texts(x, err, "classificationSystem", &system, "classificationValue", &value);
    if (rc == 0 && system && value && strcmp(system, "By-product classification") == 0)
        *waste = strcmp(value, "Waste") == 0;
    glca_free(system);
    glca_free(value);
    return rc;
}

int glca_inventories__es2_flow_children(glca_xml *x, glca_error *err,
                                        const glca_es2_flow_slots *slots,
                                        int (*other)(void *payload), void *payload)
{
    int ev, rc;

    while ((ev = glca_xml_next(x, err)) == GLCA_XML_START) {
        if (glca_inventories__es2_is(x, "name"))
            rc = glca_inventories__es2_text(x, err, slots->name);
        else if (glca_inventories__es2_is(x, "unitName"))
            rc = glca_inventories__es2_text(x, err, slots->unit);
        else if (glca_inventories__es2_is(x, "compartment"))
            rc = glca_inventories__es2_compartment(x, err, slots->compartment);
        else if (glca_inventories__es2_is(x, "classification"))
            rc = glca_inventories__es2_classification(x, err, slots->waste);
        else
            rc = other ? other(payload) : glca_xml_skip(x, err);
        if (rc < 0)
            return rc;
    }
    return ev < 0 ? ev : 0;
}

int glca_inventories__es2_room(void **items, size_t *cap, size_t n, size_t size, size_t first,
                               glca_error *err)
{
    size_t want;
    void *grown;

    if (n < *cap)
        return 0;
    want = *cap ? 2 * *cap : first;
    if (!(grown = glca_reallocarray(*items, want, size)))
        return glca_error_oom(err);
    *items = grown;
    *cap = want;
    return 0;
}
