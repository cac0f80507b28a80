/*
 * greenlca inventories: every byte that enters or leaves as data.
 *
 * Safe XML reading (libxml2's streaming reader with no network, no entity substitution, no DTD
 * loading, size and depth limits), the readers of the native formats of FORMATS.md (inventory,
 * method, product, catalog), and the writers of results (JSON, CSV).  Readers fill the engine's
 * builders; every problem is reported as file:line:column: message.
 */
#ifndef GLCA_INVENTORIES_H
#define GLCA_INVENTORIES_H

#include <stdio.h>

#include <glca/engine.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- limits */

typedef struct glca_xml_limits {
    int version;
    long long max_bytes; /* largest input file accepted */
    int max_depth;       /* deepest element nesting accepted */
} glca_xml_limits;

/* 2 GiB and 256 levels: far beyond any real inventory, far below what hurts. */
#define GLCA_XML_MAX_BYTES_DEFAULT 2147483647LL
#define GLCA_XML_LIMITS_INIT {1, GLCA_XML_MAX_BYTES_DEFAULT, 256}

/* ---------------------------------------------------------------- safe XML */

/**
 * A safe, streaming XML element reader over libxml2's SAX2 push parser, fed by our own reads so
 * that every element's location is exact and a DOCTYPE is stopped before its internal subset:
 * no network, no entity substitution, no DTD loading (a DOCTYPE is an error), size and depth
 * limits.  It hands out
 * start and end element events only (an empty element gives both); comments, processing
 * instructions and whitespace are skipped, other text is an error unless asked for.  Every
 * error carries file:line:column.  Other modules (ruleset/) read their files through it.
 */
typedef struct glca_xml glca_xml;

typedef enum glca_xml_event {
    GLCA_XML_EOF = 0,
    GLCA_XML_START = 1,
    GLCA_XML_END = 2
} glca_xml_event;

int glca_xml_open(glca_xml **out, const char *path, const glca_xml_limits *limits,
                  glca_error *err);
/**
 * A reader over `len` bytes at `data` (borrowed: they must outlive the reader), e.g. an entry
 * of a zip archive; `name` is what locations name ("archive.zip:processes/x.xml").
 */
int glca_xml_open_memory(glca_xml **out, const char *name, const void *data, size_t len,
                         const glca_xml_limits *limits, glca_error *err);
void glca_xml_free(glca_xml *x);

/**
 * Text mode, for formats that carry data in element content (EcoSpold 2, ILCD): character data
 * and CDATA are kept instead of refused, and at each end event glca_xml_text gives the text
 * written directly inside that element since its start tag or its last child (decoded, not
 * trimmed).  Set it before the first glca_xml_next.
 */
void glca_xml_keep_text(glca_xml *x, bool keep);
/** At an end event in text mode: the element's own text ("" otherwise; borrowed as attrs). */
const char *glca_xml_text(const glca_xml *x);

/** The next event (>= 0) or a negative error code (malformed XML, limits, stray text). */
int glca_xml_next(glca_xml *x, glca_error *err);

const char *glca_xml_name(const glca_xml *x);      /* local name of the current element */
const char *glca_xml_ns(const glca_xml *x);        /* namespace URI, "" if none */
const char *glca_xml_path(const glca_xml *x);      /* the file name, as opened */
int glca_xml_depth(const glca_xml *x);             /* root element = 0 */
glca_srcloc glca_xml_loc(const glca_xml *x);       /* of the current element */

/** The attribute's value, or NULL when absent (borrowed until the next glca_xml_next). */
const char *glca_xml_attr(glca_xml *x, const char *name);

/**
 * Unknown attributes of the current element are errors: `allowed` is a NULL-terminated list.
 * xmlns declarations are always allowed.
 */
int glca_xml_check_attrs(glca_xml *x, const char *const *allowed, glca_error *err);

/** A required attribute (error "missing required attribute 'name' on <elem>"). */
int glca_xml_attr_required(glca_xml *x, const char *name, const char **out, glca_error *err);

/**
 * A number attribute: finite, fully parsed (C locale).  Absent: `*out` = `dflt` when not
 * `required`, else an error.
 */
