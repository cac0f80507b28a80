/*
 * The basis of thresholds and the qualified verdict: hand-checked products judged on a mix of
 * confirmed and provisional thresholds, the review sheet's CSV, and editions chosen by date.
 *
 * The rules (mix_rules below) on the worked heater of ruleset_test.h, outcomes by hand:
 *   R1 recyclable share 3 kg / 3.5 kg = 85.714 % >= 85 %   confirmed   pass (always)
 *   V1 lead 40 ppm <= 1000 ppm                             confirmed   pass (always)
 *   N1 declared noise <= 45 dB(A)                          confirmed
 *   E1 declared APF >= 5.0 when capacity <= 4500 W         confirmed
 *                   >= 4.0 otherwise                       provisional (inherits the indicator's)
 *   C1 carbon footprint                                    report, no threshold
 */
#include "ruleset_test.h"
#include "runcmd.h"

static const char mix_rules[] =
    "<basic-requirement id=\"B1\" name=\"Management system\" check=\"attr('b1')\" "
    "source=\"GB/T 32161-2015\"/>\n"
    "<indicator id=\"R1\" attribute=\"resource\" name=\"Recyclable share\" unit=\"%\" "
    "comparator=\"&gt;=\" baseline=\"85\" value=\"recyclable_share() * 100\" basis=\"confirmed\" "
    "source=\"Spec A Table 1\"/>\n"
    "<indicator id=\"V1\" attribute=\"environment\" name=\"Lead\" unit=\"ppm\" "
    "comparator=\"&lt;=\" baseline=\"1000\" value=\"substance_ppm('7439-92-1')\" "
    "basis=\"confirmed\" source=\"GB/T 26572-2011 Table 1\"/>\n"
    "<indicator id=\"N1\" attribute=\"environment\" name=\"Noise\" unit=\"dB(A)\" "
    "comparator=\"&lt;=\" baseline=\"45\" value=\"attr('noise')\" basis=\"confirmed\" "
    "source=\"Spec A Table 2\"/>\n"
    "<indicator id=\"E1\" attribute=\"energy\" name=\"APF\" comparator=\"&gt;=\" "
    "value=\"attr('apf')\" basis=\"provisional\" source=\"Spec A Table 3 (not checked)\">\n"
    "  <baseline when=\"attr('capacity') &lt;= 4500\" value=\"5.0\" basis=\"confirmed\" "
    "source=\"Spec A Table 3 row 1\"/>\n"
    "  <baseline value=\"4.0\"/>\n"
    "</indicator>\n"
    "<indicator id=\"C1\" attribute=\"environment\" name=\"Footprint\" unit=\"kg CO2-eq\" "
    "comparator=\"report\" value=\"impact('gwp100')\"/>\n";

static glca_verdict *judge(const char *noise, const char *capacity, const char *apf)
{
    test_declare decl[] = {
        {"b1", "true"}, {"noise", noise}, {"capacity", capacity}, {"apf", apf}, {NULL, NULL}};
    glca_ruleset *rs = NULL;
    glca_verdict *v = NULL;
    example ex = {0};
    char xml[8192];
    size_t i, n = 0;

    /* a NULL value leaves the attribute undeclared */
    for (i = 0; decl[i].name; i++)
        if (decl[i].text)
            decl[n++] = decl[i];
    decl[n] = (test_declare){NULL, NULL};
    snprintf(xml, sizeof xml, "%s%s%s", RULESET_HEAD, mix_rules, RULESET_TAIL);
    TRY(load_text(&rs, xml, &e_));
    example_product(&ex, "example", decl);
    TRY(glca_ruleset_evaluate(&v, rs, ex.product, ex.bg, ex.impacts, &e_));
    glca_ruleset_free(rs);
    example_free(&ex);
    return v;
}

static const glca_verdict_item *find(const glca_verdict *v, const char *id)
{
    size_t n, i;
    const glca_verdict_item *items = glca_verdict_items(v, &n);

    for (i = 0; i < n; i++)
        if (strcmp(items[i].id, id) == 0)
            return &items[i];
    cr_assert_fail("no item %s", id);
    return NULL;
}

