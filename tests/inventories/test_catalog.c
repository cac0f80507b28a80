/*
 * The streaming catalog: inline products and includes in document order, recovery after a bad
 * product, refused includes (URLs, absolute paths, cycles, missing files), malformed files, the
 * empty cases, and memory that does not grow with the number of products.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <malloc.h>
#include <sys/stat.h>

#include "inv_test_util.h"

#define CAT "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"cat\">\n"
#define PROD(id) "<product xmlns=\"urn:greenlca:product:1\" id=\"" id "\"/>"

static glca_catalog *open_catalog(const char *path)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_catalog *c = NULL;

    cr_assert_eq(glca_catalog_open(&c, path, NULL, &err), 0, "%s", inv_fmt(&err));
    return c;
}

static void expect_product(glca_catalog *c, const char *id, size_t ordinal)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    size_t ord = 999;
    int rc = glca_catalog_next(c, &p, &ord, &err);

    cr_assert_eq(rc, 1, "expected product '%s', got %d: %s", id, rc, inv_fmt(&err));
    cr_assert_str_eq(glca_product_id(p), id);
    cr_assert_eq(ord, ordinal, "'%s' ordinal %zu", id, ord);
    glca_product_free(p);
}

static void expect_error(glca_catalog *c, size_t ordinal, const char *file, long line,
                         const char *needle)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = (glca_product *)1;
    size_t ord = 999;
    int rc = glca_catalog_next(c, &p, &ord, &err);

    cr_assert_lt(rc, 0, "expected an error mentioning '%s', got %d", needle, rc);
    cr_assert_null(p);
    cr_assert_eq(ord, ordinal);
    cr_assert(strstr(err.file, file) != NULL, "%s", inv_fmt(&err));
    if (line)
        cr_assert_eq(err.line, line, "%s", inv_fmt(&err));
    inv_assert_msg(&err, needle);
}

static void expect_end(glca_catalog *c)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = (glca_product *)1;

    cr_assert_eq(glca_catalog_next(c, &p, NULL, &err), 0, "%s", inv_fmt(&err));
    cr_assert_null(p);
    cr_assert_eq(glca_catalog_next(c, &p, NULL, &err), 0, "the end stays the end");
}

static void make_subdir(const char *name)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", inv_tmpdir(), name);
    mkdir(path, 0700);
}

Test(inventories_catalog, inline_include_and_a_bad_product_in_order)
{
    char *path;
    glca_catalog *c;

    make_subdir("sub");
    free(inv_write("sub/more.xml",
                   "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"more\">\n"
                   "  " PROD("b1") "\n"
                   "  " PROD("b2") "\n"
                   "</catalog>\n"));
    free(inv_write("single.xml", PROD("e") "\n"));
    path = inv_write("cat.xml",
                     CAT                                                             /* 1 */
                     "  <product xmlns=\"urn:greenlca:product:1\" id=\"a\">\n"        /* 2 */
                     "    <use><input process=\"grid\" amount=\"1\"/></use>\n"        /* 3 */
                     "  </product>\n"                                                /* 4 */
                     "  <product xmlns=\"urn:greenlca:product:1\" id=\"bad\">\n"      /* 5 */
                     "    <material id=\"m\" process=\"x\" mass=\"-1\"/>\n"           /* 6 */
                     "  </product>\n"                                                /* 7 */
                     "  <include href=\"sub/more.xml\"/>\n"                          /* 8 */
                     "  " PROD("d") "\n"                                             /* 9 */
                     "  <include href=\"single.xml\"/>\n"                            /* 10 */
                     "</catalog>\n");
    c = open_catalog(path);
    expect_product(c, "a", 0);
    expect_error(c, 1, "cat.xml", 6, "mass must not be negative");
    expect_product(c, "b1", 2);
    expect_product(c, "b2", 3);
    expect_product(c, "d", 4);
    expect_product(c, "e", 5);
    expect_end(c);
    glca_catalog_free(c);
    free(path);
}

Test(inventories_catalog, empty_file_is_an_error)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_catalog *c = NULL;
    char *path = inv_write("empty-cat.xml", "");

    cr_assert_eq(glca_catalog_open(&c, path, NULL, &err), GLCA_EPARSE);
    cr_assert_null(c);
    inv_assert_msg(&err, "empty file");
    free(path);
}

Test(inventories_catalog, catalog_without_products_is_valid_and_empty)
{
    char *path = inv_write("no-products.xml", "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\"/>");
    glca_catalog *c = open_catalog(path);

    expect_end(c);
    glca_catalog_free(c);
    free(path);
}

Test(inventories_catalog, catalog_needs_an_id)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_catalog *c = NULL;
    char *path = inv_write("no-id.xml", "<catalog xmlns=\"urn:greenlca:catalog:1\"/>");

    cr_assert_eq(glca_catalog_open(&c, path, NULL, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "missing required attribute 'id' on <catalog>");
    free(path);
}

