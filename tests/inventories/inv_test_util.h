/*
 * Helpers shared by the inventories tests: temporary directories and files written at test
 * time (hostile inputs are generated, not stored), and collecting diagnostics.
 */
#ifndef INV_TEST_UTIL_H
#define INV_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <glca/inventories.h>

/* A fresh directory under /tmp; the returned string is static per test process. */
static inline const char *inv_tmpdir(void)
{
    static char dir[64];

    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/glca-inv-XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
    }
    return dir;
}

/* Write `content` to `name` in the temp directory; returns a malloc'd path. */
static inline char *inv_write(const char *name, const char *content)
{
    size_t len = strlen(inv_tmpdir()) + strlen(name) + 2;
    char *path = malloc(len);
    FILE *f;

    snprintf(path, len, "%s/%s", inv_tmpdir(), name);
    cr_assert_not_null(f = fopen(path, "wb"));
    fputs(content, f);
    fclose(f);
    return path;
}

/* Path of a stored fixture (tests/fixtures/xml/<name>); static buffer. */
static inline const char *inv_fixture(const char *name)
{
    static char path[1024];

    snprintf(path, sizeof path, "%s/fixtures/xml/%s", GLCA_TEST_DIR, name);
    return path;
}

/* "file:line:column: message" of an error, in a static buffer. */
static inline const char *inv_fmt(const glca_error *e)
{
    static char buf[1024];

    glca_error_format(e, buf, sizeof buf);
    return buf;
}

/* Diagnostics collected by a glca_diag_fn. */
typedef struct inv_diags {
    size_t n;
    glca_error e[64];
    char text[64][600];
} inv_diags;

static inline void inv_collect(const glca_error *e, void *payload)
{
    inv_diags *d = payload;

    if (d->n < 64) {
        d->e[d->n] = *e;
        glca_error_format(e, d->text[d->n], sizeof d->text[d->n]);
    }
    d->n++;
}

/* The error's message contains `needle` (with the full text in the failure report). */
#define inv_assert_msg(err, needle)                                                            \
    cr_assert(strstr((err)->message, (needle)) != NULL, "expected '%s' in: %s", (needle),     \
              inv_fmt(err))

#endif
