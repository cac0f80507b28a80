/*
 * The EcoSpold 2 reader below the common import: formulas, one dataset, MasterData and a set.
 *
 * The three-activity system of ecospold2matrix (tests/fixtures/ecospold2/e2m-fake-system) must
 * give exactly the rows of that project's published extraction tables (PRO.csv, STR.csv,
 * inflows.csv, outflows.csv, elementary_flows.csv); the CSV files are read here, at test time,
 * and every row is asserted.  Other expected numbers are worked out by hand in the comments.
 * Hostile inputs are generated, not stored.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "inventories/importers/ecospold2_int.h"
#include "imp_test_util.h"

#define ES2 "http://www.EcoInvent.org/EcoSpold02"

static const char *fixture(const char *name)
{
    static char path[1024];

    snprintf(path, sizeof path, "%s/fixtures/ecospold2/%s", GLCA_TEST_DIR, name);
    return path;
}

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

/* ---------------------------------------------------------------- formulas */

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

/* ---------------------------------------------------------------- the e2m system */

/* The rows of a '|'-separated table, header skipped; fields split in place. */
typedef struct table {
    char *text;
    char *fields[16][12];
    size_t nrows, nfields;
} table;

static void table_read(table *t, const char *name)
{
    FILE *f = fopen(fixture(name), "rb");
    char *line, *save = NULL;
    long n;

    memset(t, 0, sizeof *t);
    cr_assert_not_null(f, "%s", name);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    t->text = calloc((size_t)n + 1, 1);
    cr_assert_eq(fread(t->text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    line = strtok_r(t->text, "\n", &save); /* header */
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        size_t k = 0;
        char *p = line;

        cr_assert_lt(t->nrows, 16);
        for (;;) {
            char *bar = strchr(p, '|');

            cr_assert_lt(k, 12);
            t->fields[t->nrows][k++] = p;
            if (!bar)
                break;
            *bar = '\0';
            p = bar + 1;
        }
        p = t->fields[t->nrows][k - 1];
        if (p[strlen(p) - 1] == '\r')
            p[strlen(p) - 1] = '\0';
        t->nfields = k;
        t->nrows++;
    }
}

static const glca_es2_dataset *by_stem(const glca_es2_set *s, const char *stem)
{
    for (size_t i = 0; i < s->nds; i++)
        if (strcmp(s->ds[i]->stem, stem) == 0)
            return s->ds[i];
    cr_assert_fail("no dataset %s", stem);
    return NULL;
}

static glca_es2_set *read_set(const char *path, int threads)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_set *s = NULL;

    cr_assert_eq(glca_inventories__es2_read_set(&s, path, NULL, threads, NULL, NULL, &err), 0,
                 "%s", inv_fmt(&err));
    return s;
}

Test(inventories_ecospold2, e2m_system_gives_its_published_process_table)
{
    glca_es2_set *s = read_set(fixture("e2m-fake-system/datasets"), 0);
    table t;

    table_read(&t, "e2m-fake-system/PRO.csv"); /* index|activityId|productId|name|..|geography */
    cr_assert_eq(t.nrows, 3);
    cr_assert_eq(s->nds, 3);
    for (size_t r = 0; r < t.nrows; r++) {
        const glca_es2_dataset *d = by_stem(s, t.fields[r][0]);

        cr_assert_str_eq(d->activity, t.fields[r][1]);
        cr_assert(strcmp(d->stem + strlen(d->activity) + 1, t.fields[r][2]) == 0);
        cr_assert_str_eq(d->name, t.fields[r][3]);
        cr_assert_str_eq(d->geography, t.fields[r][6]);
    }
    free(t.text);
    glca_inventories__es2_set_free(s);
}

