/*
 * A block without its bytes (how the ranks of an MPI job get their blocks: descriptors only,
 * batch_mpi_source.c) is read from the catalog when it is parsed (catalog_split.c): it parses
 * to the product written at that offset, and one the file no longer holds is a read error with
 * the file and the block's line, not a parse failure (which would send the batch to the serial
 * reader).  The catalog is written here: product p<i> on line 3 + i, so the block of p1 starts
 * where p0 ends, on line 3.
 */
#include <criterion/criterion.h>

#include <string.h>

#include <glca/engine.h>

#include "batch/catalog_split.h"
#include "runcmd.h"

static const char catalog[] =
    "<?xml version=\"1.0\"?>\n"
    "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"c\">\n"
    "<product xmlns=\"urn:greenlca:product:1\" id=\"p0\" category=\"x\"><use>"
    "<input process=\"grid\" amount=\"1\" unit=\"kWh\"/></use></product>\n"
    "<product xmlns=\"urn:greenlca:product:1\" id=\"p1\" category=\"x\"><use>"
    "<input process=\"grid\" amount=\"2\" unit=\"kWh\"/></use></product>\n"
    "</catalog>\n";

/* The splitter on the catalog and its second block (product p1), as a rank receives it. */
static glca_inventories__split *second_block(glca_inventories__block *out)
{
    char *dir = make_temp_dir(), *path = write_temp_file(dir, "catalog.xml", catalog);
    glca_inventories__split *s = NULL;
    const glca_inventories__block *blocks;
    glca_error err = GLCA_ERROR_INIT;
    size_t n, from;
    bool eof;

    cr_assert_eq(glca_inventories__split_open(&s, path, NULL, &err), 0, "%s", err.message);
    cr_assert_not_null(s);
    cr_assert_eq(glca_inventories__split_next(s, 10, 1, &blocks, &n, &from, &eof, &err), 0, "%s",
                 err.message);
    /* a block a product, then the root's end (a block of none, to the end of the file) */
    cr_assert_eq(n, 3, "%zu blocks", n);
    cr_assert(blocks[1].n == 1 && blocks[1].first == 1);
    *out = blocks[1];
    out->body = NULL;
    return s;
}

Test(inventories_block_read, a_block_without_bytes_is_read_at_its_offset, .timeout = 10)
{
    glca_inventories__block b;
    glca_inventories__split *s = second_block(&b);
    glca_product *products[1];
    glca_error errors[1], err = GLCA_ERROR_INIT;
    char *scratch = NULL;
    size_t cap = 0;

    cr_assert_eq(b.line, 3);
    cr_assert_eq(glca_inventories__split_parse(s, &b, &scratch, &cap, products, errors, &err), 0);
    cr_assert_not_null(products[0], "%s", errors[0].message);
    cr_assert_str_eq(glca_product_id(products[0]), "p1");
    glca_product_free(products[0]);
    free(scratch);
    glca_inventories__split_free(s);
}

Test(inventories_block_read, a_block_past_the_end_is_a_read_error, .timeout = 10)
{
    glca_inventories__block b;
    glca_inventories__split *s = second_block(&b);
    glca_product *products[1];
    glca_error errors[1], err = GLCA_ERROR_INIT;
    char *scratch = NULL;
    size_t cap = 0;

    b.at = (long long)sizeof catalog + 100; /* the file shrank after it was split */
    cr_assert_eq(glca_inventories__split_parse(s, &b, &scratch, &cap, products, errors, &err),
                 GLCA_EIO);
    cr_assert_null(products[0]);
    cr_assert_eq(err.code, GLCA_EIO);
    cr_assert(strstr(err.file, "catalog.xml"), "%s", err.file);
    cr_assert_eq(err.line, 3);
    cr_assert_str_eq(err.message, "read error: the file changed while the batch ran");
    free(scratch);
    glca_inventories__split_free(s);
}
