/*
 * The parallel catalog reader: cutting a catalog file into blocks of top-level entries and
 * parsing a block on its own (see catalog_split.h for the contract and what goes serial).
 *
 * The scan only has to find where top-level elements end: outside comments, processing
 * instructions and quoted attribute values, '<' starts a tag and '>' ends it ('<' cannot occur
 * in attribute values, '>' can).  It does not judge well-formedness: every byte of the file
 * between the root start tag and the end of the file is in some block, and each block is parsed
 * by libxml2, so anything malformed is still found, and sent to the serial reader to be
 * reported exactly as before.
 *
 * Memory: the window holds one call's blocks (a chunk of products) and grows only as far as
 * that needs; the file is never mapped or read whole.
 */
#include "batch/catalog_split.h"
#include "batch/batch_int.h"
#include "xml/xmlsafe_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW_MIN (1u << 20)
/* Past this, what follows the root end tag is left to the serial reader. */
#define TAIL_MAX (1u << 20)

struct glca_inventories__split {
    char *path;
    int fd;
    long long size;
    glca_xml_limits limits;
    char *prefix; /* prolog and root start tag, then "\n" */
    size_t prefix_len;
    long prefix_lines; /* parser line of the first byte after the prefix */
    char suffix[256];  /* root end tag */
    char *win;
    size_t win_len, win_cap;
    long long win_off; /* file offset of win[0] */
    long long pos;     /* file offset where the next block starts */
    long line, column; /* file location of pos */
    size_t ordinal;
    bool done;
    glca_inventories__block *blocks;
    size_t cap_blocks;
};

enum { SCAN_OK = 0, SCAN_MORE = 1, SCAN_SERIAL = 2 };

long long glca_inventories__split_tell(const glca_inventories__split *s)
{
    return s->pos;
}

long long glca_inventories__split_size(const glca_inventories__split *s)
{
    return s->size;
}

size_t glca_inventories__split_count(const glca_inventories__split *s)
{
    return s->ordinal;
}

size_t glca_inventories__split_guided(size_t max, size_t per_block, long long size,
                                      long long tell, size_t handed, size_t consumers)
{
    /* an eighth of a chunk: at 100 ranks of 8 threads, chunks of two blocks would come back
     * faster than one dispatcher answers */
    const size_t least = 2 * per_block > max / 8 ? 2 * per_block : max / 8;
    /* At the start every rank wants a chunk at once and rank 0 cuts them one after another (a
     * pass over the chunk's bytes, 10 ms for 512 products), so the last rank waited a full cut
     * per rank before it; a quarter chunk is cut in a quarter of the time (bench/README.md). */
    const size_t ramp = max / 4 > least ? max / 4 : least;
    double left, want;

    if (consumers == 0 || max <= least)
        return max;
    if (consumers > 1 && handed < consumers * (max / 2))
        return ramp;
    if (handed == 0 || tell <= 0 || tell >= size)
        return max;
    left = (double)(size - tell) / (double)tell * (double)handed;
    want = ceil(left / (2.0 * (double)consumers));
    if (want >= (double)max)
        return max;
    return want > (double)least ? (size_t)want : least;
}

void glca_inventories__split_free(glca_inventories__split *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    glca_free(s->path);
    glca_free(s->prefix);
    glca_free(s->win);
    glca_free(s->blocks);
    glca_free(s);
}

/* Read more of the file into the window (growing it when full); 0 at end of file. */
static long long fill(glca_inventories__split *s, glca_error *err)
{
    glca_srcloc where = {s->path, 0, 0};
    ssize_t n;

    if (s->win_len == s->win_cap) {
        size_t cap = s->win_cap ? 2 * s->win_cap : WINDOW_MIN;
        char *grown = glca_reallocarray(s->win, cap, 1);
        if (!grown)
            return glca_error_oom(err);
        s->win = grown;
        s->win_cap = cap;
    }
    do
        n = pread(s->fd, s->win + s->win_len, s->win_cap - s->win_len,
                  (off_t)(s->win_off + (long long)s->win_len));
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return glca_error_set(err, GLCA_EIO, &where, "read error: %s", strerror(errno));
    s->win_len += (size_t)n;
    return n;
}