Test(inventories_ecospold2, e2m_system_gives_its_published_flow_tables)
{
    glca_es2_set *s = read_set(fixture("e2m-fake-system/datasets"), 0);
    size_t inputs = 0, refs = 0, elementary = 0, i, j, r;
    table t;

    /* inflows.csv: fileId|sourceActivityId|productId|amount, every intermediate input */
    table_read(&t, "e2m-fake-system/inflows.csv");
    cr_assert_eq(t.nrows, 4);
    for (r = 0; r < t.nrows; r++) {
        const glca_es2_dataset *d = by_stem(s, t.fields[r][1]);
        bool found = false;
        char provider[200];

        snprintf(provider, sizeof provider, "%s_%s", t.fields[r][2], t.fields[r][3]);
        for (j = 0; j < d->nx; j++) {
            const glca_es2_exchange *x = &d->x[j];

            if (x->elementary || x->output || strcmp(x->flow, t.fields[r][3]) != 0)
                continue;
            found = true;
            cr_assert_str_eq(x->link, t.fields[r][2]);
            cr_assert_str_eq(x->provider, provider); /* resolved to the producer's stem */
            cr_assert_eq(x->amount, strtod(t.fields[r][4], NULL));
            cr_assert_eq(x->group, 5);
        }
        cr_assert(found, "row %zu", r);
    }
    free(t.text);
    /* outflows.csv: fileId|productId|amount|productionVolume|outputGroup, the references */
    table_read(&t, "e2m-fake-system/outflows.csv");
    cr_assert_eq(t.nrows, 3);
    for (r = 0; r < t.nrows; r++) {
        const glca_es2_dataset *d = by_stem(s, t.fields[r][1]);

        for (j = 0; j < d->nx; j++)
            if (d->x[j].reference) {
                cr_assert_str_eq(d->x[j].flow, t.fields[r][2]);
                cr_assert_eq(d->x[j].amount, strtod(t.fields[r][3], NULL));
                cr_assert_eq(d->x[j].group, atoi(t.fields[r][5]));
                cr_assert(d->x[j].output);
            }
    }
    free(t.text);
    /* elementary_flows.csv: fileId|elementaryExchangeId|amount */
    table_read(&t, "e2m-fake-system/elementary_flows.csv");
    cr_assert_eq(t.nrows, 3);
    for (r = 0; r < t.nrows; r++) {
        const glca_es2_dataset *d = by_stem(s, t.fields[r][1]);
        bool found = false;

        for (j = 0; j < d->nx; j++)
            if (d->x[j].elementary && strcmp(d->x[j].flow, t.fields[r][2]) == 0) {
                found = true;
                cr_assert_eq(d->x[j].amount, strtod(t.fields[r][3], NULL));
                cr_assert(d->x[j].output);
                cr_assert_str_eq(d->x[j].compartment, "air/non-urban air or from high stacks");
            }
        cr_assert(found, "row %zu", r);
    }
    free(t.text);
    /* nothing more than the tables list, and no dangling link in a closed system */
    for (i = 0; i < s->nds; i++) {
        for (j = 0; j < s->ds[i]->nx; j++) {
            const glca_es2_exchange *x = &s->ds[i]->x[j];

            inputs += !x->elementary && !x->output;
            refs += x->reference;
            elementary += x->elementary;
            cr_assert(!x->coproduct);
        }
        for (j = 0; j < s->ds[i]->nnotes; j++)
            cr_assert_neq(s->ds[i]->notes[j].kind, GLCA_IMP_DANGLING, "%s",
                          s->ds[i]->notes[j].message);
    }
    cr_assert_eq(inputs, 4);
    cr_assert_eq(refs, 3);
    cr_assert_eq(elementary, 3);
    glca_inventories__es2_set_free(s);
}

