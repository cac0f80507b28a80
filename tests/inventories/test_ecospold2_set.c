/*
 * The EcoSpold 2 reader over directories: MasterData, activityLinkId resolution, the set read
 * in parallel, and the datasets emitted into the common import and linked.
 *
 * The three-activity system of ecospold2matrix (tests/fixtures/ecospold2/e2m-fake-system) must
 * give exactly the rows of that project's published extraction tables (PRO.csv, STR.csv,
 * products.csv, inflows.csv, outflows.csv, elementary_flows.csv); the CSV files are read here,
 * at test time, and every row is asserted.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "es2_test_util.h"

Test(inventories_ecospold2_set, e2m_system_gives_its_published_process_table)
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

Test(inventories_ecospold2_set, e2m_system_gives_its_published_flow_tables)
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

Test(inventories_ecospold2_set, e2m_masterdata_gives_its_published_elementary_table)
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

Test(inventories_ecospold2_set, set_is_the_same_for_any_thread_count)
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

Test(inventories_ecospold2_set, missing_masterdata_is_an_error_naming_the_folder)
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

Test(inventories_ecospold2_set, dangling_link_is_noted_and_left_to_the_linker)
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

Test(inventories_ecospold2_set, same_activity_and_product_twice_names_both_files)
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

Test(inventories_ecospold2_set, e2m_system_through_the_import_and_the_linker)
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

Test(inventories_ecospold2_set, price_properties_give_economic_allocation)
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

Test(inventories_ecospold2_set, e2m_directory_through_the_public_loader)
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

Test(inventories_ecospold2_set, every_allocation_failure_of_a_directory_read_is_clean)
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

Test(inventories_ecospold2_set, every_allocation_failure_into_the_import_is_clean)
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

Test(inventories_ecospold2_set, units_are_mapped_declared_or_refused_with_a_note)
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
