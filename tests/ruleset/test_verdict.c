/*
 * Verdicts: the certification truth table, comparators at their boundaries, piecewise
 * baselines at and around their limits, not-evaluable propagation, reason sentences, and the
 * JSON member.  Expected outcomes follow from FORMATS.md's rule (certified iff every basic
 * requirement is true and every non-report indicator passes) and are written out by hand.
 */
#include "ruleset_test.h"

/* Evaluates the ruleset text on the heater with the given declared data. */
static glca_verdict *verdict_for(const char *rules, const test_declare *decl)
{
    glca_ruleset *rs = NULL;
    glca_verdict *v = NULL;
    example ex = {0};
    char xml[4096];

    snprintf(xml, sizeof xml, "%s%s%s", RULESET_HEAD, rules, RULESET_TAIL);
    TRY(load_text(&rs, xml, &e_));
    example_product(&ex, "example", decl);
    TRY(glca_ruleset_evaluate(&v, rs, ex.product, ex.bg, ex.impacts, &e_));
    /* the verdict owns its strings: it must outlive the ruleset and the product */
    glca_ruleset_free(rs);
    example_free(&ex);
    return v;
}

static const char truth_rules[] =
    "<basic-requirement id=\"B1\" name=\"Management system\" check=\"attr('b1')\"/>\n"
    "<indicator id=\"I1\" attribute=\"energy\" name=\"Efficiency\" comparator=\"&gt;=\" "
    "baseline=\"1\" value=\"attr('i1')\"/>\n"
    "<indicator id=\"C1\" attribute=\"environment\" name=\"Footprint\" comparator=\"report\" "
    "value=\"attr('c1')\"/>\n";

Test(ruleset_verdict, certified_iff_all_basic_pass_and_all_indicators_pass, .timeout = 20)
{
    /* b1: true, false, undeclared; i1: 2 (passes >= 1), 0 (fails), undeclared; c1: 7, none */
    static const char *const b1[] = {"true", "false", NULL};
    static const char *const i1[] = {"2", "0", NULL};
    static const char *const c1[] = {"7", NULL};
    static const glca_outcome b_out[] = {GLCA_OUTCOME_PASS, GLCA_OUTCOME_FAIL,
                                         GLCA_OUTCOME_NOT_EVALUABLE};
    static const glca_outcome i_out[] = {GLCA_OUTCOME_PASS, GLCA_OUTCOME_FAIL,
                                         GLCA_OUTCOME_NOT_EVALUABLE};
    static const glca_outcome c_out[] = {GLCA_OUTCOME_REPORT, GLCA_OUTCOME_NOT_EVALUABLE};
    int b, i, c;

    for (b = 0; b < 3; b++)
        for (i = 0; i < 3; i++)
            for (c = 0; c < 2; c++) {
                test_declare decl[4] = {{NULL, NULL}};
                int n = 0;
                size_t nreasons;
                glca_verdict *v;
                bool want = b == 0 && i == 0; /* C1 never decides */

                if (b1[b])
                    decl[n++] = (test_declare){"b1", b1[b]};
                if (i1[i])
                    decl[n++] = (test_declare){"i1", i1[i]};
                if (c1[c])
                    decl[n++] = (test_declare){"c1", c1[c]};
                v = verdict_for(truth_rules, decl);
                cr_assert_eq(glca_verdict_certified(v), want, "b=%d i=%d c=%d", b, i, c);
                cr_assert_eq(item(v, "B1")->outcome, b_out[b], "b=%d", b);
                cr_assert_eq(item(v, "I1")->outcome, i_out[i], "i=%d", i);
                cr_assert_eq(item(v, "C1")->outcome, c_out[c], "c=%d", c);
                glca_verdict_reasons(v, &nreasons);
                /* every failing or not-evaluable item, the report one included */
                cr_assert_eq(nreasons, (size_t)((b > 0) + (i > 0) + (c > 0)), "b=%d i=%d c=%d", b,
                             i, c);
                glca_verdict_free(v);
            }
}

