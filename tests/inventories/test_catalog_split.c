/*
 * The batch's parallel catalog reader (catalog_split.c) against the serial one (glca_catalog):
 * every product row of a batch (ordinal, status, message with file:line:column) must be what
 * the serial reader says about the same ordinal, whatever the thread count and chunk size, over
 * a catalog built to hit the splitter's edges: a prefixed product element (the root's
 * namespace declarations must be in scope), an unknown top-level element, a comment, a bad
 * product in the middle of a block, a bad product that starts a block in the middle of a line
 * (column mapping), an <include> (the serial reader takes over) and, in a second catalog,
 * malformed XML (the serial reader reports it and the catalog ends there).
 *
 * Locations checked by hand: each product is on its own line, line 3 + i for product i (the
 * prolog and the root start tag take lines 1 and 2), except products 31 and 32 which share
 * line 34; columns are the byte offset of the bad element in the line we wrote, plus one
 * (the text is ASCII).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "inv_test_util.h"

#define NPRODUCTS 45

static char lines[NPRODUCTS][400];

static char *copy_fixture(const char *name)
{
    char *text, *path;
    FILE *f;
    long n;

    cr_assert_not_null(f = fopen(inv_fixture(name), "rb"));
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    path = inv_write(name, text);
    free(text);
    return path;
}

static void product_line(char *out, size_t size, size_t i, const char *amount)
{
    snprintf(out, size,
             "<product xmlns=\"urn:greenlca:product:1\" id=\"p%zu\" category=\"x\"><use>"
             "<input process=\"grid\" amount=\"%s\" unit=\"kWh\"/></use></product>",
             i, amount);
}

/* The catalog described above; `malformed` breaks product 20 instead of giving it a bad
 * amount. */
static char *write_catalog(const char *name, bool malformed)
{
    size_t cap = 64 * 1024, i;
    char *text = calloc(1, cap), amount[32];

    strcat(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<catalog xmlns=\"urn:greenlca:catalog:1\" xmlns:q=\"urn:greenlca:product:1\""
                 " id=\"c\">");
    for (i = 0; i < NPRODUCTS; i++) {
        char *l = lines[i];

        snprintf(amount, sizeof amount, "%zu", i + 1);
        if (i == 10)
            snprintf(l, sizeof lines[i],
                     "  <q:product id=\"p10\" category=\"x\"><q:use><q:input process=\"grid\""
                     " amount=\"2\" unit=\"kWh\"/></q:use></q:product>");
        else if (i == 12)
            snprintf(l, sizeof lines[i], "  <widget/> <!-- a comment between entries -->");
        else if (i == 20 && malformed)
            snprintf(l, sizeof lines[i], "  <product xmlns=\"urn:greenlca:product:1\" id=\"p20\""
                                         " category=\"x\"><use></usex></product>");
        else if (i == 20 || i == 32)
            product_line(l, sizeof lines[i], i, "abc");
        else if (i == 36)
            snprintf(l, sizeof lines[i], "  <include href=\"heater.product.xml\"/>");
        else
            product_line(l, sizeof lines[i], i, amount);
        strcat(text, i == 32 ? " " : "\n"); /* product 32 goes on line 34, after product 31 */
        strcat(text, l);
    }
    strcat(text, "\n</catalog>\n");
    {
        char *path = inv_write(name, text);
        free(text);
        return path;
    }
}

/* Product rows of the latest run: "ordinal status message" per line. */
static void batch_rows(const char *catalog, const char *results, int threads, size_t chunk,
                       char *out, size_t size)
{
    const char *inv[1] = {inv_fixture("loop.inventory.xml")};
    char inventory[1024], method[1024];
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    snprintf(inventory, sizeof inventory, "%s", inv_fixture("loop.inventory.xml"));
    snprintf(method, sizeof method, "%s", inv_fixture("gwp.method.xml"));
    inv[0] = inventory;
    o.catalog = catalog;
    o.inventories = inv;
    o.ninventories = 1;
    o.method = method;
    o.results = results;
    o.threads = threads;
    o.chunk = chunk;
    o.fresh = true;
    cr_assert_eq(glca_batch_run(&sum, &o, &err), 0, "%s", inv_fmt(&err));
    cr_assert(sum.complete);
    cr_assert_eq(sqlite3_open_v2(results, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT ordinal, status, coalesce(message, '') FROM product"
                                    " WHERE run = (SELECT max(id) FROM run) ORDER BY ordinal",
                                    -1, &st, NULL),
                 SQLITE_OK);
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%d %s %s\n", sqlite3_column_int(st, 0),
                 (const char *)sqlite3_column_text(st, 1),
                 (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The same rows from the serial reader (every product of this catalog binds, so a product the
 * reader returns is an ok row). */
static void serial_rows(const char *catalog, char *out, size_t size)
{
    glca_catalog *c = NULL;
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p;
    size_t ordinal;
    int rc;

    cr_assert_eq(glca_catalog_open(&c, catalog, NULL, &err), 0, "%s", inv_fmt(&err));
    out[0] = '\0';
    while ((rc = glca_catalog_next(c, &p, &ordinal, &err)) != 0) {
        size_t len = strlen(out);
        if (rc > 0)
            snprintf(out + len, size - len, "%zu ok \n", ordinal);
        else
            snprintf(out + len, size - len, "%zu error %s\n", ordinal, inv_fmt(&err));
        glca_product_free(p);
    }
    glca_catalog_free(c);
}

static char *row_of(char *rows, int ordinal)
{
    char key[32];
    char *p = rows;

    snprintf(key, sizeof key, "%d ", ordinal);
    for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, key, strlen(key)) == 0)
            return p;
    return NULL;
}

