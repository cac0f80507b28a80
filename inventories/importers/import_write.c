/*
 * The native inventory writer (`greenlca convert`): a sink of the linking that writes
 * FORMATS.md's inventory format, so a converted file read back builds the same model, entry for
 * entry and bit for bit (numbers with 17 significant digits, flows and processes in the order
 * the linking emits them).  Units the built-in table does not know are declared first, so the
 * body is written to memory until the end.
 */
#include "importers/import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct glca_native_writer {
    const glca_units *units; /* the import's, for declarations */
    glca_units *builtin;
    FILE *body;
    char *buf;
    size_t len;
    const char **declared; /* units to declare, in first-use order */
    size_t ndeclared, capdeclared;
    bool open_process; /* a <process> start tag waits for its end */
    bool oom;
};

static void attr(FILE *f, const char *name, const char *v)
{
    if (!v)
        return;
    fprintf(f, " %s=\"", name);
    for (; *v; v++) {
        switch (*v) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\t':
            fputs("&#9;", f);
            break;
        case '\n':
            fputs("&#10;", f);
            break;
        case '\r':
            fputs("&#13;", f);
            break;
        default:
            fputc((unsigned char)*v < 0x20 ? ' ' : *v, f);
        }
    }
    fputc('"', f);
}

static void num(FILE *f, const char *name, double v)
{
    fprintf(f, " %s=\"%.17g\"", name, v);
}

/* Remember a unit that needs a declaration. */
static void use_unit(glca_native_writer *w, const char *unit)
{
    int d;
    double factor;
    size_t i;
    const char **grown;

    if (!unit || glca_units_lookup(w->builtin, unit, &d, &factor) == 0)
        return;
    for (i = 0; i < w->ndeclared; i++)
        if (strcmp(w->declared[i], unit) == 0)
            return;
    if (w->ndeclared == w->capdeclared) {
        size_t cap = w->capdeclared ? 2 * w->capdeclared : 8;

        if (!(grown = glca_reallocarray(w->declared, cap, sizeof *grown))) {
            w->oom = true;
            return;
        }
        w->declared = grown;
        w->capdeclared = cap;
    }
    if (!(w->declared[w->ndeclared] = glca_strdup(unit))) {
        w->oom = true;
        return;
    }
    w->ndeclared++;
}

static void close_process(glca_native_writer *w)
{
    if (w->open_process)
        fputs("  </process>\n", w->body);
    w->open_process = false;
}

static int w_flow(void *payload, const char *id, glca_flow_kind kind, const char *name,
                  const char *unit, const char *compartment, const char *cas,
                  const glca_srcloc *loc, glca_error *err)
{
    glca_native_writer *w = payload;

    (void)loc;
    use_unit(w, unit);
    fputs("  <flow", w->body);
    attr(w->body, "id", id);
    attr(w->body, "kind", kind == GLCA_FLOW_ELEMENTARY ? "elementary" : "product");
    attr(w->body, "name", name);
    attr(w->body, "compartment", compartment);
    attr(w->body, "unit", unit);
    attr(w->body, "cas", cas);
    fputs("/>\n", w->body);
    return w->oom ? glca_error_oom(err) : 0;
}

static int w_process(void *payload, const char *id, const char *name, const char *location,
                     const char *product_flow, double amount, const char *unit,
                     const glca_srcloc *loc, glca_error *err)
{
    glca_native_writer *w = payload;

    (void)loc;
    close_process(w);
    use_unit(w, unit);
    fputs("  <process", w->body);
    attr(w->body, "id", id);
    attr(w->body, "name", name);
    attr(w->body, "location", location);
    attr(w->body, "product", product_flow);
    num(w->body, "amount", amount);
    attr(w->body, "unit", unit);
    fputs(">\n", w->body);
    w->open_process = true;
    return w->oom ? glca_error_oom(err) : 0;
}

