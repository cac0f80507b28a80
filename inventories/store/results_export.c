/*
 * Reading a results store back out: `greenlca export` as CSV rows or JSON lines, products in
 * catalog order, numbers with 17 significant digits so a reader gets the stored doubles back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/results_store.h"

typedef struct exporter {
    FILE *f;
    glca_export_format format;
    sqlite3 *db;
    const char *path;
    long long run;
    size_t k;
    char **cat_id, **cat_unit;
    sqlite3_stmt *impacts, *indicators, *verdict;
} exporter;

static const char *const stage_names[GLCA_NSTAGES + 1] = {
    "raw-materials", "production", "distribution", "use", "end-of-life", "total"};

static const char *column_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/*
 * CSV: ordinal,product,status,record,name,stage,value,unit,baseline,comparator,outcome,message,
 * provisional (the last only on verdict rows: the provisional thresholds the verdict rests on).
 */
static void csv_row_provisional(exporter *x, long long ordinal, const char *product,
                                const char *status, const char *record, const char *name,
                                const char *stage, const double *value, const char *unit,
                                const double *baseline, const char *comparator,
                                const char *outcome, const char *message, const char *provisional)
{
    FILE *f = x->f;

    fprintf(f, "%lld,", ordinal);
    glca_write_csv_field(f, product);
    fputc(',', f);
    glca_write_csv_field(f, status);
    fputc(',', f);
    glca_write_csv_field(f, record);
    fputc(',', f);
    glca_write_csv_field(f, name);
    fputc(',', f);
    glca_write_csv_field(f, stage);
    fputc(',', f);
    if (value)
        fprintf(f, "%.17g", *value);
    fputc(',', f);
    glca_write_csv_field(f, unit);
    fputc(',', f);
    if (baseline)
        fprintf(f, "%.17g", *baseline);
    fputc(',', f);
    glca_write_csv_field(f, comparator);
    fputc(',', f);
    glca_write_csv_field(f, outcome);
    fputc(',', f);
    glca_write_csv_field(f, message);
    fputc(',', f);
    glca_write_csv_field(f, provisional);
    fputc('\n', f);
}

static void csv_row(exporter *x, long long ordinal, const char *product, const char *status,
                    const char *record, const char *name, const char *stage, const double *value,
                    const char *unit, const double *baseline, const char *comparator,
                    const char *outcome, const char *message)
{
    csv_row_provisional(x, ordinal, product, status, record, name, stage, value, unit, baseline,
                        comparator, outcome, message, NULL);
}

static double *column_double(sqlite3_stmt *st, int i, double *buf)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return NULL;
    *buf = sqlite3_column_double(st, i);
    return buf;
}

static void export_impacts(exporter *x, long long ordinal, const char *product)
{
    sqlite3_stmt *st = x->impacts;
    bool first = true;
    int s;

    sqlite3_bind_int64(st, 1, x->run);
    sqlite3_bind_int64(st, 2, ordinal);
    if (x->format == GLCA_EXPORT_JSON)
        fputs(", \"impacts\": {", x->f);
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t c = (size_t)sqlite3_column_int64(st, 0);
        const char *id = c < x->k ? x->cat_id[c] : "?", *unit = c < x->k ? x->cat_unit[c] : NULL;

        if (x->format == GLCA_EXPORT_CSV) {
            for (s = 0; s <= GLCA_NSTAGES; s++) {
                double v = sqlite3_column_double(st, 1 + s);

                csv_row(x, ordinal, product, "ok", "impact", id, stage_names[s], &v, unit, NULL,
                        NULL, NULL, NULL);
            }
            continue;
        }
        fputs(first ? "" : ", ", x->f);
        first = false;
        glca_write_json_string(x->f, id);
        fputs(": {\"unit\": ", x->f);
        glca_write_json_string_or_null(x->f, unit);
        fputs(", \"total\": ", x->f);
        glca_write_json_number(x->f, sqlite3_column_double(st, 1 + GLCA_NSTAGES));
        fputs(", \"stages\": {", x->f);
        for (s = 0; s < GLCA_NSTAGES; s++) {
            fprintf(x->f, "%s\"%s\": ", s ? ", " : "", stage_names[s]);
            glca_write_json_number(x->f, sqlite3_column_double(st, 1 + s));
        }
        fputs("}}", x->f);
    }
    sqlite3_reset(st);
    if (x->format == GLCA_EXPORT_JSON)
        fputc('}', x->f);
}

