/*
 * `greenlca verify`: the third-party evaluation step.  The JSON report records every input with
 * its SHA-256 and the options that change the result; verify recomputes the report from the
 * files it is given, with the very writers that made the original, reads both back and compares
 * them: the input hashes, every impact number and verdict value bitwise (both are printed with
 * 17 significant digits, which reads back to the same double), each item's outcome and the
 * qualified verdict.  Comparing the parsed reports, not the engine's arrays, means verify checks
 * exactly what the assessor was shown.
 */
#include "json_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct recomputed {
    glca_background *bg;
    glca_product *p;
    double *impacts;
    glca_rulebook *rb;
    glca_verdict *v;
    char *json;
    size_t len;
} recomputed;

static void recomputed_free(recomputed *r)
{
    glca_verdict_free(r->v);
    glca_rulebook_free(r->rb);
    glca_free(r->impacts);
    glca_product_free(r->p);
    glca_background_free(r->bg);
    free(r->json); /* from open_memstream */
    memset(r, 0, sizeof *r);
}

static int read_file(char **out, size_t *len, const char *path, glca_error *err)
{
    glca_srcloc where = {path, 0, 0};
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;

    if (!f)
        return glca_error_set(err, GLCA_EIO, &where, "cannot read the report");
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return glca_error_set(err, GLCA_EIO, &where, "cannot read the report");
    }
    if (!(buf = glca_malloc((size_t)size + 1))) {
        fclose(f);
        return glca_error_oom(err);
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        glca_free(buf);
        return glca_error_set(err, GLCA_EIO, &where, "cannot read the report");
    }
    fclose(f);
    buf[size] = '\0';
    *out = buf;
    *len = (size_t)size;
    return 0;
}

/* The n-th source of `role` in the report's inventory.sources, or NULL. */
static const glca_ruleset__json *source(const glca_ruleset__json *report, const char *role,
                                        size_t n)
{
    const glca_ruleset__json *s =
        glca_ruleset__json_get(glca_ruleset__json_get(report, "inventory"), "sources");
    size_t i;

    for (i = 0; s && s->type == GLCA_RULESET__JSON_ARRAY && i < s->n; i++) {
        const char *r = glca_ruleset__json_string(glca_ruleset__json_get(&s->items[i], "role"));

        if (r && strcmp(r, role) == 0 && n-- == 0)
            return &s->items[i];
    }
    return NULL;
}

/* Redo the report from the given files, as `greenlca report --format json` did. */
static int recompute(recomputed *r, const glca_verify_input *in, const char *product_path,
                     const char *rules_date, glca_error *err)
{
    glca_background_options opts = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_report_input rep = GLCA_REPORT_INPUT_INIT;
    const glca_ruleset *rs = NULL;
    FILE *f;
    int rc;

    if ((rc = glca_load_background(&r->bg, in->inventory_paths, in->ninventories, in->method_path,
                                   &opts, NULL, NULL, err)) < 0 ||
        (rc = glca_read_product(&r->p, product_path, NULL, NULL, NULL, err)) < 0 ||
        (rc = glca_product_bind(r->p, r->bg, NULL, NULL, err)) < 0)
        return rc;
    if (!(r->impacts = glca_mallocarray(glca_background_ncategories(r->bg) * GLCA_NSTAGES,
                                        sizeof *r->impacts)))
        return glca_error_oom(err);
    if ((rc = glca_evaluate(r->bg, r->p, r->impacts, err)) < 0)
        return rc;
    if (in->ruleset_path)
        rc = glca_rulebook_load_file(&r->rb, in->ruleset_path, NULL, NULL, NULL, err);
    else if (in->rules_dir)
        rc = glca_rulebook_load_dir(&r->rb, in->rules_dir, NULL, NULL, NULL, err);
    if (rc < 0 ||
        (r->rb && rules_date && (rc = glca_rulebook_set_date(r->rb, rules_date, err)) < 0))
        return rc;
    if (r->rb && ((rc = glca_rulebook_evaluate(&r->v, r->rb, r->p, r->bg, r->impacts, err)) < 0 ||
                  (rc = glca_rulebook_select(&rs, r->rb, r->p, err)) < 0))
        return rc;
    rep.product = r->p;
    rep.bg = r->bg;
    rep.impacts = r->impacts;
    rep.ruleset = r->v ? rs : NULL;
    rep.verdict = r->v;
    rep.product_path = product_path;
    rep.inventory_paths = in->inventory_paths;
    rep.ninventories = in->ninventories;
    rep.method_path = in->method_path;
    rep.rules_date = r->rb ? glca_rulebook_date(r->rb) : NULL;
    if (!(f = open_memstream(&r->json, &r->len)))
        return glca_error_oom(err);
    rc = glca_report_write_json(f, &rep, err);
    if (fclose(f) != 0 && rc == 0)
        rc = glca_error_oom(err);
    return rc;
}

typedef struct diff {
    FILE *out;
    size_t n;
} diff;

