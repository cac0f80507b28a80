/*
 * The safe XML reader: libxml2's SAX2 push parser fed by our own read loop, turned into a
 * stream of start / end element events with exact file:line:column locations.
 *
 * Why the push parser and not xmlTextReader: the text reader parses up to 512 bytes ahead of
 * the node it hands out, so its line and column are the parser's, not the element's; and it
 * returns the DOCTYPE node only after the internal subset (entity declarations) has been
 * parsed.  Here the internalSubset callback stops the parser at "<!DOCTYPE name" before any
 * declaration is read, which defeats entity bombs and external entities outright (our formats
 * never have a DOCTYPE).  Entities are not substituted (no XML_PARSE_NOENT), no DTD is loaded,
 * no network (XML_PARSE_NONET), and the parser builds no tree.
 *
 * Limits: the byte count is enforced on our own reads (and up front from fstat); the nesting
 * depth is checked as each element starts, so a 100,000-deep file stops at the limit in
 * bounded memory.  libxml2 has its own cap of 256 levels (without XML_PARSE_HUGE, which we do
 * not set because it lifts other protections too); a larger max_depth cannot go past it.
 *
 * libxml2 messages go through a structured error handler on the parser context into our
 * glca_error; nothing is printed.  xmlInitParser runs once under pthread_once; after that a
 * reader touches only its own context, so readers in different threads are independent.
 *
 * Attribute access and typed values are in xmlattr.c.
 */
/* memrchr is a GNU extension */
#define _GNU_SOURCE

#include "xml/xmlsafe_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parserInternals.h>

/* Bytes handed to the parser at a time; also bounds the event queue (a few bytes per event). */
#define READ_CHUNK 16384

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser();
}

/* ---------------------------------------------------------------- locations */

/* Characters in [from, to): the bytes that do not continue a UTF-8 sequence (branch-free, so
 * the compiler vectorizes it: this runs for every tag). */
static long utf8_chars(const xmlChar *from, const xmlChar *to)
{
    long n = to - from;

    for (; from < to; from++)
        n -= (*from & 0xC0) == 0x80;
    return n;
}

/* Parser line and column to file line and column (identity unless a buffer stands for a part
 * of the file). */
static void map_location(const glca_xml *x, long *line, long *column)
{
    if (!x->mem || *line <= 0)
        return;
    if (*line == x->body_line && *column > 0)
        *column += x->file_column - 1;
    *line += x->file_line - x->body_line;
}

/*
 * Where the tag that the parser has just finished starts.  The SAX callbacks run with the
 * input positioned at (or just after) the tag's closing '>'; '<' cannot occur inside a tag
 * (it is forbidden in attribute values), so the nearest '<' before that point opens it.
 */
static void tag_location_raw(const glca_xml *x, long *line, long *column)
{
    const xmlParserInput *in = x->ctxt->input;
    const xmlChar *lt, *nl, *bol;
    long newlines = 0;

    *line = in->line;
    *column = in->col;
    if (!in->cur || !in->base || in->cur <= in->base)
        return;
    if (!(lt = memrchr(in->base, '<', (size_t)(in->cur - in->base))))
        return;
    if (!memchr(lt, '\n', (size_t)(in->cur - lt))) {
        *column = in->col - utf8_chars(lt, in->cur);
        return;
    }
    for (nl = lt; (nl = memchr(nl, '\n', (size_t)(in->cur - nl))); nl++)
        newlines++;
    *line = in->line - newlines;
    bol = memrchr(in->base, '\n', (size_t)(lt - in->base));
    bol = bol ? bol + 1 : in->base;
    *column = utf8_chars(bol, lt) + 1;
}

static void tag_location(const glca_xml *x, long *line, long *column)
{
    tag_location_raw(x, line, column);
    map_location(x, line, column);
}