Test(inventories_ecospold2, e2m_masterdata_gives_its_published_elementary_table)
{
    glca_es2_set *s = read_set(fixture("e2m-fake-system/datasets"), 1);
    char comp[200];
    table t;

    /* STR.csv: index|id|name|unit|cas|comp|subcomp */
    table_read(&t, "e2m-fake-system/STR.csv");
    cr_assert_eq(t.nrows, 2);
    for (size_t r = 0; r < t.nrows; r++) {
        const glca_es2_mflow *f = glca_inventories__es2_master_find(s->master, t.fields[r][1]);

        cr_assert_not_null(f, "%s", t.fields[r][1]);
        cr_assert(f->elementary);
        cr_assert_str_eq(f->name, t.fields[r][2]);
        cr_assert_str_eq(f->unit, t.fields[r][3]);
        cr_assert_str_eq(f->cas, t.fields[r][4]);
        snprintf(comp, sizeof comp, "%s/%s", t.fields[r][5], t.fields[r][6]);
        cr_assert_str_eq(f->compartment, comp);
    }
    free(t.text);
    /* products.csv: productId|productId|productName|unitId|unitName */
    table_read(&t, "e2m-fake-system/products.csv");
    cr_assert_eq(t.nrows, 3);
    for (size_t r = 0; r < t.nrows; r++) {
        const glca_es2_mflow *f = glca_inventories__es2_master_find(s->master, t.fields[r][0]);

        cr_assert_not_null(f);
        cr_assert(!f->elementary);
        cr_assert_str_eq(f->name, t.fields[r][2]);
        cr_assert_str_eq(f->unit, t.fields[r][4]);
    }
    free(t.text);
    cr_assert_null(glca_inventories__es2_master_find(s->master, "no-such-flow"));
    glca_inventories__es2_set_free(s);
}

Test(inventories_ecospold2, set_is_the_same_for_any_thread_count)
{
    glca_es2_set *a = read_set(fixture("e2m-fake-system"), 1);
    glca_es2_set *b = read_set(fixture("e2m-fake-system/datasets"), 3);

    cr_assert_eq(a->nds, b->nds);
    for (size_t i = 0; i < a->nds; i++) {
        cr_assert_str_eq(a->ds[i]->stem, b->ds[i]->stem);
        cr_assert_eq(a->ds[i]->nx, b->ds[i]->nx);
        for (size_t j = 0; j < a->ds[i]->nx; j++)
            cr_assert_eq(a->ds[i]->x[j].amount, b->ds[i]->x[j].amount);
    }
    /* sorted by file name */
    for (size_t i = 1; i < a->nds; i++)
        cr_assert_lt(strcmp(a->ds[i - 1]->file, a->ds[i]->file), 0);
    glca_inventories__es2_set_free(a);
    glca_inventories__es2_set_free(b);
}

/* ---------------------------------------------------------------- peers' samples */

static glca_es2_dataset *read_one(const char *path)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;

    cr_assert_eq(glca_inventories__es2_read_dataset(&d, path, NULL, 0, NULL, &err), 0, "%s",
                 inv_fmt(&err));
    return d;
}

static const glca_es2_exchange *exchange_of(const glca_es2_dataset *d, const char *flow)
{
    for (size_t i = 0; i < d->nx; i++)
        if (strcmp(d->x[i].flow, flow) == 0)
            return &d->x[i];
    cr_assert_fail("no exchange %s", flow);
    return NULL;
}

