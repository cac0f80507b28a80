/*
 * Rulebooks: which ruleset applies to which product.  A directory of rule files is matched by
 * each product's `category`; a single file applies to all and refuses other categories.  Also
 * the adapter that lets the batch (in inventories/, which cannot depend on us) store verdicts,
 * and validation of any of our files, rulesets included (only this module reads rulesets).
 * A category may have several editions of its specification; the rulebook's date picks the one
 * in force, so an assessment can be redone as of the day it was signed.
 */
#include "ruleset_int.h"

#include <assert.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct glca_rulebook {
    glca_ruleset **sets;
    size_t n;
    bool single;   /* loaded from one file: applies to every product */
    char date[11]; /* YYYY-MM-DD the editions are chosen on */
};

static int new_rulebook(glca_rulebook **out, glca_error *err)
{
    time_t now = time(NULL);
    struct tm tm;

    if (!(*out = glca_calloc(1, sizeof **out)))
        return glca_error_oom(err);
    gmtime_r(&now, &tm);
    strftime((*out)->date, sizeof(*out)->date, "%Y-%m-%d", &tm);
    return 0;
}

void glca_rulebook_free(glca_rulebook *rb)
{
    size_t i;

    if (!rb)
        return;
    for (i = 0; i < rb->n; i++)
        glca_ruleset_free(rb->sets[i]);
    glca_free(rb->sets);
    glca_free(rb);
}

size_t glca_rulebook_count(const glca_rulebook *rb)
{
    return rb->n;
}