static int w_exchange(void *payload, glca_direction dir, const char *flow, double amount,
                      const char *unit, const char *provider, const glca_uncertainty *unc,
                      const glca_srcloc *loc, glca_error *err)
{
    glca_native_writer *w = payload;
    const char *tag = dir == GLCA_INPUT ? "input" : "output";

    (void)loc;
    use_unit(w, unit);
    fprintf(w->body, "    <%s", tag);
    attr(w->body, "flow", flow);
    num(w->body, "amount", amount);
    attr(w->body, "unit", unit);
    attr(w->body, "provider", provider);
    if (!unc || unc->dist == GLCA_DIST_NONE) {
        fputs("/>\n", w->body);
    } else {
        fputs("><uncertainty", w->body);
        switch (unc->dist) {
        case GLCA_DIST_LOGNORMAL:
            attr(w->body, "distribution", "lognormal");
            num(w->body, "gsd", unc->a);
            break;
        case GLCA_DIST_NORMAL:
            attr(w->body, "distribution", "normal");
            num(w->body, "sd", unc->a);
            break;
        default:
            attr(w->body, "distribution",
                 unc->dist == GLCA_DIST_TRIANGULAR ? "triangular" : "uniform");
            num(w->body, "min", unc->a);
            num(w->body, "max", unc->b);
            break;
        }
        fprintf(w->body, "/></%s>\n", tag);
    }
    return w->oom ? glca_error_oom(err) : 0;
}

int glca_inventories__writer_new(glca_native_writer **out, const glca_units *units, glca_error *err)
{
    glca_native_writer *w;
    int rc;

    *out = NULL;
    if (!(w = glca_calloc(1, sizeof *w)))
        return glca_error_oom(err);
    w->units = units;
    if ((rc = glca_units_new(&w->builtin, err)) < 0) {
        glca_free(w);
        return rc;
    }
    if (!(w->body = open_memstream(&w->buf, &w->len))) {
        glca_inventories__writer_free(w);
        return glca_error_oom(err);
    }
    *out = w;
    return 0;
}

void glca_inventories__writer_free(glca_native_writer *w)
{
    size_t i;

    if (!w)
        return;
    if (w->body)
        fclose(w->body);
    free(w->buf); /* open_memstream's buffer comes from malloc */
    for (i = 0; i < w->ndeclared; i++)
        glca_free((void *)w->declared[i]);
    glca_free(w->declared);
    glca_units_free(w->builtin);
    glca_free(w);
}

glca_imp_sink glca_inventories__writer_sink(glca_native_writer *w)
{
    glca_imp_sink s = {w_flow, w_process, w_exchange, w};

    return s;
}

int glca_inventories__writer_finish(glca_native_writer *w, FILE *f, const char *id, glca_error *err)
{
    size_t i;

    close_process(w);
    if (fflush(w->body) != 0 || w->oom)
        return glca_error_oom(err);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fputs("<!-- Written by greenlca convert. -->\n", f);
    fputs("<inventory xmlns=\"urn:greenlca:inventory:1\"", f);
    attr(f, "id", id);
    fputs(" version=\"1\">\n", f);
    for (i = 0; i < w->ndeclared; i++) {
        int d;
        double factor;

        if (glca_units_lookup(w->units, w->declared[i], &d, &factor) < 0)
            return glca_error_set(err, GLCA_EUNIT, NULL, "unknown unit '%s'", w->declared[i]);
        fputs("  <unit", f);
        attr(f, "name", w->declared[i]);
        attr(f, "dimension", glca_units_dimension_name(w->units, d));
        num(f, "factor", factor);
        fputs("/>\n", f);
    }
    fwrite(w->buf, 1, w->len, f);
    fputs("</inventory>\n", f);
    if (ferror(f))
        return glca_error_set(err, GLCA_EIO, NULL, "cannot write the inventory: %s",
                              strerror(errno));
    return 0;
}