static size_t notes_of(const glca_es2_dataset *d, glca_imp_note_kind kind, const char *text)
{
    size_t n = 0;

    for (size_t i = 0; i < d->nnotes; i++)
        n += d->notes[i].kind == kind && strstr(d->notes[i].message, text) != NULL;
    return n;
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

/* ---------------------------------------------------------------- generated inputs */

/* A dataset: activity `act` making `product` (1 kg) with `body` as further flowData. */
static char *dataset_xml(const char *act, const char *product, const char *body)
{
    size_t n = strlen(body) + 1024;
    char *s = malloc(n);

    snprintf(s, n,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<ecoSpold xmlns=\"" ES2 "\">\n"
             "<activityDataset>\n"
             "<activityDescription><activity id=\"%s\"><activityName>a</activityName>"
             "</activity></activityDescription>\n"
             "<flowData>\n"
             "<intermediateExchange intermediateExchangeId=\"%s\" amount=\"1\">"
             "<unitName>kg</unitName><outputGroup>0</outputGroup></intermediateExchange>\n"
             "%s"
             "</flowData>\n</activityDataset>\n</ecoSpold>\n",
             act, product, body);
    return s;
}

static glca_es2_dataset *read_memory(const char *xml)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_dataset *d = NULL;

    cr_assert_eq(glca_inventories__es2_read_dataset(&d, "mem.spold", xml, strlen(xml), NULL,
                                                    &err),
                 0, "%s", inv_fmt(&err));
    return d;
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

static char *tmp_path(const char *name)
{
    size_t n = strlen(inv_tmpdir()) + strlen(name) + 2;
    char *p = malloc(n);

    snprintf(p, n, "%s/%s", inv_tmpdir(), name);
    return p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* A directory `name` with MasterData (flows prod, in and e) and the given datasets. */
static char *make_dir(const char *name, bool master, const char *const *files,
                      const char *const *xml, size_t n)
{
    char *dir = tmp_path(name), path[1024];

    cr_assert_eq(mkdir(dir, 0700), 0);
    if (master) {
        snprintf(path, sizeof path, "%s/MasterData", dir);
        cr_assert_eq(mkdir(path, 0700), 0);
        snprintf(path, sizeof path, "%s/MasterData/IntermediateExchanges.xml", dir);
        write_file(path, "<validIntermediateExchanges xmlns=\"" ES2 "\">"
                         "<intermediateExchange id=\"prod\"><unitName>kg</unitName>"
                         "</intermediateExchange><intermediateExchange id=\"by\">"
                         "<unitName>kg</unitName></intermediateExchange>"
                         "</validIntermediateExchanges>");
        snprintf(path, sizeof path, "%s/MasterData/ElementaryExchanges.xml", dir);
        write_file(path, "<validElementaryExchanges xmlns=\"" ES2 "\">"
                         "<elementaryExchange id=\"e\"><unitName>kg</unitName>"
                         "</elementaryExchange></validElementaryExchanges>");
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        write_file(path, xml[i]);
    }
    return dir;
}

Test(inventories_ecospold2, missing_masterdata_is_an_error_naming_the_folder)
{
    char *ds = dataset_xml("a1", "prod", "");
    const char *files[] = {"a1_prod.spold"}, *xml[] = {ds};
    char *dir = make_dir("nomaster", false, files, xml, 1);
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_set *s = NULL;

    cr_assert_eq(glca_inventories__es2_read_set(&s, dir, NULL, 0, NULL, NULL, &err),
                 GLCA_ENOTFOUND);
    cr_assert_null(s);
    cr_assert_str_eq(err.file, dir);
    cr_assert(strstr(err.message, "no MasterData/ folder"), "%s", err.message);
    free(dir);
    free(ds);
}

Test(inventories_ecospold2, dangling_link_is_noted_and_left_to_the_linker)
{
    char *a = dataset_xml("a1", "prod",
                          "<intermediateExchange intermediateExchangeId=\"prod\" amount=\"2\" "
                          "activityLinkId=\"a2\"><inputGroup>5</inputGroup>"
                          "</intermediateExchange>\n"
                          "<intermediateExchange intermediateExchangeId=\"prod\" amount=\"3\" "
                          "activityLinkId=\"gone\"><inputGroup>5</inputGroup>"
                          "</intermediateExchange>\n");
    char *b = dataset_xml("a2", "prod", "");
    const char *files[] = {"x.spold", "y.spold"}, *xml[] = {a, b};
    char *dir = make_dir("dangling", true, files, xml, 2);
    glca_es2_set *s = read_set(dir, 2);
    const glca_es2_dataset *d = by_stem(s, "a1_prod");

    cr_assert_str_eq(d->x[1].provider, "a2_prod");
    cr_assert_null(d->x[2].provider);
    cr_assert_eq(notes_of(d, GLCA_IMP_DANGLING, "activityLinkId 'gone'"), 1);
    glca_inventories__es2_set_free(s);
    free(dir);
    free(a);
    free(b);
}

Test(inventories_ecospold2, same_activity_and_product_twice_names_both_files)
{
    char *a = dataset_xml("a1", "prod", "");
    const char *files[] = {"one.spold", "two.spold"}, *xml[] = {a, a};
    char *dir = make_dir("twice", true, files, xml, 2);
    glca_error err = GLCA_ERROR_INIT;
    glca_es2_set *s = NULL;

    cr_assert_eq(glca_inventories__es2_read_set(&s, dir, NULL, 0, NULL, NULL, &err), GLCA_EPARSE);
    cr_assert(strstr(err.file, "two.spold"), "%s", inv_fmt(&err));
    cr_assert(strstr(err.message, "one.spold"), "%s", err.message);
    free(dir);
    free(a);
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

/* ---------------------------------------------------------------- through the import */

static void print_diag(const glca_error *e, void *payload)
{
    (void)payload;
    cr_log_error("%s", inv_fmt(e));
}

Test(inventories_ecospold2, e2m_system_through_the_import_and_the_linker)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_units *units;
    glca_import *im = imp_start(&units);
    recorder rec;
    glca_imp_sink sink = rec_sink(&rec);
    const glca_imp_note *unit_note = NULL;
    size_t r, i, nunit = 0;
    table t;

    cr_assert_eq(glca_inventories__read_ecospold2(im, fixture("e2m-fake-system"), NULL,
                                                  print_diag, NULL, &err),
                 0, "%s", inv_fmt(&err));
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &sink, print_diag,
                                            NULL, &err),
                 0, "%s", inv_fmt(&err));
    /* outflows.csv: one process per dataset, named by its stem, making 1 of its product */
    table_read(&t, "e2m-fake-system/outflows.csv");
    cr_assert_eq(rec.np, 3);
    for (r = 0; r < t.nrows; r++) {
        const rec_p *p = rec_find_p(&rec, t.fields[r][1]);

        cr_assert_not_null(p, "%s", t.fields[r][1]);
        cr_assert_str_eq(p->product, t.fields[r][2]);
        cr_assert_eq(p->amount, strtod(t.fields[r][3], NULL));
    }
    free(t.text);
    /* inflows.csv: A's off-diagonal entries, each naming the producer's stem.  Two rows are
     * written in a unit of another dimension than MasterData's (the data are declared fake):
     * the furnace's pipeline transport in kg (line 55; MasterData: metric ton*km) and the
     * pipeline's furnace in m3 (line 43; MasterData: unit).  Those are refused, not converted,
     * and reported at their line with the table's amount. */
    static const struct {
        const char *process, *flow;
        long line;
    } refused[] = {{"40011095-059d-465e-bd79-da3b6b3b8308_842e3faf-8de9-47a3-bfac-606edc0aFAKE",
                    "36dc50ef-017c-4d24-af51-f12ef802FAKE", 55},
                   {"d0003dc3-4bd3-4422-9c40-8265239e14ff_36dc50ef-017c-4d24-af51-f12ef802FAKE",
                    "842e3faf-8de9-47a3-bfac-606edc0aFAKE", 43}};

    for (i = 0; i < glca_inventories__imp_nnotes(im); i++)
        nunit += glca_inventories__imp_note_at(im, i)->kind == GLCA_IMP_UNIT;
    cr_assert_eq(nunit, 2);
    table_read(&t, "e2m-fake-system/inflows.csv");
    for (r = 0; r < t.nrows; r++) {
        const rec_x *x = rec_find_x(&rec, t.fields[r][1], t.fields[r][3]);
        char provider[200];
        size_t k;

        for (k = 0; k < 2; k++)
            if (strcmp(t.fields[r][1], refused[k].process) == 0 &&
                strcmp(t.fields[r][3], refused[k].flow) == 0)
                break;
        if (k < 2) {
            for (i = 0; i < glca_inventories__imp_nnotes(im); i++) {
                const glca_imp_note *n = glca_inventories__imp_note_at(im, i);

                if (n->kind == GLCA_IMP_UNIT && strcmp(n->flow, refused[k].flow) == 0)
                    unit_note = n;
            }
            cr_assert_null(x);
            cr_assert_not_null(unit_note);
            cr_assert_str_eq(unit_note->process, refused[k].process);
            cr_assert(strstr(unit_note->loc.file, refused[k].process));
            cr_assert_eq(unit_note->loc.line, refused[k].line);
            cr_assert_eq(unit_note->amount, strtod(t.fields[r][4], NULL));
            continue;
        }
        snprintf(provider, sizeof provider, "%s_%s", t.fields[r][2], t.fields[r][3]);
        cr_assert_not_null(x, "row %zu", r);
        cr_assert_eq(x->dir, GLCA_INPUT);
        cr_assert_str_eq(x->provider, provider);
        cr_assert_eq(x->amount, strtod(t.fields[r][4], NULL));
    }
    free(t.text);
    /* elementary_flows.csv: B's entries */
    table_read(&t, "e2m-fake-system/elementary_flows.csv");
    for (r = 0; r < t.nrows; r++) {
        const rec_x *x = rec_find_x(&rec, t.fields[r][1], t.fields[r][2]);

        cr_assert_not_null(x, "row %zu", r);
        cr_assert_eq(x->dir, GLCA_OUTPUT);
        cr_assert_eq(x->amount, strtod(t.fields[r][3], NULL));
    }
    free(t.text);
    /* 2 inputs + 3 emissions, nothing else */
    cr_assert_eq(rec.nx, 5);
    imp_done(im, units);
}

