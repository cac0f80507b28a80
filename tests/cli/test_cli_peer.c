/*
 * greenlca against an independent implementation on real data: every bundled example product,
 * on the bundled USLCI inventory, under both bundled methods, computed by `greenlca assess` and
 * by bench/peer_brightway.py (Brightway's algorithm in numpy/scipy: build A, B, C from the same
 * files with its own reader and unit table, SuperLU-factorize A, one solve per product).  Every
 * value must agree to 1e-9 relative: two codes that share nothing but the file formats.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runcmd.h"

#define SRC GLCA_SOURCE_DIR "/"
#define INVENTORY SRC "inventories/data/uslci/uslci.inventory.xml"
#define CATALOG GLCA_TEST_DIR "/fixtures/cli/examples.catalog.xml"
#define PRODUCTS                                                                               \
    SRC "examples/room-air-conditioner.product.xml " SRC "examples/desktop-computer.product.xml " \
        SRC "examples/ceramic-tile.product.xml " SRC "examples/certification/*.product.xml"

/* Value of the CSV row whose first four fields are `key` ("product,category,unit,stage,"). */
static bool find_value(const char *csv, const char *key, double *out)
{
    const char *at = csv;
    size_t len = strlen(key);

    while ((at = strstr(at, key))) {
        if (at == csv || at[-1] == '\n') {
            *out = strtod(at + len, NULL);
            return true;
        }
        at += len;
    }
    return false;
}

static void compare_with_peer(const char *method)
{
    char cmd[4096];
    run_result ours, peer;
    const char *line;
    size_t rows = 0;

    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess " PRODUCTS " --inventory " INVENTORY " --method %s --format csv",
             method);
    cr_assert_eq(run_command(&ours, cmd), 0);
    cr_assert_eq(ours.status, 0, "stderr: %s", ours.err);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 " SRC "bench/peer_brightway.py --inventory " INVENTORY
             " --method %s --catalog " CATALOG " --out -",
             method);
    cr_assert_eq(run_command(&peer, cmd), 0);
    cr_assert_eq(peer.status, 0, "peer: %s", peer.err);
    line = strchr(ours.out, '\n'); /* skip the header */
    cr_assert_not_null(line);
    for (line++; *line; line = strchr(line, '\n') + 1) {
        char key[512];
        const char *comma = line;
        double mine, theirs;
        int i;

        for (i = 0; i < 4; i++)
            comma = strchr(comma, ',') + 1;
        cr_assert_lt((size_t)(comma - line), sizeof key);
        memcpy(key, line, (size_t)(comma - line));
        key[comma - line] = '\0';
        mine = strtod(comma, NULL);
        cr_assert(find_value(peer.out, key, &theirs), "peer has no row %s", key);
        cr_assert(fabs(mine - theirs) <= 1e-9 * fmax(fabs(theirs), 1e-300) ||
                      (mine == 0 && fabs(theirs) < 1e-300),
                  "%s ours %.17g peer %.17g", key, mine, theirs);
        rows++;
    }
    /* 9 products × categories × (5 stages + total): at least the 54 rows of one category. */
    cr_assert_geq(rows, 54, "%zu rows", rows);
    run_result_free(&ours);
    run_result_free(&peer);
}

Test(cli_peer, bundled_examples_match_the_scipy_peer_under_ipcc_ar6, .timeout = 120)
{
    compare_with_peer(SRC "inventories/data/methods/ipcc-ar6-gwp100.method.xml");
}

Test(cli_peer, bundled_examples_match_the_scipy_peer_under_traci, .timeout = 120)
{
    compare_with_peer(SRC "inventories/data/methods/traci-2.1.method.xml");
}