/* Where the parser is now: for problems found between tags (stray text, DOCTYPE). */
static void parser_location(const glca_xml *x, long *line, long *column)
{
    *line = x->ctxt->input ? x->ctxt->input->line : 0;
    *column = x->ctxt->input ? x->ctxt->input->col : 0;
    map_location(x, line, column);
}

/* ---------------------------------------------------------------- problems */

static void fail_at(glca_xml *x, glca_code code, long line, long column, const char *fmt, ...)
    GLCA_PRINTF(5, 6);

/* Record the first problem and stop the parser; the events already queued stay valid. */
static void fail_at(glca_xml *x, glca_code code, long line, long column, const char *fmt, ...)
{
    va_list ap;

    if (!x->has_pending) {
        glca_srcloc where = {x->path, line, column};
        glca_error_set(&x->pending, code, &where, "%s", "");
        va_start(ap, fmt);
        vsnprintf(x->pending.message, sizeof x->pending.message, fmt, ap);
        va_end(ap);
        x->has_pending = true;
    }
    if (x->ctxt && !x->done)
        xmlStopParser(x->ctxt);
    x->done = true;
}

static void on_structured_error(void *payload, xmlErrorPtr e)
{
    glca_xml *x = payload;
    char msg[200];
    long line, column;
    size_t len;

    if (!e || e->level == XML_ERR_WARNING || e->code == XML_ERR_USER_STOP)
        return;
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
    len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    line = e->line;
    column = e->int2;
    map_location(x, &line, &column);
    if (e->code == XML_ERR_NO_MEMORY) {
        x->oom = true;
        fail_at(x, GLCA_ENOMEM, line, column, "out of memory");
        return;
    }
    fail_at(x, GLCA_EPARSE, line, column, "malformed XML: %s", msg);
}

/* ---------------------------------------------------------------- event queue */

/* Copy `len` bytes to the arena; unless `raw`, turn the "&#38;" libxml2 leaves for '&' in
 * attribute values (entities are not substituted) back into '&'.  Character data comes
 * decoded, so text is copied raw.  Returns the offset, or SIZE_MAX when out of memory. */
static size_t arena_copy(glca_xml *x, const xmlChar *s, size_t len, bool raw)
{
    size_t offset = x->arena_len, i;
    char *d;

    if (x->arena_cap - x->arena_len < len + 1) {
        size_t cap = x->arena_cap ? x->arena_cap : 4096;
        char *grown;
        while (cap - x->arena_len < len + 1) {
            if (cap > SIZE_MAX / 2)
                return SIZE_MAX;
            cap *= 2;
        }
        if (!(grown = glca_reallocarray(x->arena, cap, 1)))
            return SIZE_MAX;
        x->arena = grown;
        x->arena_cap = cap;
    }
    d = x->arena + x->arena_len;
    if (raw || !memchr(s, '&', len)) { /* the usual case: a plain copy */
        memcpy(d, s, len);
        d += len;
    } else {
        for (i = 0; i < len; i++) {
            if (s[i] == '&' && i + 5 <= len && memcmp(s + i, "&#38;", 5) == 0) {
                *d++ = '&';
                i += 4;
            } else {
                *d++ = (char)s[i];
            }
        }
    }
    *d++ = '\0';
    x->arena_len = (size_t)(d - x->arena);
    return offset;
}

static size_t arena_put(glca_xml *x, const xmlChar *s, size_t len)
{
    return arena_copy(x, s, len, false);
}

static size_t arena_cstr(glca_xml *x, const xmlChar *s)
{
    return arena_put(x, s ? s : (const xmlChar *)"", s ? strlen((const char *)s) : 0);
}

/* An element name or namespace: libxml2 interns them in its dictionary, which lives as long as
 * the parser, so they need no copy (checked, not assumed: anything else goes to the arena). */
static size_t intern(glca_xml *x, const xmlChar *s, const char **dict)
{
    if (s && xmlDictOwns(x->ctxt->dict, s) == 1) {
        *dict = (const char *)s;
        return 0;
    }
    *dict = NULL;
    return arena_cstr(x, s);
}