Test(inventories_ecospold2, price_properties_give_economic_allocation)
{
    /* reference 1 kg at price 3 and by-product 0.5 kg at price 4: revenues 3 and 2, so the
     * 10 kg emission splits 6 / 4 (wet mass is given for the by-product only: no physical
     * factors) */
    char *a = dataset_xml(
        "act", "prod",
        "<intermediateExchange intermediateExchangeId=\"by\" amount=\"0.5\">"
        "<unitName>kg</unitName><property propertyId=\"" GLCA_ES2_PROP_PRICE "\" amount=\"4\"/>"
        "<property propertyId=\"" GLCA_ES2_PROP_WET_MASS "\" amount=\"1\"/>"
        "<outputGroup>2</outputGroup></intermediateExchange>\n"
        "<elementaryExchange elementaryExchangeId=\"e\" amount=\"10\"><unitName>kg</unitName>"
        "<outputGroup>4</outputGroup></elementaryExchange>\n");
    char *p = strstr(a, "<outputGroup>0</outputGroup>"), *b = malloc(strlen(a) + 128);
    const char *files[] = {"act_prod.spold"}, *xml[] = {b};
    char *dir;
    glca_error err = GLCA_ERROR_INIT;
    glca_units *units;
    glca_import *im;
    recorder rec;
    glca_imp_sink sink = rec_sink(&rec);
    const rec_x *x;

    /* the reference product's price */
    memcpy(b, a, (size_t)(p - a));
    sprintf(b + (p - a), "<property propertyId=\"" GLCA_ES2_PROP_PRICE "\" amount=\"3\"/>%s", p);
    dir = make_dir("economic", true, files, xml, 1);
    im = imp_start(&units);
    cr_assert_eq(glca_inventories__read_ecospold2(im, dir, NULL, print_diag, NULL, &err), 0, "%s",
                 inv_fmt(&err));
    cr_assert_eq(glca_inventories__imp_link(im, GLCA_ALLOCATION_ECONOMIC, NULL, &sink,
                                            print_diag, NULL, &err),
                 0, "%s", inv_fmt(&err));
    cr_assert_eq(rec.np, 2);
    cr_assert_not_null(x = rec_find_x(&rec, "act_prod", "e"));
    cr_assert_float_eq(x->amount, 6, 1e-12);
    cr_assert_not_null(x = rec_find_x(&rec, "act_prod" GLCA_IMP_COPRODUCT_SEP "by", "e"));
    cr_assert_float_eq(x->amount, 4, 1e-12);
    imp_done(im, units);
    free(dir);
    free(a);
    free(b);
}

