/*
 * The ILCD reader on real data: the TianGong subset (68 Chinese processes, EF 3.x methods; see
 * fixtures/ilcd/tiangong/PROVENANCE.md) from its folder and from a zip of it, its real defects
 * as notes, its impacts against an independent calculation, and the openLCA ILCD samples;
 * then hostile archives and files.
 *
 * Expected figures come from tools/ilcd_direct_impact.py, which reads the XML with Python's
 * ElementTree and solves the linked system with numpy (run with Debian's /usr/bin/python3):
 *   /usr/bin/python3 tools/ilcd_direct_impact.py --system tests/fixtures/ilcd/tiangong/\
 *       tiangong_lca_data 6209b35f-9447-40b5-b68c-a1099e3674a0
 * and from counting with grep and ElementTree, as each test says.
 */
#include <omp.h>

#include "ilcd_test_util.h"

#define EF_CLIMATE "6209b35f-9447-40b5-b68c-a1099e3674a0"
#define EF_ACIDIFICATION "b5c611c6-def3-11e6-bf01-fe55135034f3"

static size_t count_notes(const glca_import *im, glca_imp_note_kind kind, const char *needle)
{
    size_t n = 0;

    for (size_t i = 0; i < im->nnotes; i++)
        n += im->notes[i].kind == kind && (!needle || strstr(im->notes[i].message, needle));
    return n;
}

Test(inventories_ilcd, tiangong_folder_reads_with_its_defects_as_notes)
{
    ilcd_run r = ilcd_read(TIANGONG);
    size_t input_refs = 0, vitrified = 0;

    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    /* 68 datasets; 3 have a reference flow whose file is missing (37d1a4d5 "vitrified brick",
     * 490603a2 and 5422852b): they are left out, each with a note. */
    cr_assert_eq(r.im->nprocs, 65);
    cr_assert_eq(count_notes(r.im, GLCA_IMP_DANGLING, "process left out"), 3);
    /* 57 exchanges name one of the 12 missing flows (counted with ElementTree over
     * processes/ against flows/); every one is a note, never a crash. */
    cr_assert_eq(count_notes(r.im, GLCA_IMP_DANGLING, "exchange left out"), 57);
    for (size_t i = 0; i < r.im->nnotes; i++)
        if (r.im->notes[i].flow && !strcmp(r.im->notes[i].flow, "vitrified brick")) {
            vitrified++;
            cr_assert(strstr(r.im->notes[i].message, "not a UUID"));
            cr_assert(strstr(r.im->notes[i].loc.file,
                             "processes/37d1a4d5-8c25-41c6-8008-831aa27ddb7c.xml"));
            cr_assert_eq(r.im->notes[i].loc.line, 139); /* <exchange dataSetInternalID="4"> */
        }
    cr_assert_eq(vitrified, 1);
    /* 17 datasets have an input as their quantitative reference (treatment and service
     * datasets); none of them is among the 3 left out. */
    for (size_t i = 0; i < r.im->nxs; i++)
        input_refs += r.im->xs[i].reference && r.im->xs[i].dir == GLCA_INPUT;
    cr_assert_eq(input_refs, 17);
    ilcd_done(&r);
}

Test(inventories_ilcd, tiangong_climate_change_matches_an_independent_calculation)
{
    ilcd_run r = ilcd_read(TIANGONG);

    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    ilcd_done(&r);
    /* EF 3.x climate change per reference unit, from tools/ilcd_direct_impact.py --system.
     * 056f59ca (aluminium ingot casting) has no provider upstream: 60.818 kg CO2-eq per
     * 55.5 kg, from its own exchanges alone.  8758c687 (high-nickel matte) and d710a049
     * (groundwater remediation) carry upstream chains. */
    static const struct {
        const char *category, *process;
        double expected;
    } cases[] = {
        {EF_CLIMATE, "056f59ca-4128-41d9-8baa-346eedda942d", 60.818 / 55.5},
        {EF_CLIMATE, "8758c687-2be3-4f20-89e5-16d6a9ed529f", 1.0576149896470586},
        {EF_CLIMATE, "d710a049-d673-4938-9eff-0c5b508b14b5", 1717.6708077712985},
        /* acidification (mol H+ eq), the same script with EF_ACIDIFICATION */
        {EF_ACIDIFICATION, "d710a049-d673-4938-9eff-0c5b508b14b5", 13.295116274280547},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double v;
        r = ilcd_read(TIANGONG);
        v = ilcd_impact(&r, TIANGONG "/lciamethods", cases[i].category, cases[i].process);
        cr_assert_float_eq(v, cases[i].expected, 1e-12 * fabs(cases[i].expected), "%s: %.17g",
                           cases[i].process, v);
        ilcd_done(&r);
    }
}