static xml_event *push_event(glca_xml *x, glca_xml_event type, const xmlChar *name,
                             const xmlChar *uri, int depth)
{
    xml_event *ev;

    if (x->nevents == x->cap_events) {
        size_t cap = x->cap_events ? 2 * x->cap_events : 256;
        xml_event *grown = glca_reallocarray(x->events, cap, sizeof *grown);
        if (!grown)
            return NULL;
        x->events = grown;
        x->cap_events = cap;
    }
    ev = &x->events[x->nevents];
    ev->type = type;
    ev->depth = depth;
    tag_location(x, &ev->line, &ev->column);
    ev->name = intern(x, name, &ev->name_dict);
    ev->ns = intern(x, uri, &ev->ns_dict);
    ev->first_attr = x->nattrs;
    ev->nattrs = 0;
    ev->text = 0;
    ev->has_text = false;
    if (ev->name == SIZE_MAX || ev->ns == SIZE_MAX)
        return NULL;
    x->nevents++;
    return ev;
}

static void out_of_memory(glca_xml *x)
{
    long line, column;

    x->oom = true;
    parser_location(x, &line, &column);
    fail_at(x, GLCA_ENOMEM, line, column, "out of memory");
}

/* ---------------------------------------------------------------- SAX callbacks */

static void on_start(void *payload, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    glca_xml *x = payload;
    xml_event *ev;
    int i;

    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    if (x->done)
        return;
    if (x->depth >= x->limits.max_depth) {
        long line, column;
        tag_location(x, &line, &column);
        fail_at(x, GLCA_ELIMIT, line, column, "elements nested deeper than %d levels",
                x->limits.max_depth);
        return;
    }
    if (!(ev = push_event(x, GLCA_XML_START, localname, uri, x->depth))) {
        out_of_memory(x);
        return;
    }
    x->text_len = 0;
    x->depth++;
    for (i = 0; i < nb_attributes; i++) {
        const xmlChar *const *a = attributes + 5 * i; /* localname, prefix, URI, value, end */
        xml_attr *at;
        if (x->nattrs == x->cap_attrs) {
            size_t cap = x->cap_attrs ? 2 * x->cap_attrs : 256;
            xml_attr *grown = glca_reallocarray(x->attrs, cap, sizeof *grown);
            if (!grown) {
                out_of_memory(x);
                return;
            }
            x->attrs = grown;
            x->cap_attrs = cap;
        }
        at = &x->attrs[x->nattrs];
        at->qualified = a[2] != NULL;
        if (a[1]) {
            /* keep "prefix:name" so an unknown-attribute message shows what was written */
            size_t plen = strlen((const char *)a[1]), nlen = strlen((const char *)a[0]);
            xmlChar *q = glca_malloc(plen + nlen + 2);
            if (!q) {
                out_of_memory(x);
                return;
            }
            memcpy(q, a[1], plen);
            q[plen] = ':';
            memcpy(q + plen + 1, a[0], nlen + 1);
            at->name = arena_cstr(x, q);
            glca_free(q);
        } else {
            at->name = arena_cstr(x, a[0]);
        }
        at->value = arena_put(x, a[3], (size_t)(a[4] - a[3]));
        if (at->name == SIZE_MAX || at->value == SIZE_MAX) {
            out_of_memory(x);
            return;
        }
        x->nattrs++;
        x->events[x->nevents - 1].nattrs++;
    }
    (void)prefix;
}

static void on_end(void *payload, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    glca_xml *x = payload;
    xml_event *ev;

    (void)prefix;
    if (x->done)
        return;
    x->depth--;
    if (!(ev = push_event(x, GLCA_XML_END, localname, uri, x->depth))) {
        out_of_memory(x);
        return;
    }
    if (x->keep_text) {
        size_t off = arena_copy(x, (const xmlChar *)(x->text ? x->text : ""), x->text_len,
                                true);
        if (off == SIZE_MAX) {
            out_of_memory(x);
            return;
        }
        ev = &x->events[x->nevents - 1];
        ev->text = off;
        ev->has_text = true;
        x->text_len = 0;
    }
}

