/*
 * The neutral verdict rows: what a rule engine hands the batch for one product (indicator rows,
 * the verdict, reasons), owned by the batch and reused from product to product so that a batch
 * allocates little.  inventories/ defines them because the store is what keeps them, and it
 * cannot depend on ruleset/.
 */
#include <string.h>

#include <glca/inventories.h>

void glca_verdict_rows_init(glca_verdict_rows *v)
{
    memset(v, 0, sizeof *v);
    v->reasons = "";
}

void glca_verdict_rows_clear(glca_verdict_rows *v)
{
    size_t i;

    for (i = 0; i < v->nstrings; i++)
        glca_free(v->strings[i]);
    v->nstrings = 0;
    v->nrows = 0;
    v->has_verdict = false;
    v->certified = false;
    v->ruleset = NULL;
    v->status = NULL;
    v->provisional = NULL;
    v->reasons_len = 0;
    if (v->reasons_buf)
        v->reasons_buf[0] = '\0';
    v->reasons = "";
}

void glca_verdict_rows_free(glca_verdict_rows *v)
{
    if (!v)
        return;
    glca_verdict_rows_clear(v);
    glca_free(v->strings);
    glca_free(v->rows);
    glca_free(v->reasons_buf);
    glca_verdict_rows_init(v);
}

/* A copy of `s` owned by `v` (NULL stays NULL). */
static int keep(glca_verdict_rows *v, const char *s, const char **out, glca_error *err)
{
    char *copy;

    *out = NULL;
    if (!s)
        return 0;
    if (v->nstrings == v->capstrings) {
        size_t cap = v->capstrings ? 2 * v->capstrings : 16;
        char **grown = glca_reallocarray(v->strings, cap, sizeof *grown);

        if (!grown)
            return glca_error_oom(err);
        v->strings = grown;
        v->capstrings = cap;
    }
    if (!(copy = glca_strdup(s)))
        return glca_error_oom(err);
    v->strings[v->nstrings++] = copy;
    *out = copy;
    return 0;
}

int glca_verdict_rows_set(glca_verdict_rows *v, bool certified, const char *ruleset,
                          glca_error *err)
{
    v->has_verdict = true;
    v->certified = certified;
    return keep(v, ruleset, &v->ruleset, err);
}

int glca_verdict_rows_set_status(glca_verdict_rows *v, const char *status, const char *provisional,
                                 glca_error *err)
{
    int rc;

    if ((rc = keep(v, status, &v->status, err)) < 0)
        return rc;
    return keep(v, provisional, &v->provisional, err);
}

int glca_verdict_rows_add(glca_verdict_rows *v, const glca_indicator_row *row, glca_error *err)
{
    glca_indicator_row r = *row;
    int rc;

    if (v->nrows == v->caprows) {
        size_t cap = v->caprows ? 2 * v->caprows : 8;
        glca_indicator_row *grown = glca_reallocarray(v->rows, cap, sizeof *grown);

        if (!grown)
            return glca_error_oom(err);
        v->rows = grown;
        v->caprows = cap;
    }
    if ((rc = keep(v, row->id, &r.id, err)) < 0 ||
        (rc = keep(v, row->comparator, &r.comparator, err)) < 0 ||
        (rc = keep(v, row->outcome, &r.outcome, err)) < 0 ||
        (rc = keep(v, row->reason, &r.reason, err)) < 0)
        return rc;
    v->rows[v->nrows++] = r;
    return 0;
}

int glca_verdict_rows_add_reason(glca_verdict_rows *v, const char *reason, glca_error *err)
{
    size_t len = strlen(reason), need = v->reasons_len + len + 2;

    if (need > v->reasons_cap) {
        size_t cap = need < 256 ? 256 : 2 * need;
        char *grown = glca_reallocarray(v->reasons_buf, cap, 1);

        if (!grown)
            return glca_error_oom(err);
        v->reasons_buf = grown;
        v->reasons_cap = cap;
    }
    if (v->reasons_len)
        v->reasons_buf[v->reasons_len++] = '\n';
    memcpy(v->reasons_buf + v->reasons_len, reason, len + 1);
    v->reasons_len += len;
    v->reasons = v->reasons_buf;
    return 0;
}
