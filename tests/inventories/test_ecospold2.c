/*
 * The EcoSpold 2 reader, one dataset at a time: formulas, peers' samples (olca, bw2io) and
 * hostile inputs.  Expected numbers are worked out by hand in the comments.  Directories of
 * datasets, MasterData and the import are in test_ecospold2_set.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "es2_test_util.h"

static double eval(const char *expr)
{
    glca_error err = GLCA_ERROR_INIT;
    double v = NAN;

    cr_assert_eq(glca_inventories__es2_eval(expr, NULL, NULL, &v, &err), 0, "%s: %s", expr,
                 err.message);
    return v;
}

static int eval_fails(const char *expr, glca_error *err)
{
    double v;

    return glca_inventories__es2_eval(expr, NULL, NULL, &v, err);
}

static bool two_vars(const char *name, size_t len, double *out, void *payload)
{
    (void)payload;
    if (len == 1 && name[0] == 'a')
        return *out = 2, true;
    if (len == 5 && strncmp(name, "b_var", 5) == 0)
        return *out = 0.5, true;
    return false;
}

Test(inventories_ecospold2, formula_precedence_and_functions_by_hand)
{
    glca_error err = GLCA_ERROR_INIT;
    double v;

    cr_assert_float_eq(eval("23 + SUM(8;2)"), 33, 0); /* olca sample's mathematicalRelation */
    cr_assert_float_eq(eval("2 + 3 * 4"), 14, 0);
    cr_assert_float_eq(eval("(2 + 3) * 4"), 20, 0);
    cr_assert_float_eq(eval("2^3^2"), 512, 0);         /* 2^(3^2) */
    cr_assert_float_eq(eval("-2^2"), -4, 0);           /* -(2^2) */
    cr_assert_float_eq(eval("10 / 4 - 1"), 1.5, 0);
    cr_assert_float_eq(eval("min(3; 1.5e0; 2)"), 1.5, 0);
    cr_assert_float_eq(eval("max(3, 7)"), 7, 0);
    cr_assert_float_eq(eval("abs(-0.25)"), 0.25, 0);
    cr_assert_float_eq(eval("sqrt(16) + ln(1) + log(1000)"), 7, 0);
    cr_assert_float_eq(eval("exp(0)"), 1, 0);
    cr_assert_float_eq(eval("if(2 > 1; 10; 20)"), 10, 0);
    cr_assert_float_eq(eval("IF(2 <= 1; 10; 20)"), 20, 0);
    cr_assert_float_eq(eval("if(3 <> 3; 1; 0)"), 0, 0);
    cr_assert_eq(glca_inventories__es2_eval("a * 3 + b_var", two_vars, NULL, &v, &err), 0);
    cr_assert_float_eq(v, 6.5, 0);
}

Test(inventories_ecospold2, formula_errors_are_reported_not_zero)
{
    glca_error err = GLCA_ERROR_INIT;
    char deep[400];
    double v = 42;

    cr_assert_eq(eval_fails("1 +", &err), GLCA_EPARSE);
    cr_assert_eq(eval_fails("foo(1)", &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "unknown function"), "%s", err.message);
    cr_assert_eq(glca_inventories__es2_eval("a + c", two_vars, NULL, &v, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "unknown variable 'c'"), "%s", err.message);
    cr_assert_float_eq(v, 42, 0); /* untouched */
    cr_assert_eq(eval_fails("1 / 0", &err), GLCA_EPARSE);
    cr_assert_eq(eval_fails("2 3", &err), GLCA_EPARSE);
    cr_assert_eq(eval_fails("inf", &err), GLCA_EPARSE);
    cr_assert_eq(eval_fails("0x10", &err), GLCA_EPARSE);
    cr_assert_eq(eval_fails("if(1; 2)", &err), GLCA_EPARSE);
    memset(deep, '(', 300);
    strcpy(deep + 300, "1");
    cr_assert_eq(eval_fails(deep, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "nested too deeply"), "%s", err.message);
}

