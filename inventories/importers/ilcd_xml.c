/*
 * What every ILCD dataset parser needs: the element path of the current event (ILCD data sit in
 * element text, and the same local name means different things at different places), trimmed
 * text, numbers, the root check, dataset kinds by folder, and the elementary flow ids that carry
 * direction and location to the engine.
 */
#include "importers/ilcd_int.h"
#include "xml/xmlsafe_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

ilcd_kind glca_inventories__ilcd_kind(const char *entry)
{
    static const struct {
        const char *folder;
        ilcd_kind kind;
    } folders[] = {{"unitgroups", ILCD_UNITGROUP}, {"flowproperties", ILCD_FLOWPROP},
                   {"flows", ILCD_FLOW},           {"processes", ILCD_PROCESS},
                   {"lciamethods", ILCD_METHOD}};
    const char *slash = strrchr(entry, '/'), *start;
    size_t len, elen = strlen(entry);

    if (!slash || elen < 4 || strcmp(entry + elen - 4, ".xml") != 0)
        return ILCD_OTHER;
    /* the folder right above the file, wherever the ILCD root sits in the archive */
    for (start = slash; start > entry && start[-1] != '/'; start--)
        ;
    len = (size_t)(slash - start);
    for (size_t i = 0; i < sizeof folders / sizeof *folders; i++)
        if (strlen(folders[i].folder) == len && !strncmp(start, folders[i].folder, len))
            return folders[i].kind;
    return ILCD_OTHER;
}

int glca_inventories__ilcd_next(glca_xml *x, ilcd_path *p, glca_error *err)
{
    int ev;

    if (p->pop) {
        p->depth--;
        p->pop = false;
    }
    ev = glca_xml_next(x, err);
    if (ev == GLCA_XML_END)
        p->pop = true;
    if (ev == GLCA_XML_START) {
        glca_srcloc loc = glca_xml_loc(x);
        if (p->depth >= ILCD_MAX_DEPTH)
            return glca_error_set(err, GLCA_ELIMIT, &loc,
                                  "elements nested deeper than %d levels", ILCD_MAX_DEPTH);
        const char *name = glca_xml_name(x);
        size_t n = strlen(name);
        /* a longer name than any ILCD element keeps a length no suffix can match */
        if (n >= sizeof p->names[p->depth])
            n = sizeof p->names[p->depth] - 1;
        memcpy(p->names[p->depth], name, n);
        p->names[p->depth][n] = '\0';
        p->lens[p->depth] = (unsigned char)(n == strlen(name) ? n : 255);
        p->depth++;
    }
    return ev;
}

bool glca_inventories__ilcd_at(const ilcd_path *p, const char *suffix, size_t len)
{
    /* match "a/b/c" against the last components of the path, right to left */
    const char *end = suffix + len;
    int d = p->depth - 1;

    while (d >= 0) {
        const char *start = end;
        size_t n;
        while (start > suffix && start[-1] != '/')
            start--;
        n = (size_t)(end - start);
        if (p->lens[d] != n || memcmp(p->names[d], start, n) != 0)
            return false;
        if (start == suffix)
            return true;
        end = start - 1;
        d--;
    }
    return false;
}

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *glca_inventories__ilcd_text(const glca_xml *x, bool *oom)
{
    const char *s = glca_xml_text(x), *e;
    char *copy;

    while (space(*s))
        s++;
    e = s + strlen(s);
    while (e > s && space(e[-1]))
        e--;
    if (e == s)
        return NULL;
    if (!(copy = glca_malloc((size_t)(e - s) + 1))) {
        *oom = true;
        return NULL;
    }
    memcpy(copy, s, (size_t)(e - s));
    copy[e - s] = '\0';
    return copy;
}

int glca_inventories__ilcd_number(glca_xml *x, double *out, glca_error *err)
{
    const char *s = glca_xml_text(x);
    glca_srcloc loc = glca_xml_loc(x);
    int rc = glca_inventories__parse_double(s, out);

    if (rc == 0)
        return 0;
    return glca_error_set(err, GLCA_EPARSE, &loc, "%s number '%.40s' in <%s>",
                          rc == -2 ? "non-finite" : "unparsable", s, glca_xml_name(x));
}

int glca_inventories__ilcd_id(glca_xml *x, double v, long *out, glca_error *err)
{
    glca_srcloc loc = glca_xml_loc(x);

    /* (double)LONG_MIN is exact and (double)LONG_MAX rounds up to 2^63: both bounds exclusive */
    if (v > (double)LONG_MIN && v < (double)LONG_MAX) {
        *out = (long)v;
        return 0;
    }
    return glca_error_set(err, GLCA_EPARSE, &loc, "internal id %g in <%s> is out of range", v,
                          glca_xml_name(x));
}

