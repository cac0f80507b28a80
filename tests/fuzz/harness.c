/*
 * The shared part of the harnesses (see harness.h): scratch files, the checks on a reader's
 * answer, and the example background.  State is per process on purpose: a harness runs one
 * input at a time, and the example is loaded once rather than for every input.
 */
#include "harness.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILES 8

static char scratch_dir[512];
static char scratch_files[MAX_FILES][600];
static size_t nscratch;

void glca_fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("glca_fuzz: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void remove_scratch(void)
{
    size_t i;

    for (i = 0; i < nscratch; i++)
        unlink(scratch_files[i]);
    rmdir(scratch_dir);
}

const char *glca_fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    const char *path = NULL;
    size_t i, done = 0;
    int fd;

    if (!scratch_dir[0]) {
        const char *tmp = getenv("TMPDIR");

        snprintf(scratch_dir, sizeof scratch_dir, "%s/glca-fuzz-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(scratch_dir))
            glca_fuzz_fail("cannot make a scratch directory in %s", scratch_dir);
        atexit(remove_scratch);
    }
    for (i = 0; i < nscratch && !path; i++)
        if (strcmp(strrchr(scratch_files[i], '/') + 1, name) == 0)
            path = scratch_files[i];
    if (!path) {
        if (nscratch == MAX_FILES)
            glca_fuzz_fail("more than %d scratch files", MAX_FILES);
        snprintf(scratch_files[nscratch], sizeof scratch_files[0], "%s/%s", scratch_dir, name);
        path = scratch_files[nscratch++];
    }
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        glca_fuzz_fail("cannot write %s", path);
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);

        if (n <= 0)
            glca_fuzz_fail("cannot write %s", path);
        done += (size_t)n;
    }
    close(fd);
    return path;
}

/* Checks that hold for any error, returned or sent to diag. */
static void check_error(const glca_error *e, const char *what)
{
    if (e->code >= 0)
        glca_fuzz_fail("%s: error with code %d", what, (int)e->code);
    if (!e->message[0])
        glca_fuzz_fail("%s: error %d without a message", what, (int)e->code);
    if (!memchr(e->message, '\0', sizeof e->message) || !memchr(e->file, '\0', sizeof e->file))
        glca_fuzz_fail("%s: unterminated error string", what);
    /* bad input must be located, at least by file */
    if ((e->code == GLCA_EPARSE || e->code == GLCA_EUNIT || e->code == GLCA_ELIMIT) &&
        !e->file[0])
        glca_fuzz_fail("%s: error without a file: %s", what, e->message);
    if (e->line < 0 || e->column < 0 || (e->column > 0 && e->line == 0))
        glca_fuzz_fail("%s: bad location %ld:%ld: %s", what, e->line, e->column, e->message);
}

void glca_fuzz_diag_fn(const glca_error *e, void *payload)
{
    glca_fuzz_diag *d = payload;

    check_error(e, "diag");
    d->count++;
}

int glca_fuzz_check(int rc, const glca_error *err)
{
    if (rc < 0) {
        check_error(err, "returned");
        if ((int)err->code != rc)
            glca_fuzz_fail("returned %d with an error of code %d: %s", rc, (int)err->code,
                           err->message);
    }
    return rc;
}

int glca_fuzz_check_diag(int rc, const glca_error *err, const glca_fuzz_diag *d)
{
    glca_fuzz_check(rc, err);
    if (rc < 0 && rc != GLCA_ENOMEM && d->count == 0)
        glca_fuzz_fail("failed (%s) with nothing sent to diag", err->message);
    if (rc >= 0 && d->count > 0)
        glca_fuzz_fail("succeeded with %zu problems sent to diag", d->count);
    return rc;
}

static void example_load(glca_fuzz_example *ex)
{
    static const char *const inventories[] = {GLCA_TEST_DIR "/fixtures/xml/loop.inventory.xml"};
    glca_background_options opts = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    char msg[600];

    if (glca_load_background(&ex->bg, inventories, 1, GLCA_TEST_DIR "/fixtures/xml/gwp.method.xml",
                             &opts, NULL, NULL, &err) < 0 ||
        glca_read_product(&ex->product, GLCA_TEST_DIR "/fixtures/xml/heater.product.xml", NULL,
                          NULL, NULL, &err) < 0 ||
        glca_product_bind(ex->product, ex->bg, NULL, NULL, &err) < 0)
        goto fail;
    if (!(ex->impacts = calloc(glca_background_ncategories(ex->bg) * GLCA_NSTAGES,
                               sizeof *ex->impacts)))
        glca_fuzz_fail("out of memory");
    if (glca_evaluate(ex->bg, ex->product, ex->impacts, &err) < 0)
        goto fail;
    return;
fail:
    glca_error_format(&err, msg, sizeof msg);
    glca_fuzz_fail("cannot load the example: %s", msg);
}

const glca_fuzz_example *glca_fuzz_example_get(void)
{
    static glca_fuzz_example ex;

    if (!ex.bg)
        example_load(&ex);
    return &ex;
}
