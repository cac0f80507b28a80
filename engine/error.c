/*
 * Error values: filling, locating and formatting a caller-owned glca_error.  There is no global
 * error state, so every thread of a batch reports its own product's problems.
 */
#include <glca/engine.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void glca_error_clear(glca_error *err)
{
    if (!err)
        return;
    err->code = GLCA_OK;
    err->message[0] = '\0';
    err->file[0] = '\0';
    err->line = 0;
    err->column = 0;
}

static void copy_location(glca_error *err, const glca_srcloc *where)
{
    if (!where || !where->file) {
        err->file[0] = '\0';
        err->line = err->column = 0;
        return;
    }
    snprintf(err->file, sizeof err->file, "%s", where->file);
    err->line = where->line;
    err->column = where->column;
}

int glca_error_set(glca_error *err, glca_code code, const glca_srcloc *where, const char *fmt,
                   ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    copy_location(err, where);
    return code;
}

int glca_error_oom(glca_error *err)
{
    return glca_error_set(err, GLCA_ENOMEM, NULL, "out of memory");
}

void glca_error_locate(glca_error *err, const glca_srcloc *where)
{
    if (err && err->file[0] == '\0' && where && where->file)
        copy_location(err, where);
}

void glca_error_format(const glca_error *err, char *buf, size_t size)
{
    if (!size)
        return;
    if (err->file[0] && err->line > 0 && err->column > 0)
        snprintf(buf, size, "%s:%ld:%ld: %s", err->file, err->line, err->column, err->message);
    else if (err->file[0] && err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->message);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, err->message);
    else
        snprintf(buf, size, "%s", err->message);
}

void glca_diag_init(glca_diag_sink *s, glca_diag_fn fn, void *payload, glca_error *err)
{
    s->fn = fn;
    s->payload = payload;
    s->err = err;
    s->first = 0;
    s->count = 0;
}

int glca_diag_report(glca_diag_sink *s, const glca_error *e)
{
    if (s->fn)
        s->fn(e, s->payload);
    if (!s->first) {
        s->first = e->code;
        if (s->err)
            *s->err = *e;
    }
    s->count++;
    return e->code;
}

int glca_diag_problem(glca_diag_sink *s, glca_code code, const glca_srcloc *where,
                      const char *fmt, ...)
{
    glca_error e = GLCA_ERROR_INIT;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    e.code = code;
    glca_error_locate(&e, where);
    return glca_diag_report(s, &e);
}