static void hashes(diff *d, const glca_ruleset__json *old, const glca_ruleset__json *now)
{
    static const char *const roles[] = {"product", "inventory", "method", "ruleset"};
    size_t r, i;

    for (r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        for (i = 0;; i++) {
            const glca_ruleset__json *a = source(old, roles[r], i), *b = source(now, roles[r], i);
            const char *ha = glca_ruleset__json_string(glca_ruleset__json_get(a, "sha256"));
            const char *hb = glca_ruleset__json_string(glca_ruleset__json_get(b, "sha256"));
            const char *pa = glca_ruleset__json_string(glca_ruleset__json_get(a, "path"));
            const char *pb = glca_ruleset__json_string(glca_ruleset__json_get(b, "path"));

            if (!a && !b)
                break;
            d->n++;
            if (!a)
                fprintf(d->out, "input added: %s %s (the report has no %s #%zu)\n", roles[r],
                        pb ? pb : "?", roles[r], i + 1);
            else if (!b)
                fprintf(d->out, "input missing: %s %s (not given now)\n", roles[r], pa ? pa : "?");
            else if (!ha || !hb || strcmp(ha, hb) != 0)
                fprintf(d->out, "hash changed: %s %s: %s (report) -> %s (now)\n", roles[r],
                        pb ? pb : "?", ha ? ha : "?", hb ? hb : "?");
            else
                d->n--;
        }
    }
}

/* Two numbers (or nulls) that must be the same bits. */
static void number(diff *d, const char *what, const glca_ruleset__json *a,
                   const glca_ruleset__json *b)
{
    bool na = a && a->type == GLCA_RULESET__JSON_NUMBER,
         nb = b && b->type == GLCA_RULESET__JSON_NUMBER;

    if (na && nb && memcmp(&a->number, &b->number, sizeof a->number) == 0)
        return;
    if (!na && !nb &&
        (a ? a->type : GLCA_RULESET__JSON_NULL) == (b ? b->type : GLCA_RULESET__JSON_NULL))
        return;
    d->n++;
    fprintf(d->out, "number moved: %s: ", what);
    if (na)
        fprintf(d->out, "%.17g", a->number);
    else
        fputs("null", d->out);
    fputs(" -> ", d->out);
    if (nb)
        fprintf(d->out, "%.17g", b->number);
    else
        fputs("null", d->out);
    fputc('\n', d->out);
}

static void impacts(diff *d, const glca_ruleset__json *old, const glca_ruleset__json *now)
{
    const glca_ruleset__json *a = glca_ruleset__json_get(old, "impacts");
    const glca_ruleset__json *b = glca_ruleset__json_get(now, "impacts");
    char what[300];
    size_t i, s;

    for (i = 0; a && a->type == GLCA_RULESET__JSON_OBJECT && i < a->n; i++) {
        const glca_ruleset__json *ca = &a->items[i], *cb = glca_ruleset__json_get(b, a->keys[i]);
        const glca_ruleset__json *sa = glca_ruleset__json_get(ca, "stages");
        const glca_ruleset__json *sb = glca_ruleset__json_get(cb, "stages");

        if (!cb) {
            d->n++;
            fprintf(d->out, "impact category gone: %s\n", a->keys[i]);
            continue;
        }
        snprintf(what, sizeof what, "impacts.%s.total", a->keys[i]);
        number(d, what, glca_ruleset__json_get(ca, "total"), glca_ruleset__json_get(cb, "total"));
        for (s = 0; sa && sa->type == GLCA_RULESET__JSON_OBJECT && s < sa->n; s++) {
            snprintf(what, sizeof what, "impacts.%s.%s", a->keys[i], sa->keys[s]);
            number(d, what, &sa->items[s], glca_ruleset__json_get(sb, sa->keys[s]));
        }
    }
    for (i = 0; b && b->type == GLCA_RULESET__JSON_OBJECT && i < b->n; i++)
        if (!glca_ruleset__json_get(a, b->keys[i])) {
            d->n++;
            fprintf(d->out, "impact category added: %s\n", b->keys[i]);
        }
}

static const glca_ruleset__json *item(const glca_ruleset__json *verdict, const char *id)
{
    const glca_ruleset__json *items = glca_ruleset__json_get(verdict, "items");
    size_t i;

    for (i = 0; items && items->type == GLCA_RULESET__JSON_ARRAY && i < items->n; i++) {
        const char *x = glca_ruleset__json_string(glca_ruleset__json_get(&items->items[i], "id"));

        if (x && strcmp(x, id) == 0)
            return &items->items[i];
    }
    return NULL;
}

static const char *text_of(const glca_ruleset__json *v, const char *key)
{
    const char *s = glca_ruleset__json_string(glca_ruleset__json_get(v, key));

    return s ? s : "(none)";
}

