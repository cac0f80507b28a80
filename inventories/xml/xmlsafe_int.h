/*
 * Internals of the safe XML reader shared by xmlsafe.c (parsing, events, locations) and
 * xmlattr.c (attribute access and typed values).  Nothing here is public: other modules see
 * only the glca_xml_* functions of <glca/inventories.h>.
 *
 * Events are queued because libxml2's push parser reports a whole chunk's worth of elements
 * at once; the queue holds at most one chunk, so memory stays bounded whatever the file size.
 * Strings live in an arena addressed by offsets (the arena may move when it grows).
 */
#ifndef GLCA_XMLSAFE_INT_H
#define GLCA_XMLSAFE_INT_H

#include <glca/inventories.h>

#include <libxml/parser.h>

typedef struct xml_attr {
    size_t name, value; /* arena offsets */
    bool qualified;     /* had a namespace prefix: never one of ours */
} xml_attr;

typedef struct xml_event {
    glca_xml_event type;
    int depth;
    long line, column;
    size_t name, ns; /* arena offsets, when the dictionary pointers below are NULL */
    const char *name_dict, *ns_dict; /* libxml2's interned strings: they live with the parser */
    size_t first_attr, nattrs;
    size_t text; /* END events in text mode: arena offset of the element's own text, else 0 */
    bool has_text;
} xml_event;

struct glca_xml {
    char *path;
    int fd;
    xmlParserCtxtPtr ctxt;
    glca_xml_limits limits;
    long long nbytes; /* read so far */
    int depth;        /* open elements on the parser side */
    bool done;        /* the parser has seen the end of input or was stopped */
    bool oom;

    xml_event *events;
    size_t nevents, cap_events, head; /* the current event is events[head - 1] */
    xml_attr *attrs;
    size_t nattrs, cap_attrs;
    char *arena;
    size_t arena_len, arena_cap;

    /* The first problem met while parsing, delivered after the events queued before it. */
    bool has_pending;
    glca_error pending;
    /* Once delivered, every later call returns it again. */
    bool failed;
    glca_error failure;

    char *buf; /* one read chunk */

    /* Text mode (glca_xml_keep_text): character data since the last start or end tag,
     * attached to the next end event.  Off, any non-blank text is an error. */
    bool keep_text;
    char *text;
    size_t text_len, text_cap;

    /* A parser over a memory buffer (glca_inventories__xml_open_buffer) instead of fd. */
    const char *mem;
    size_t mem_len, mem_pos;
    /* Location mapping for a buffer that stands for a part of the file: parser line
     * `body_line` is file line `file_line`, and on that line column 1 is `file_column`. */
    long body_line, file_line, file_column;
};

/* The current event, or NULL before the first one. */
static inline const xml_event *glca_xml__current(const glca_xml *x)
{
    return x->head ? &x->events[x->head - 1] : NULL;
}

static inline const char *glca_xml__str(const glca_xml *x, size_t offset)
{
    return x->arena + offset;
}

/**
 * A reader over `len` bytes at `data` (borrowed: they must outlive the reader) that stand for a
 * part of the file `path`: from parser line `body_line` on, locations are shifted so that this
 * line is `file_line` of the file and its column 1 is `file_column` (later lines keep their
 * columns).  Used to parse parts of a catalog in parallel (catalog_split.h).
 */
int glca_inventories__xml_open_buffer(glca_xml **out, const char *path, const char *data,
                                      size_t len, long body_line, long file_line,
                                      long file_column, const glca_xml_limits *limits,
                                      glca_error *err);

/**
 * Parse a whole decimal number in the C locale: optional sign, digits with an optional '.',
 * optional exponent, optional surrounding XML whitespace.  No hex, no "nan", no "inf".
 * Returns 0, -1 when the text is not such a number, -2 when it overflows a double.
 */
int glca_inventories__parse_double(const char *s, double *out);

#endif