Test(ruleset_basis, certified_on_confirmed_thresholds_only_is_a_bare_certified)
{
    /* 3500 W: E1 judged on the confirmed 5.0 row; 5.2 >= 5.0, noise 40 <= 45: all confirmed */
    glca_verdict *v = judge("40", "3500", "5.2");

    cr_assert(glca_verdict_certified(v));
    cr_assert_eq(glca_verdict_get_status(v), GLCA_VERDICT_CERTIFIED);
    cr_assert_str_eq(glca_verdict_label(v), "certified");
    cr_assert_str_eq(glca_verdict_label_zh(v), "符合生态设计产品评价要求");
    cr_assert_str_eq(glca_verdict_provisional(v), "");
    cr_assert_not(find(v, "E1")->provisional);
    cr_assert_str_eq(glca_verdict_item_basis(find(v, "E1")), "confirmed");
    cr_assert_str_eq(find(v, "E1")->source, "Spec A Table 3 row 1");
    cr_assert_str_eq(find(v, "V1")->source, "GB/T 26572-2011 Table 1");
    cr_assert_null(glca_verdict_item_basis(find(v, "B1")), "a basic requirement has no threshold");
    cr_assert_str_eq(find(v, "B1")->source, "GB/T 32161-2015");
    cr_assert_null(glca_verdict_item_basis(find(v, "C1")), "a report indicator has none");
    glca_verdict_free(v);
}

Test(ruleset_basis, certified_with_a_provisional_threshold_says_which)
{
    /* 5000 W: E1 judged on the provisional 4.0 row (inherited basis and source); 4.5 >= 4.0 */
    glca_verdict *v = judge("40", "5000", "4.5");

    cr_assert(glca_verdict_certified(v));
    cr_assert_eq(glca_verdict_get_status(v), GLCA_VERDICT_CERTIFIED_PROVISIONAL);
    cr_assert_str_eq(glca_verdict_label(v), "certified (provisional thresholds: E1)");
    cr_assert_str_eq(glca_verdict_label_zh(v), "符合生态设计产品评价要求（暂定阈值：E1）");
    cr_assert_str_eq(glca_verdict_status_name(glca_verdict_get_status(v)), "certified-provisional");
    cr_assert(find(v, "E1")->provisional);
    cr_assert_str_eq(find(v, "E1")->source, "Spec A Table 3 (not checked)");
    cr_assert_str_eq(find(v, "E1")->reason, "E1: APF 4.5 >= 4.0 (provisional baseline)");
    glca_verdict_free(v);
}

Test(ruleset_basis, failing_a_confirmed_threshold_is_a_bare_not_certified)
{
    /* noise 47 > 45 (confirmed) fails; E1 passes its provisional row, which cannot rescue it */
    glca_verdict *v = judge("47", "5000", "4.5");

    cr_assert_not(glca_verdict_certified(v));
    cr_assert_eq(glca_verdict_get_status(v), GLCA_VERDICT_NOT_CERTIFIED);
    cr_assert_str_eq(glca_verdict_label(v), "not certified");
    cr_assert_str_eq(glca_verdict_provisional(v), "");
    glca_verdict_free(v);
    /* both a confirmed and a provisional failure: still firm */
    v = judge("47", "5000", "3.9");
    cr_assert_eq(glca_verdict_get_status(v), GLCA_VERDICT_NOT_CERTIFIED);
    glca_verdict_free(v);
}

Test(ruleset_basis, failing_only_provisional_thresholds_is_qualified_too)
{
    /* 3.9 < 4.0 on the provisional row, everything else passes */
    glca_verdict *v = judge("40", "5000", "3.9");

    cr_assert_eq(glca_verdict_get_status(v), GLCA_VERDICT_NOT_CERTIFIED_PROVISIONAL);
    cr_assert_str_eq(glca_verdict_label(v), "not certified (on provisional thresholds: E1)");
    cr_assert_str_eq(glca_verdict_label_zh(v), "不符合生态设计产品评价要求（依据暂定阈值：E1）");
    cr_assert_str_eq(glca_verdict_provisional(v), "E1");
    glca_verdict_free(v);
    /* 4.9 < 5.0 on the confirmed row fails firmly */
    v = judge("40", "3500", "4.9");
    cr_assert_eq(glca_verdict_get_status(v), GLCA_VERDICT_NOT_CERTIFIED);
    glca_verdict_free(v);
}