/* A JSON array of the parts of `list` separated by `sep` ([] when NULL or empty). */
static void json_reasons_sep(FILE *f, const char *list, const char *sep)
{
    bool first = true;
    size_t seplen = strlen(sep);

    fputc('[', f);
    while (list && *list) {
        const char *end = strstr(list, sep);
        size_t n = end ? (size_t)(end - list) : strlen(list);
        char line[1024];

        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, list, n);
        line[n] = '\0';
        fputs(first ? "" : ", ", f);
        first = false;
        glca_write_json_string(f, line);
        list = end ? end + seplen : list + strlen(list);
    }
    fputc(']', f);
}

static void json_reasons(FILE *f, const char *reasons)
{
    fputs(", \"reasons\": ", f);
    json_reasons_sep(f, reasons, "\n");
}

/* The qualified status; a store written before schema 2 only knows certified or not. */
static const char *verdict_status(sqlite3_stmt *v)
{
    const char *status = column_text(v, 3);

    if (status)
        return status;
    return sqlite3_column_int(v, 1) ? "certified" : "not-certified";
}

static void export_verdict(exporter *x, long long ordinal, const char *product)
{
    sqlite3_stmt *v = x->verdict, *st = x->indicators;
    bool first = true;
    double b1, b2;

    sqlite3_bind_int64(v, 1, x->run);
    sqlite3_bind_int64(v, 2, ordinal);
    if (sqlite3_step(v) != SQLITE_ROW) {
        sqlite3_reset(v);
        return;
    }
    sqlite3_bind_int64(st, 1, x->run);
    sqlite3_bind_int64(st, 2, ordinal);
    if (x->format == GLCA_EXPORT_JSON) {
        fputs(", \"verdict\": {\"ruleset\": ", x->f);
        glca_write_json_string_or_null(x->f, column_text(v, 0));
        fprintf(x->f, ", \"certified\": %s, \"status\": ",
                sqlite3_column_int(v, 1) ? "true" : "false");
        glca_write_json_string(x->f, verdict_status(v));
        fputs(", \"provisional\": ", x->f);
        json_reasons_sep(x->f, column_text(v, 4), ", ");
        fputs(", \"items\": [", x->f);
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const double *value = column_double(st, 1, &b1), *base = column_double(st, 2, &b2);

        if (x->format == GLCA_EXPORT_CSV) {
            csv_row(x, ordinal, product, "ok", "indicator", column_text(st, 0), NULL, value, NULL,
                    base, column_text(st, 3), column_text(st, 4), column_text(st, 5));
            continue;
        }
        fputs(first ? "{\"id\": " : ", {\"id\": ", x->f);
        first = false;
        glca_write_json_string_or_null(x->f, column_text(st, 0));
        fputs(", \"value\": ", x->f);
        if (value)
            glca_write_json_number(x->f, *value);
        else
            fputs("null", x->f);
        fputs(", \"baseline\": ", x->f);
        if (base)
            glca_write_json_number(x->f, *base);
        else
            fputs("null", x->f);
        fputs(", \"comparator\": ", x->f);
        glca_write_json_string_or_null(x->f, column_text(st, 3));
        fputs(", \"outcome\": ", x->f);
        glca_write_json_string_or_null(x->f, column_text(st, 4));
        fputc('}', x->f);
    }
    sqlite3_reset(st);
    if (x->format == GLCA_EXPORT_CSV) {
        double certified = sqlite3_column_int(v, 1);

        csv_row_provisional(x, ordinal, product, "ok", "verdict", column_text(v, 0), NULL,
                            &certified, NULL, NULL, NULL, verdict_status(v), column_text(v, 2),
                            column_text(v, 4));
    } else {
        fputc(']', x->f);
        json_reasons(x->f, column_text(v, 2));
        fputc('}', x->f);
    }
    sqlite3_reset(v);
}