int glca_inventories__ilcd_root(glca_xml *x, const char *root, const char *ns,
                                const char *what, glca_error *err)
{
    glca_srcloc loc = glca_xml_loc(x);

    if (strcmp(glca_xml_name(x), root) != 0 || strcmp(glca_xml_ns(x), ns) != 0)
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "not an ILCD %s dataset: root <%s> in namespace '%s', expected "
                              "<%s> in '%s'",
                              what, glca_xml_name(x), glca_xml_ns(x), root, ns);
    return 0;
}

void glca_inventories__ilcd_elementary_id(char *out, const char *uuid, glca_direction dir,
                                          const char *location)
{
    /* by hand: this runs for every elementary exchange, and snprintf showed in profiles */
    const char *d = dir == GLCA_INPUT ? "/in" : "/out";
    size_t n = 0, k;

    for (k = 0; uuid[k] && n < GLCA_ILCD_ID_MAX - 1; k++)
        out[n++] = uuid[k];
    for (k = 0; d[k] && n < GLCA_ILCD_ID_MAX - 1; k++)
        out[n++] = d[k];
    if (location && n < GLCA_ILCD_ID_MAX - 1)
        out[n++] = '@';
    for (k = 0; location && location[k] && n < GLCA_ILCD_ID_MAX - 1; k++)
        out[n++] = location[k];
    out[n] = '\0';
}

/*
 * ILCD datasets are UTF-8 (the format says so).  Another encoding in the prolog, or UTF-16
 * bytes, is refused here with the entry and line named, before libxml2 would transcode or
 * fail in its own words.
 */
static int check_prolog(const char *head, size_t len, const char *file, glca_error *err)
{
    const unsigned char *u = (const unsigned char *)head;
    glca_srcloc loc = {file, 1, 1};
    const char *end, *enc;
    char q, name[40];
    size_t n = 0;

    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "UTF-16 text: ILCD datasets must be UTF-8");
    if (len >= 2 && (u[0] == 0 || u[1] == 0))
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "NUL bytes at the start (UTF-16 or UTF-32?): ILCD datasets must be "
                              "UTF-8");
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        head += 3;
        len -= 3;
    }
    if (len < 5 || strncmp(head, "<?xml", 5) != 0)
        return 0;
    if (!(end = memchr(head, '>', len)))
        return 0; /* the parser will say what is wrong */
    for (enc = head; enc + 8 < end && strncmp(enc, "encoding", 8) != 0; enc++)
        ;
    if (enc + 8 >= end)
        return 0;
    for (enc += 8; enc < end && (*enc == ' ' || *enc == '=' || *enc == '\t'); enc++)
        ;
    if (enc >= end || (*enc != '"' && *enc != '\''))
        return 0;
    q = *enc++;
    while (enc + n < end && enc[n] != q && n + 1 < sizeof name) {
        name[n] = enc[n];
        n++;
    }
    name[n] = '\0';
    loc.column = (long)(enc - head) + 1;
    if (strcasecmp(name, "UTF-8") != 0 && strcasecmp(name, "UTF8") != 0)
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "encoding '%s' declared in the prolog: ILCD datasets must be UTF-8",
                              name);
    return 0;
}

int glca_inventories__ilcd_open(glca_xml **out, char **buf, glca_archive *a, size_t i,
                                const glca_xml_limits *limits, glca_error *err)
{
    const char *file = glca_inventories__archive_display(a, i);
    size_t len;
    int rc;

    *out = NULL;
    *buf = NULL;
    if (!glca_inventories__archive_folder(a)) {
        if ((rc = glca_inventories__archive_read(a, i, buf, &len, err)) < 0)
            return rc;
        if ((rc = check_prolog(*buf, len < 512 ? len : 512, file, err)) < 0 ||
            (rc = glca_xml_open_memory(out, file, *buf, len, limits, err)) < 0) {
            glca_free(*buf);
            *buf = NULL;
            return rc;
        }
        glca_xml_keep_text(*out, true);
        return 0;
    }
    return glca_inventories__ilcd_open_file(out, file, limits, err);
}

int glca_inventories__ilcd_open_file(glca_xml **out, const char *path,
                                     const glca_xml_limits *limits, glca_error *err)
{
    char head[512];
    size_t len;
    FILE *f = fopen(path, "rb");
    int rc;

    *out = NULL;
    if (!f)
        return glca_error_set(err, GLCA_EIO, &(glca_srcloc){path, 0, 0}, "%s", strerror(errno));
    len = fread(head, 1, sizeof head, f);
    fclose(f);
    if ((rc = check_prolog(head, len, path, err)) < 0 ||
        (rc = glca_xml_open(out, path, limits, err)) < 0)
        return rc;
    glca_xml_keep_text(*out, true);
    return 0;
}
