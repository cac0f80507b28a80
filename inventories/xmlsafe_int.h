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
    size_t name, ns; /* arena offsets */
    size_t first_attr, nattrs;
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
 * Parse a whole decimal number in the C locale: optional sign, digits with an optional '.',
 * optional exponent, optional surrounding XML whitespace.  No hex, no "nan", no "inf".
 * Returns 0, -1 when the text is not such a number, -2 when it overflows a double.
 */
int glca_inventories__parse_double(const char *s, double *out);

#endif