static const char *find(const char *p, const char *end, const char *what)
{
    size_t n = strlen(what);

    for (; (p = memchr(p, what[0], (size_t)(end - p))) && (size_t)(end - p) >= n; p++)
        if (memcmp(p, what, n) == 0)
            return p;
    return NULL;
}

/* The end of the tag opened at `p` (just past '>'), skipping quoted values; NULL if not in
 * the buffer. */
static const char *tag_end(const char *p, const char *end)
{
    char quote = 0;

    for (p++; p < end; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (*p == '>') {
            return p + 1;
        }
    }
    return NULL;
}

/* Skip a comment or processing instruction at `p`; SCAN_SERIAL for other "<!" markup. */
static int skip_misc(const char **p, const char *end)
{
    const char *q;

    if ((size_t)(end - *p) < 9)
        return SCAN_MORE;
    if (memcmp(*p, "<!--", 4) == 0)
        q = find(*p + 4, end, "-->"), q = q ? q + 3 : NULL;
    else if (memcmp(*p, "<?", 2) == 0)
        q = find(*p + 2, end, "?>"), q = q ? q + 2 : NULL;
    else
        return SCAN_SERIAL; /* DOCTYPE, CDATA: the serial reader says what is wrong */
    if (!q)
        return SCAN_MORE;
    *p = q;
    return SCAN_OK;
}

/* The element starting at `p` ('<' of a start tag): *out just past its end. */
static int element_end(const char *p, const char *end, const char **out)
{
    long depth = 0;

    for (;;) {
        const char *q;
        int rc;

        if (!(p = memchr(p, '<', (size_t)(end - p))))
            return SCAN_MORE;
        if (end - p < 2)
            return SCAN_MORE;
        if (p[1] == '!' || p[1] == '?') {
            if ((rc = skip_misc(&p, end)) != SCAN_OK)
                return rc;
            continue;
        }
        if (!(q = tag_end(p, end)))
            return SCAN_MORE;
        if (p[1] == '/')
            depth--;
        else if (q[-2] != '/')
            depth++;
        p = q;
        if (depth <= 0) {
            *out = p;
            return SCAN_OK;
        }
    }
}

/* Whether the start tag at `p` has the local name `local`. */
static bool local_name_is(const char *p, const char *end, const char *local)
{
    const char *name = p + 1, *q;
    size_t n = strlen(local);

    for (q = name; q < end && *q != '>' && *q != '/' && *q != ' ' && *q != '\t' && *q != '\n' &&
                   *q != '\r';
         q++)
        if (*q == ':')
            name = q + 1;
    return (size_t)(q - name) == n && memcmp(name, local, n) == 0;
}

/* Advance the file location over [from, to). */
static void advance(glca_inventories__split *s, const char *from, const char *to)
{
    const char *nl;

    while ((nl = memchr(from, '\n', (size_t)(to - from)))) {
        s->line++;
        s->column = 1;
        from = nl + 1;
    }
    for (; from < to; from++)
        if ((*from & 0xC0) != 0x80)
            s->column++;
}