Test(ruleset_verdict, comparators_at_and_beside_the_baseline, .timeout = 20)
{
    static const char *const cmp[] = {"&gt;=", "&lt;=", "&gt;", "&lt;", "=="};
    /* value 5, 4 and 6 against baseline 5; 1 pass, 0 fail; columns >= <= > < == */
    static const char *const values[] = {"5", "4", "6"};
    static const int pass[3][5] = {{1, 1, 0, 0, 1}, {0, 1, 0, 1, 0}, {1, 0, 1, 0, 0}};
    int c, x;

    for (c = 0; c < 5; c++)
        for (x = 0; x < 3; x++) {
            char rules[512];
            test_declare decl[] = {{"v", values[x]}, {NULL, NULL}};
            glca_verdict *v;

            snprintf(rules, sizeof rules,
                     "<indicator id=\"X\" attribute=\"product\" comparator=\"%s\" baseline=\"5\" "
                     "value=\"attr('v')\"/>\n",
                     cmp[c]);
            v = verdict_for(rules, decl);
            cr_assert_eq(item(v, "X")->outcome, pass[x][c] ? GLCA_OUTCOME_PASS : GLCA_OUTCOME_FAIL,
                         "%s %s 5", values[x], cmp[c]);
            cr_assert_eq(glca_verdict_certified(v), pass[x][c] == 1);
            glca_verdict_free(v);
        }
}

static const char piecewise_rules[] =
    "<indicator id=\"E1\" attribute=\"energy\" stage=\"use\" name=\"Annual performance factor\" "
    "comparator=\"&gt;=\" value=\"attr('apf')\">\n"                                /* line 3 */
    "  <baseline when=\"attr('cooling-capacity-w') &lt;= 4500\" value=\"5.0\"/>\n" /* line 4 */
    "  <baseline when=\"attr('cooling-capacity-w') &lt;= 7100\" value=\"4.5\"/>\n" /* line 5 */
    "</indicator>\n";

typedef struct piece_case {
    const char *capacity, *apf; /* NULL: undeclared */
    glca_outcome outcome;
    double baseline;    /* NAN-free: 0 when no baseline applied */
    const char *reason; /* expected substring */
} piece_case;