static int export_products(exporter *x, glca_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(x->db,
                           "SELECT ordinal, id, source, status, message FROM product"
                           " WHERE run = ?1 ORDER BY ordinal",
                           -1, &st, NULL) != SQLITE_OK)
        return glca_inventories__db_error(err, x->db, x->path, "export");
    sqlite3_bind_int64(st, 1, x->run);
    if (x->format == GLCA_EXPORT_CSV)
        fputs("ordinal,product,status,record,name,stage,value,unit,baseline,comparator,outcome,"
              "message,provisional\n",
              x->f);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long ordinal = sqlite3_column_int64(st, 0);
        const char *id = column_text(st, 1), *status = column_text(st, 3);
        bool ok = status && strcmp(status, "ok") == 0;
        char name[400];

        /* CSV has no source column: a product rejected before its id was read is named by
         * where it is, so that its row still says which product it was */
        if (!id && x->format == GLCA_EXPORT_CSV) {
            const char *source = column_text(st, 2);

            if (source)
                snprintf(name, sizeof name, "ordinal %lld at %s", ordinal, source);
            else
                snprintf(name, sizeof name, "ordinal %lld", ordinal);
            id = name;
        }

        if (x->format == GLCA_EXPORT_JSON) {
            fprintf(x->f, "{\"ordinal\": %lld, \"product\": ", ordinal);
            glca_write_json_string_or_null(x->f, id);
            fputs(", \"source\": ", x->f);
            glca_write_json_string_or_null(x->f, column_text(st, 2));
            fprintf(x->f, ", \"status\": \"%s\"", ok ? "ok" : "error");
            if (!ok) {
                fputs(", \"message\": ", x->f);
                glca_write_json_string_or_null(x->f, column_text(st, 4));
            }
        } else if (!ok) {
            csv_row(x, ordinal, id, "error", "error", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                    column_text(st, 4));
        }
        if (ok) {
            export_impacts(x, ordinal, id);
            export_verdict(x, ordinal, id);
        }
        if (x->format == GLCA_EXPORT_JSON)
            fputs("}\n", x->f);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return glca_inventories__db_error(err, x->db, x->path, "export");
    if (ferror(x->f))
        return glca_error_set(err, GLCA_EIO, NULL, "export: write error");
    return 0;
}

static int export_categories(exporter *x, glca_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    int rc;

    if (sqlite3_prepare_v2(x->db, "SELECT idx, id, unit FROM category WHERE run = ?1 ORDER BY idx",
                           -1, &st, NULL) != SQLITE_OK)
        return glca_inventories__db_error(err, x->db, x->path, "export");
    sqlite3_bind_int64(st, 1, x->run);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t idx = (size_t)sqlite3_column_int64(st, 0);
        const char *unit = column_text(st, 2);

        if (idx != n)
            break;
        if (!(x->cat_id = glca_reallocarray(x->cat_id, n + 1, sizeof *x->cat_id)) ||
            !(x->cat_unit = glca_reallocarray(x->cat_unit, n + 1, sizeof *x->cat_unit))) {
            sqlite3_finalize(st);
            return glca_error_oom(err);
        }
        x->cat_id[n] = glca_strdup(column_text(st, 1));
        x->cat_unit[n] = unit ? glca_strdup(unit) : NULL;
        x->k = ++n;
    }
    sqlite3_finalize(st);
    return 0;
}

