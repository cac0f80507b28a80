/*
 * Our own inventories seen from the import: which flows they define and which process makes
 * which product, read by a quick scan of the top-level elements (the native reader reads the
 * files properly into the model), so an imported demand that no imported process serves may
 * link to a native producer, and flows both define are emitted once.
 */
#include "importers/import_int.h"

#include <stdlib.h>
#include <string.h>

int glca_inventories__imp_add_native_flow(glca_import *im, const char *flow, glca_error *err)
{
    bool oom = false;
    const char *f = glca_inventories__imp_intern(im, flow, &oom);

    if (oom || glca_inventories__imp_reserve((void **)&im->native_flows, &im->capnative_flows,
                                             im->nnative_flows, sizeof *im->native_flows) < 0)
        return glca_error_oom(err);
    im->native_flows[im->nnative_flows++] = f;
    return 0;
}

int glca_inventories__imp_add_native_producer(glca_import *im, const char *flow,
                                              const char *process, glca_error *err)
{
    bool oom = false;
    glca_imp_native n = {glca_inventories__imp_intern(im, flow, &oom),
                         glca_inventories__imp_intern(im, process, &oom)};

    if (oom || glca_inventories__imp_reserve((void **)&im->native, &im->capnative, im->nnative,
                                             sizeof *im->native) < 0)
        return glca_error_oom(err);
    im->native[im->nnative++] = n;
    return 0;
}

int glca_inventories__imp_scan_native(glca_import *im, const char *path,
                                      const glca_xml_limits *limits, glca_error *err)
{
    glca_xml *x = NULL;
    int ev, rc = 0;

    if (glca_xml_open(&x, path, limits, NULL) < 0)
        return 0;
    while (rc == 0 && (ev = glca_xml_next(x, NULL)) > 0) {
        const char *name = glca_xml_name(x), *id, *product;

        if (ev != GLCA_XML_START || glca_xml_depth(x) != 1)
            continue;
        id = glca_xml_attr(x, "id");
        if (id && strcmp(name, "flow") == 0)
            rc = glca_inventories__imp_add_native_flow(im, id, err);
        else if (id && strcmp(name, "process") == 0 && (product = glca_xml_attr(x, "product")))
            rc = glca_inventories__imp_add_native_producer(im, product, id, err);
        if (rc == 0 && glca_xml_skip(x, NULL) < 0)
            break;
    }
    glca_xml_free(x);
    return rc;
}