Test(inventories_ecospold2, olca_sample_uncertainty_and_what_is_out_of_scope)
{
    glca_es2_dataset *d = read_one(fixture("olca/sample_ecospold2.xml"));
    const glca_es2_exchange *x;

    cr_assert_str_eq(d->stem, "08a78e38-fdbe-4ea8-869f-7735b41ecf85_"
                              "d3a29af5-314a-4659-a574-6bfd53a6bde0");
    cr_assert_str_eq(d->name, "Sample");
    /* lognormal, variance 2, with pedigree 2.21: GSD = exp(sqrt(2.21)) = 4.42207 (python) */
    x = exchange_of(d, "d3a29af5-314a-4659-a574-6bfd53a6bde0");
    cr_assert(x->reference);
    cr_assert_eq(x->amount, 33); /* stated; the formula 23 + SUM(8;2) agrees */
    cr_assert_eq(x->unc.dist, GLCA_DIST_LOGNORMAL);
    cr_assert_float_eq(x->unc.a, 4.422065412019344, 1e-12);
    cr_assert(isnan(x->price));
    /* normal, variance 2: sd = sqrt 2 */
    x = exchange_of(d, "9a9d71c7-79f7-42d0-af47-282d22a7cf07");
    cr_assert_eq(x->unc.dist, GLCA_DIST_NORMAL);
    cr_assert_float_eq(x->unc.a, 1.4142135623730951, 1e-15);
    cr_assert(!x->output);
    cr_assert_str_eq(x->compartment, "natural resource/in water");
    /* uniform 1..5 */
    x = exchange_of(d, "b1991748-2151-4b51-8cdb-a8b4203677dc");
    cr_assert_eq(x->unc.dist, GLCA_DIST_UNIFORM);
    cr_assert_eq(x->unc.a, 1);
    cr_assert_eq(x->unc.b, 5);
    /* triangular min 2, mode 25, max 5 cannot be: dropped with a note */
    x = exchange_of(d, "41bae23f-237d-4ba6-9b1d-73d5f4baee55");
    cr_assert_eq(x->unc.dist, GLCA_DIST_NONE);
    cr_assert_eq(notes_of(d, GLCA_IMP_OUT_OF_SCOPE, "triangular range [2, 5]"), 1);
    /* 'undefined' is not a distribution we model */
    cr_assert_eq(notes_of(d, GLCA_IMP_OUT_OF_SCOPE, "'undefined'"), 1);
    cr_assert_eq(d->nparams, 2);
    cr_assert_str_eq(d->params[0].name, "vehicle_life");
    cr_assert_eq(d->params[0].value, 23);
    glca_inventories__es2_dataset_free(d);
}

Test(inventories_ecospold2, peer_samples_read_without_error)
{
    static const char *const files[] = {
        "olca/sample_child_ecospold2.xml",
        "bw2io/00000_11111111-2222-3333-4444-555555555555_66666666-7777-8888-9999-000000000000."
        "spold",
        "bw2io/00000_11111111-2222-3333-4444-555555555555_66666666-7777-8888-9999-000000000000_"
        "with_synonyms.spold"};

    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        glca_es2_dataset *d = read_one(fixture(files[i]));

        cr_assert_gt(d->nx, 0, "%s", files[i]);
        glca_inventories__es2_dataset_free(d);
    }
}

Test(inventories_ecospold2, dataset_without_exchanges_is_refused_precisely)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;

    /* olca's text-variables sample has metadata only: no product, so no process */
    cr_assert_eq(glca_inventories__es2_read_dataset(&d, fixture("olca/text_variables_test.spold"),
                                                    NULL, 0, NULL, &err),
                 GLCA_EPARSE);
    cr_assert_null(d);
    cr_assert(strstr(err.file, "text_variables_test.spold"));
    cr_assert_eq(err.line, 3); /* <activityDataset> */
    cr_assert(strstr(err.message, "no reference product"), "%s", err.message);
}