void glca_rulebook_identity(const glca_rulebook *rb, char *buf, size_t size)
{
    size_t i, used = 0;

    if (!size)
        return;
    buf[0] = '\0';
    /* Only the editions in force judge, so only they identify the rules. */
    for (i = 0; i < rb->n && used < size; i++) {
        int w;

        if (!glca_ruleset__in_force(rb->sets[i], rb->date))
            continue;
        w = snprintf(buf + used, size - used, "%s%s@%s", used ? "," : "",
                     glca_ruleset_id(rb->sets[i]), glca_ruleset_version(rb->sets[i]));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

const char *glca_rulebook_date(const glca_rulebook *rb)
{
    return rb->date;
}

const glca_ruleset *glca_rulebook_ruleset(const glca_rulebook *rb, size_t n)
{
    assert(n < rb->n);
    return rb->sets[n];
}

/* "GB/T 35610-2017 (2018-02-01 to 2025-04-30)" for each ruleset of `category`. */
static void list_editions(const glca_rulebook *rb, const char *category, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < rb->n && used < size; i++) {
        const glca_ruleset *rs = rb->sets[i];
        int w;

        if (strcmp(rs->category, category) != 0)
            continue;
        w = snprintf(buf + used, size - used, "%s%s (%s to %s)", used ? "; " : "",
                     rs->edition.number ? rs->edition.number : rs->id,
                     rs->from[0] ? rs->from : "any date", rs->to[0] ? rs->to : "open");
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static int none_in_force(const glca_rulebook *rb, const char *category, const glca_srcloc *where,
                         glca_error *err)
{
    char editions[200];

    list_editions(rb, category, editions, sizeof editions);
    return glca_error_set(err, GLCA_ENOTFOUND, where,
                          "no edition of the rules for category '%s' is in force on %s "
                          "(editions: %s); choose the date with --on",
                          category, rb->date, editions);
}

int glca_rulebook_set_date(glca_rulebook *rb, const char *date, glca_error *err)
{
    char d[11];

    if (glca_ruleset__parse_date(d, date) < 0)
        return glca_error_set(err, GLCA_EPARSE, NULL, "'%s' is not a date YYYY-MM-DD", date);
    memcpy(rb->date, d, sizeof d);
    if (rb->single && !glca_ruleset__in_force(rb->sets[0], rb->date)) {
        glca_srcloc where = {rb->sets[0]->path, rb->sets[0]->line, 0};

        return none_in_force(rb, rb->sets[0]->category, &where, err);
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_xml_name(const char *name)
{
    size_t len = strlen(name);

    return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".xml") == 0;
}

/* The sorted *.xml names of `dir`: rule files are applied the same way on every machine. */
static int list_xml(char ***out, size_t *n, const char *dir, glca_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t cap = 0;
    glca_srcloc where = {dir, 0, 0};

    *n = 0;
    if (!d)
        return glca_error_set(err, GLCA_EIO, &where, "cannot open rules directory");
    while ((e = readdir(d))) {
        if (!is_xml_name(e->d_name))
            continue;
        if (*n == cap) {
            char **grown = glca_reallocarray(names, cap ? cap * 2 : 16, sizeof *names);

            if (!grown)
                goto oom;
            names = grown;
            cap = cap ? cap * 2 : 16;
        }
        if (!(names[*n] = glca_malloc(strlen(dir) + strlen(e->d_name) + 2)))
            goto oom;
        sprintf(names[(*n)++], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_names);
    *out = names;
    return 0;
oom:
    closedir(d);
    while (*n)
        glca_free(names[--*n]);
    glca_free(names);
    return glca_error_oom(err);
}

static int add_set(glca_rulebook *rb, glca_ruleset *rs, glca_error *err)
{
    glca_ruleset **grown = glca_reallocarray(rb->sets, rb->n + 1, sizeof *rb->sets);

    if (!grown) {
        glca_ruleset_free(rs);
        return glca_error_oom(err);
    }
    rb->sets = grown;
    rb->sets[rb->n++] = rs;
    return 0;
}

/* Whether two editions' date ranges share a day (an open end reaches forever). */
static bool overlap(const glca_ruleset *a, const glca_ruleset *b)
{
    return (!a->from[0] || !b->to[0] || strcmp(a->from, b->to) <= 0) &&
           (!b->from[0] || !a->to[0] || strcmp(b->from, a->to) <= 0);
}

static int check_unique(const glca_rulebook *rb, const glca_ruleset *rs, glca_error *err)
{
    size_t i;

    for (i = 0; i < rb->n; i++) {
        if (strcmp(glca_ruleset_category(rb->sets[i]), glca_ruleset_category(rs)) == 0 &&
            overlap(rb->sets[i], rs)) {
            glca_srcloc where = {glca_ruleset_path(rs), 0, 0};

            return glca_error_set(err, GLCA_EPARSE, &where,
                                  "a second ruleset for category '%s' in force on the same dates "
                                  "(the first is %s; editions need in-force-from/in-force-to "
                                  "that do not overlap)",
                                  glca_ruleset_category(rs), glca_ruleset_path(rb->sets[i]));
        }
    }
    return 0;
}

int glca_rulebook_load_dir(glca_rulebook **out, const char *dir, const glca_xml_limits *limits,
                           glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_rulebook *rb = NULL;
    char **names = NULL;
    size_t n = 0, i;
    int rc, first = 0;

    *out = NULL;
    if ((rc = list_xml(&names, &n, dir, err)) < 0)
        return rc;
    if ((rc = new_rulebook(&rb, err)) < 0)
        goto cleanup;
    for (i = 0; i < n; i++) {
        glca_ruleset *rs = NULL;
        glca_error e = GLCA_ERROR_INIT;

        rc = glca_ruleset_load(&rs, names[i], limits, diag, payload, &e);
        if (rc == 0 && (rc = check_unique(rb, rs, &e)) < 0) {
            if (diag)
                diag(&e, payload);
            glca_ruleset_free(rs);
        } else if (rc == 0 && (rc = add_set(rb, rs, &e)) < 0) {
            break;
        }
        if (rc < 0 && !first) {
            first = rc;
            if (err)
                *err = e;
        }
    }
    if (first) {
        rc = first;
        goto cleanup;
    }
    if (rb->n == 0) {
        glca_srcloc where = {dir, 0, 0};

        rc = glca_error_set(err, GLCA_ENOTFOUND, &where, "no ruleset files (*.xml) in directory");
        goto cleanup;
    }
    *out = rb;
    rb = NULL;
    rc = 0;
cleanup:
    for (i = 0; i < n; i++)
        glca_free(names[i]);
    glca_free(names);
    glca_rulebook_free(rb);
    return rc;
}

int glca_rulebook_load_file(glca_rulebook **out, const char *path, const glca_xml_limits *limits,
                            glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_rulebook *rb;
    glca_ruleset *rs = NULL;
    int rc;

    *out = NULL;
    if ((rc = glca_ruleset_load(&rs, path, limits, diag, payload, err)) < 0)
        return rc;
    if ((rc = new_rulebook(&rb, err)) < 0) {
        glca_ruleset_free(rs);
        return rc;
    }
    rb->single = true;
    if ((rc = add_set(rb, rs, err)) < 0) {
        glca_rulebook_free(rb);
        return rc;
    }
    *out = rb;
    return 0;
}

int glca_rulebook_select(const glca_ruleset **out, const glca_rulebook *rb, const glca_product *p,
                         glca_error *err)
{
    const char *category = glca_product_category(p);
    glca_srcloc where = glca_product_loc(p);
    bool known = false;
    size_t i;
    int rc;

    *out = NULL;
    if (rb->single) {
        if ((rc = glca_ruleset_check_category(rb->sets[0], p, err)) < 0)
            return rc;
        if (!glca_ruleset__in_force(rb->sets[0], rb->date))
            return none_in_force(rb, category, where.file ? &where : NULL, err);
        *out = rb->sets[0];
        return 0;
    }
    if (!category)
        return 0;
    for (i = 0; i < rb->n; i++) {
        if (strcmp(glca_ruleset_category(rb->sets[i]), category) == 0) {
            known = true;
            if (glca_ruleset__in_force(rb->sets[i], rb->date)) {
                *out = rb->sets[i];
                return 0;
            }
        }
    }
    return known ? none_in_force(rb, category, where.file ? &where : NULL, err) : 0;
}

int glca_rulebook_evaluate(glca_verdict **out, const glca_rulebook *rb, const glca_product *p,
                           const glca_background *bg, const double *impacts, glca_error *err)
{
    const glca_ruleset *rs;
    int rc;

    *out = NULL;
    if ((rc = glca_rulebook_select(&rs, rb, p, err)) < 0 || !rs)
        return rc;
    if ((rc = glca_ruleset_check_method(rs, bg, err)) < 0)
        return rc;
    return glca_ruleset_evaluate(out, rs, p, bg, impacts, err);
}

/* The store keeps numbers: booleans as 0/1; a string value (a reported refrigerant name, say)
 * has no number and is left out, its text stays in the reason. */
static void row_value(const glca_rule_value *v, bool *has, double *out)
{
    *has = v->present && v->kind != GLCA_VALUE_STRING;
    *out = !*has ? 0 : v->kind == GLCA_VALUE_BOOL ? (v->boolean ? 1 : 0) : v->number;
}

static int add_item_row(glca_verdict_rows *out, const glca_verdict_item *it, glca_error *err)
{
    glca_indicator_row row;

    memset(&row, 0, sizeof row);
    row.id = it->id;
    row_value(&it->value, &row.has_value, &row.value);
    row_value(&it->baseline, &row.has_baseline, &row.baseline);
    row.comparator = glca_comparator_name(it->comparator);
    row.outcome = glca_outcome_name(it->outcome);
    row.reason = it->reason;
    return glca_verdict_rows_add(out, &row, err);
}

int glca_rulebook_verdict_rows(glca_verdict_rows *out, const glca_product *p,
                               const glca_background *bg, const double *impacts, glca_error *err,
                               void *payload)
{
    const glca_rulebook *rb = payload;
    glca_verdict *v = NULL;
    const glca_verdict_item *items;
    const char *const *reasons;
    size_t n, i;
    int rc;

    if ((rc = glca_rulebook_evaluate(&v, rb, p, bg, impacts, err)) < 0 || !v)
        return rc;
    if ((rc = glca_verdict_rows_set(out, glca_verdict_certified(v), glca_verdict_ruleset_id(v),
                                    err)) < 0 ||
        (rc =
             glca_verdict_rows_set_status(out, glca_verdict_status_name(glca_verdict_get_status(v)),
                                          glca_verdict_provisional(v), err)) < 0)
        goto cleanup;
    items = glca_verdict_items(v, &n);
    for (i = 0; i < n; i++)
        if ((rc = add_item_row(out, &items[i], err)) < 0)
            goto cleanup;
    reasons = glca_verdict_reasons(v, &n);
    for (i = 0; i < n; i++)
        if ((rc = glca_verdict_rows_add_reason(out, reasons[i], err)) < 0)
            goto cleanup;
cleanup:
    glca_verdict_free(v);
    return rc;
}

int glca_validate_any(const char *path, const glca_xml_limits *limits, glca_doc_kind *kind,
                      glca_diag_fn diag, void *payload, glca_error *err)
{
    glca_doc_kind k = GLCA_DOC_UNKNOWN;
    glca_ruleset *rs = NULL;
    int rc = glca_validate_file(path, limits, &k, diag, payload, err);

    if (kind)
        *kind = k;
    if (rc < 0 || k != GLCA_DOC_RULESET)
        return rc;
    rc = glca_ruleset_load(&rs, path, limits, diag, payload, err);
    glca_ruleset_free(rs);
    return rc;
}