static void verdicts(diff *d, const glca_ruleset__json *old, const glca_ruleset__json *now)
{
    const glca_ruleset__json *a = glca_ruleset__json_get(old, "verdict");
    const glca_ruleset__json *b = glca_ruleset__json_get(now, "verdict");
    const glca_ruleset__json *items;
    char what[300];
    size_t i;

    if (!a || a->type != GLCA_RULESET__JSON_OBJECT || !b || b->type != GLCA_RULESET__JSON_OBJECT) {
        bool ha = a && a->type == GLCA_RULESET__JSON_OBJECT;
        bool hb = b && b->type == GLCA_RULESET__JSON_OBJECT;

        if (ha != hb) {
            d->n++;
            fprintf(d->out, "verdict %s\n",
                    ha ? "gone: no rules were given now, or none applies"
                       : "added: the report has none");
        }
        return;
    }
    if (strcmp(text_of(a, "ruleset"), text_of(b, "ruleset")) != 0 ||
        strcmp(text_of(a, "version"), text_of(b, "version")) != 0 ||
        strcmp(text_of(a, "edition"), text_of(b, "edition")) != 0) {
        d->n++;
        fprintf(d->out, "rules changed: %s %s (%s) -> %s %s (%s)\n", text_of(a, "ruleset"),
                text_of(a, "version"), text_of(a, "edition"), text_of(b, "ruleset"),
                text_of(b, "version"), text_of(b, "edition"));
    }
    items = glca_ruleset__json_get(a, "items");
    for (i = 0; items && items->type == GLCA_RULESET__JSON_ARRAY && i < items->n; i++) {
        const glca_ruleset__json *ia = &items->items[i];
        const char *id = glca_ruleset__json_string(glca_ruleset__json_get(ia, "id"));
        const glca_ruleset__json *ib = id ? item(b, id) : NULL;

        if (!ib) {
            d->n++;
            fprintf(d->out, "item gone: %s\n", id ? id : "?");
            continue;
        }
        snprintf(what, sizeof what, "verdict.%s.value", id);
        number(d, what, glca_ruleset__json_get(ia, "value"), glca_ruleset__json_get(ib, "value"));
        snprintf(what, sizeof what, "verdict.%s.baseline", id);
        number(d, what, glca_ruleset__json_get(ia, "baseline"),
               glca_ruleset__json_get(ib, "baseline"));
        if (strcmp(text_of(ia, "outcome"), text_of(ib, "outcome")) != 0) {
            d->n++;
            fprintf(d->out, "outcome flipped: %s: %s -> %s\n", id, text_of(ia, "outcome"),
                    text_of(ib, "outcome"));
        }
        if (strcmp(text_of(ia, "basis"), text_of(ib, "basis")) != 0) {
            d->n++;
            fprintf(d->out, "basis changed: %s: %s -> %s\n", id, text_of(ia, "basis"),
                    text_of(ib, "basis"));
        }
    }
    if (strcmp(text_of(a, "status"), text_of(b, "status")) != 0 ||
        strcmp(text_of(a, "label"), text_of(b, "label")) != 0) {
        d->n++;
        fprintf(d->out, "verdict changed: %s -> %s\n", text_of(a, "label"), text_of(b, "label"));
    }
}

int glca_report_verify(FILE *out, size_t *ndiff, const glca_verify_input *in, glca_error *err)
{
    glca_ruleset__json old, now;
    recomputed r;
    diff d = {out, 0};
    char *text = NULL;
    const char *product, *date;
    size_t len = 0;
    int rc;

    memset(&old, 0, sizeof old);
    memset(&now, 0, sizeof now);
    memset(&r, 0, sizeof r);
    *ndiff = 0;
    if ((rc = read_file(&text, &len, in->report_path, err)) < 0 ||
        (rc = glca_ruleset__json_parse(&old, text, len, in->report_path, err)) < 0)
        goto cleanup;
    product = glca_ruleset__json_string(glca_ruleset__json_get(source(&old, "product", 0), "path"));
    if (in->product_path)
        product = in->product_path;
    if (!product) {
        glca_srcloc where = {in->report_path, 0, 0};

        rc = glca_error_set(err, GLCA_EPARSE, &where,
                            "not a greenlca JSON report: no product source (inventory.sources)");
        goto cleanup;
    }
    date = glca_ruleset__json_string(
        glca_ruleset__json_get(glca_ruleset__json_get(&old, "options"), "rules_date"));
    if ((rc = recompute(&r, in, product, date, err)) < 0 ||
        (rc = glca_ruleset__json_parse(&now, r.json, r.len, "(recomputed report)", err)) < 0)
        goto cleanup;
    hashes(&d, &old, &now);
    impacts(&d, &old, &now);
    verdicts(&d, &old, &now);
    if (d.n == 0)
        fprintf(out, "reproduced: same input hashes, same numbers bitwise, same verdict (%s)\n",
                r.v ? glca_verdict_label(r.v) : "no verdict");
    *ndiff = d.n;
cleanup:
    glca_ruleset__json_clear(&old);
    glca_ruleset__json_clear(&now);
    recomputed_free(&r);
    glca_free(text);
    return rc;
}