Test(inventories_ecospold2, bw2io_sample_keeps_stated_amount_and_price)
{
    glca_es2_dataset *d = read_one(fixture(
        "bw2io/00000_11111111-2222-3333-4444-555555555555_66666666-7777-8888-9999-000000000000."
        "spold"));
    const glca_es2_exchange *x;

    cr_assert_str_eq(d->stem, "c40e3c0a-292f-45a5-88cd-ed18265cb7d7_"
                              "d4ee8f39-342b-4443-bbb9-c49b6801b5d6");
    x = exchange_of(d, "d4ee8f39-342b-4443-bbb9-c49b6801b5d6");
    cr_assert(x->reference);
    cr_assert_eq(x->price, 11);
    /* amount 123456 is stated, so the relation does_it_hurt_when_dropped_on_foot * 2 is not used */
    x = exchange_of(d, "075e433b-4be4-448e-9510-9a5029c1ce94");
    cr_assert_eq(x->amount, 123456);
    cr_assert_str_eq(x->formula, "does_it_hurt_when_dropped_on_foot * 2");
    x = exchange_of(d, "6fe4040b-39c7-4d58-b95b-6ee1de4aedb3");
    cr_assert_eq(x->amount, 9999);
    cr_assert_str_eq(x->link, "759fac54-b912-4781-9833-0ddd6e8cda24");
    glca_inventories__es2_dataset_free(d);
}

Test(inventories_ecospold2, amounts_not_stated_come_from_formulas)
{
    /* b = a * 3 = 6 (a = 2, declared after its use); x1 = b + 1 = 7; x2 = x1v * 2 = 14 via the
     * variable name of x1; x3 refers to an unknown name: NaN and a note, never 0 */
    char *xml = dataset_xml(
        "act", "prod",
        "<intermediateExchange intermediateExchangeId=\"f1\" variableName=\"x1v\" "
        "mathematicalRelation=\"B + 1\"><unitName>kg</unitName><inputGroup>5</inputGroup>"
        "</intermediateExchange>\n"
        "<intermediateExchange intermediateExchangeId=\"f2\" mathematicalRelation=\"x1v * 2\">"
        "<unitName>kg</unitName><inputGroup>5</inputGroup></intermediateExchange>\n"
        "<elementaryExchange elementaryExchangeId=\"e3\" mathematicalRelation=\"nope * 2\">"
        "<unitName>kg</unitName><outputGroup>4</outputGroup></elementaryExchange>\n"
        "<elementaryExchange elementaryExchangeId=\"e4\">"
        "<unitName>kg</unitName><outputGroup>4</outputGroup></elementaryExchange>\n"
        "<parameter variableName=\"b\" mathematicalRelation=\"a * 3\"/>\n"
        "<parameter variableName=\"a\" amount=\"2\"/>\n");
    glca_es2_dataset *d = read_memory(xml);

    cr_assert_eq(exchange_of(d, "f1")->amount, 7);
    cr_assert_eq(exchange_of(d, "f2")->amount, 14);
    cr_assert(isnan(exchange_of(d, "e3")->amount));
    cr_assert(isnan(exchange_of(d, "e4")->amount));
    cr_assert_eq(notes_of(d, GLCA_IMP_NOT_EVALUABLE, "unknown variable 'nope'"), 1);
    cr_assert_eq(notes_of(d, GLCA_IMP_NOT_EVALUABLE, "no amount and no mathematicalRelation"),
                 1);
    cr_assert_eq(d->notes[0].loc.line, 9); /* e3's line */
    glca_inventories__es2_dataset_free(d);
    free(xml);
}

