/*
 * The ILCD reader over an archive of buffers in memory (glca_inventories__read_ilcd_memory):
 * the TianGong subset read from memory gives what its folder gives, down to the figures of the
 * independent calculation of test_ilcd.c (tools/ilcd_direct_impact.py), and hostile members
 * are refused as hostile zip entries are.
 */
#include "ilcd_test_util.h"

#define EF_CLIMATE "6209b35f-9447-40b5-b68c-a1099e3674a0"

/* Every file of a folder in memory: the members borrow the names of `*folder` and own their
 * bytes (free with free_members). */
static glca_archive_member *load_members(const char *path, glca_archive **folder, size_t *n)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_archive_member *members;

    cr_assert_eq(glca_inventories__archive_open(folder, path, NULL, &e), 0, "%s", e.message);
    *n = glca_inventories__archive_count(*folder);
    cr_assert_not_null(members = calloc(*n, sizeof *members));
    for (size_t i = 0; i < *n; i++) {
        char *buf;
        cr_assert_eq(glca_inventories__archive_read(*folder, i, &buf, &members[i].len, &e), 0,
                     "%s", e.message);
        members[i].name = glca_inventories__archive_entry(*folder, i);
        members[i].data = buf;
    }
    return members;
}

static void free_members(glca_archive_member *members, size_t n, glca_archive *folder)
{
    for (size_t i = 0; i < n; i++)
        glca_free((void *)members[i].data);
    free(members);
    glca_inventories__archive_free(folder);
}

static ilcd_run read_memory(const char *name, const glca_archive_member *members, size_t n)
{
    ilcd_run r;

    memset(&r, 0, sizeof r);
    cr_assert_eq(glca_model_new(&r.model, &r.err), 0);
    cr_assert_eq(glca_inventories__imp_new(&r.im, glca_model_units(r.model), &r.err), 0);
    r.rc = glca_inventories__read_ilcd_memory(r.im, name, members, n, NULL, NULL, NULL, &r.err);
    return r;
}

static size_t count_notes(const glca_import *im, const char *needle)
{
    size_t n = 0;

    for (size_t i = 0; i < im->nnotes; i++)
        n += im->notes[i].kind == GLCA_IMP_DANGLING && strstr(im->notes[i].message, needle);
    return n;
}

Test(inventories_ilcd_memory, tiangong_from_memory_reads_as_its_folder)
{
    glca_archive *folder;
    size_t n;
    glca_archive_member *members = load_members(TIANGONG, &folder, &n);
    ilcd_run f = ilcd_read(TIANGONG), r = read_memory("tiangong", members, n);
    double v;

    cr_assert_eq(r.rc, 0, "%s", inv_fmt(&r.err));
    /* the counts of test_ilcd.c (ElementTree over the folder): 68 datasets, 3 left out for a
     * missing reference flow, 57 exchanges naming a missing flow */
    cr_assert_eq(r.im->nprocs, 65);
    cr_assert_eq(count_notes(r.im, "process left out"), 3);
    cr_assert_eq(count_notes(r.im, "exchange left out"), 57);
    cr_assert_eq(r.im->nflows, f.im->nflows);
    cr_assert_eq(r.im->nxs, f.im->nxs);
    for (size_t i = 0; i < r.im->nxs; i++) {
        cr_assert_str_eq(r.im->xs[i].flow, f.im->xs[i].flow);
        cr_assert(memcmp(&r.im->xs[i].amount, &f.im->xs[i].amount, sizeof(double)) == 0);
        cr_assert_eq(r.im->xs[i].loc.line, f.im->xs[i].loc.line);
    }
    /* locations name the archive and the entry, as a zip's do */
    cr_assert(strstr(r.im->notes[0].loc.file, "tiangong:processes/") == r.im->notes[0].loc.file,
              "%s", r.im->notes[0].loc.file);
    /* EF 3.x climate change of 056f59ca (aluminium ingot casting, no provider upstream):
     * 60.818 kg CO2-eq per 55.5 kg, tools/ilcd_direct_impact.py --system */
    v = ilcd_impact(&r, TIANGONG "/lciamethods", EF_CLIMATE,
                    "056f59ca-4128-41d9-8baa-346eedda942d");
    cr_assert_float_eq(v, 60.818 / 55.5, 1e-12 * 60.818 / 55.5, "%.17g", v);
    ilcd_done(&r);
    ilcd_done(&f);
    free_members(members, n, folder);
}

static void assert_refused(const glca_archive_member *members, size_t n,
                           const glca_archive_limits *limits, glca_code code, const char *file,
                           const char *needle)
{
    glca_archive *a = (glca_archive *)1;
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_inventories__archive_open_memory(&a, "mem", members, n, limits, &e), code,
                 "%s", e.message);
    cr_assert_null(a);
    cr_assert_str_eq(e.file, file);
    cr_assert(strstr(e.message, needle), "%s", e.message);
}

