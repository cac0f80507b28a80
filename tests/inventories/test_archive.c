/*
 * Folders and zips as entry lists (inventories/importers/archive.c): the same tree read both
 * ways gives the same entries and bytes; hostile zips (zip slip, symbolic links, ratio bombs,
 * entries lying about their size) are refused with the archive and the entry named.  The zips
 * are built here with libzip and, for the size lie, patched byte by byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "inv_test_util.h"
#include "inventories/importers/archive.h"

static char *tmp_path(const char *name)
{
    size_t len = strlen(inv_tmpdir()) + strlen(name) + 2;
    char *p = malloc(len);

    snprintf(p, len, "%s/%s", inv_tmpdir(), name);
    return p;
}

/* A zip of (name, content) pairs; content NULL adds a folder entry. */
static char *make_zip(const char *zipname, const char *const *pairs, size_t npairs)
{
    char *path = tmp_path(zipname);
    int zerr;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);

    cr_assert_not_null(za);
    for (size_t i = 0; i < npairs; i++) {
        const char *name = pairs[2 * i], *content = pairs[2 * i + 1];
        if (!content) {
            cr_assert_geq(zip_dir_add(za, name, ZIP_FL_ENC_UTF_8), 0);
            continue;
        }
        zip_source_t *src = zip_source_buffer(za, content, strlen(content), 0);
        cr_assert_not_null(src);
        cr_assert_geq(zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8), 0, "%s", zip_strerror(za));
    }
    cr_assert_eq(zip_close(za), 0);
    return path;
}

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");

    cr_assert_not_null(f);
    fputs(content, f);
    fclose(f);
}

static const char *const tree[] = {
    "processes/", NULL,
    "processes/b.xml", "<b/>",
    "processes/a.xml", "<a>one</a>",
    "flows/", NULL,
    "flows/sub/", NULL,
    "flows/sub/c.xml", "<c/>",
    "README", "a folder of datasets\n",
};