/* Append character data to the text of the element being read (text mode). */
static void keep_text(glca_xml *x, const xmlChar *text, int len)
{
    size_t n = (size_t)len;

    if (x->text_cap - x->text_len < n + 1) {
        size_t cap = x->text_cap ? x->text_cap : 256;
        char *grown;
        while (cap - x->text_len < n + 1) {
            if (cap > SIZE_MAX / 2) {
                out_of_memory(x);
                return;
            }
            cap *= 2;
        }
        if (!(grown = glca_reallocarray(x->text, cap, 1))) {
            out_of_memory(x);
            return;
        }
        x->text = grown;
        x->text_cap = cap;
    }
    memcpy(x->text + x->text_len, text, n);
    x->text_len += n;
    x->text[x->text_len] = '\0';
}

static void on_text(void *payload, const xmlChar *text, int len)
{
    glca_xml *x = payload;
    int i;

    if (x->done)
        return;
    if (x->keep_text) {
        keep_text(x, text, len);
        return;
    }
    for (i = 0; i < len; i++) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') {
            long line, column;
            parser_location(x, &line, &column);
            fail_at(x, GLCA_EPARSE, line, column, "unexpected text in element content");
            return;
        }
    }
}

static void on_cdata(void *payload, const xmlChar *text, int len)
{
    glca_xml *x = payload;
    long line, column;

    if (x->keep_text) {
        if (!x->done)
            keep_text(x, text, len);
        return;
    }
    parser_location(x, &line, &column);
    fail_at(x, GLCA_EPARSE, line, column, "unexpected CDATA section");
}

static void on_doctype(void *payload, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
    glca_xml *x = payload;
    long line, column;

    (void)name;
    (void)external_id;
    (void)system_id;
    parser_location(x, &line, &column);
    fail_at(x, GLCA_EPARSE, line, column,
            "DOCTYPE declarations are not allowed (no DTDs or entities in our formats)");
}

static void on_reference(void *payload, const xmlChar *name)
{
    glca_xml *x = payload;
    long line, column;

    (void)name;
    parser_location(x, &line, &column);
    fail_at(x, GLCA_EPARSE, line, column, "entity references are not allowed");
}

/* ---------------------------------------------------------------- open / read */

static void ignore_generic_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void glca_xml_free(glca_xml *x)
{
    if (!x)
        return;
    if (x->ctxt) {
        if (x->ctxt->myDoc)
            xmlFreeDoc(x->ctxt->myDoc);
        xmlFreeParserCtxt(x->ctxt);
    }
    if (x->fd >= 0)
        close(x->fd);
    glca_free(x->events);
    glca_free(x->attrs);
    glca_free(x->arena);
    glca_free(x->buf);
    glca_free(x->text);
    glca_free(x->path);
    glca_free(x);
}

/* A reader with no input yet: limits, path, buffers. */
static int reader_new(glca_xml **out, const char *path, const glca_xml_limits *limits,
                      glca_error *err)
{
    static const glca_xml_limits defaults = GLCA_XML_LIMITS_INIT;
    glca_xml *x;

    *out = NULL;
    pthread_once(&init_once, init_libxml);
    if (!(x = glca_calloc(1, sizeof *x)))
        return glca_error_oom(err);
    x->fd = -1;
    x->limits = limits ? *limits : defaults;
    if (x->limits.max_depth <= 0)
        x->limits.max_depth = defaults.max_depth;
    if (x->limits.max_bytes <= 0)
        x->limits.max_bytes = defaults.max_bytes;
    if (!(x->path = glca_strdup(path)) || !(x->buf = glca_malloc(READ_CHUNK))) {
        glca_xml_free(x);
        return glca_error_oom(err);
    }
    *out = x;
    return 0;
}