int glca_xml_attr_double(glca_xml *x, const char *name, bool required, double dflt, double *out,
                         glca_error *err);

/** "true"/"false" attribute; absent gives `dflt`. */
int glca_xml_attr_bool(glca_xml *x, const char *name, bool dflt, bool *out, glca_error *err);

/** Skip the current element's subtree (positioned on its end event afterwards). */
int glca_xml_skip(glca_xml *x, glca_error *err);

/* ---------------------------------------------------------------- readers */

/** Which of our formats a file is, from its root element and namespace. */
typedef enum glca_doc_kind {
    GLCA_DOC_UNKNOWN = 0,
    GLCA_DOC_INVENTORY, /* urn:greenlca:inventory:1 */
    GLCA_DOC_METHOD,    /* urn:greenlca:method:1 */
    GLCA_DOC_PRODUCT,   /* urn:greenlca:product:1 */
    GLCA_DOC_CATALOG,   /* urn:greenlca:catalog:1 */
    GLCA_DOC_RULESET,   /* urn:greenlca:ruleset:1 (read by ruleset/) */
    GLCA_DOC_ECOSPOLD1, /* EcoSpold 1 file or directory of them */
    GLCA_DOC_ECOSPOLD2, /* EcoSpold 2 .spold file or directory with MasterData/ */
    GLCA_DOC_ILCD,      /* ILCD process dataset, folder or .zip */
    GLCA_DOC_ILCD_METHOD /* ILCD LCIA method dataset(s) */
} glca_doc_kind;

/**
 * Read an inventory file into `m` (which may already hold other files).  Every problem goes to
 * `diag` (may be NULL); returns the first one's code, with its error in `err`.  `limits` may be
 * NULL for the defaults.  References across files are resolved later by glca_model_link.
 */
int glca_read_inventory(glca_model *m, const char *path, const glca_xml_limits *limits,
                        glca_diag_fn diag, void *payload, glca_error *err);

/** Read a method file. */
int glca_read_method(glca_method **out, const char *path, const glca_xml_limits *limits,
                     glca_diag_fn diag, void *payload, glca_error *err);

/**
 * Add the categories of another method file to `m` (several methods in one study); a category
 * id already in `m` is an error naming the file and line.
 */
int glca_read_method_into(glca_method *m, const char *path, const glca_xml_limits *limits,
                          glca_diag_fn diag, void *payload, glca_error *err);

/** Read a product file (one <product> root element). */
int glca_read_product(glca_product **out, const char *path, const glca_xml_limits *limits,
                      glca_diag_fn diag, void *payload, glca_error *err);

/**
 * Validate any of our files: detects the kind and reports every problem to `diag` (the syntax
 * of inventory, method, product and catalog files; rulesets are validated by ruleset/).
 * `kind` (may be NULL) receives what the file is.
 */
int glca_validate_file(const char *path, const glca_xml_limits *limits, glca_doc_kind *kind,
                       glca_diag_fn diag, void *payload, glca_error *err);

/** The kind of a file from its root element, reading no further; GLCA_EPARSE if not ours. */
int glca_detect_kind(const char *path, glca_doc_kind *out, glca_error *err);

/* ---------------------------------------------------------------- imported inventories */

/** How multi-output processes of imported data are split (--allocation). */
typedef enum glca_allocation {
    GLCA_ALLOCATION_DATA = 0, /* the factors the data states; a process without them: none */
    GLCA_ALLOCATION_PHYSICAL,
    GLCA_ALLOCATION_ECONOMIC,
    GLCA_ALLOCATION_NONE /* every process stands for its reference product alone */
} glca_allocation;

/** "data", "physical", "economic", "none"; GLCA_EPARSE otherwise. */
int glca_allocation_parse(const char *name, glca_allocation *out, glca_error *err);

/** The name glca_allocation_parse reads ("data", ...); a string constant. */
const char *glca_allocation_name(glca_allocation a);

/** Linking report formats; AUTO picks by the file's extension (.json, else Markdown). */
typedef enum glca_report_format {
    GLCA_REPORT_AUTO = 0,
    GLCA_REPORT_MARKDOWN,
    GLCA_REPORT_JSON
} glca_report_format;

