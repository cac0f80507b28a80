/*
 * End-to-end test of `greenlca ruleset explain`: the review sheet of the bundled room air
 * conditioner rules, counted by hand from ruleset/rules/room-air-conditioner.ruleset.xml: seven
 * basic requirements (no threshold), R1 and R2 (one provisional threshold each), E1 (three
 * provisional capacity rows), V1-V6 (the GB/T 26572-2011 limits, confirmed), V7 (provisional),
 * V8 (four provisional capacity rows), V9 and C1 (report, no threshold).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "runcmd.h"

#define RULES GLCA_TEST_DIR "/../ruleset/rules/room-air-conditioner.ruleset.xml"

Test(cli_ruleset, explain_csv_has_one_row_per_threshold_with_its_basis, .timeout = 30)
{
    run_result r;
    const char *line;
    int rows = 0, confirmed = 0, provisional = 0;

    cr_assert_eq(run_command(&r, GLCA_CLI " ruleset explain " RULES " --format csv"), 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.out, "ruleset,edition,framework,id,kind,", 34) == 0, "%s", r.out);
    for (line = strchr(r.out, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        char buf[1024];
        size_t n = (size_t)(strchr(line, '\n') - line);

        cr_assert_lt(n, sizeof buf);
        memcpy(buf, line, n);
        buf[n] = '\0';
        rows++;
        confirmed += strstr(buf, ",confirmed,GB/T 26572-2011 Table 1,") != NULL;
        provisional += strstr(buf, ",provisional,") != NULL;
    }
    cr_assert_eq(rows, 7 + 2 + 3 + 6 + 1 + 4 + 2);
    cr_assert_eq(confirmed, 6);
    cr_assert_eq(provisional, 2 + 3 + 1 + 4);
    run_result_free(&r);
    /* the text sheet names the edition and says the count in both languages */
    cr_assert_eq(run_command(&r, GLCA_CLI " ruleset explain " RULES), 0);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "edition 标准版本: T/CAGP 0001—2016 / T/CAB 0001—2016 (2016)"), "%s",
              r.out);
    cr_assert(strstr(r.out, "thresholds 阈值: 16, of which 10 provisional 暂定 and 6 confirmed"),
              "%s", r.out);
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " ruleset frobnicate " RULES), 0);
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
}
