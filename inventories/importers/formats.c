/*
 * The formats the loader recognises besides our own, and how: a file by its root element's
 * namespace, a directory by a marker entry (EcoSpold 2's MasterData/, ILCD's processes/), by
 * files with the format's suffix (.spold), or by the namespace of its first .xml file in sorted
 * order.  A reader that lands adds its line to the table; nothing else changes.
 */
#include "importers/archive.h"
#include "importers/importers.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const glca_import_format glca_inventories__import_formats[] = {
    {GLCA_DOC_ECOSPOLD1, "EcoSpold 1", GLCA_NS_ECOSPOLD1, "EcoSpold01", NULL,
     glca_inventories__read_ecospold1, NULL},
    {GLCA_DOC_ECOSPOLD2, "EcoSpold 2", GLCA_NS_ECOSPOLD2, "MasterData", ".spold",
     glca_inventories__read_ecospold2, NULL},
    /* An ILCD tree holds processes and, often, LCIA methods: one folder or zip serves both
     * --inventory and --method.  A folder of method datasets alone is found by namespace. */
    {GLCA_DOC_ILCD, "ILCD", GLCA_NS_ILCD_PROCESS, "processes", NULL,
     glca_inventories__read_ilcd, glca_inventories__read_ilcd_methods},
    {GLCA_DOC_ILCD_METHOD, "ILCD LCIA method", GLCA_NS_ILCD_METHOD, NULL, NULL,
     NULL, glca_inventories__read_ilcd_methods},
};
const size_t glca_inventories__nimport_formats =
    sizeof glca_inventories__import_formats / sizeof *glca_inventories__import_formats;

/* The root element's namespace of an XML file ("" if it cannot be read). */
static void root_ns(const char *path, char *ns, size_t size)
{
    glca_xml *x = NULL;

    ns[0] = '\0';
    if (glca_xml_open(&x, path, NULL, NULL) < 0)
        return;
    glca_xml_keep_text(x, true);
    if (glca_xml_next(x, NULL) == GLCA_XML_START)
        snprintf(ns, size, "%s", glca_xml_ns(x));
    glca_xml_free(x);
}

static const glca_import_format *by_ns(const char *ns)
{
    size_t i;

    for (i = 0; i < glca_inventories__nimport_formats; i++)
        if (strcmp(glca_inventories__import_formats[i].ns, ns) == 0)
            return &glca_inventories__import_formats[i];
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const glca_import_format *inspect_dir(const char *path)
{
    const glca_import_format *found = NULL;
    char **xml = NULL, **grown, full[4096], ns[512];
    size_t nxml = 0, cap = 0, i, k;
    struct dirent *de;
    DIR *d;

    if (!(d = opendir(path)))
        return NULL;
    while ((de = readdir(d)) && !found) {
        for (k = 0; k < glca_inventories__nimport_formats; k++) {
            const glca_import_format *f = &glca_inventories__import_formats[k];

            if ((f->marker && strcmp(de->d_name, f->marker) == 0) ||
                (f->suffix && ends_with(de->d_name, f->suffix)))
                found = f;
        }
        if (ends_with(de->d_name, ".xml")) {
            if (nxml == cap) {
                cap = cap ? 2 * cap : 16;
                if (!(grown = glca_reallocarray(xml, cap, sizeof *xml)))
                    break;
                xml = grown;
            }
            if (!(xml[nxml] = glca_strdup(de->d_name)))
                break;
            nxml++;
        }
    }
    closedir(d);
    if (!found && nxml) {
        qsort(xml, nxml, sizeof *xml, cmp_str);
        for (i = 0; i < nxml && !found; i++) {
            snprintf(full, sizeof full, "%s/%s", path, xml[i]);
            root_ns(full, ns, sizeof ns);
            found = by_ns(ns);
        }
    }
    for (i = 0; i < nxml; i++)
        glca_free(xml[i]);
    glca_free(xml);
    return found;
}

/* A zip: by a marker folder anywhere in it ("ILCD/processes/x.xml") or an entry's suffix. */
static const glca_import_format *inspect_zip(const char *path)
{
    const glca_import_format *found = NULL;
    glca_archive *a = NULL;
    char marker[64];

    /* A zip that cannot be opened safely (zip slip, bomb, ...): hand it to a zip reader, whose
     * archive layer says precisely why, rather than call it an unknown format. */
    if (glca_inventories__archive_open(&a, path, NULL, NULL) < 0) {
        for (size_t k = 0; k < glca_inventories__nimport_formats; k++)
            if (glca_inventories__import_formats[k].kind == GLCA_DOC_ILCD)
                return &glca_inventories__import_formats[k];
        return NULL;
    }
    for (size_t i = 0; i < glca_inventories__archive_count(a) && !found; i++) {
        const char *e = glca_inventories__archive_entry(a, i);
        for (size_t k = 0; k < glca_inventories__nimport_formats && !found; k++) {
            const glca_import_format *f = &glca_inventories__import_formats[k];
            snprintf(marker, sizeof marker, "%s/", f->marker ? f->marker : "");
            if ((f->marker && (!strncmp(e, marker, strlen(marker)) ||
                               (strstr(e, marker) && strstr(e, marker)[-1] == '/'))) ||
                (f->suffix && ends_with(e, f->suffix)))
                found = f;
        }
    }
    glca_inventories__archive_free(a);
    return found;
}

const glca_import_format *glca_inventories__detect_import(const char *path)
{
    struct stat st;
    char ns[512];

    if (stat(path, &st) < 0)
        return NULL;
    if (S_ISDIR(st.st_mode))
        return inspect_dir(path);
    if (glca_inventories__archive_is_zip(path))
        return inspect_zip(path);
    root_ns(path, ns, sizeof ns);
    return by_ns(ns);
}