Test(inventories_ecospold2, coproducts_wastes_and_treatment_signs_are_kept)
{
    /* outputGroup 2 is a by-product; a negative input stays negative as written */
    char *xml = dataset_xml(
        "act", "prod",
        "<intermediateExchange intermediateExchangeId=\"by\" amount=\"0.5\">"
        "<unitName>kg</unitName><property propertyId=\"" GLCA_ES2_PROP_PRICE "\" amount=\"4\"/>"
        "<outputGroup>2</outputGroup></intermediateExchange>\n"
        "<intermediateExchange intermediateExchangeId=\"waste\" amount=\"-0.25\">"
        "<unitName>kg</unitName><inputGroup>5</inputGroup></intermediateExchange>\n"
        "<intermediateExchange intermediateExchangeId=\"slag\" amount=\"0.1\">"
        "<unitName>kg</unitName><classification><classificationSystem>By-product "
        "classification</classificationSystem><classificationValue>Waste</classificationValue>"
        "</classification><outputGroup>2</outputGroup></intermediateExchange>\n");
    glca_es2_dataset *d = read_memory(xml);

    cr_assert(exchange_of(d, "prod")->reference);
    cr_assert(exchange_of(d, "by")->coproduct);
    cr_assert_eq(exchange_of(d, "by")->price, 4);
    cr_assert_eq(exchange_of(d, "waste")->amount, -0.25);
    cr_assert(!exchange_of(d, "waste")->output);
    /* a by-product classified as waste is supplied for treatment, not allocated to */
    cr_assert(exchange_of(d, "slag")->output);
    cr_assert(exchange_of(d, "slag")->waste);
    cr_assert(!exchange_of(d, "slag")->coproduct);
    cr_assert_str_eq(d->stem, "act_prod");
    glca_inventories__es2_dataset_free(d);
    free(xml);
}

static void diag_count(const glca_error *e, void *payload)
{
    (void)e;
    ++*(int *)payload;
}

Test(inventories_ecospold2, malformed_files_report_file_and_line_in_file_order)
{
    char *good = dataset_xml("a1", "prod", "");
    const char *files[] = {"b.spold", "a.spold", "c.spold"},
               *xml[] = {"<ecoSpold xmlns=\"" ES2 "\">\n<activityDataset>\n<flowData>\n</oops>",
                         "<?xml version=\"1.0\"?>\n<other xmlns=\"urn:x\"/>", good};
    char *dir = make_dir("malformed", true, files, xml, 3);
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_set *s = NULL;
    int n = 0;

    cr_assert_lt(glca_inventories__es2_read_set(&s, dir, NULL, 2, diag_count, &n, &err), 0);
    cr_assert_eq(n, 2); /* both bad files reported */
    cr_assert(strstr(err.file, "a.spold"), "%s", inv_fmt(&err)); /* the first in file order */
    cr_assert_eq(err.line, 2);
    cr_assert(strstr(err.message, "not an EcoSpold 2 dataset"), "%s", err.message);
    free(dir);
    free(good);
}

Test(inventories_ecospold2, truncated_file_is_a_located_error)
{
    const char *xml = "<ecoSpold xmlns=\"" ES2 "\">\n<activityDataset>\n<flowData>\n</oops>";
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;

    cr_assert_eq(glca_inventories__es2_read_dataset(&d, "bad.spold", xml, strlen(xml), NULL,
                                                    &err),
                 GLCA_EPARSE);
    cr_assert_str_eq(err.file, "bad.spold");
    cr_assert_eq(err.line, 4, "%s", inv_fmt(&err));
}

Test(inventories_ecospold2, non_utf8_encoding_is_a_located_error)
{
    /* "Zürich" in ISO-8859-1: ü is the single byte 0xFC */
    char *xml = dataset_xml("a1", "prod", "");
    const char *decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    char *latin = malloc(strlen(xml) + 64), *p;
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;
    int rc;

    p = strstr(xml, "<activityName>a<");
    memcpy(p + 14, "\xFC", 1);
    strcpy(latin, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>");
    strcat(latin, xml + strlen(decl));
    rc = glca_inventories__es2_read_dataset(&d, "latin.spold", latin, strlen(latin), NULL, &err);
    cr_assert_eq(rc, GLCA_EPARSE);
    cr_assert_null(d);
    cr_assert_str_eq(err.file, "latin.spold");
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 21); /* where 'encoding' stands */
    cr_assert(strstr(err.message, "encoding 'ISO-8859-1' declared"), "%s", err.message);
    free(latin);
    free(xml);
}