Test(inventories_catalog_split, rows_equal_the_serial_readers_for_any_threads_and_chunks,
     .timeout = 60)
{
    static char serial[32768], rows[32768];
    char *catalog = write_catalog("split.xml", false), *results, want[1200], *r;
    static const struct {
        int threads;
        size_t chunk;
    } runs[] = {{1, 512}, {2, 512}, {2, 7}, {2, 1}};
    size_t i;
    long col;

    free(copy_fixture("heater.product.xml"));
    results = inv_write("split.sqlite", "");
    serial_rows(catalog, serial, sizeof serial);
    for (i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        batch_rows(catalog, results, runs[i].threads, runs[i].chunk, rows, sizeof rows);
        cr_assert_str_eq(rows, serial, "threads %d chunk %zu:\n%s\nserial:\n%s", runs[i].threads,
                         runs[i].chunk, rows, serial);
    }
    /* by hand: product 20 on line 23, its bad amount on the <input> element */
    col = (long)(strstr(lines[20], "<input") - lines[20]) + 1;
    snprintf(want, sizeof want, "20 error %s:23:%ld: ", catalog, col);
    cr_assert_not_null(r = row_of(rows, 20));
    cr_assert(strncmp(r, want, strlen(want)) == 0, "want %s, got %.200s", want, r);
    /* product 32 starts block 3 in the middle of line 34, after product 31 and a space */
    col = (long)strlen(lines[31]) + 1 + (long)(strstr(lines[32], "<input") - lines[32]) + 1;
    snprintf(want, sizeof want, "32 error %s:34:%ld: ", catalog, col);
    cr_assert_not_null(r = row_of(rows, 32));
    cr_assert(strncmp(r, want, strlen(want)) == 0, "want %s, got %.200s", want, r);
    /* the prefixed product reads, the widget is an unknown element, the include is ordinal 36 */
    cr_assert_not_null(r = row_of(rows, 10));
    cr_assert(strncmp(r, "10 ok", 5) == 0, "%.200s", r);
    cr_assert_not_null(r = row_of(rows, 12));
    cr_assert_not_null(strstr(r, "unknown element <widget>"), "%.200s", r);
    cr_assert_not_null(r = row_of(rows, 36));
    cr_assert(strncmp(r, "36 ok", 5) == 0, "%.200s", r);
    cr_assert_not_null(row_of(rows, NPRODUCTS - 1));
    cr_assert_null(row_of(rows, NPRODUCTS));
    free(catalog);
    free(results);
}

Test(inventories_catalog_split, malformed_xml_ends_the_catalog_as_the_serial_reader_does,
     .timeout = 60)
{
    static char serial[32768], rows[32768];
    char *catalog = write_catalog("split-bad.xml", true), *results, *r;

    results = inv_write("split-bad.sqlite", "");
    serial_rows(catalog, serial, sizeof serial);
    batch_rows(catalog, results, 2, 512, rows, sizeof rows);
    cr_assert_str_eq(rows, serial, "batch:\n%s\nserial:\n%s", rows, serial);
    batch_rows(catalog, results, 2, 7, rows, sizeof rows);
    cr_assert_str_eq(rows, serial, "batch:\n%s\nserial:\n%s", rows, serial);
    /* products 0..19 (12 the widget), then 20 is malformed and nothing follows */
    cr_assert_not_null(r = row_of(rows, 20));
    cr_assert_not_null(strstr(r, "malformed XML"), "%.200s", r);
    cr_assert_null(row_of(rows, 21));
    cr_assert_not_null(r = row_of(rows, 19));
    cr_assert(strncmp(r, "19 ok", 5) == 0, "%.200s", r);
    free(catalog);
    free(results);
}