static void assert_same_import(const glca_import *a, const glca_import *b)
{
    cr_assert_eq(a->nflows, b->nflows);
    cr_assert_eq(a->nprocs, b->nprocs);
    cr_assert_eq(a->nxs, b->nxs);
    cr_assert_eq(a->nallocs, b->nallocs);
    cr_assert_eq(a->nnotes, b->nnotes);
    for (size_t i = 0; i < a->nflows; i++) {
        cr_assert_str_eq(a->flows[i].id, b->flows[i].id);
        cr_assert_str_eq(a->flows[i].unit, b->flows[i].unit);
        cr_assert_eq(a->flows[i].kind, b->flows[i].kind);
    }
    for (size_t i = 0; i < a->nprocs; i++) {
        cr_assert_str_eq(a->procs[i].p.id, b->procs[i].p.id);
        cr_assert_eq(a->procs[i].nx, b->procs[i].nx);
    }
    for (size_t i = 0; i < a->nxs; i++) {
        cr_assert_str_eq(a->xs[i].flow, b->xs[i].flow);
        cr_assert_eq(a->xs[i].dir, b->xs[i].dir);
        cr_assert(memcmp(&a->xs[i].amount, &b->xs[i].amount, sizeof(double)) == 0);
        cr_assert_eq(a->xs[i].reference, b->xs[i].reference);
        cr_assert_eq(a->xs[i].loc.line, b->xs[i].loc.line);
    }
    for (size_t i = 0; i < a->nnotes; i++) {
        const char *fa = strstr(a->notes[i].loc.file, "processes/");
        const char *fb = strstr(b->notes[i].loc.file, "processes/");
        cr_assert_str_eq(a->notes[i].message, b->notes[i].message);
        cr_assert_str_eq(fa, fb);
        cr_assert_eq(a->notes[i].loc.line, b->notes[i].loc.line);
    }
}

Test(inventories_ilcd, tiangong_zip_gives_the_same_import_as_the_folder)
{
    char *zip = ilcd_zip_folder(TIANGONG, "tiangong.zip");
    ilcd_run f = ilcd_read(TIANGONG), z = ilcd_read(zip);
    glca_method *m = NULL;
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(f.rc, 0, "%s", inv_fmt(&f.err));
    cr_assert_eq(z.rc, 0, "%s", inv_fmt(&z.err));
    assert_same_import(f.im, z.im);
    /* notes name the archive and the entry */
    cr_assert(strstr(z.im->notes[0].loc.file, "tiangong.zip:processes/"),
              "%s", z.im->notes[0].loc.file);
    /* and the methods read from the zip: the 14 EF datasets */
    cr_assert_eq(glca_method_new(&m, "ef", "EF", "3", &e), 0);
    cr_assert_eq(glca_inventories__read_ilcd_methods(m, zip, NULL, NULL, NULL, &e), 0, "%s",
                 inv_fmt(&e));
    cr_assert_eq(glca_method_ncategories(m), 14);
    glca_method_free(m);
    ilcd_done(&f);
    ilcd_done(&z);
    free(zip);
}

Test(inventories_ilcd, the_import_does_not_depend_on_the_thread_count)
{
    ilcd_run one, four;

    omp_set_num_threads(1);
    one = ilcd_read(TIANGONG);
    omp_set_num_threads(4);
    four = ilcd_read(TIANGONG);
    cr_assert_eq(one.rc, 0);
    cr_assert_eq(four.rc, 0);
    assert_same_import(one.im, four.im);
    ilcd_done(&one);
    ilcd_done(&four);
}