/** How inventories of other formats are read and linked (the study options of the CLI). */
typedef struct glca_load_options {
    int version;
    glca_allocation allocation;
    const char *provider_map;   /* CSV file (inventories/importers/README.md), NULL: none */
    const char *linking_report; /* written when not NULL */
    glca_report_format report_format;
    const glca_xml_limits *limits; /* NULL: defaults */
    bool cache_solve; /* glca_load_background_cached_ex keeps what solving needs too */
} glca_load_options;

#define GLCA_LOAD_OPTIONS_INIT                                                                \
    {1, GLCA_ALLOCATION_DATA, NULL, NULL, GLCA_REPORT_AUTO, NULL, false}

/**
 * Read inventories of every format greenlca knows into `m`: our own files as
 * glca_read_inventory does, and imported data (EcoSpold 1 files or directories, ...) linked
 * with the options' allocation and provider map, every provider named.  What the linking left
 * out is in the linking report (written when `opts->linking_report` is set).  `opts` may be
 * NULL.  Every problem goes to `diag`; the first one's code is returned.
 */
int glca_read_inventories(glca_model *m, const char *const *paths, size_t n,
                          const glca_load_options *opts, glca_diag_fn diag, void *payload,
                          glca_error *err);

/**
 * `greenlca convert`: imported inventories, linked as glca_read_inventories does, written to
 * `out` in our inventory format with inventory id `id`.  Reading the result builds the same
 * model bit for bit.
 */
int glca_convert_inventories(FILE *out, const char *id, const char *const *paths, size_t n,
                             const glca_load_options *opts, glca_diag_fn diag, void *payload,
                             glca_error *err);

/* ---------------------------------------------------------------- studies */

/**
 * Read inventories and a method, link, build the background.  Convenience for the CLI, the
 * batch and the benchmarks; each step is also available on its own.
 */
int glca_load_background(glca_background **out, const char *const *inventory_paths,
                         size_t ninventories, const char *method_path,
                         const glca_background_options *opts, glca_diag_fn diag, void *payload,
                         glca_error *err);

/**
 * glca_load_background over inventories of any format (glca_read_inventories) and one or
 * more methods; `lopts` may be NULL.
 */
int glca_load_background_ex(glca_background **out, const char *const *inventory_paths,
                            size_t ninventories, const char *const *method_paths,
                            size_t nmethods, const glca_load_options *lopts,
                            const glca_background_options *opts, glca_diag_fn diag,
                            void *payload, glca_error *err);

/* ---------------------------------------------------------------- catalogs */

/**
 * A catalog read as a stream: one product at a time, inline <product> elements and <include
 * href> files (relative to the catalog, no URLs) in document order.  Memory does not grow with
 * the number of products.
 */
typedef struct glca_catalog glca_catalog;

int glca_catalog_open(glca_catalog **out, const char *path, const glca_xml_limits *limits,
                      glca_error *err);
void glca_catalog_free(glca_catalog *c);

/**
 * The next product: 1 and `*out` set (caller frees), 0 at the end, or < 0 with `*out` NULL when
 * this product is bad (its error in `err`, with file:line); after a bad product the stream
 * continues with the next one where the document allows it, and returns GLCA_EPARSE at the end
 * of input if it cannot recover (malformed XML).  `ordinal` (may be NULL) receives the
 * product's position in the catalog, counting from 0, bad ones included.
 */
int glca_catalog_next(glca_catalog *c, glca_product **out, size_t *ordinal, glca_error *err);

/* ---------------------------------------------------------------- writers */

/** Per-product assessment result as the JSON of FORMATS.md, without the verdict part. */
typedef struct glca_assessment {
    const glca_product *product;
    const glca_background *bg;
    const double *impacts; /* k × GLCA_NSTAGES, from glca_evaluate */
} glca_assessment;

/**
 * Write `"impacts": {...}` members (no braces around the whole object) so callers can add the
 * verdict.  Numbers are printed with 17 significant digits (round trip).
 */
