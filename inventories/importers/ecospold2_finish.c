/*
 * What the EcoSpold 2 dataset reader does once a file is read (ecospold2_dataset.c reads it):
 * amounts the file does not state are evaluated from the formulas, which may refer to
 * parameters and to other exchanges' variables in any order; uncertainty the engine could not
 * sample is dropped with a note; the reference product is chosen and gives the process id
 * (activity_product, the file stem ecoinvent uses).  Also the notes a dataset carries and the
 * check of the XML declaration's encoding, done before the XML layer sees the bytes.
 */
#include "importers/ecospold2_int.h"
#include "native/inv_readers.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- notes */

int glca_inventories__es2_note(glca_es2_dataset *d, glca_imp_note_kind kind, const char *flow,
                               const glca_srcloc *loc, glca_error *err, const char *fmt, ...)
{
    char buf[256];
    glca_es2_note *n;
    va_list ap;

    if (glca_inventories__es2_room((void **)&d->notes, &d->capnotes, d->nnotes,
                                   sizeof *d->notes, 4, err) < 0)
        return GLCA_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    n = &d->notes[d->nnotes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->loc = *loc;
    if (glca_inventories__dup(flow, &n->flow, err) < 0 ||
        glca_inventories__dup(buf, &n->message, err) < 0) {
        glca_free(n->flow);
        return GLCA_ENOMEM;
    }
    d->nnotes++;
    return 0;
}

/* ---------------------------------------------------------------- formulas */

static bool lookup(const char *name, size_t len, double *out, void *payload)
{
    const glca_es2_dataset *d = payload;
    size_t i;

    /* variable names are case-insensitive in ecoinvent's and openLCA's formulas */
    for (i = 0; i < d->nparams; i++)
        if (strlen(d->params[i].name) == len && strncasecmp(d->params[i].name, name, len) == 0)
            return !isnan(*out = d->params[i].value);
    for (i = 0; i < d->nx; i++)
        if (d->x[i].variable && strlen(d->x[i].variable) == len &&
            strncasecmp(d->x[i].variable, name, len) == 0)
            return !isnan(*out = d->x[i].amount);
    return false;
}

/* Formulas may refer to each other in any order: evaluate until nothing more can be. */
static int evaluate(glca_es2_dataset *d, glca_error *err)
{
    glca_error e = GLCA_ERROR_INIT;
    bool progress = true;
    size_t i;
    int rc;

    while (progress) {
        progress = false;
        for (i = 0; i < d->nparams; i++)
            if (isnan(d->params[i].value) && d->params[i].formula &&
                glca_inventories__es2_eval(d->params[i].formula, lookup, d, &d->params[i].value,
                                           &e) == 0)
                progress = true;
        for (i = 0; i < d->nx; i++)
            if (isnan(d->x[i].amount) && d->x[i].formula &&
                glca_inventories__es2_eval(d->x[i].formula, lookup, d, &d->x[i].amount,
                                           &e) == 0)
                progress = true;
    }
    for (i = 0; i < d->nx; i++) {
        glca_es2_exchange *x = &d->x[i];
        double v;

        if (!isnan(x->amount))
            continue;
        if (!x->formula)
            rc = glca_inventories__es2_note(d, GLCA_IMP_NOT_EVALUABLE, x->flow, &x->loc, err,
                                            "no amount and no mathematicalRelation: "
                                            "exchange left out");
        else if (glca_inventories__es2_eval(x->formula, lookup, d, &v, &e) < 0)
            rc = glca_inventories__es2_note(d, GLCA_IMP_NOT_EVALUABLE, x->flow, &x->loc, err,
                                            "amount not stated, formula not evaluable (%s): "
                                            "exchange left out", e.message);
        else
            rc = 0;
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Uncertainty the engine could not sample is dropped with a note rather than failing. */
static int check_uncertainty(glca_es2_dataset *d, glca_es2_exchange *x, glca_error *err)
{
    const glca_uncertainty *u = &x->unc;
    bool triangular = u->dist == GLCA_DIST_TRIANGULAR;
    bool range = triangular || u->dist == GLCA_DIST_UNIFORM;

    if (isnan(x->amount) || !range)
        return 0;
    if (u->a <= u->b && (u->dist == GLCA_DIST_UNIFORM || (u->a <= x->amount && x->amount <= u->b)))
        return 0;
    x->unc.dist = GLCA_DIST_NONE;
    return glca_inventories__es2_note(d, GLCA_IMP_OUT_OF_SCOPE, x->flow, &x->loc, err,
                                      "%s range [%g, %g] does not hold the amount %g: the "
                                      "exchange is kept without uncertainty",
                                      triangular ? "triangular" : "uniform", x->unc.a, x->unc.b,
                                      x->amount);
}

int glca_inventories__es2_finish(glca_es2_dataset *d, glca_error *err)
{
    glca_es2_exchange *ref = NULL;
    size_t i, n;
    int rc;

    if ((rc = evaluate(d, err)) < 0)
        return rc;
    for (i = 0; i < d->nx; i++) {
        glca_es2_exchange *x = &d->x[i];

        if ((rc = check_uncertainty(d, x, err)) < 0)
            return rc;
        if (x->elementary || !x->output || (x->group != 0 && x->group != 2))
            continue;
        if (!ref && x->group == 0 && x->amount != 0 && !isnan(x->amount))
            ref = x, x->reference = true;
        else
            x->coproduct = !x->waste;
    }
    if (!ref)
        return glca_error_set(err, GLCA_EPARSE, &d->loc,
                              "activity '%s' has no reference product (an intermediate exchange "
                              "with outputGroup 0 and a non-zero amount)", d->activity);
    n = strlen(d->activity) + strlen(ref->flow) + 2;
    if (!(d->stem = glca_malloc(n)))
        return glca_error_oom(err);
    snprintf(d->stem, n, "%s_%s", d->activity, ref->flow);
    return 0;
}

/* ---------------------------------------------------------------- encoding */

/*
 * EcoSpold 2 is UTF-8 (the schema's files all declare it).  libxml2 would transcode other
 * declared encodings, but a file that says ISO-8859-1 is almost always a converted export
 * that went wrong somewhere else too, so it is refused where the declaration stands.
 */
int glca_inventories__es2_check_prolog(const char *path, const void *data, size_t len,
                                       glca_error *err)
{
    char head[512], *p, *end, quote;
    glca_srcloc loc = {path, 1, 1};
    size_t n;

    if (data) {
        n = len < sizeof head - 1 ? len : sizeof head - 1;
        memcpy(head, data, n);
    } else {
        FILE *f = fopen(path, "rb");

        if (!f)
            return 0; /* the XML layer reports it with its reason */
        n = fread(head, 1, sizeof head - 1, f);
        fclose(f);
    }
    head[n] = '\0';
    if (n >= 2 && ((unsigned char)head[0] == 0xFE || (unsigned char)head[0] == 0xFF) &&
        ((unsigned char)head[1] == 0xFE || (unsigned char)head[1] == 0xFF))
        return glca_error_set(err, GLCA_EPARSE, &loc, "UTF-16 byte order mark: EcoSpold 2 "
                              "datasets are read as UTF-8 only (convert with iconv)");
    p = head + (strncmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
    if (strncmp(p, "<?xml", 5) != 0 || !(end = strstr(p, "?>")))
        return 0;
    *end = '\0';
    if (!(p = strstr(p, "encoding")))
        return 0;
    loc.column = (long)(p - head) + 1;
    p += strlen("encoding");
    while (*p == ' ' || *p == '=')
        p++;
    if ((quote = *p) != '"' && quote != '\'')
        return 0; /* malformed: the XML layer says so */
    if (!(end = strchr(++p, quote)))
        return 0;
    *end = '\0';
    if (strcasecmp(p, "UTF-8") == 0 || strcasecmp(p, "UTF8") == 0)
        return 0;
    return glca_error_set(err, GLCA_EPARSE, &loc,
                          "encoding '%.40s' declared: EcoSpold 2 datasets are read as UTF-8 only "
                          "(convert with iconv -f %.40s -t UTF-8)", p, p);
}