/* The prolog and the root start tag: SCAN_OK with the prefix set, or SCAN_SERIAL. */
static int read_prolog(glca_inventories__split *s, glca_error *err)
{
    const char *p, *end, *q, *name;
    long long got;
    int rc;

    for (;;) {
        if ((got = fill(s, err)) < 0)
            return (int)got;
        p = s->win;
        end = s->win + s->win_len;
        if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3;
        if (p < end && *p != '<' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return SCAN_SERIAL; /* UTF-16 or not XML */
        if (end - p >= 5 && memcmp(p, "<?xml", 5) == 0) {
            const char *decl_end = find(p, end, "?>"), *enc;
            if (decl_end && (enc = find(p, decl_end, "encoding")) &&
                !find(enc, decl_end, "UTF-8") && !find(enc, decl_end, "utf-8"))
                return SCAN_SERIAL;
        }
        rc = SCAN_MORE;
        while ((p = memchr(p, '<', (size_t)(end - p)))) {
            if (end - p >= 2 && (p[1] == '!' || p[1] == '?')) {
                if ((rc = skip_misc(&p, end)) != SCAN_OK)
                    break;
                continue;
            }
            rc = (q = tag_end(p, end)) ? SCAN_OK : SCAN_MORE;
            break;
        }
        if (rc == SCAN_SERIAL)
            return rc;
        if (rc == SCAN_OK)
            break;
        if (got == 0 || s->win_len > WINDOW_MIN)
            return SCAN_SERIAL; /* no root, or a prolog too long to bother */
    }
    if (q[-2] == '/' || !local_name_is(p, q, "catalog"))
        return SCAN_SERIAL; /* empty catalog or a single product: nothing to share out */
    for (name = p + 1; name < q && *name != '>' && *name != '/' && *name != ' ' &&
                       *name != '\t' && *name != '\n' && *name != '\r';
         name++)
        ;
    if ((size_t)(name - p) + 3 > sizeof s->suffix)
        return SCAN_SERIAL;
    snprintf(s->suffix, sizeof s->suffix, "</%.*s>", (int)(name - p - 1), p + 1);
    s->prefix_len = (size_t)(q - s->win) + 1;
    if (!(s->prefix = glca_malloc(s->prefix_len)))
        return glca_error_oom(err);
    memcpy(s->prefix, s->win, s->prefix_len - 1);
    s->prefix[s->prefix_len - 1] = '\n';
    s->line = s->column = 1;
    advance(s, s->win, q);
    s->prefix_lines = 1;
    for (name = s->prefix; name < s->prefix + s->prefix_len; name++)
        s->prefix_lines += *name == '\n';
    s->pos = q - s->win;
    return SCAN_OK;
}

int glca_inventories__split_open(glca_inventories__split **out, const char *path,
                                 const glca_xml_limits *limits, glca_error *err)
{
    static const glca_xml_limits defaults = GLCA_XML_LIMITS_INIT;
    glca_inventories__split *s;
    struct stat st;
    int rc;

    *out = NULL;
    if (!(s = glca_calloc(1, sizeof *s)))
        return glca_error_oom(err);
    s->limits = limits ? *limits : defaults;
    if (!(s->path = glca_strdup(path))) {
        rc = glca_error_oom(err);
        goto cleanup;
    }
    /* anything odd about the file itself is the serial reader's to report */
    if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(s->fd, &st) != 0 ||
        !S_ISREG(st.st_mode)) {
        rc = 0;
        goto cleanup;
    }
    s->size = (long long)st.st_size;
    if ((rc = read_prolog(s, err)) != SCAN_OK)
        goto cleanup;
    *out = s;
    return 0;
cleanup:
    glca_inventories__split_free(s);
    return rc < 0 ? rc : 0;
}

static int add_block(glca_inventories__split *s, size_t *nblocks, const char *start,
                     const char *stop, size_t n, bool last, glca_error *err)
{
    glca_inventories__block *b;

    if (*nblocks == s->cap_blocks) {
        size_t cap = s->cap_blocks ? 2 * s->cap_blocks : 64;
        glca_inventories__block *grown = glca_reallocarray(s->blocks, cap, sizeof *grown);
        if (!grown)
            return glca_error_oom(err);
        s->blocks = grown;
        s->cap_blocks = cap;
    }
    b = &s->blocks[(*nblocks)++];
    b->body = NULL;
    b->offset = (size_t)(start - s->win);
    b->len = (size_t)(stop - start);
    b->line = s->line;
    b->column = s->column;
    b->first = s->ordinal;
    b->n = n;
    b->last = last;
    s->ordinal += n;
    advance(s, start, stop);
    s->pos = s->win_off + (long long)(stop - s->win);
    return 0;
}