Test(inventories_ecospold2, a_million_exchanges_hit_a_clear_limit)
{
    static const char head[] = "<ecoSpold xmlns=\"" ES2 "\"><activityDataset><activityDescription>"
                               "<activity id=\"a\"/></activityDescription><flowData>\n";
    static const char one[] = "<elementaryExchange elementaryExchangeId=\"e\" amount=\"1\">"
                              "<outputGroup>4</outputGroup></elementaryExchange>\n";
    static const char tail[] = "</flowData></activityDataset></ecoSpold>\n";
    size_t n = 1000000, len = sizeof head - 1 + n * (sizeof one - 1) + sizeof tail;
    char *xml = malloc(len), *p = xml;
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;

    memcpy(p, head, sizeof head - 1);
    p += sizeof head - 1;
    for (size_t i = 0; i < n; i++, p += sizeof one - 1)
        memcpy(p, one, sizeof one - 1);
    memcpy(p, tail, sizeof tail);
    cr_assert_eq(glca_inventories__es2_read_dataset(&d, "big.spold", xml, strlen(xml), NULL,
                                                    &err),
                 GLCA_ELIMIT);
    cr_assert_null(d);
    cr_assert_str_eq(err.file, "big.spold");
    cr_assert_eq(err.line, 100002, "%s", inv_fmt(&err)); /* exchange 100001, after line 1 */
    cr_assert(strstr(err.message, "exchanges in one dataset"), "%s", err.message);
    free(xml);
}

Test(inventories_ecospold2, every_allocation_failure_is_clean)
{
    char *xml = dataset_xml("act", "prod",
                            "<intermediateExchange intermediateExchangeId=\"f1\" variableName=\"v\""
                            " mathematicalRelation=\"p + 1\"><unitName>kg</unitName>"
                            "<inputGroup>5</inputGroup></intermediateExchange>\n"
                            "<elementaryExchange elementaryExchangeId=\"e\" amount=\"2\">"
                            "<compartment><compartment>air</compartment></compartment>"
                            "<uncertainty><beta/></uncertainty>"
                            "<outputGroup>4</outputGroup></elementaryExchange>\n"
                            "<parameter variableName=\"p\" amount=\"2\"/>\n");
    long k;

    for (k = 0;; k++) {
        glca_error err = GLCA_ERROR_INIT;
        glca_es2_dataset *d = NULL;
        int rc;

        glca_alloc_fail_after(k);
        rc = glca_inventories__es2_read_dataset(&d, "mem.spold", xml, strlen(xml), NULL, &err);
        glca_alloc_fail_after(-1);
        if (rc == 0) {
            cr_assert_eq(exchange_of(d, "f1")->amount, 3);
            glca_inventories__es2_dataset_free(d);
            break;
        }
        /* ENOMEM, or the XML layer's own report of what it could not keep */
        cr_assert_lt(rc, 0, "k=%ld", k);
        cr_assert_null(d);
    }
    cr_assert_gt(k, 10);
    free(xml);
}

Test(inventories_ecospold2, child_datasets_that_inherit_are_noted)
{
    /* depth 1 (a geography child) lists only its differences: noted; depth -1 (derived, as in
     * the e2m and bw2io files) is complete: not noted */
    char *xml = dataset_xml("act", "prod", ""), *child = malloc(strlen(xml) + 64), *p;
    glca_es2_dataset *d;

    p = strstr(xml, "<activity id=\"act\"");
    memcpy(child, xml, (size_t)(p - xml));
    sprintf(child + (p - xml), "<activity parentActivityId=\"par\" inheritanceDepth=\"1\"%s",
            p + strlen("<activity"));
    d = read_memory(child);
    cr_assert_eq(notes_of(d, GLCA_IMP_OUT_OF_SCOPE, "child of activity 'par'"), 1);
    cr_assert_eq(d->notes[0].loc.line, 4);
    glca_inventories__es2_dataset_free(d);
    d = read_one(fixture("e2m-fake-system/datasets/40011095-059d-465e-bd79-da3b6b3b8308_"
                         "842e3faf-8de9-47a3-bfac-606edc0aFAKE.spold"));
    cr_assert_eq(d->nnotes, 0);
    glca_inventories__es2_dataset_free(d);
    free(child);
    free(xml);
}