Test(ruleset_basis, missing_data_is_not_evaluable_and_never_qualified_as_a_pass)
{
    glca_verdict *v = judge(NULL, "5000", "4.5");

    cr_assert_not(glca_verdict_certified(v));
    cr_assert_eq(glca_verdict_get_status(v), GLCA_VERDICT_NOT_EVALUABLE);
    cr_assert_str_eq(glca_verdict_label(v), "not certified (not evaluable: N1)");
    glca_verdict_free(v);
}

/* One row per threshold: B1 and C1 have none (one row each), R1 V1 N1 one, E1 two: 7 rows. */
Test(ruleset_basis, review_sheet_csv_has_one_row_per_threshold_with_its_basis)
{
    static const char *const want[][3] = {{"B1", "", ""},
                                          {"R1", "85", "confirmed"},
                                          {"V1", "1000", "confirmed"},
                                          {"N1", "45", "confirmed"},
                                          {"E1", "5.0", "confirmed"},
                                          {"E1", "4.0", "provisional"},
                                          {"C1", "", ""}};
    glca_ruleset *rs = NULL;
    char xml[8192], *csv = NULL, *line, *save = NULL;
    size_t len = 0, row = 0;
    FILE *f;

    snprintf(xml, sizeof xml, "%s%s%s", RULESET_HEAD, mix_rules, RULESET_TAIL);
    TRY(load_text(&rs, xml, &e_));
    f = open_memstream(&csv, &len);
    TRY(glca_ruleset_explain(f, rs, GLCA_EXPLAIN_CSV, &e_));
    fclose(f);
    for (line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save), row++) {
        char *field[32], *p = line;
        size_t k = 0;

        /* none of these fields hold a comma or a quote: a plain split is exact */
        while (k < 32 && (field[k++] = p) && (p = strchr(p, ',')))
            *p++ = '\0';
        cr_assert_eq(k, 18, "row %zu has %zu fields", row, k);
        if (row == 0) {
            cr_assert_str_eq(field[3], "id");
            cr_assert_str_eq(field[13], "baseline");
            cr_assert_str_eq(field[14], "basis");
            continue;
        }
        cr_assert_leq(row, 7);
        cr_assert_str_eq(field[3], want[row - 1][0], "row %zu", row);
        cr_assert_str_eq(field[13], want[row - 1][1], "row %zu", row);
        cr_assert_str_eq(field[14], want[row - 1][2], "row %zu", row);
    }
    cr_assert_eq(row, 8, "header + 7 rows");
    free(csv);
    glca_ruleset_free(rs);
}

static int load_root(const char *root_attrs, const char *rules, glca_error *err)
{
    glca_ruleset *rs = NULL;
    char xml[4096];
    int rc;

    snprintf(xml, sizeof xml,
             "<?xml version=\"1.0\"?>\n<ruleset xmlns=\"urn:greenlca:ruleset:1\" id=\"t\" "
             "version=\"1\" category=\"example\" %s>\n%s</ruleset>\n",
             root_attrs, rules);
    rc = load_text(&rs, xml, err);
    glca_ruleset_free(rs);
    return rc;
}

Test(ruleset_basis, frameworks_keep_their_attribute_groups_and_bad_values_are_refused)
{
    static const char quality[] = "<indicator id=\"Q1\" attribute=\"quality\" name=\"q\" "
                                  "comparator=\"&lt;=\" baseline=\"1\" value=\"attr('q')\"/>\n";
    static const char product[] = "<indicator id=\"P1\" attribute=\"product\" name=\"p\" "
                                  "comparator=\"==\" baseline=\"true\" value=\"attr('p')\"/>\n";
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(load_root("framework=\"green-product\"", quality, &err), 0, "%s", err.message);
    cr_assert_eq(load_root("framework=\"green-product\"", product, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "品质属性"), "%s", err.message);
    cr_assert_eq(load_root("", quality, &err), GLCA_EPARSE, "eco-design is the default");
    cr_assert_eq(load_root("framework=\"green\"", product, &err), GLCA_EPARSE);
    cr_assert_eq(load_root("in-force-from=\"2025-02-30\"", product, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "in-force-from"), "%s", err.message);
    cr_assert_eq(
        load_root("in-force-from=\"2025-05-01\" in-force-to=\"2025-04-30\"", product, &err),
        GLCA_EPARSE);
    cr_assert_eq(load_root("",
                           "<indicator id=\"P1\" attribute=\"energy\" name=\"p\" basis=\"sure\" "
                           "comparator=\"&lt;=\" baseline=\"1\" value=\"attr('p')\"/>\n",
                           &err),
                 GLCA_EPARSE);
    cr_assert(strstr(err.message, "confirmed, provisional"), "%s", err.message);
}

