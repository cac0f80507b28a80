/*
 * The chunk sizes of the MPI dispatcher (glca_inventories__split_guided, catalog_split.c): a
 * quarter of the requested size until half a chunk per rank is handed out, then the requested
 * size while plenty is left, then a 2N-th of the products left, estimated from the bytes left at
 * the mean bytes per product so far, with a floor of two blocks or an eighth of a chunk,
 * whichever is more.  Every expected size is worked out by hand in the comment beside it.
 */
#include <criterion/criterion.h>

#include "batch/catalog_split.h"

Test(inventories_chunk_guided, full_chunks_while_each_rank_has_two_left, .timeout = 5)
{
    /* half of 115 MB split into 5,000 products: 5,000 left, / (2 * 2) = 1,250 >= 512 */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 115000000, 57500000, 5000, 2), 512);
    /* one rank: nobody waits for another's first chunk */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 115000000, 0, 0, 1), 512);
    /* everything split: the splitter says eof, the size asked does not matter */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 1000000, 1000000, 10000, 2), 512);
}

Test(inventories_chunk_guided, shrinks_to_a_share_of_what_is_left, .timeout = 5)
{
    /* 900 kB of 1 MB in 9,000 products: 100 B each, 100 kB = 1,000 left, / 4 = 250 */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 1000000, 900000, 9000, 2), 250);
    /* 3 ranks: 200 kB = 2,000 left, / 6 = 333.3, rounded up to 334 */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 1000000, 800000, 8000, 3), 334);
    /* 10 kB = 100 left, / 4 = 25, below an eighth of 512: 64 */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 1000000, 990000, 9900, 2), 64);
    /* the same with chunks of 200: an eighth is 25, two blocks of 16 are more: 32 */
    cr_assert_eq(glca_inventories__split_guided(200, 16, 1000000, 990000, 9900, 2), 32);
    /* a chunk of 20 requested, less than two blocks: 20 */
    cr_assert_eq(glca_inventories__split_guided(20, 16, 1000000, 990000, 9900, 2), 20);
}

Test(inventories_chunk_guided, quarter_chunks_at_the_start, .timeout = 5)
{
    /* nothing handed out, 2 ranks: 512 / 4 = 128 */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 115000000, 0, 0, 2), 128);
    /* 3 quarter chunks handed, 384 < 2 * 512 / 2 = 512: one more of 128 */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 115000000, 4400000, 384, 2), 128);
    /* 512 handed, no longer below 512: full chunks (plenty left) */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 115000000, 5900000, 512, 2), 512);
    /* 4 ranks: quarter chunks until 4 * 256 = 1,024 are handed out */
    cr_assert_eq(glca_inventories__split_guided(512, 16, 115000000, 11700000, 1023, 4), 128);
    cr_assert_eq(glca_inventories__split_guided(512, 16, 115000000, 11800000, 1024, 4), 512);
    /* chunks of 200: a quarter is 50, above the floor of 32 (two blocks; an eighth is 25) */
    cr_assert_eq(glca_inventories__split_guided(200, 16, 115000000, 0, 0, 2), 50);
    /* chunks of 64: a quarter is 16, below the floor of two blocks: 32 */
    cr_assert_eq(glca_inventories__split_guided(64, 16, 115000000, 0, 0, 2), 32);
    /* chunks of 20, less than two blocks: 20 throughout */
    cr_assert_eq(glca_inventories__split_guided(20, 16, 115000000, 0, 0, 2), 20);
}