int glca_write_impacts_json(FILE *f, const glca_assessment *a, glca_error *err);

/** Write a JSON string literal with escapes (NULL writes ""). */
void glca_write_json_string(FILE *f, const char *s);
/** The same, but NULL writes null. */
void glca_write_json_string_or_null(FILE *f, const char *s);
/**
 * A JSON number with 17 significant digits, so a reader gets the same double back; JSON has no
 * NaN or infinity, so those are written null.
 */
void glca_write_json_number(FILE *f, double v);
/** A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break; NULL is empty. */
void glca_write_csv_field(FILE *f, const char *s);

/** CSV rows "product,category,unit,stage,value" for each category and stage plus "total". */
int glca_write_impacts_csv(FILE *f, const glca_assessment *a, bool header, glca_error *err);

/* --------------------------------------------------------- batch, results store, content hashes */

/* --------------------- SHA-256 (FIPS 180-4): content hashes of inputs, keys of the Lambda cache */

#define GLCA_SHA256_SIZE 32
#define GLCA_SHA256_HEX 65 /* 64 hex digits and a NUL */

/** An incremental SHA-256; fields are private (on the stack so hashing never allocates). */
typedef struct glca_sha256 {
    uint32_t h[8];
    uint64_t length; /* bytes so far */
    unsigned char buf[64];
    size_t nbuf;
} glca_sha256;

void glca_sha256_init(glca_sha256 *s);
void glca_sha256_update(glca_sha256 *s, const void *data, size_t n);
void glca_sha256_final(glca_sha256 *s, unsigned char out[GLCA_SHA256_SIZE]);
void glca_sha256_buffer(unsigned char out[GLCA_SHA256_SIZE], const void *data, size_t n);
/** Feed a whole file; GLCA_EIO naming the file when it cannot be read. */
int glca_sha256_update_file(glca_sha256 *s, const char *path, glca_error *err);
int glca_sha256_file(unsigned char out[GLCA_SHA256_SIZE], const char *path, glca_error *err);
/**
 * The content hash of an input that may be a file (a zip archive included: its bytes are what
 * counts), giving what glca_sha256_file gives, or a directory: every regular file below it
 * (symbolic links followed) in sorted relative-path order, each as its path and its hash.
 * GLCA_EIO naming what cannot be read.
 */
int glca_sha256_path(unsigned char out[GLCA_SHA256_SIZE], const char *path, glca_error *err);
/** Lower-case hex, NUL-terminated. */
void glca_sha256_hex(const unsigned char digest[GLCA_SHA256_SIZE], char out[GLCA_SHA256_HEX]);

/* ------------------- verdict rows: what a rule engine hands the results store, in neutral terms */

/**
 * One indicator (or basic requirement) of a verdict.  Strings are copied by
 * glca_verdict_rows_add; `comparator`, `outcome` and `reason` may be NULL.
 */
typedef struct glca_indicator_row {
    const char *id;
    bool has_value;
    double value;
    bool has_baseline;
    double baseline;
    const char *comparator; /* ">=", "<=", ">", "<", "==", "report" */
    const char *outcome;    /* "pass", "fail", "not-evaluable", "report" */
    const char *reason;     /* why it failed or could not be evaluated */
} glca_indicator_row;

/**
 * The verdict of one product.  Filled by a glca_verdict_fn through the functions below; the
 * batch owns it, clears it between products and frees it.  Read the public fields; leave the
 * private ones alone.
 */
typedef struct glca_verdict_rows {
    bool has_verdict;  /* false: no ruleset applies to this product (nothing is stored) */
    bool certified;
    const char *ruleset; /* id of the ruleset applied, may be NULL */
    const char *reasons; /* one reason per line, "" if none */
    const char *status;      /* "certified-provisional", ... (ruleset.h), may be NULL */
    const char *provisional; /* ids of the provisional thresholds it rests on, may be NULL */
    glca_indicator_row *rows;
    size_t nrows;
    /* private */
    size_t caprows;
    char **strings; /* copies, freed by clear */
    size_t nstrings, capstrings;
    char *reasons_buf;
    size_t reasons_len, reasons_cap;
} glca_verdict_rows;