/* Two editions of one category, 2017 (to 2025-04-30) and 2024 (from 2025-05-01), written to a
 * directory; the date picks the one in force and the verdict names it. */
Test(ruleset_basis, the_date_picks_the_edition_in_force)
{
    static const char edition[] =
        "<?xml version=\"1.0\"?>\n<ruleset xmlns=\"urn:greenlca:ruleset:1\" id=\"t\" "
        "version=\"%s\" category=\"example\" framework=\"green-product\" edition=\"%s\" "
        "%s>\n<indicator id=\"R1\" attribute=\"resource\" name=\"Recyclable share\" unit=\"%%\" "
        "comparator=\"&gt;=\" baseline=\"%s\" value=\"recyclable_share() * 100\"/>\n"
        "</ruleset>\n";
    char *dir = make_temp_dir(), *a, *b, text[2048], cmd[1100];
    glca_rulebook *rb = NULL;
    glca_verdict *v = NULL;
    glca_error err = GLCA_ERROR_INIT;
    example ex = {0};

    /* 85.714 % passes the 2017 edition's 80 and fails the 2024 edition's 90 */
    snprintf(text, sizeof text, edition, "2017", "X-2017",
             "in-force-from=\"2018-07-01\" in-force-to=\"2025-04-30\"", "80");
    a = write_temp_file(dir, "a.xml", text);
    snprintf(text, sizeof text, edition, "2024", "X-2024", "in-force-from=\"2025-05-01\"", "90");
    b = write_temp_file(dir, "b.xml", text);
    example_product(&ex, "example", NULL);
    TRY(glca_rulebook_load_dir(&rb, dir, NULL, NULL, NULL, &e_));
    TRY(glca_rulebook_set_date(rb, "2025-04-30", &e_));
    TRY(glca_rulebook_evaluate(&v, rb, ex.product, ex.bg, ex.impacts, &e_));
    cr_assert_str_eq(glca_verdict_edition(v), "X-2017");
    cr_assert(glca_verdict_certified(v));
    cr_assert_str_eq(glca_verdict_label_zh(v), "符合绿色产品评价要求（暂定阈值：R1）");
    glca_verdict_free(v);
    TRY(glca_rulebook_set_date(rb, "2025-05-01", &e_));
    TRY(glca_rulebook_evaluate(&v, rb, ex.product, ex.bg, ex.impacts, &e_));
    cr_assert_str_eq(glca_verdict_edition(v), "X-2024");
    cr_assert_not(glca_verdict_certified(v));
    glca_verdict_free(v);
    v = NULL;
    TRY(glca_rulebook_set_date(rb, "2018-06-30", &e_));
    cr_assert_eq(glca_rulebook_evaluate(&v, rb, ex.product, ex.bg, ex.impacts, &err),
                 GLCA_ENOTFOUND);
    cr_assert(strstr(err.message, "in force on 2018-06-30"), "%s", err.message);
    cr_assert(strstr(err.message, "X-2017 (2018-07-01 to 2025-04-30)"), "%s", err.message);
    cr_assert_null(v);
    cr_assert_eq(glca_rulebook_set_date(rb, "2018-6-30", &err), GLCA_EPARSE);
    glca_rulebook_free(rb);
    /* overlapping editions cannot be told apart */
    unlink(b);
    free(b);
    snprintf(text, sizeof text, edition, "2024", "X-2024", "in-force-from=\"2025-04-30\"", "90");
    b = write_temp_file(dir, "b.xml", text);
    rb = NULL;
    cr_assert_eq(glca_rulebook_load_dir(&rb, dir, NULL, NULL, NULL, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "in force on the same dates"), "%s", err.message);
    example_free(&ex);
    unlink(a);
    unlink(b);
    snprintf(cmd, sizeof cmd, "rmdir '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(a);
    free(b);
    free(dir);
}
