/*
 * A block without its bytes (how the ranks of an MPI job get their blocks: descriptors only,
 * batch_mpi_source.c) is read from the catalog when it is parsed (catalog_split.c): it parses
 * to the product written at that offset, and one the file no longer holds is a read error with
 * the file and the block's line, not a parse failure (which would send the batch to the serial
 * reader).  The catalog is written here: product p<i> on line 3 + i, so the block of p1 starts
 * where p0 ends, on line 3.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include <glca/engine.h>

#include "batch/catalog_split.h"
#include "helpers_study.h"
#include "runcmd.h"

static const char catalog[] =
    "<?xml version=\"1.0\"?>\n"
    "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"
    "<product xmlns=\"urn:greenlca:product:1\" id=\"p0\" category=\"x\"><use>"
    "<input process=\"grid\" amount=\"1\" unit=\"kWh\"/></use></product>\n"
    "<product xmlns=\"urn:greenlca:product:1\" id=\"p1\" category=\"x\"><use>"
    "<input process=\"grid\" amount=\"2\" unit=\"kWh\"/></use></product>\n"
    "</catalog>\n";

/* The splitter on the catalog (written in a new `*dir`) and its second block (product p1), as
 * a rank receives it. */
static glca_inventories__split *second_block(char **dir, glca_inventories__block *out)
{
    char *path;
    glca_inventories__split *s = NULL;
    const glca_inventories__block *blocks;
    glca_error err = GLCA_ERROR_INIT;
    size_t n, from;
    bool eof;

    *dir = make_temp_dir();
    path = write_temp_file(*dir, "catalog.xml", catalog);
    cr_assert_eq(glca_inventories__split_open(&s, path, NULL, &err), 0, "%s", err.message);
    cr_assert_not_null(s);
    free(path);
    cr_assert_eq(glca_inventories__split_next(s, 10, 1, &blocks, &n, &from, &eof, &err), 0, "%s",
                 err.message);
    /* a block a product, then the root's end (a block of none, to the end of the file) */
    cr_assert_eq(n, 3, "%zu blocks", n);
    cr_assert(blocks[1].n == 1 && blocks[1].first == 1);
    *out = blocks[1];
    out->body = NULL;
    return s;
}

/* glca_inventories__split_parse of the one-product block `b`, its scratch buffer freed. */
static int parse(const glca_inventories__split *s, const glca_inventories__block *b,
                 glca_product **product, glca_error *error, glca_error *err)
{
    char *scratch = NULL;
    size_t cap = 0;
    int rc = glca_inventories__split_parse(s, b, &scratch, &cap, product, error, err);

    free(scratch);
    return rc;
}

Test(inventories_block_read, a_block_without_bytes_is_read_at_its_offset, .timeout = 10)
{
    glca_inventories__block b;
    char *dir;
    glca_inventories__split *s = second_block(&dir, &b);
    glca_product *product;
    glca_error error, err = GLCA_ERROR_INIT;

    cr_assert_eq(b.line, 3);
    cr_assert_eq(parse(s, &b, &product, &error, &err), 0);
    cr_assert_not_null(product, "%s", error.message);
    cr_assert_str_eq(glca_product_id(product), "p1");
    glca_product_free(product);
    glca_inventories__split_free(s);
    remove_tree(dir);
}

Test(inventories_block_read, a_block_past_the_end_is_a_read_error, .timeout = 10)
{
    glca_inventories__block b;
    char *dir;
    glca_inventories__split *s = second_block(&dir, &b);
    glca_product *product;
    glca_error error, err = GLCA_ERROR_INIT;

    b.at = (long long)sizeof catalog + 100; /* the file shrank after it was split */
    cr_assert_eq(parse(s, &b, &product, &error, &err), GLCA_EIO);
    cr_assert_null(product);
    cr_assert_eq(err.code, GLCA_EIO);
    cr_assert(strstr(err.file, "catalog.xml"), "%s", err.file);
    cr_assert_eq(err.line, 3);
    cr_assert_str_eq(err.message, "read error: the file changed while the batch ran");
    glca_inventories__split_free(s);
    remove_tree(dir);
}
