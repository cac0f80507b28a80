/*
 * The Lambda cache key of imported inventories follows the options that change the model (the
 * allocation, the provider map's bytes) and nothing else: the defaults keep the key of
 * glca_lambda_cache_key, the linking report's name does not enter it.  A linking report asked
 * for is written, so the cache is not read for it.  The inventory is the mill of
 * tests/common/mill.h, whose CO2 is allocated 60/40 between its flour and its bran.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glca/inventories.h>

#include "mill.h"
#include "runcmd.h"

static void key_of(unsigned char out[GLCA_SHA256_SIZE], const char *inv, const char *meth,
                   const glca_load_options *lo)
{
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_lambda_cache_key_ex(out, &inv, 1, meth, lo, NULL, &e), 0, "%s", e.message);
}

Test(inventories_lambda_cache_import, key_follows_allocation_and_provider_map_bytes)
{
    char *dir = make_temp_dir(), *inv, *meth, *map1, *map2, report[1024], mill[4096];
    unsigned char plain[GLCA_SHA256_SIZE], k[GLCA_SHA256_SIZE], none[GLCA_SHA256_SIZE];
    unsigned char physical[GLCA_SHA256_SIZE], mapped[GLCA_SHA256_SIZE];
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    glca_error e = GLCA_ERROR_INIT;

    mill_ecospold1(mill, sizeof mill, "20");
    inv = write_temp_file(dir, "mill.xml", mill);
    meth = write_temp_file(dir, "gwp.method.xml", mill_co2_method);
    map1 = write_temp_file(dir, "map1.csv", "consumer,flow,provider\n");
    map2 = write_temp_file(dir, "map2.csv", "consumer,flow,provider\n\n");
    cr_assert_eq(glca_lambda_cache_key(plain, (const char *const *)&inv, 1, meth, NULL, &e), 0);
    key_of(k, inv, meth, NULL);
    cr_assert_eq(memcmp(k, plain, sizeof k), 0, "no options: the key of glca_lambda_cache_key");
    key_of(k, inv, meth, &lo);
    cr_assert_eq(memcmp(k, plain, sizeof k), 0, "the defaults: that key too");
    snprintf(report, sizeof report, "%s/link.md", dir);
    lo.linking_report = report;
    key_of(k, inv, meth, &lo);
    cr_assert_eq(memcmp(k, plain, sizeof k), 0, "a linking report changes no number");
    lo.allocation = GLCA_ALLOCATION_NONE;
    key_of(none, inv, meth, &lo);
    cr_assert_neq(memcmp(none, plain, sizeof none), 0);
    lo.allocation = GLCA_ALLOCATION_PHYSICAL;
    key_of(physical, inv, meth, &lo);
    cr_assert_neq(memcmp(physical, plain, sizeof none), 0);
    cr_assert_neq(memcmp(physical, none, sizeof none), 0);
    lo.allocation = GLCA_ALLOCATION_DATA;
    lo.provider_map = map1;
    key_of(mapped, inv, meth, &lo);
    cr_assert_neq(memcmp(mapped, plain, sizeof none), 0);
    lo.provider_map = map2; /* one byte more */
    key_of(k, inv, meth, &lo);
    cr_assert_neq(memcmp(k, mapped, sizeof k), 0);
    cr_assert_neq(memcmp(k, plain, sizeof k), 0);
    free(inv);
    free(meth);
    free(map1);
    free(map2);
    free(dir);
}

Test(inventories_lambda_cache_import, each_allocation_cached_apart_and_reports_written)
{
    char *dir = make_temp_dir(), *inv, *meth, cache[1024], report[1024], *text, mill[4096];
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    glca_error e = GLCA_ERROR_INIT;
    glca_cache_report cr;
    glca_background *bg;

    mill_ecospold1(mill, sizeof mill, "20");
    inv = write_temp_file(dir, "mill.xml", mill);
    meth = write_temp_file(dir, "gwp.method.xml", mill_co2_method);
    snprintf(cache, sizeof cache, "%s/cache", dir);
    /* data, then none: two misses, each stored */
    cr_assert_eq(glca_load_background_cached_ex(&bg, &cr, cache, (const char *const *)&inv, 1,
                                                meth, &lo, NULL, NULL, NULL, &e),
                 0, "%s", e.message);
    cr_assert(!cr.hit && cr.stored);
    glca_background_free(bg);
    lo.allocation = GLCA_ALLOCATION_NONE;
    cr_assert_eq(glca_load_background_cached_ex(&bg, &cr, cache, (const char *const *)&inv, 1,
                                                meth, &lo, NULL, NULL, NULL, &e),
                 0, "%s", e.message);
    cr_assert(!cr.hit && cr.stored, "none is not served the background of data");
    glca_background_free(bg);
    cr_assert_eq(glca_load_background_cached_ex(&bg, &cr, cache, (const char *const *)&inv, 1,
                                                meth, &lo, NULL, NULL, NULL, &e),
                 0);
    cr_assert(cr.hit);
    glca_background_free(bg);
    /* with a linking report: linked again and the report written, one coproduct line */
    snprintf(report, sizeof report, "%s/link.json", dir);
    lo.linking_report = report;
    cr_assert_eq(glca_load_background_cached_ex(&bg, &cr, cache, (const char *const *)&inv, 1,
                                                meth, &lo, NULL, NULL, NULL, &e),
                 0);
    cr_assert(!cr.hit);
    glca_background_free(bg);
    cr_assert_not_null(text = read_whole_file(report, NULL));
    cr_assert_not_null(strstr(text, "\"coproduct\": 1,"), "%s", text);
    free(text);
    free(inv);
    free(meth);
    free(dir);
}