void glca_verdict_rows_init(glca_verdict_rows *v);
/** Forget the content, keep the memory (so a batch allocates little per product). */
void glca_verdict_rows_clear(glca_verdict_rows *v);
/** Release the memory; `v` itself belongs to the caller.  NULL is fine. */
void glca_verdict_rows_free(glca_verdict_rows *v);
/** Record the overall verdict (`ruleset` copied, may be NULL). */
int glca_verdict_rows_set(glca_verdict_rows *v, bool certified, const char *ruleset,
                          glca_error *err);
/** Record the qualified status and the provisional thresholds (both copied, may be NULL). */
int glca_verdict_rows_set_status(glca_verdict_rows *v, const char *status, const char *provisional,
                                 glca_error *err);
int glca_verdict_rows_add(glca_verdict_rows *v, const glca_indicator_row *row, glca_error *err);
/** Append one line to `reasons`. */
int glca_verdict_rows_add_reason(glca_verdict_rows *v, const char *reason, glca_error *err);

/**
 * Applies rules to one evaluated product: fills `out` (already cleared) or leaves
 * `out->has_verdict` false when no rule applies.  Called concurrently for different products
 * from several threads, so it must only read shared state.  A negative return stores the
 * product with status error and `err`'s message; the batch carries on.
 */
typedef int (*glca_verdict_fn)(glca_verdict_rows *out, const glca_product *p,
                               const glca_background *bg, const double *impacts, glca_error *err,
                               void *payload);

/* ------------------ Lambda cache: the background serialized, keyed by the content of its inputs */

/**
 * The cache key: SHA-256 of the inventory files' bytes in order, the method file's bytes, the
 * greenlca version and the background options that change numbers.  Any byte changed in any
 * input gives another key.
 */
int glca_lambda_cache_key(unsigned char out[GLCA_SHA256_SIZE], const char *const *inventory_paths,
                          size_t ninventories, const char *method_path,
                          const glca_background_options *opts, glca_error *err);

/**
 * glca_lambda_cache_key of imported inventories read with `lopts` (may be NULL): an allocation
 * other than data and a provider map (its bytes) give other keys; the linking report does not.
 */
int glca_lambda_cache_key_ex(unsigned char out[GLCA_SHA256_SIZE],
                             const char *const *inventory_paths, size_t ninventories,
                             const char *method_path, const glca_load_options *lopts,
                             const glca_background_options *opts, glca_error *err);

/** $XDG_CACHE_HOME/greenlca, else $HOME/.cache/greenlca; GLCA_ENOTFOUND if neither is set. */
int glca_lambda_cache_default_dir(char *buf, size_t size, glca_error *err);

/** What glca_load_background_cached did, for messages and benchmarks. */
typedef struct glca_cache_report {
    bool hit;      /* loaded from the cache: no parsing, no factorization */
    bool stored;   /* a new cache file was written */
    char warning[512]; /* a cache file that was unusable (corrupt, unwritable), "" if none */
    unsigned char sum[GLCA_SHA256_SIZE]; /* on a hit: the SHA-256 of the file's blob */
} glca_cache_report;

/**
 * glca_load_background through the cache in `cache_dir` (created if missing; NULL = no cache).
 * A hit gives a background without a factorization (glca_background_has_factorization is false;
 * Lambda, CF, ids, names and units are all there, which is what binding and evaluation need),
 * unless it came from the background cache (glca_load_background_cached_ex), which has A.
 * A miss loads normally and stores the result atomically (temp file + rename).  A corrupt or
 * truncated cache file, or one that cannot be written, is a warning in `report`, not an error.
 */
int glca_load_background_cached(glca_background **out, glca_cache_report *report,
                                const char *cache_dir, const char *const *inventory_paths,
                                size_t ninventories, const char *method_path,
                                const glca_background_options *opts, glca_diag_fn diag,
                                void *payload, glca_error *err);

