/*
 * The catalog hash's look for included files (catalog_hash.c): "<include" or ":include" anywhere
 * in a range, whatever its offset within the 16 bytes the scan compares at a time, and nothing
 * for near misses.  The truth of each case is how the file is written.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/batch_int.h"

/* Whether the hasher says the `n` bytes of `text` mention an include. */
static bool mentions(const char *text, size_t n)
{
    char path[] = "/tmp/glca-include-scan-XXXXXX";
    unsigned char digest[1][GLCA_SHA256_SIZE];
    glca_error err = GLCA_ERROR_INIT;
    bool include = false;
    int fd = mkstemp(path);

    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
    cr_assert_eq(glca_inventories__catalog_hash_ranges(path, (long long)n, 0, 1, digest, &include,
                                                       &err),
                 0, "%s", err.message);
    unlink(path);
    return include;
}

Test(inventories_include_scan, found_at_every_offset_of_a_block, .timeout = 30)
{
    static const char *const forms[] = {"<include", ":include"};
    char text[200];
    size_t form, at;

    for (form = 0; form < 2; form++)
        for (at = 0; at + 8 <= sizeof text; at++) {
            memset(text, 'i', sizeof text); /* an 'i' everywhere the scan may stop */
            memcpy(text + at, forms[form], 8);
            cr_assert(mentions(text, sizeof text), "%s at %zu", forms[form], at);
        }
}

Test(inventories_include_scan, near_misses_are_not_includes, .timeout = 30)
{
    static const char *const misses[] = {"<includ", "xinclude", "< include", "<Include", ":inc"};
    char text[200];
    size_t m, at;

    for (m = 0; m < sizeof misses / sizeof *misses; m++)
        for (at = 0; at + strlen(misses[m]) <= sizeof text; at += 5) {
            memset(text, '<', sizeof text); /* a '<' before every byte the scan looks at */
            memcpy(text + at, misses[m], strlen(misses[m]));
            cr_assert(!mentions(text, sizeof text), "%s at %zu", misses[m], at);
        }
}
