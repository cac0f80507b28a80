/*
 * The provider map file (importers/README.md): CSV "consumer,flow,provider", one choice a line,
 * consumer "*" for every consumer; blank lines and lines starting with '#' are skipped, and a
 * first line "consumer,flow,provider" is a header.  Fields may be quoted as RFC 4180 says
 * (ids with commas).  Small files: lookups scan the list.
 */
#include "importers/import.h"

#include <errno.h>
#include <string.h>

typedef struct pm_entry {
    char *consumer, *flow, *provider;
    long line;
} pm_entry;

struct glca_provider_map {
    pm_entry *entries;
    size_t n, cap;
};

void glca_inventories__provider_map_free(glca_provider_map *pm)
{
    size_t i;

    if (!pm)
        return;
    for (i = 0; i < pm->n; i++) {
        glca_free(pm->entries[i].consumer);
        glca_free(pm->entries[i].flow);
        glca_free(pm->entries[i].provider);
    }
    glca_free(pm->entries);
    glca_free(pm);
}

const char *glca_inventories__provider_map_get(const glca_provider_map *pm, const char *consumer,
                                               const char *flow)
{
    const char *any = NULL;
    size_t i;

    for (i = 0; i < pm->n; i++) {
        if (strcmp(pm->entries[i].flow, flow) != 0)
            continue;
        if (strcmp(pm->entries[i].consumer, consumer) == 0)
            return pm->entries[i].provider;
        if (strcmp(pm->entries[i].consumer, "*") == 0)
            any = pm->entries[i].provider;
    }
    return any;
}

/* Split one line into exactly three fields (in place); returns the field count or -1 for a
 * malformed quote. */
static int split(char *line, char *fields[3])
{
    char *r = line, *w;
    int n = 0;

    for (;;) {
        if (n == 3)
            return 4;
        fields[n++] = w = r;
        if (*r == '"') {
            r++;
            for (;;) {
                if (!*r)
                    return -1;
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
            if (*r && *r != ',')
                return -1;
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
        }
        if (!*r) {
            *w = '\0';
            return n;
        }
        *w = '\0';
        r++;
    }
}

static int add(glca_provider_map *pm, char *fields[3], long line, const char *path, glca_error *err)
{
    glca_srcloc where = {path, line, 0};
    pm_entry *e;
    size_t i;

    for (i = 0; i < 3; i++)
        if (!fields[i][0])
            return glca_error_set(err, GLCA_EPARSE, &where, "empty field %zu", i + 1);
    for (i = 0; i < pm->n; i++)
        if (strcmp(pm->entries[i].consumer, fields[0]) == 0 &&
            strcmp(pm->entries[i].flow, fields[1]) == 0)
            return glca_error_set(err, GLCA_EPARSE, &where,
                                  "provider for consumer '%s' and flow '%s' given twice (first "
                                  "on line %ld)",
                                  fields[0], fields[1], pm->entries[i].line);
    if (pm->n == pm->cap) {
        size_t cap = pm->cap ? 2 * pm->cap : 16;

        if (!(e = glca_reallocarray(pm->entries, cap, sizeof *e)))
            return glca_error_oom(err);
        pm->entries = e;
        pm->cap = cap;
    }
    e = &pm->entries[pm->n];
    e->line = line;
    e->consumer = glca_strdup(fields[0]);
    e->flow = glca_strdup(fields[1]);
    e->provider = glca_strdup(fields[2]);
    pm->n++;
    if (!e->consumer || !e->flow || !e->provider)
        return glca_error_oom(err);
    return 0;
}

int glca_inventories__provider_map_read(glca_provider_map **out, const char *path, glca_error *err)
{
    glca_provider_map *pm = NULL;
    FILE *f = NULL;
    char buf[4096], *fields[3];
    long line = 0;
    int rc = 0, n;

    *out = NULL;
    if (!(f = fopen(path, "r")))
        return glca_error_set(err, GLCA_EIO, &(glca_srcloc){path, 0, 0}, "cannot open: %s",
                              strerror(errno));
    if (!(pm = glca_calloc(1, sizeof *pm))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    while (fgets(buf, sizeof buf, f)) {
        size_t len = strlen(buf);
        glca_srcloc where = {path, ++line, 0};

        if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
            rc = glca_error_set(err, GLCA_ELIMIT, &where, "line longer than %zu bytes",
                                sizeof buf - 2);
            goto cleanup;
        }
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (!len || buf[0] == '#')
            continue;
        if (line == 1 && strcmp(buf, "consumer,flow,provider") == 0)
            continue;
        if ((n = split(buf, fields)) != 3) {
            rc = glca_error_set(err, GLCA_EPARSE, &where,
                                n < 0 ? "malformed quoted field"
                                      : "expected 3 fields consumer,flow,provider");
            goto cleanup;
        }
        if ((rc = add(pm, fields, line, path, err)) < 0)
            goto cleanup;
    }
    if (ferror(f)) {
        rc = glca_error_set(err, GLCA_EIO, &(glca_srcloc){path, 0, 0}, "read error");
        goto cleanup;
    }
    *out = pm;
    pm = NULL;
cleanup:
    glca_inventories__provider_map_free(pm);
    fclose(f);
    return rc;
}