Test(inventories_ecospold2, e2m_directory_through_the_public_loader)
{
    const char *paths[] = {fixture("e2m-fake-system")};
    glca_load_options o = GLCA_LOAD_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_doc_kind kind;
    glca_model *m = NULL;
    char *report = tmp_path("e2m-report.json"), buf[4096];
    FILE *f;
    size_t n;

    cr_assert_eq(glca_detect_kind(paths[0], &kind, &err), 0, "%s", inv_fmt(&err));
    cr_assert_eq(kind, GLCA_DOC_ECOSPOLD2);
    o.linking_report = report;
    cr_assert_eq(glca_model_new(&m, &err), 0);
    cr_assert_eq(glca_read_inventories(m, paths, 1, &o, print_diag, NULL, &err), 0, "%s",
                 inv_fmt(&err));
    cr_assert_eq(glca_model_nprocesses(m), 3);
    cr_assert_not_null(f = fopen(report, "rb"));
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    cr_assert(strstr(buf, "\"unit\""), "%s", buf);
    glca_model_free(m);
    free(report);
}

Test(inventories_ecospold2, every_allocation_failure_of_a_directory_read_is_clean)
{
    long k;

    /* one thread, so that the reading happens on this thread, where failures are injected */
    for (k = 0;; k++) {
        glca_error err = GLCA_ERROR_INIT;
        glca_es2_set *s = NULL;
        int rc;

        glca_alloc_fail_after(k);
        rc = glca_inventories__es2_read_set(&s, fixture("e2m-fake-system"), NULL, 1, NULL, NULL,
                                            &err);
        glca_alloc_fail_after(-1);
        if (rc == 0) {
            cr_assert_eq(s->nds, 3);
            glca_inventories__es2_set_free(s);
            break;
        }
        cr_assert_lt(rc, 0, "k=%ld", k);
        cr_assert_null(s);
    }
    cr_assert_gt(k, 100);
}

