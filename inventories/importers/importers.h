/*
 * The format readers' entry points and the table the loader dispatches on.
 *
 * Each reader fills a glca_import (import.h) from a path: a file, a directory, or an archive of
 * its format; every problem goes to `diag` (may be NULL) and the first one's code is returned
 * with its error in `err`; what it has to leave out but can go on without is a note in the
 * import (the linking report).  `limits` may be NULL for the defaults.
 *
 * The loader (native/inv_load.c) and glca_detect_kind know a format only through
 * glca_inventories__import_formats (formats.c): a reader that lands adds its one line there.
 */
#ifndef GLCA_IMPORTERS_H
#define GLCA_IMPORTERS_H

#include "importers/archive.h"
#include "importers/import.h"

#define GLCA_NS_ECOSPOLD1 "http://www.EcoInvent.org/EcoSpold01"
#define GLCA_NS_ECOSPOLD2 "http://www.EcoInvent.org/EcoSpold02"
#define GLCA_NS_ILCD_PROCESS "http://lca.jrc.it/ILCD/Process"
#define GLCA_NS_ILCD_METHOD "http://lca.jrc.it/ILCD/LCIAMethod"

/** EcoSpold 1: one file (one or several datasets) or a directory of them (sorted order). */
int glca_inventories__read_ecospold1(glca_import *im, const char *path,
                                     const glca_xml_limits *limits, glca_diag_fn diag,
                                     void *payload, glca_error *err);

/** EcoSpold 2: a .spold file or a directory of them (with MasterData/). */
int glca_inventories__read_ecospold2(glca_import *im, const char *path,
                                     const glca_xml_limits *limits, glca_diag_fn diag,
                                     void *payload, glca_error *err);

/** ILCD: an ILCD folder, a .zip of one, or one process file. */
int glca_inventories__read_ilcd(glca_import *im, const char *path, const glca_xml_limits *limits,
                                glca_diag_fn diag, void *payload, glca_error *err);

/** ILCD from memory: the `n` files of an ILCD tree (names such as "processes/x.xml", bytes
 *  borrowed for the call), read as the folder would be; `name` stands for the tree in
 *  locations ("name:processes/x.xml"). */
int glca_inventories__read_ilcd_memory(glca_import *im, const char *name,
                                       const glca_archive_member *members, size_t n,
                                       const glca_xml_limits *limits, glca_diag_fn diag,
                                       void *payload, glca_error *err);

/** ILCD LCIA methods: adds one category per dataset (id: the dataset UUID) to `m`; `path`:
 *  one LCIA method dataset, a folder, or a zip. */
int glca_inventories__read_ilcd_methods(glca_method *m, const char *path,
                                        const glca_xml_limits *limits, glca_diag_fn diag,
                                        void *payload, glca_error *err);

typedef int (*glca_import_read_fn)(glca_import *im, const char *path, const glca_xml_limits *limits,
                                   glca_diag_fn diag, void *payload, glca_error *err);
typedef int (*glca_method_read_fn)(glca_method *m, const char *path, const glca_xml_limits *limits,
                                   glca_diag_fn diag, void *payload, glca_error *err);

/**
 * One format the loader recognises.  A file is this format when its root element is in `ns`;
 * a directory (or a .zip) when it holds an entry named `marker` (a subdirectory such as
 * "MasterData" or "processes"; NULL: none) or files ending in `suffix` (".spold"; NULL: none)
 * whose root is in `ns`.  `read` (inventory data), `read_method` or both (an ILCD tree) are set.
 */
typedef struct glca_import_format {
    glca_doc_kind kind;
    const char *name; /* for messages: "EcoSpold 1" */
    const char *ns;
    const char *marker;
    const char *suffix;
    glca_import_read_fn read;
    glca_method_read_fn read_method;
} glca_import_format;

extern const glca_import_format glca_inventories__import_formats[];
extern const size_t glca_inventories__nimport_formats;

/* The format of `path` (a file, a directory), or NULL when it is none of the table's. */
const glca_import_format *glca_inventories__detect_import(const char *path);

#endif