Test(ruleset_verdict, piecewise_baselines_at_and_around_their_limits, .timeout = 20)
{
    static const piece_case cases[] = {
        {"4500", "5.0", GLCA_OUTCOME_PASS, 5.0,
         "E1: Annual performance factor 5 >= 5.0 (provisional baseline for "
         "attr('cooling-capacity-w') <= 4500)"},
        {"4500", "4.99", GLCA_OUTCOME_FAIL, 5.0,
         "E1: Annual performance factor 4.99 < 5.0 (provisional baseline for "
         "attr('cooling-capacity-w') <= 4500)"},
        {"4499.9", "4.8", GLCA_OUTCOME_FAIL, 5.0, "4.8 < 5.0"},
        {"4500.5", "4.6", GLCA_OUTCOME_PASS, 4.5, "4.6 >= 4.5"},
        {"7100", "4.5", GLCA_OUTCOME_PASS, 4.5, "4.5 >= 4.5"},
        {"7100", "4.49", GLCA_OUTCOME_FAIL, 4.5, "4.49 < 4.5"},
        {"7101", "6", GLCA_OUTCOME_NOT_EVALUABLE, 0,
         "E1: Annual performance factor not evaluable: no baseline applies"},
        {NULL, "6", GLCA_OUTCOME_NOT_EVALUABLE, 0,
         "the baseline condition at line 4 cannot be decided: attribute 'cooling-capacity-w' "
         "is not declared"},
        {"3500", NULL, GLCA_OUTCOME_NOT_EVALUABLE, 5.0,
         "E1: Annual performance factor not evaluable: attribute 'apf' is not declared"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        test_declare decl[3] = {{NULL, NULL}};
        const glca_verdict_item *it;
        glca_verdict *v;
        int n = 0;

        if (cases[i].capacity)
            decl[n++] = (test_declare){"cooling-capacity-w", cases[i].capacity};
        if (cases[i].apf)
            decl[n++] = (test_declare){"apf", cases[i].apf};
        v = verdict_for(piecewise_rules, decl);
        it = item(v, "E1");
        cr_assert_eq(it->outcome, cases[i].outcome, "case %zu: %s", i, it->reason);
        cr_assert(strstr(it->reason, cases[i].reason), "case %zu: \"%s\"", i, it->reason);
        if (cases[i].baseline > 0) {
            cr_assert(it->baseline.present, "case %zu", i);
            cr_assert_eq(it->baseline.number, cases[i].baseline, "case %zu", i);
        } else {
            cr_assert_not(it->baseline.present, "case %zu", i);
        }
        cr_assert_eq(glca_verdict_certified(v), cases[i].outcome == GLCA_OUTCOME_PASS);
        glca_verdict_free(v);
    }
}

Test(ruleset_verdict, not_evaluable_is_never_a_pass, .timeout = 20)
{
    static const char rules[] =
        "<basic-requirement id=\"B1\" name=\"Compliant\" check=\"attr('b1')\"/>\n"
        "<indicator id=\"P1\" attribute=\"product\" name=\"Marked\" comparator=\"==\" "
        "baseline=\"true\" value=\"attr('marked')\"/>\n"
        "<indicator id=\"D1\" attribute=\"product\" name=\"Ratio\" comparator=\"&lt;=\" "
        "baseline=\"1\" value=\"attr('a') / attr('b')\"/>\n";
    static const test_declare decl[] = {
        {"b1", "3"}, {"marked", "yes"}, {"a", "1"}, {"b", "0"}, {NULL, NULL}};
    glca_verdict *v = verdict_for(rules, decl);
    const char *const *reasons;
    size_t n;

    cr_assert_not(glca_verdict_certified(v));
    cr_assert_eq(item(v, "B1")->outcome, GLCA_OUTCOME_NOT_EVALUABLE);
    cr_assert_str_eq(item(v, "B1")->reason,
                     "B1: Compliant not evaluable: the check gives a number, not true/false");
    cr_assert_eq(item(v, "P1")->outcome, GLCA_OUTCOME_NOT_EVALUABLE);
    cr_assert(strstr(item(v, "P1")->reason, "the value is a string, the baseline 'true' is not"),
              "%s", item(v, "P1")->reason);
    cr_assert_eq(item(v, "D1")->outcome, GLCA_OUTCOME_NOT_EVALUABLE);
    cr_assert_str_eq(item(v, "D1")->reason, "D1: Ratio not evaluable: division by zero");
    cr_assert_not(item(v, "D1")->value.present);
    reasons = glca_verdict_reasons(v, &n);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(reasons[2], item(v, "D1")->reason);
    glca_verdict_free(v);
}

/*
 * The FORMATS.md example ruleset on the heater: R1 85.714 % >= 85 passes (3/3.5), E1 4.8 < 5.0
 * fails (capacity 3500 <= 4500), V1 40 <= 1000 passes, C1 reports 628.661025512757.
 */
Test(ruleset_verdict, formats_example_on_the_worked_heater, .timeout = 20)
{
    static const test_declare decl[] = {{"pollutant-discharge-compliant", "true"},
                                        {"apf", "4.8"},
                                        {"cooling-capacity-w", "3500"},
                                        {NULL, NULL}};
    glca_ruleset *rs = NULL;
    glca_verdict *v = NULL;
    example ex = {0};
    const char *const *reasons;
    const glca_verdict_item *it;
    size_t n;

    ex.bg = example_background("ipcc-ar6-gwp100");
    example_product(&ex, "room-air-conditioner", decl);
    TRY(glca_ruleset_load(&rs, FIXTURES "/formats-example.ruleset.xml", NULL, NULL, NULL, &e_));
    TRY(glca_ruleset_check_category(rs, ex.product, &e_));
    TRY(glca_ruleset_evaluate(&v, rs, ex.product, ex.bg, ex.impacts, &e_));
    cr_assert_not(glca_verdict_certified(v));
    cr_assert_str_eq(glca_verdict_product_id(v), "heater");
    cr_assert_str_eq(glca_verdict_ruleset_id(v), "room-air-conditioner");
    cr_assert_str_eq(glca_verdict_standard(v), "(category specification id)");
    glca_verdict_items(v, &n);
    cr_assert_eq(n, 5);
    cr_assert_eq(item(v, "B1")->outcome, GLCA_OUTCOME_PASS);
    it = item(v, "R1");
    cr_assert_eq(it->outcome, GLCA_OUTCOME_PASS);
    cr_assert_float_eq(it->value.number, 300.0 / 3.5, 1e-9);
    cr_assert_str_eq(it->reason, "R1: Recyclable mass share 85.7143 % >= 85 % (provisional "
                                 "baseline)");
    cr_assert_str_eq(glca_attribute_name(it->attribute), "resource");
    cr_assert(it->has_stage && it->stage == GLCA_STAGE_RAW_MATERIALS);
    it = item(v, "E1");
    cr_assert_eq(it->outcome, GLCA_OUTCOME_FAIL);
    cr_assert_str_eq(it->baseline_when, "attr('cooling-capacity-w') <= 4500");
    cr_assert_str_eq(it->baseline.string, "5.0");
    cr_assert(strstr(it->evidence, "apf = 4.8 declared"), "%s", it->evidence);
    cr_assert(strstr(it->evidence, "cooling-capacity-w = 3500 declared"), "%s", it->evidence);
    cr_assert_eq(item(v, "V1")->outcome, GLCA_OUTCOME_PASS);
    cr_assert_eq(item(v, "V1")->value.number, 40);
    it = item(v, "C1");
    cr_assert_eq(it->outcome, GLCA_OUTCOME_REPORT);
    cr_assert_float_eq(it->value.number, 628.661025512757, 1e-9);
    cr_assert_not(it->baseline.present);
    reasons = glca_verdict_reasons(v, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(reasons[0], "E1: Annual performance factor 4.8 < 5.0 (provisional baseline "
                                 "for attr('cooling-capacity-w') <= 4500)");
    glca_verdict_free(v);
    glca_ruleset_free(rs);
    example_free(&ex);
}

static char *json_of(const glca_verdict *v)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert(f);
    TRY(glca_write_verdict_json(f, v, &e_));
    fclose(f);
    return buf;
}

Test(ruleset_verdict, json_member_lists_every_item, .timeout = 20)
{
    static const test_declare decl[] = {{"b1", "true"}, {"i1", "0"}, {NULL, NULL}};
    glca_verdict *v = verdict_for(truth_rules, decl);
    char *json = json_of(v);

    cr_assert(strncmp(json,
                      "\"verdict\": {\"ruleset\": \"t\", \"version\": \"1\", "
                      "\"standard\": \"test\", \"framework\": \"eco-design\", \"edition\": null, "
                      "\"certified\": false, ",
                      strlen("\"verdict\": {\"ruleset\": \"t\", \"version\": \"1\", "
                             "\"standard\": \"test\", \"framework\": \"eco-design\", "
                             "\"edition\": null, \"certified\": false, ")) == 0,
              "%s", json);
    /* I1 (no basis given: provisional) is the only failure, so the qualifier applies */
    cr_assert(strstr(json, "\"status\": \"not-certified-provisional\", \"label\": \"not certified "
                           "(on provisional thresholds: I1)\""),
              "%s", json);
    cr_assert(strstr(json, "\"provisional\": [\"I1\"], \"items\": ["), "%s", json);
    cr_assert(strstr(json, "{\"id\": \"B1\", \"name\": \"Management system\", \"kind\": "
                           "\"basic\", \"attribute\": null, \"stage\": null, \"unit\": null, "
                           "\"comparator\": \"==\", \"value\": true, \"baseline\": true, "),
              "%s", json);
    cr_assert(strstr(json, "\"comparator\": \">=\", \"value\": 0, \"baseline\": 1, "
                           "\"baseline_when\": null, \"basis\": \"provisional\", \"source\": null, "
                           "\"outcome\": \"fail\""),
              "%s", json);
    /* C1 undeclared: null, never 0 */
    cr_assert(strstr(json, "\"value\": null, \"baseline\": null, \"baseline_when\": null, "
                           "\"basis\": null, \"source\": null, \"outcome\": \"not-evaluable\""),
              "%s", json);
    cr_assert(strstr(json, "\"reasons\": [\"I1: Efficiency 0 < 1 (provisional baseline)\", "
                           "\"C1: Footprint not evaluable: attribute 'c1' is not declared\"]}"),
              "%s", json);
    free(json);
    glca_verdict_free(v);
}