/**
 * glca_load_background_cached with imported inventories read and linked with `lopts` (may be
 * NULL; glca_lambda_cache_key_ex).  A linking report asked for is written, so the cache is not
 * read then (a hit links nothing); the background loaded is still stored.  With
 * `lopts->cache_solve` the cache file is DIR/<key>.background instead (engine blob version 2:
 * A, B and the uncertain exchanges as well), and a hit is a complete background, so
 * contributions, Monte Carlo and sensitivity run on it and give bitwise the results of a load
 * without the cache.  The file is mapped, not read; a damaged one is a warning and rebuilt.
 * Such a miss also writes the Lambda file if there is none, and a load without `cache_solve`
 * that finds no Lambda file reads the .background file of the same key.
 */
int glca_load_background_cached_ex(glca_background **out, glca_cache_report *report,
                                   const char *cache_dir, const char *const *inventory_paths,
                                   size_t ninventories, const char *method_path,
                                   const glca_load_options *lopts,
                                   const glca_background_options *opts, glca_diag_fn diag,
                                   void *payload, glca_error *err);

/**
 * Store an already prepared background in the cache under the key of these inputs (what a miss
 * of glca_load_background_cached does), for callers that built it themselves (benchmarks).
 */
int glca_lambda_cache_store(const glca_background *bg, const char *cache_dir,
                            const char *const *inventory_paths, size_t ninventories,
                            const char *method_path, const glca_background_options *opts,
                            glca_error *err);

/* ---------------------------- batch: a catalog through the engine into the SQLite results store */

/** Where a batch stands, handed to the progress callback. */
typedef struct glca_batch_progress {
    size_t done;       /* products handled by this invocation */
    size_t skipped;    /* products found already stored by an earlier attempt */
    size_t ok, errors, certified; /* handled by this invocation */
    double elapsed;    /* seconds since the catalog was opened */
    long long bytes_done, bytes_total; /* catalog bytes; bytes_done < 0 when unknown */
    bool final;        /* the last call */
} glca_batch_progress;

typedef struct glca_batch_options {
    int version;
    const char *catalog;
    const char *const *inventories;
    size_t ninventories;
    const char *method;
    const char *results; /* the SQLite results store, created if missing */
    int threads;         /* 0 = OpenMP default */
    size_t chunk;        /* products per transaction; 0 = 512 */
    bool fresh;          /* drop an earlier attempt of the same run and start over */
    const char *cache_dir; /* Lambda cache directory; NULL = none */
    glca_background_options background;
    /** How imported inventories are read and linked (NULL = defaults); the allocation and the
     *  provider map's bytes are part of the run's identity, the linking report is not. */
    const glca_load_options *load;
    const glca_xml_limits *limits; /* NULL = defaults */
    glca_verdict_fn verdict;       /* NULL = impacts only */
    void *verdict_payload;
    /** Recorded with the run and part of its identity (ruleset ids and versions, or a hash of
     *  the rule files); NULL when there are no rules. */
    const char *ruleset_version;
    /** The rule files (a file or a directory, hashed with glca_sha256_path): part of the run's
     *  identity, so that editing a rule starts a new run; NULL when there are none. */
    const char *rules_path;
    void (*progress)(const glca_batch_progress *p, void *payload); /* NULL = silent */
    void *progress_payload;
    double progress_interval; /* seconds between progress calls; 0 = every chunk */
    /** Polled between chunks: true stops after committing the current chunk (SIGINT). */
    bool (*should_stop)(void *payload);
    void *stop_payload;
    glca_diag_fn diag; /* problems loading the background; may be NULL */
    void *diag_payload;
} glca_batch_options;

#define GLCA_BATCH_OPTIONS_INIT                                                                 \
    {                                                                                           \
        .version = 1, .chunk = 512, .background = GLCA_BACKGROUND_OPTIONS_INIT                  \
    }

typedef struct glca_batch_summary {
    long long run_id;
    size_t ok, errors, certified; /* the whole run, earlier attempts included */
    size_t processed, skipped;    /* this invocation */
    bool complete;                /* false when stopped early */
    glca_cache_report cache;
    double background_seconds, seconds; /* preparing the background; the whole call */
} glca_batch_summary;