/* Drop what earlier blocks used from the window. */
static void compact(glca_inventories__split *s)
{
    size_t used = (size_t)(s->pos - s->win_off);

    memmove(s->win, s->win + used, s->win_len - used);
    s->win_len -= used;
    s->win_off = s->pos;
}

int glca_inventories__split_next(glca_inventories__split *s, size_t max, size_t per_block,
                                 const glca_inventories__block **blocks, size_t *nblocks,
                                 size_t *serial_from, bool *eof, glca_error *err)
{
    size_t entries = 0, in_block = 0, resume;
    const char *start, *last_end, *p;
    bool at_eof = false;
    long long got;
    int rc;

    *nblocks = 0;
    *serial_from = SIZE_MAX;
    *eof = s->done;
    if (s->done)
        goto out;
    compact(s);
    start = last_end = p = s->win;
    while (entries < max) {
        const char *end = s->win + s->win_len, *q = NULL;

        rc = SCAN_MORE;
        resume = s->win_len;
        if ((q = memchr(p, '<', (size_t)(end - p)))) {
            p = q;
            resume = (size_t)(p - s->win);
        }
        if (q && end - p >= 2) {
            if (p[1] == '!' || p[1] == '?') {
                if ((rc = skip_misc(&p, end)) == SCAN_OK)
                    continue;
            } else if (p[1] == '/') {
                /* the root end: the last block runs to the end of the file */
                if (s->size - (s->win_off + (long long)(p - s->win)) > TAIL_MAX) {
                    rc = SCAN_SERIAL;
                } else if (at_eof) {
                    if ((rc = add_block(s, nblocks, start, end, in_block, true, err)) < 0)
                        return rc;
                    s->done = *eof = true;
                    goto out;
                }
            } else if (local_name_is(p, end, "include")) {
                rc = SCAN_SERIAL;
            } else if ((rc = element_end(p, end, &q)) == SCAN_OK) {
                p = last_end = q;
                entries++;
                if (++in_block == per_block) {
                    if ((rc = add_block(s, nblocks, start, p, in_block, false, err)) < 0)
                        return rc;
                    start = p;
                    in_block = 0;
                }
                continue;
            }
        }
        if (rc == SCAN_SERIAL || at_eof) {
            /* the serial reader takes over after the last whole entry */
            if (in_block && (rc = add_block(s, nblocks, start, last_end, in_block, false, err)) < 0)
                return rc;
            *serial_from = s->ordinal;
            s->done = true;
            goto out;
        }
        /* SCAN_MORE: read on; offsets survive the window moving */
        {
            size_t off_start = (size_t)(start - s->win), off_last = (size_t)(last_end - s->win);

            if ((got = fill(s, err)) < 0)
                return (int)got;
            at_eof = got == 0;
            start = s->win + off_start;
            last_end = s->win + off_last;
            p = s->win + resume;
        }
    }
    if (in_block && (rc = add_block(s, nblocks, start, last_end, in_block, false, err)) < 0)
        return rc;
out:
    for (entries = 0; entries < *nblocks; entries++) {
        s->blocks[entries].body = s->win + s->blocks[entries].offset;
        s->blocks[entries].at = s->win_off + (long long)s->blocks[entries].offset;
    }
    *blocks = s->blocks;
    return 0;
}

/*
 * The block's bytes between the prolog and, unless it runs to the end, the root end tag.  A
 * block without a body is read from the file straight into the scratch buffer: the ranks of an
 * MPI job read their blocks so, one copy of the bytes into a buffer that stays in cache, where
 * reading the whole chunk first cost a second copy through memory (bench/README.md).
 */