Test(inventories_ecospold2, every_allocation_failure_into_the_import_is_clean)
{
    long k;

    omp_set_num_threads(1); /* failures are injected on this thread only */
    for (k = 0;; k++) {
        glca_error err = GLCA_ERROR_INIT;
        glca_units *units = NULL;
        glca_import *im = NULL;
        int rc;

        cr_assert_eq(glca_units_new(&units, NULL), 0);
        cr_assert_eq(glca_inventories__imp_new(&im, units, NULL), 0);
        glca_alloc_fail_after(k);
        rc = glca_inventories__read_ecospold2(im, fixture("e2m-fake-system"), NULL, NULL, NULL,
                                              &err);
        glca_alloc_fail_after(-1);
        glca_inventories__imp_free(im);
        glca_units_free(units);
        if (rc == 0)
            break;
        cr_assert_lt(rc, 0, "k=%ld", k);
    }
    cr_assert_gt(k, 100);
}

Test(inventories_ecospold2, units_are_mapped_declared_or_refused_with_a_note)
{
    /* "metric ton" is EcoSpold 2's name for t (mass: converts to the flow's kg); "furlong" is
     * no unit we know: that exchange is left out with a note, never read as kg */
    char *a = dataset_xml("act", "prod",
                          "<elementaryExchange elementaryExchangeId=\"e\" amount=\"0.002\">"
                          "<unitName>metric ton</unitName><outputGroup>4</outputGroup>"
                          "</elementaryExchange>\n"
                          "<elementaryExchange elementaryExchangeId=\"e\" amount=\"3\">"
                          "<unitName>furlong</unitName><outputGroup>4</outputGroup>"
                          "</elementaryExchange>\n");
    const char *files[] = {"act_prod.spold"}, *xml[] = {a};
    char *dir = make_dir("units", true, files, xml, 1);
    glca_error err = GLCA_ERROR_INIT;
    glca_units *units;
    glca_import *im = imp_start(&units);
    const glca_imp_note *n = NULL;
    int dim;
    double factor;
    size_t i;

    cr_assert_eq(glca_inventories__read_ecospold2(im, dir, NULL, print_diag, NULL, &err), 0, "%s",
                 inv_fmt(&err));
    for (i = 0; i < glca_inventories__imp_nnotes(im); i++)
        if (glca_inventories__imp_note_at(im, i)->kind == GLCA_IMP_UNIT) {
            cr_assert_null(n, "one unit note only");
            n = glca_inventories__imp_note_at(im, i);
        }
    cr_assert_not_null(n);
    cr_assert(strstr(n->message, "'furlong' is not known"), "%s", n->message);
    cr_assert_eq(n->amount, 3);
    cr_assert_eq(n->loc.line, 8); /* the second body line: 1 prolog, 5 <flowData>, 6 reference */
    cr_assert_eq(glca_units_lookup(units, "t", &dim, &factor), 0);
    cr_assert_eq(factor, 1000);
    imp_done(im, units);
    free(dir);
    free(a);
}