/* The SAX2 push parser with our callbacks and options. */
static int parser_new(glca_xml *x, glca_error *err)
{
    xmlSAXHandler sax;

    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_cdata;
    sax.internalSubset = on_doctype;
    sax.reference = on_reference;
    sax.serror = on_structured_error;
    /* encoding conversion and I/O failures bypass the context's handler for libxml2's generic
     * one, which prints; it is per thread.  The parse still fails and is reported here. */
    xmlSetGenericErrorFunc(NULL, ignore_generic_error);
    if (!(x->ctxt = xmlCreatePushParserCtxt(&sax, x, NULL, 0, x->path)))
        return glca_error_oom(err);
    xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    return 0;
}

int glca_inventories__xml_open_buffer(glca_xml **out, const char *path, const char *data,
                                      size_t len, long body_line, long file_line,
                                      long file_column, const glca_xml_limits *limits,
                                      glca_error *err)
{
    glca_xml *x = NULL;
    int rc;

    if ((rc = reader_new(&x, path, limits, err)) < 0)
        return rc;
    x->mem = data;
    x->mem_len = len;
    x->body_line = body_line;
    x->file_line = file_line;
    x->file_column = file_column;
    if ((rc = parser_new(x, err)) < 0) {
        glca_xml_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

int glca_xml_open_memory(glca_xml **out, const char *name, const void *data, size_t len,
                         const glca_xml_limits *limits, glca_error *err)
{
    glca_srcloc where = {name, 0, 0};
    long long max = limits && limits->max_bytes > 0 ? limits->max_bytes
                                                    : (long long)GLCA_XML_MAX_BYTES_DEFAULT;

    *out = NULL;
    if (len == 0)
        return glca_error_set(err, GLCA_EPARSE, &where, "empty file");
    if ((unsigned long long)len > (unsigned long long)max)
        return glca_error_set(err, GLCA_ELIMIT, &where,
                              "file is larger than the limit of %lld bytes", max);
    return glca_inventories__xml_open_buffer(out, name, data, len, 1, 1, 1, limits, err);
}

void glca_xml_keep_text(glca_xml *x, bool keep)
{
    x->keep_text = keep;
    x->text_len = 0;
}

const char *glca_xml_text(const glca_xml *x)
{
    const xml_event *ev = glca_xml__current(x);
    return ev && ev->has_text ? glca_xml__str(x, ev->text) : "";
}

int glca_xml_open(glca_xml **out, const char *path, const glca_xml_limits *limits,
                  glca_error *err)
{
    glca_xml *x = NULL;
    struct stat st;
    glca_srcloc where = {path, 0, 0};
    int rc = 0;

    if ((rc = reader_new(&x, path, limits, err)) < 0)
        return rc;
    where.file = x->path;
    if ((x->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        rc = glca_error_set(err, GLCA_EIO, &where, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    if (fstat(x->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            rc = glca_error_set(err, GLCA_EIO, &where, "is a directory");
            goto cleanup;
        }
        if (S_ISREG(st.st_mode) && st.st_size == 0) {
            rc = glca_error_set(err, GLCA_EPARSE, &where, "empty file");
            goto cleanup;
        }
        if (S_ISREG(st.st_mode) && (long long)st.st_size > x->limits.max_bytes) {
            rc = glca_error_set(err, GLCA_ELIMIT, &where,
                                "file is larger than the limit of %lld bytes",
                                x->limits.max_bytes);
            goto cleanup;
        }
    }

    if ((rc = parser_new(x, err)) < 0)
        goto cleanup;
    *out = x;
    x = NULL;
cleanup:
    glca_xml_free(x);
    return rc;
}

/* Read and parse one chunk; problems become the pending error. */
static void feed(glca_xml *x)
{
    const char *data = x->buf;
    ssize_t n;
    int rc;

    if (x->mem) {
        n = (ssize_t)(x->mem_len - x->mem_pos < READ_CHUNK ? x->mem_len - x->mem_pos
                                                            : READ_CHUNK);
        data = x->mem + x->mem_pos;
        x->mem_pos += (size_t)n;
    } else {
        do
            n = read(x->fd, x->buf, READ_CHUNK);
        while (n < 0 && errno == EINTR);
    }
    if (n < 0) {
        fail_at(x, GLCA_EIO, 0, 0, "read error: %s", strerror(errno));
        return;
    }
    if (n == 0) {
        if (x->nbytes == 0) {
            fail_at(x, GLCA_EPARSE, 0, 0, "empty file");
            return;
        }
        /* an encoder failure stops the parser without clearing wellFormed: check both */
        rc = xmlParseChunk(x->ctxt, NULL, 0, 1);
        x->done = true;
        if (!x->has_pending && (rc != 0 || !x->ctxt->wellFormed))
            fail_at(x, GLCA_EPARSE, x->ctxt->input ? x->ctxt->input->line : 0, 0,
                    "malformed XML");
        return;
    }
    x->nbytes += n;
    if (x->nbytes > x->limits.max_bytes) {
        fail_at(x, GLCA_ELIMIT, 0, 0, "file is larger than the limit of %lld bytes",
                x->limits.max_bytes);
        return;
    }
    if (xmlParseChunk(x->ctxt, data, (int)n, 0) != 0 && !x->has_pending) {
        long line, column;
        parser_location(x, &line, &column);
        fail_at(x, GLCA_EPARSE, line, column, "malformed XML");
    }
}

int glca_xml_next(glca_xml *x, glca_error *err)
{
    if (x->failed) {
        if (err)
            *err = x->failure;
        return x->failure.code;
    }
    if (x->head == x->nevents) {
        x->head = x->nevents = x->nattrs = x->arena_len = 0;
        while (x->nevents == 0 && !x->done)
            feed(x);
    }
    if (x->head < x->nevents)
        return x->events[x->head++].type;
    x->head = 0; /* no current element any more */
    if (x->has_pending) {
        x->failed = true;
        x->failure = x->pending;
        if (err)
            *err = x->failure;
        return x->failure.code;
    }
    return GLCA_XML_EOF;
}

const char *glca_xml_name(const glca_xml *x)
{
    const xml_event *ev = glca_xml__current(x);
    return !ev ? "" : ev->name_dict ? ev->name_dict : glca_xml__str(x, ev->name);
}

const char *glca_xml_ns(const glca_xml *x)
{
    const xml_event *ev = glca_xml__current(x);
    return !ev ? "" : ev->ns_dict ? ev->ns_dict : glca_xml__str(x, ev->ns);
}

const char *glca_xml_path(const glca_xml *x)
{
    return x->path;
}

int glca_xml_depth(const glca_xml *x)
{
    const xml_event *ev = glca_xml__current(x);
    return ev ? ev->depth : -1;
}

glca_srcloc glca_xml_loc(const glca_xml *x)
{
    const xml_event *ev = glca_xml__current(x);
    glca_srcloc loc = {x->path, ev ? ev->line : 0, ev ? ev->column : 0};
    return loc;
}

int glca_xml_skip(glca_xml *x, glca_error *err)
{
    const xml_event *ev = glca_xml__current(x);
    glca_srcloc start = glca_xml_loc(x); /* the element whose end may never come */
    int depth, rc;

    if (!ev || ev->type != GLCA_XML_START)
        return 0;
    depth = ev->depth;
    for (;;) {
        if ((rc = glca_xml_next(x, err)) < 0)
            return rc;
        if (rc == GLCA_XML_EOF)
            return glca_error_set(err, GLCA_EPARSE, &start, "unexpected end of input");
        ev = glca_xml__current(x);
        if (rc == GLCA_XML_END && ev->depth == depth)
            return 0;
    }
}