Test(inventories_ilcd, olca_samples_read_or_say_precisely_why_not)
{
    ilcd_run r = ilcd_read(OLCA "/process.xml");
    char tree[512];
    glca_method *m = NULL;
    glca_error e = GLCA_ERROR_INIT;

    /* a lone process file has no flows to read its exchanges with */
    cr_assert_eq(r.rc, GLCA_EPARSE);
    cr_assert(strstr(r.err.message, "must sit in its processes/ folder"), "%s", r.err.message);
    ilcd_done(&r);
    /* the JRC reference folder holds flow properties and unit groups but no process */
    r = ilcd_read(OLCA "/ilcd_folder.zip");
    cr_assert_eq(r.rc, GLCA_EPARSE);
    cr_assert(strstr(inv_fmt(&r.err), "ilcd_folder.zip: no ILCD process datasets"), "%s",
              inv_fmt(&r.err));
    ilcd_done(&r);
    /* the ELCD ABS dataset in a tree: its 163 exchanges name flows the sample does not ship
     * (grep -c '<exchange ' process.xml), each a note, and so the process is left out */
    snprintf(tree, sizeof tree, "%s/elcd", inv_tmpdir());
    {
        FILE *in = fopen(OLCA "/process.xml", "rb");
        char buf[1 << 16], path[600];
        size_t n;
        FILE *out;
        mkdir(tree, 0700);
        snprintf(path, sizeof path, "%s/processes", tree);
        mkdir(path, 0700);
        snprintf(path, sizeof path, "%s/processes/abs.xml", tree);
        cr_assert_not_null(in);
        cr_assert_not_null(out = fopen(path, "wb"));
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, out);
        fclose(in);
        fclose(out);
        r = ilcd_read(path);
    }
    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    cr_assert_eq(r.im->nprocs, 0);
    cr_assert_eq(count_notes(r.im, GLCA_IMP_DANGLING, "exchange left out"), 163);
    cr_assert_eq(count_notes(r.im, GLCA_IMP_DANGLING, "process left out"), 1);
    ilcd_done(&r);
    /* the SDK's LCIA method sample: one category, id = its UUID */
    cr_assert_eq(glca_method_new(&m, "s", "s", "1", &e), 0);
    cr_assert_eq(glca_inventories__read_ilcd_methods(m, OLCA "/sdk_sample_lciamethod.xml", NULL,
                                                     NULL, NULL, &e), 0, "%s", inv_fmt(&e));
    cr_assert_eq(glca_method_ncategories(m), 1);
    glca_method_free(m);
}

Test(inventories_ilcd, folders_zips_and_files_are_recognised)
{
    char *zip = ilcd_zip_folder(TIANGONG, "detect.zip");
    const glca_import_format *f;

    /* a tree (folder or zip) serves both --inventory and --method */
    cr_assert_not_null(f = glca_inventories__detect_import(TIANGONG));
    cr_assert_eq(f->kind, GLCA_DOC_ILCD);
    cr_assert(f->read && f->read_method);
    cr_assert_not_null(f = glca_inventories__detect_import(zip));
    cr_assert_eq(f->kind, GLCA_DOC_ILCD);
    /* the methods folder alone, and one method file, by namespace */
    cr_assert_not_null(f = glca_inventories__detect_import(TIANGONG "/lciamethods"));
    cr_assert_eq(f->kind, GLCA_DOC_ILCD_METHOD);
    cr_assert_not_null(f = glca_inventories__detect_import(OLCA "/sdk_sample_lciamethod.xml"));
    cr_assert_eq(f->kind, GLCA_DOC_ILCD_METHOD);
    cr_assert_not_null(f = glca_inventories__detect_import(OLCA "/process.xml"));
    cr_assert_eq(f->kind, GLCA_DOC_ILCD);
    free(zip);
}