Test(inventories_ilcd_memory, hostile_members_are_refused_as_zip_entries_are)
{
    static const glca_archive_limits small = {1, 8, 12, 200.0, 1LL << 20};
    const glca_archive_member slip[] = {{"processes/../../etc/x.xml", "<a/>", 4}};
    const glca_archive_member absolute[] = {{"/etc/x.xml", "<a/>", 4}};
    const glca_archive_member twice[] = {{"flows/b.xml", "<b/>", 4}, {"flows/a.xml", "<a/>", 4},
                                         {"flows/b.xml", "<c/>", 4}};
    const glca_archive_member big[] = {{"a.xml", "123456789", 9}};
    const glca_archive_member total[] = {{"a.xml", "1234567", 7}, {"b.xml", "1234567", 7}};

    assert_refused(slip, 1, NULL, GLCA_EPARSE, "mem:processes/../../etc/x.xml", "outside");
    assert_refused(absolute, 1, NULL, GLCA_EPARSE, "mem:/etc/x.xml", "outside");
    assert_refused(twice, 3, NULL, GLCA_EPARSE, "mem:flows/b.xml", "two entries");
    /* 9 bytes over a limit of 8 per entry; 7 + 7 over 12 in all: a zip's messages */
    assert_refused(big, 1, &small, GLCA_ELIMIT, "mem:a.xml",
                   "entry of 9 bytes exceeds the limit of 8");
    assert_refused(total, 2, &small, GLCA_ELIMIT, "mem",
                   "entries declare more than the limit of 12 bytes in all");
}

Test(inventories_ilcd_memory, members_read_sorted_with_their_bytes)
{
    const glca_archive_member members[] = {{"b/x.xml", "<x>2</x>", 8}, {"a.xml", NULL, 0}};
    glca_archive *a = NULL;
    glca_error e = GLCA_ERROR_INIT;
    char *buf;
    size_t len;

    cr_assert_eq(glca_inventories__archive_open_memory(&a, "mem", members, 2, NULL, &e), 0,
                 "%s", e.message);
    cr_assert_eq(glca_inventories__archive_count(a), 2);
    cr_assert_str_eq(glca_inventories__archive_entry(a, 0), "a.xml");
    cr_assert_str_eq(glca_inventories__archive_display(a, 1), "mem:b/x.xml");
    cr_assert_not(glca_inventories__archive_folder(a));
    cr_assert_eq(glca_inventories__archive_read(a, 0, &buf, &len, &e), 0, "%s", e.message);
    cr_assert_eq(len, 0);
    cr_assert_eq(buf[0], '\0');
    glca_free(buf);
    cr_assert_eq(glca_inventories__archive_read(a, 1, &buf, &len, &e), 0, "%s", e.message);
    cr_assert_eq(len, 8);
    cr_assert_str_eq(buf, "<x>2</x>");
    glca_free(buf);
    glca_inventories__archive_free(a);
}

Test(inventories_ilcd_memory, a_tree_without_processes_is_an_error_naming_it)
{
    ilcd_run r = read_memory("empty", NULL, 0);

    cr_assert_eq(r.rc, GLCA_EPARSE);
    cr_assert_str_eq(r.err.file, "empty");
    cr_assert(strstr(r.err.message, "no ILCD process datasets"), "%s", r.err.message);
    ilcd_done(&r);
}

Test(inventories_ilcd_memory, an_internal_id_beyond_a_long_is_an_error_at_its_element)
{
    /* found by fuzzing: 1e300 was converted to a long (undefined behaviour) */
    static const char process[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<processDataSet xmlns=\"http://lca.jrc.it/ILCD/Process\">\n"
        "<exchanges>\n"
        "<exchange dataSetInternalID=\"1e300\"/>\n"
        "</exchanges></processDataSet>\n";
    const glca_archive_member members[] = {{"processes/p.xml", process, sizeof process - 1}};
    ilcd_run r = read_memory("mem", members, 1);

    cr_assert_eq(r.rc, GLCA_EPARSE);
    cr_assert_str_eq(r.err.file, "mem:processes/p.xml");
    cr_assert_eq(r.err.line, 4);
    cr_assert(strstr(r.err.message, "internal id 1e+300 in <exchange> is out of range"), "%s",
              r.err.message);
    ilcd_done(&r);
}

Test(inventories_ilcd_memory, a_unit_id_beyond_a_long_is_an_error_at_its_element)
{
    /* the unit group's ids went through the same conversion as the exchange's above */
    static const char unitgroup[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<unitGroupDataSet xmlns=\"http://lca.jrc.it/ILCD/UnitGroup\">\n"
        "<units>\n"
        "<unit dataSetInternalID=\"-1e300\"/>\n"
        "</units></unitGroupDataSet>\n";
    static const char process[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<processDataSet xmlns=\"http://lca.jrc.it/ILCD/Process\"/>\n";
    const glca_archive_member members[] = {{"processes/p.xml", process, sizeof process - 1},
                                           {"unitgroups/u.xml", unitgroup, sizeof unitgroup - 1}};
    ilcd_run r = read_memory("mem", members, 2);

    cr_assert_eq(r.rc, GLCA_EPARSE);
    cr_assert_str_eq(r.err.file, "mem:unitgroups/u.xml");
    cr_assert_eq(r.err.line, 4);
    cr_assert(strstr(r.err.message, "internal id -1e+300 in <unit> is out of range"), "%s",
              r.err.message);
    ilcd_done(&r);
}