/**
 * Run a catalog: the background once (through the cache if `cache_dir`), the catalog as a
 * stream in chunks, each chunk bound, evaluated and judged in parallel and committed in one
 * transaction.  Re-running the same inputs and options resumes the stored run: products already
 * committed are skipped, never redone.  A bad product is stored with status error and
 * "file:line: message"; the batch goes on.  Results do not depend on the thread count.
 * Errors: the background, the catalog file or the store could not be used.
 */
int glca_batch_run(glca_batch_summary *out, const glca_batch_options *opts, glca_error *err);

#ifdef GLCA_MPI
/**
 * glca_batch_run across the processes of an MPI job (mpirun, srun): every rank calls it with the
 * same options and the results store ends up with the same rows as one process would write.
 * Rank 0 prepares the background and hands out the catalog in chunks; rank r > 0 keeps its rows
 * in OUT.part-r until rank 0 merges them, so the store's directory must be shared by the ranks,
 * as the catalog must.  MPI is initialized (with MPI_THREAD_SERIALIZED) and finalized here
 * unless the caller did it.  *rank is this process's rank; the summary and the return value are
 * the whole job's, the same on every rank.  A job of one process is glca_batch_run.
 */
int glca_batch_run_mpi(glca_batch_summary *out, const glca_batch_options *opts, int *rank,
                       glca_error *err);

/** True when this process was started by an MPI launcher (mpirun, or srun with PMI/PMIx). */
bool glca_batch_mpi_launched(void);
#endif

/**
 * Merge results stores that the ranks of an MPI batch left beside the store at `path`
 * (`OUT.part-r`, kept when the job did not end) into it: each part's rows go into the run of
 * `path` with the same run key, bit for bit; rows already there are kept, so merging a part
 * twice adds nothing.  The merge is the store's one writer meanwhile (a batch on it stops it,
 * and the reverse).  The parts are left as they are.  `*products` is the number of product rows
 * added, `*merged` the number of parts read: SQLite's -wal, -shm and -journal files beside a part
 * (which a glob of the parts takes too) are skipped and not counted.  Errors: a store or part
 * that cannot be read, a part whose run is not in `path`.
 */
int glca_results_merge(size_t *products, size_t *merged, const char *path,
                       const char *const *parts, size_t nparts, glca_error *err);

/**
 * Clear the writer row of the results store at `path`, left by a batch that is gone: a batch
 * records its process and host there, and one of another host cannot be checked from here.  A
 * writer of this host that still runs is refused.  `cleared` (of `size` bytes) describes the
 * row removed, "" when there was none.
 */
int glca_results_unlock(const char *path, char *cleared, size_t size, glca_error *err);

/** Export formats of a results store. */
typedef enum glca_export_format { GLCA_EXPORT_CSV, GLCA_EXPORT_JSON } glca_export_format;

/**
 * Write a stored run to `f`, products in catalog order.  CSV: a header and rows
 * "ordinal,product,status,record,name,stage,value,unit,baseline,comparator,outcome,message"
 * where record is impact (one row per category and stage plus stage "total"), indicator,
 * verdict (value 1 certified / 0 not, reasons in message) or error (message "file:line:
 * message"); a product whose id is unknown (rejected before it was read) is named "ordinal N at
 * file:line".  JSON: one object per product per line, {"ordinal", "product" (null when
 * unknown), "source", "status", "impacts" as FORMATS.md's machine interface, "verdict"} or
 * "message" for errors.
 * Numbers with 17 significant digits (they read back bitwise).  `run_id` 0 = the latest run.
 */
int glca_results_export(FILE *f, const char *db_path, glca_export_format format,
                        long long run_id, glca_error *err);

/** Verdicts of a stored run by qualified status (a run stored before schema 2 counts every
 * certified product as `certified` and the rest as `not_certified`). */
typedef struct glca_verdict_counts {
    size_t certified, certified_provisional, not_certified, not_certified_provisional,
        not_evaluable;
} glca_verdict_counts;

/** Count the verdicts of run `run_id` (0 = the latest) of the store at `db_path`. */
int glca_results_verdict_counts(glca_verdict_counts *out, const char *db_path, long long run_id,
                                glca_error *err);

#ifdef __cplusplus
}
#endif
#endif