static int assemble(const glca_inventories__split *s, const glca_inventories__block *b,
                    char **scratch, size_t *cap, size_t *len, glca_error *err)
{
    size_t slen = b->last ? 0 : strlen(s->suffix);
    glca_srcloc where = {s->path, b->line, b->column};
    ssize_t got;

    *len = s->prefix_len + b->len + slen;
    if (*len > *cap) {
        char *grown = glca_reallocarray(*scratch, *len, 1);
        if (!grown)
            return GLCA_ENOMEM;
        *scratch = grown;
        *cap = *len;
    }
    memcpy(*scratch, s->prefix, s->prefix_len);
    if (b->body)
        memcpy(*scratch + s->prefix_len, b->body, b->len);
    else if ((got = glca_inventories__read_at(s->fd, *scratch + s->prefix_len, b->len, b->at)) <
                 0 ||
             (size_t)got < b->len)
        return glca_error_set(err, GLCA_EIO, &where, "read error: %s",
                              got < 0 ? strerror(errno) : "the file changed while the batch ran");
    memcpy(*scratch + s->prefix_len + b->len, s->suffix, slen);
    return 0;
}

/* One entry, as glca_catalog_next handles a top-level element: 0, or < 0 to go serial. */
static int parse_entry(glca_xml *x, glca_product **product, glca_error *error)
{
    const char *ns = glca_xml_ns(x), *name = glca_xml_name(x);
    glca_srcloc loc;

    if (strcmp(ns, GLCA_NS_PRODUCT) == 0 && strcmp(name, "product") == 0) {
        glca_rd r;
        int rc;

        glca_inventories__rd_init(&r, x, GLCA_NS_PRODUCT, NULL, NULL);
        rc = glca_inventories__read_product(&r, product);
        if (r.broken || rc == GLCA_ENOMEM)
            return -1;
        if (rc < 0)
            *error = r.first;
        return 0;
    }
    if (strcmp(ns, GLCA_NS_CATALOG) == 0 && strcmp(name, "include") == 0)
        return -1;
    loc = glca_xml_loc(x);
    if (strcmp(ns, GLCA_NS_CATALOG) == 0)
        glca_error_set(error, GLCA_EPARSE, &loc, "unknown element <%s>", name);
    else
        glca_error_set(error, GLCA_EPARSE, &loc, "unknown element <%s> in namespace '%s'", name,
                       ns);
    return glca_xml_skip(x, NULL) < 0 ? -1 : 0;
}

int glca_inventories__split_parse(const glca_inventories__split *s,
                                  const glca_inventories__block *b, char **scratch,
                                  size_t *scratch_cap, glca_product **products,
                                  glca_error *errors, glca_error *err)
{
    static const glca_error none = GLCA_ERROR_INIT;
    glca_error e = GLCA_ERROR_INIT;
    glca_xml *x = NULL;
    size_t len, i;
    int rc;

    for (i = 0; i < b->n; i++) {
        products[i] = NULL;
        errors[i] = none;
    }
    if ((rc = assemble(s, b, scratch, scratch_cap, &len, err)) < 0)
        return rc;
    if ((rc = glca_inventories__xml_open_buffer(&x, s->path, *scratch, len, s->prefix_lines,
                                                b->line, b->column, &s->limits, &e)) < 0)
        goto fail;
    rc = -1;
    if (glca_xml_next(x, &e) != GLCA_XML_START) /* the root */
        goto fail;
    for (i = 0; i < b->n; i++)
        if (glca_xml_next(x, &e) != GLCA_XML_START || parse_entry(x, &products[i], &errors[i]) < 0)
            goto fail;
    if (glca_xml_next(x, &e) != GLCA_XML_END || glca_xml_depth(x) != 0 ||
        glca_xml_next(x, &e) != GLCA_XML_EOF)
        goto fail;
    glca_xml_free(x);
    return 0;
fail:
    for (i = 0; i < b->n; i++) {
        glca_product_free(products[i]);
        products[i] = NULL;
    }
    glca_xml_free(x);
    /* GLCA_EIO says the bytes could not be read; these could, and did not parse */
    return rc < 0 && rc != GLCA_EIO ? rc : GLCA_EPARSE;
}