int glca_results_export(FILE *f, const char *db_path, glca_export_format format,
                        long long run_id, glca_error *err)
{
    exporter x;
    glca_srcloc where = {db_path, 0, 0};
    sqlite3_stmt *st = NULL;
    size_t i;
    int rc;

    memset(&x, 0, sizeof x);
    x.f = f;
    x.format = format;
    x.path = db_path;
    x.run = run_id;
    if (sqlite3_open_v2(db_path, &x.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = glca_inventories__db_error(err, x.db, db_path, "cannot open results store");
        goto cleanup;
    }
    sqlite3_busy_timeout(x.db, 10000);
    if (sqlite3_prepare_v2(x.db,
                           "SELECT id FROM run WHERE ?1 = 0 OR id = ?1 ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = glca_inventories__db_error(err, x.db, db_path, "not a greenlca results store");
        goto cleanup;
    }
    sqlite3_bind_int64(st, 1, run_id);
    x.run = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (!x.run) {
        rc = run_id ? glca_error_set(err, GLCA_ENOTFOUND, &where, "no run %lld", run_id)
                    : glca_error_set(err, GLCA_ENOTFOUND, &where, "no runs stored");
        goto cleanup;
    }
    if (sqlite3_prepare_v2(x.db,
                           "SELECT category, raw_materials, production, distribution, use,"
                           " end_of_life, total FROM impact WHERE run = ?1 AND ordinal = ?2"
                           " ORDER BY category",
                           -1, &x.impacts, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(x.db,
                           "SELECT id, value, baseline, comparator, outcome, reason FROM indicator"
                           " WHERE run = ?1 AND ordinal = ?2 ORDER BY position",
                           -1, &x.indicators, NULL) != SQLITE_OK ||
        (sqlite3_prepare_v2(x.db,
                            "SELECT ruleset, certified, reasons, status, provisional FROM verdict"
                            " WHERE run = ?1 AND ordinal = ?2",
                            -1, &x.verdict, NULL) != SQLITE_OK &&
         /* schema 1, opened read-only so never upgraded */
         sqlite3_prepare_v2(x.db,
                            "SELECT ruleset, certified, reasons, NULL, NULL FROM verdict"
                            " WHERE run = ?1 AND ordinal = ?2",
                            -1, &x.verdict, NULL) != SQLITE_OK)) {
        rc = glca_inventories__db_error(err, x.db, db_path, "not a greenlca results store");
        goto cleanup;
    }
    if ((rc = export_categories(&x, err)) < 0)
        goto cleanup;
    rc = export_products(&x, err);
cleanup:
    sqlite3_finalize(x.impacts);
    sqlite3_finalize(x.indicators);
    sqlite3_finalize(x.verdict);
    sqlite3_close(x.db);
    for (i = 0; i < x.k; i++) {
        glca_free(x.cat_id[i]);
        glca_free(x.cat_unit[i]);
    }
    glca_free(x.cat_id);
    glca_free(x.cat_unit);
    return rc;
}

int glca_results_verdict_counts(glca_verdict_counts *out, const char *db_path, long long run_id,
                                glca_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 0;

    memset(out, 0, sizeof *out);
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT coalesce(status, CASE WHEN certified THEN 'certified'"
                           " ELSE 'not-certified' END), count(*) FROM verdict"
                           " WHERE run = (SELECT id FROM run WHERE ?1 = 0 OR id = ?1"
                           " ORDER BY id DESC LIMIT 1) GROUP BY 1",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = glca_inventories__db_error(err, db, db_path, "results store");
        goto cleanup;
    }
    sqlite3_bind_int64(st, 1, run_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = column_text(st, 0);
        size_t n = (size_t)sqlite3_column_int64(st, 1);

        if (strcmp(s, "certified") == 0)
            out->certified += n;
        else if (strcmp(s, "certified-provisional") == 0)
            out->certified_provisional += n;
        else if (strcmp(s, "not-certified-provisional") == 0)
            out->not_certified_provisional += n;
        else if (strcmp(s, "not-evaluable") == 0)
            out->not_evaluable += n;
        else
            out->not_certified += n;
    }
cleanup:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}
