/*
 * Internals of the parallel catalog reader (catalog_split.c), used by the batch.
 *
 * A splitter reads the catalog file by pread into a bounded window and cuts its top-level
 * entries (the children of <catalog>) into blocks of whole elements, by a light scan of the
 * markup ('<', quotes, comments, processing instructions).  Each block is then parsed on its own
 * by any thread with its own libxml2 parser, fed the file's prolog and root start tag (so the
 * same namespace declarations are in scope), the block's bytes and the root end tag; locations
 * are mapped back to the file's lines and columns.  Ordinals are counted by the splitter in
 * document order, one per top-level element, as the serial reader counts them.
 *
 * Whatever the scan is not sure about goes to the serial reader (glca_catalog) from the first
 * ordinal concerned: an <include> (it yields an unknown number of products), a DOCTYPE or CDATA
 * outside products, an encoding other than UTF-8, a root that is not a <catalog>, and any block
 * whose parse meets an XML failure (malformed XML, limits, stray text), so that every error is
 * exactly the serial reader's.
 */
#ifndef GLCA_CATALOG_SPLIT_H
#define GLCA_CATALOG_SPLIT_H

#include "native/inv_readers.h"

typedef struct glca_inventories__split glca_inventories__split;

/* A run of whole top-level entries; `body` points into the splitter's window and stays valid
 * until the next glca_inventories__split_next. */
typedef struct glca_inventories__block {
    const char *body;
    size_t len;
    long line, column; /* file location of body[0] */
    size_t first, n;   /* ordinal of the first entry, number of entries */
    bool last;         /* body runs to the end of the file (the root end tag is in it) */
    size_t offset;     /* of body in the window (the window may move while splitting) */
    long long at;      /* file offset of body[0]; body NULL: read from the file there when parsed */
} glca_inventories__block;

/* A splitter on `path`; *out is NULL (and 0 returned) when the catalog must be read serially. */
int glca_inventories__split_open(glca_inventories__split **out, const char *path,
                                 const glca_xml_limits *limits, glca_error *err);
void glca_inventories__split_free(glca_inventories__split *s);

/** Catalog bytes split so far (where the next block starts): the batch's progress and ETA. */
long long glca_inventories__split_tell(const glca_inventories__split *s);

/** The catalog's size in bytes and the entries split so far (the next one's ordinal). */
long long glca_inventories__split_size(const glca_inventories__split *s);
size_t glca_inventories__split_count(const glca_inventories__split *s);

/*
 * How many entries to hand out next when `consumers` processes take chunks of at most `max`
 * from one catalog of `size` bytes, `tell` of them split into `handed` entries so far.
 * - At the start, until max / 2 entries per consumer are handed out, a quarter of `max`: every
 *   consumer waits for its first chunk and they are cut one after another.
 * - Then `max` until the entries left (estimated from the bytes left at the mean size so far)
 *   come within 2 * consumers chunks of it, then a 2 * consumers-th of what is left.  A process
 *   that takes the last full chunk would otherwise keep the rest waiting for up to a chunk's
 *   evaluation; two chunks per consumer since each holds one chunk split ahead while it
 *   evaluates another.
 * Never fewer than two blocks (2 * per_block) or an eighth of `max`, whichever is more, nor more
 * than `max`; one consumer always gets `max`.
 */
size_t glca_inventories__split_guided(size_t max, size_t per_block, long long size,
                                      long long tell, size_t handed, size_t consumers);

/*
 * The next blocks: up to `max` entries in blocks of `per_block`.  Blocks of earlier calls are
 * invalidated.  *serial_from is set to the ordinal from which the serial reader must take over
 * (SIZE_MAX while the splitter goes on); *eof when the file has been split to its end.
 * Returns 0 or a fatal code (I/O, memory).
 */
int glca_inventories__split_next(glca_inventories__split *s, size_t max, size_t per_block,
                                 const glca_inventories__block **blocks, size_t *nblocks,
                                 size_t *serial_from, bool *eof, glca_error *err);

/*
 * Parse one block: products[i] or errors[i] (code != 0, products[i] NULL) for each of its b->n
 * entries, as the serial reader would return them.  Returns 0; GLCA_EIO with *err when a block
 * without a body cannot be read from the file (the file changed: fatal); or another negative
 * code when the block cannot be read on its own (the caller reads it serially).  Nothing is left
 * allocated on failure.  The scratch buffer is the caller's, reused between calls.
 */
int glca_inventories__split_parse(const glca_inventories__split *s,
                                  const glca_inventories__block *b, char **scratch,
                                  size_t *scratch_cap, glca_product **products,
                                  glca_error *errors, glca_error *err);

#endif