Test(inventories_archive, folder_and_zip_give_the_same_sorted_entries_and_bytes)
{
    /* strcmp order of the five files, worked out by hand; folder entries are not listed. */
    static const char *const sorted[] = {"README", "flows/sub/c.xml", "processes/a.xml",
                                         "processes/b.xml"};
    char *zip = make_zip("tree.zip", tree, 7), *dir = tmp_path("tree");
    glca_archive *az = NULL, *ad = NULL;
    glca_error err = GLCA_ERROR_INIT;
    char sub[512];

    cr_assert_eq(mkdir(dir, 0700), 0);
    for (size_t i = 0; i < 7; i++) {
        snprintf(sub, sizeof sub, "%s/%s", dir, tree[2 * i]);
        if (tree[2 * i + 1])
            write_file(sub, tree[2 * i + 1]);
        else
            cr_assert_eq(mkdir(sub, 0700), 0);
    }
    cr_assert(glca_inventories__archive_is_zip(zip));
    cr_assert_not(glca_inventories__archive_is_zip(dir));
    cr_assert_eq(glca_inventories__archive_open(&az, zip, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__archive_open(&ad, dir, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__archive_count(az), 4);
    cr_assert_eq(glca_inventories__archive_count(ad), 4);
    for (size_t i = 0; i < 4; i++) {
        char *bz, *bd;
        size_t lz, ld;
        cr_assert_str_eq(glca_inventories__archive_entry(az, i), sorted[i]);
        cr_assert_str_eq(glca_inventories__archive_entry(ad, i), sorted[i]);
        cr_assert_eq(glca_inventories__archive_read(az, i, &bz, &lz, &err), 0, "%s",
                     err.message);
        cr_assert_eq(glca_inventories__archive_read(ad, i, &bd, &ld, &err), 0, "%s",
                     err.message);
        cr_assert_eq(lz, ld);
        cr_assert_str_eq(bz, bd);
        glca_free(bz);
        glca_free(bd);
    }
    cr_assert_eq(glca_inventories__archive_find(az, "processes/a.xml"), 2);
    cr_assert_eq(glca_inventories__archive_find(ad, "processes/c.xml"), SIZE_MAX);
    snprintf(sub, sizeof sub, "%s:processes/a.xml", zip);
    cr_assert_str_eq(glca_inventories__archive_display(az, 2), sub);
    snprintf(sub, sizeof sub, "%s/processes/a.xml", dir);
    cr_assert_str_eq(glca_inventories__archive_display(ad, 2), sub);
    glca_inventories__archive_free(az);
    glca_inventories__archive_free(ad);
    free(zip);
    free(dir);
}

static void assert_refused(const char *zip, const glca_archive_limits *limits, int code,
                           const char *needle)
{
    glca_archive *a = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_inventories__archive_open(&a, zip, limits, &err), code, "%s", err.message);
    cr_assert_null(a);
    cr_assert(strstr(inv_fmt(&err), zip), "archive not named: %s", inv_fmt(&err));
    cr_assert(strstr(inv_fmt(&err), needle), "%s lacks '%s'", inv_fmt(&err), needle);
}

Test(inventories_archive, zip_slip_entries_are_refused)
{
    static const char *const up[] = {"processes/../../evil.xml", "<x/>"};
    static const char *const abs[] = {"/etc/evil.xml", "<x/>"};
    static const char *const drive[] = {"C:evil.xml", "<x/>"};
    static const char *const back[] = {"..\\evil.xml", "<x/>"};

    assert_refused(make_zip("up.zip", up, 1), NULL, GLCA_EPARSE,
                   ":processes/../../evil.xml: entry name leads outside");
    assert_refused(make_zip("abs.zip", abs, 1), NULL, GLCA_EPARSE, ":/etc/evil.xml: entry");
    assert_refused(make_zip("drive.zip", drive, 1), NULL, GLCA_EPARSE, "C:evil.xml: entry");
    assert_refused(make_zip("back.zip", back, 1), NULL, GLCA_EPARSE, "outside");
}

Test(inventories_archive, symbolic_links_are_refused_in_zips_and_folders)
{
    char *zip = tmp_path("link.zip"), *dir = tmp_path("linked"), *ln;
    int zerr;
    zip_t *za = zip_open(zip, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    zip_source_t *src = zip_source_buffer(za, "/etc/passwd", 11, 0);
    zip_int64_t idx = zip_file_add(za, "flows/f.xml", src, 0);
    glca_archive *a = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_geq(idx, 0);
    cr_assert_eq(zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
                                                  (zip_uint32_t)0120777 << 16), 0);
    cr_assert_eq(zip_close(za), 0);
    assert_refused(zip, NULL, GLCA_EPARSE, ":flows/f.xml: symbolic link refused");

    cr_assert_eq(mkdir(dir, 0700), 0);
    ln = tmp_path("linked/f.xml");
    cr_assert_eq(symlink("/etc/passwd", ln), 0);
    cr_assert_eq(glca_inventories__archive_open(&a, dir, NULL, &err), GLCA_EPARSE);
    cr_assert(strstr(inv_fmt(&err), "linked/f.xml: symbolic link refused"), "%s",
              inv_fmt(&err));
    free(ln);
    free(zip);
    free(dir);
}

Test(inventories_archive, ratio_bomb_and_size_limits_are_refused_before_reading)
{
    /* 8 MiB of zeros deflates about 1000:1, the mark of a zip bomb (limit 200:1 from 1 MiB). */
    size_t big = 8u << 20;
    char *zeros = calloc(1, big + 1);
    static const char *const small[] = {"a.xml", "<a>0123456789</a>", "b.xml", "<b>xyz</b>"};
    glca_archive_limits lim = GLCA_ARCHIVE_LIMITS_INIT;
    char *zip;

    memset(zeros, ' ', big);
    {
        const char *pairs[] = {"bomb.xml", zeros};
        zip = make_zip("bomb.zip", pairs, 1);
    }
    assert_refused(zip, NULL, GLCA_ELIMIT, ":bomb.xml: 8388608 bytes compressed to");
    free(zip);
    free(zeros);

    /* Entries of 17 and 10 bytes: a per-entry limit of 16, a total limit of 26. */
    zip = make_zip("small.zip", small, 2);
    lim.max_entry_bytes = 16;
    assert_refused(zip, &lim, GLCA_ELIMIT, ":a.xml: entry of 17 bytes exceeds the limit of 16");
    lim.max_entry_bytes = 17;
    lim.max_total_bytes = 26;
    assert_refused(zip, &lim, GLCA_ELIMIT, "more than the limit of 26 bytes in all");
    free(zip);
}

/* Set the uncompressed size of the only entry, in its local header and central record. */
static void patch_declared_size(const char *path, uint32_t size)
{
    FILE *f = fopen(path, "r+b");
    unsigned char buf[1 << 16];
    size_t n;
    int patched = 0;

    cr_assert_not_null(f);
    n = fread(buf, 1, sizeof buf, f);
    for (size_t i = 0; i + 46 <= n; i++) {
        size_t at;
        if (buf[i] != 'P' || buf[i + 1] != 'K')
            continue;
        if (buf[i + 2] == 3 && buf[i + 3] == 4)
            at = i + 22; /* local file header: uncompressed size */
        else if (buf[i + 2] == 1 && buf[i + 3] == 2)
            at = i + 24; /* central directory record */
        else
            continue;
        for (int b = 0; b < 4; b++)
            buf[at + (size_t)b] = (unsigned char)(size >> (8 * b));
        patched++;
    }
    cr_assert_eq(patched, 2);
    rewind(f);
    cr_assert_eq(fwrite(buf, 1, n, f), n);
    fclose(f);
}

static void assert_read_fails(const char *zip, const char *needle)
{
    glca_archive *a = NULL;
    glca_error err = GLCA_ERROR_INIT;
    char *buf = (char *)"untouched", display[512];
    size_t len = 7;

    cr_assert_eq(glca_inventories__archive_open(&a, zip, NULL, &err), 0, "%s", err.message);
    cr_assert_lt(glca_inventories__archive_read(a, 0, &buf, &len, &err), 0);
    cr_assert_null(buf);
    cr_assert_eq(len, 0);
    snprintf(display, sizeof display, "%s:lie.xml", zip);
    cr_assert_str_eq(err.file, display);
    if (needle)
        cr_assert(strstr(err.message, needle), "%s lacks '%s'", err.message, needle);
    glca_inventories__archive_free(a);
}

Test(inventories_archive, entry_inflating_to_another_size_than_declared_is_an_error)
{
    char content[3001];
    const char *pairs[] = {"lie.xml", content};
    char *zip;

    for (size_t i = 0; i < 3000; i++)
        content[i] = (char)('a' + (i * 7 + i / 13) % 26);
    content[3000] = '\0';
    zip = make_zip("lie_small.zip", pairs, 1);
    patch_declared_size(zip, 1000); /* declares 1000, inflates to 3000 */
    assert_read_fails(zip, "inflates to more than its declared 1000 bytes");
    free(zip);
    /* Declaring more than there is must fail too (libzip or our count, whichever sees it). */
    zip = make_zip("lie_big.zip", pairs, 1);
    patch_declared_size(zip, 5000);
    assert_read_fails(zip, NULL);
    free(zip);
}

Test(inventories_archive, xml_errors_name_the_archive_and_the_entry)
{
    static const char *const bad[] = {"processes/p.xml", "<?xml version=\"1.0\"?>\n<a>\n<b></a>"};
    char *zip = make_zip("bad.zip", bad, 1), display[512];
    glca_archive *a = NULL;
    glca_xml *x = NULL;
    glca_error err = GLCA_ERROR_INIT;
    char *buf = NULL;
    int rc;

    cr_assert_eq(glca_inventories__archive_open(&a, zip, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__archive_open_xml(&x, &buf, a, 0, NULL, &err), 0);
    cr_assert_not_null(buf);
    while ((rc = glca_xml_next(x, &err)) > 0)
        ;
    cr_assert_eq(rc, GLCA_EPARSE);
    snprintf(display, sizeof display, "%s:processes/p.xml", zip);
    cr_assert_str_eq(err.file, display);
    cr_assert_eq(err.line, 3); /* </a> closes <b> on line 3 */
    glca_xml_free(x);
    glca_free(buf);
    glca_inventories__archive_free(a);
    free(zip);
}

Test(inventories_archive, threads_read_different_entries_of_one_zip)
{
    enum { N = 300 };
    static char names[N][32], contents[N][64];
    const char *pairs[2 * N];
    glca_archive *a = NULL;
    glca_error err = GLCA_ERROR_INIT;
    char *zip;
    int bad = 0;

    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "d/%04d.xml", i);
        snprintf(contents[i], sizeof contents[i], "<v n=\"%d\">%d</v>", i, i * i);
        pairs[2 * i] = names[i];
        pairs[2 * i + 1] = contents[i];
    }
    zip = make_zip("many.zip", pairs, N);
    cr_assert_eq(glca_inventories__archive_open(&a, zip, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(glca_inventories__archive_count(a), N);
#pragma omp parallel for schedule(dynamic, 1) num_threads(4) reduction(+ : bad)
    for (int i = 0; i < N; i++) {
        glca_error e = GLCA_ERROR_INIT;
        char *buf;
        size_t len;
        if (glca_inventories__archive_read(a, (size_t)i, &buf, &len, &e) < 0) {
            bad++;
            continue;
        }
        bad += len != strlen(contents[i]) || strcmp(buf, contents[i]) != 0;
        glca_free(buf);
    }
    cr_assert_eq(bad, 0);
    glca_inventories__archive_free(a);
    free(zip);
}

Test(inventories_archive, a_missing_path_or_a_non_zip_file_is_a_clear_error)
{
    char *path = inv_write("notzip.zip", "this is text, not a zip archive\n");
    glca_archive *a = NULL;
    glca_error err = GLCA_ERROR_INIT;

    cr_assert_eq(glca_inventories__archive_open(&a, "/nonexistent/x.zip", NULL, &err),
                 GLCA_EIO);
    cr_assert_str_eq(err.file, "/nonexistent/x.zip");
    cr_assert_eq(glca_inventories__archive_open(&a, path, NULL, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "not a readable zip archive"), "%s", err.message);
    cr_assert_null(a);
    free(path);
}