Test(inventories_catalog, refused_includes_are_bad_entries)
{
    char *path, abs_include[600];
    glca_catalog *c;

    free(inv_write("ok.xml", PROD("ok") "\n"));
    snprintf(abs_include, sizeof abs_include,
             CAT "  <include href=\"http://example.com/x.xml\"/>\n"  /* 2 */
                 "  <include href=\"%s/ok.xml\"/>\n"                  /* 3 */
                 "  <include href=\"missing.xml\"/>\n"                /* 4 */
                 "  <include/>\n"                                     /* 5 */
                 "  <include href=\"ok.xml\"/>\n"                     /* 6 */
                 "  <shelf/>\n"                                       /* 7 */
                 "</catalog>\n",
             inv_tmpdir());
    path = inv_write("refused.xml", abs_include);
    c = open_catalog(path);
    expect_error(c, 0, "refused.xml", 2, "is a URL");
    expect_error(c, 1, "refused.xml", 3, "must be a relative path");
    expect_error(c, 2, "refused.xml", 4, "missing.xml");
    expect_error(c, 3, "refused.xml", 5, "missing required attribute 'href'");
    expect_product(c, "ok", 4);
    expect_error(c, 5, "refused.xml", 7, "unknown element <shelf>");
    expect_end(c);
    glca_catalog_free(c);
    free(path);
}

Test(inventories_catalog, include_cycle_is_refused)
{
    char *path;
    glca_catalog *c;

    free(inv_write("cyc-b.xml", "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"b\">\n"
                                "  " PROD("in-b") "\n"
                                "  <include href=\"cyc-a.xml\"/>\n" /* line 3 */
                                "</catalog>\n"));
    path = inv_write("cyc-a.xml", CAT "  <include href=\"cyc-b.xml\"/>\n"
                                      "  " PROD("after") "\n"
                                      "</catalog>\n");
    c = open_catalog(path);
    expect_product(c, "in-b", 0);
    expect_error(c, 1, "cyc-b.xml", 3, "include cycle");
    expect_product(c, "after", 2);
    expect_end(c);
    glca_catalog_free(c);
    free(path);
}

Test(inventories_catalog, malformed_included_file_ends_only_that_file, .init = cr_redirect_stderr)
{
    char *path;
    glca_catalog *c;

    free(inv_write("broken.xml", "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"x\">\n"
                                 "  " PROD("first") "\n"
                                 "  <product xmlns=\"urn:greenlca:product:1\" id=\"y\">\n"
                                 "</catalog>\n"));
    path = inv_write("outer.xml", CAT "  <include href=\"broken.xml\"/>\n"
                                      "  " PROD("after") "\n"
                                      "</catalog>\n");
    c = open_catalog(path);
    expect_product(c, "first", 0);
    expect_error(c, 1, "broken.xml", 4, "malformed XML");
    expect_product(c, "after", 2);
    expect_end(c);
    glca_catalog_free(c);
    free(path);
}

Test(inventories_catalog, malformed_catalog_ends_the_stream, .init = cr_redirect_stderr)
{
    char *path = inv_write("bad-cat.xml", CAT "  " PROD("one") "\n"
                                              "  <oops>\n"
                                              "  " PROD("two") "\n"
                                              "</catalog>\n");
    glca_catalog *c = open_catalog(path);
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    int rc;

    expect_product(c, "one", 0);
    /* <oops> (line 3) is unknown; skipping it meets the mismatched </catalog> (line 5) */
    expect_error(c, 1, "bad-cat.xml", 3, "unknown element <oops>");
    expect_error(c, 2, "bad-cat.xml", 5, "malformed XML");
    rc = glca_catalog_next(c, &p, NULL, &err);
    cr_assert_eq(rc, 0, "the stream ends instead of looping on the error");
    glca_catalog_free(c);
    free(path);
}

Test(inventories_catalog, memory_does_not_grow_with_products, .timeout = 30)
{
    const size_t n = 5000;
    FILE *f;
    char path[512];
    glca_catalog *c;
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p;
    size_t i, ord, count = 0;
    size_t early = 0, late = 0;
    int rc;

    snprintf(path, sizeof path, "%s/big-cat.xml", inv_tmpdir());
    cr_assert_not_null(f = fopen(path, "w"));
    fputs(CAT, f);
    for (i = 0; i < n; i++)
        fprintf(f,
                "  <product xmlns=\"urn:greenlca:product:1\" id=\"p%zu\" name=\"Product %zu\">\n"
                "    <component id=\"c\" quantity=\"2\">\n"
                "      <material id=\"m\" process=\"steel\" mass=\"%zu\" unit=\"g\"/>\n"
                "    </component>\n"
                "    <use><input process=\"grid\" amount=\"1\" unit=\"kWh\"/></use>\n"
                "  </product>\n",
                i, i, i + 1);
    fputs("</catalog>\n", f);
    fclose(f);
    c = open_catalog(path);
    while ((rc = glca_catalog_next(c, &p, &ord, &err)) == 1) {
        const glca_product_line *l;
        size_t nl;
        char id[32];
        cr_assert_eq(ord, count);
        snprintf(id, sizeof id, "p%zu", count);
        cr_assert_str_eq(glca_product_id(p), id);
        l = glca_product_lines(p, &nl);
        cr_assert_eq(nl, 2);
        cr_assert_eq(l[0].amount, 2.0 * (double)(count + 1)); /* quantity 2 × mass i+1 */
        glca_product_free(p);
        count++;
        if (count == 200)
            early = mallinfo2().uordblks;
        if (count == n)
            late = mallinfo2().uordblks;
    }
    cr_assert_eq(rc, 0, "%s", inv_fmt(&err));
    cr_assert_eq(count, n);
    /* 4800 more products (about 1.3 MB of XML) must not leave memory behind */
    cr_assert_lt(late, early + 64 * 1024, "in use after 200: %zu, after %zu: %zu", early, n, late);
    glca_catalog_free(c);
}
