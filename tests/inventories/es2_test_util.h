/*
 * Helpers of the EcoSpold 2 tests (test_ecospold2.c, test_ecospold2_set.c): fixture paths,
 * the '|'-separated tables ecospold2matrix published, datasets and directories generated at
 * test time (hostile inputs are generated, not stored).
 */
#ifndef ES2_TEST_UTIL_H
#define ES2_TEST_UTIL_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inventories/importers/ecospold2_int.h"
#include "imp_test_util.h"

#define ES2 "http://www.EcoInvent.org/EcoSpold02"

static inline const char *fixture(const char *name)
{
    static char path[1024];

    snprintf(path, sizeof path, "%s/fixtures/ecospold2/%s", GLCA_TEST_DIR, name);
    return path;
}

/* The rows of a '|'-separated table, header skipped; fields split in place. */
typedef struct table {
    char *text;
    char *fields[16][12];
    size_t nrows, nfields;
} table;

static inline void table_read(table *t, const char *name)
{
    FILE *f = fopen(fixture(name), "rb");
    char *line, *save = NULL;
    long n;

    memset(t, 0, sizeof *t);
    cr_assert_not_null(f, "%s", name);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    t->text = calloc((size_t)n + 1, 1);
    cr_assert_eq(fread(t->text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    line = strtok_r(t->text, "\n", &save); /* header */
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        size_t k = 0;
        char *p = line;

        cr_assert_lt(t->nrows, 16);
        for (;;) {
            char *bar = strchr(p, '|');

            cr_assert_lt(k, 12);
            t->fields[t->nrows][k++] = p;
            if (!bar)
                break;
            *bar = '\0';
            p = bar + 1;
        }
        p = t->fields[t->nrows][k - 1];
        if (p[strlen(p) - 1] == '\r')
            p[strlen(p) - 1] = '\0';
        t->nfields = k;
        t->nrows++;
    }
}

static inline const glca_es2_dataset *by_stem(const glca_es2_set *s, const char *stem)
{
    for (size_t i = 0; i < s->nds; i++)
        if (strcmp(s->ds[i]->stem, stem) == 0)
            return s->ds[i];
    cr_assert_fail("no dataset %s", stem);
    return NULL;
}

static inline glca_es2_set *read_set(const char *path, int threads)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_set *s = NULL;

    cr_assert_eq(glca_inventories__es2_read_set(&s, path, NULL, threads, NULL, NULL, &err), 0,
                 "%s", inv_fmt(&err));
    return s;
}

static inline glca_es2_dataset *read_one(const char *path)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;

    cr_assert_eq(glca_inventories__es2_read_dataset(&d, path, NULL, 0, NULL, &err), 0, "%s",
                 inv_fmt(&err));
    return d;
}

static inline const glca_es2_exchange *exchange_of(const glca_es2_dataset *d, const char *flow)
{
    for (size_t i = 0; i < d->nx; i++)
        if (strcmp(d->x[i].flow, flow) == 0)
            return &d->x[i];
    cr_assert_fail("no exchange %s", flow);
    return NULL;
}

static inline size_t notes_of(const glca_es2_dataset *d, glca_imp_note_kind kind, const char *text)
{
    size_t n = 0;

    for (size_t i = 0; i < d->nnotes; i++)
        n += d->notes[i].kind == kind && strstr(d->notes[i].message, text) != NULL;
    return n;
}

/* A dataset: activity `act` making `product` (1 kg) with `body` as further flowData. */
static inline char *dataset_xml(const char *act, const char *product, const char *body)
{
    size_t n = strlen(body) + 1024;
    char *s = malloc(n);

    snprintf(s, n,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<ecoSpold xmlns=\"" ES2 "\">\n"
             "<activityDataset>\n"
             "<activityDescription><activity id=\"%s\"><activityName>a</activityName>"
             "</activity></activityDescription>\n"
             "<flowData>\n"
             "<intermediateExchange intermediateExchangeId=\"%s\" amount=\"1\">"
             "<unitName>kg</unitName><outputGroup>0</outputGroup></intermediateExchange>\n"
             "%s"
             "</flowData>\n</activityDataset>\n</ecoSpold>\n",
             act, product, body);
    return s;
}

static inline glca_es2_dataset *read_memory(const char *xml)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;

    cr_assert_eq(glca_inventories__es2_read_dataset(&d, "mem.spold", xml, strlen(xml), NULL,
                                                    &err),
                 0, "%s", inv_fmt(&err));
    return d;
}

static inline char *tmp_path(const char *name)
{
    size_t n = strlen(inv_tmpdir()) + strlen(name) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", inv_tmpdir(), name);
    return p;
}

static inline void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* A directory `name` with MasterData (flows prod, in and e) and the given datasets. */
static inline char *make_dir(const char *name, bool master, const char *const *files,
                      const char *const *xml, size_t n)
{
    char *dir = tmp_path(name), path[1024];

    cr_assert_eq(mkdir(dir, 0700), 0);
    if (master) {
        snprintf(path, sizeof path, "%s/MasterData", dir);
        cr_assert_eq(mkdir(path, 0700), 0);
        snprintf(path, sizeof path, "%s/MasterData/IntermediateExchanges.xml", dir);
        write_file(path, "<validIntermediateExchanges xmlns=\"" ES2 "\">"
                         "<intermediateExchange id=\"prod\"><unitName>kg</unitName>"
                         "</intermediateExchange><intermediateExchange id=\"by\">"
                         "<unitName>kg</unitName></intermediateExchange>"
                         "</validIntermediateExchanges>");
        snprintf(path, sizeof path, "%s/MasterData/ElementaryExchanges.xml", dir);
        write_file(path, "<validElementaryExchanges xmlns=\"" ES2 "\">"
                         "<elementaryExchange id=\"e\"><unitName>kg</unitName>"
                         "</elementaryExchange></validElementaryExchanges>");
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        write_file(path, xml[i]);
    }
    return dir;
}

static inline void print_diag(const glca_error *e, void *payload)
{
    (void)payload;
    cr_log_error("%s", inv_fmt(e));
}

#endif
