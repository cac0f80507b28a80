/*
 * Fuzz the ILCD reader on one process dataset: the input is put in processes/ of a small ILCD
 * tree (a unit group, a flow property, a product and an elementary flow, an LCIA method) zipped
 * in memory, and the zip is read through glca_read_inventories (detection, the archive layer,
 * parallel parsing, the join, linking), then the engine links what was emitted.  Any bytes,
 * every problem reported to diag, no crash, no leak.
 */
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "harness.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS_COMMON "xmlns:common=\"http://lca.jrc.it/ILCD/Common\""
#define UG "00000000-0000-4000-8000-0000000000a1"
#define FP "00000000-0000-4000-8000-0000000000b1"

static const char *const tree[][2] = {
    {"unitgroups/" UG ".xml",
     HEAD "<unitGroupDataSet xmlns=\"http://lca.jrc.it/ILCD/UnitGroup\" " NS_COMMON ">"
          "<unitGroupInformation><dataSetInformation><common:UUID>" UG "</common:UUID>"
          "</dataSetInformation><quantitativeReference><referenceToReferenceUnit>0"
          "</referenceToReferenceUnit></quantitativeReference></unitGroupInformation><units>"
          "<unit dataSetInternalID=\"0\"><name>kg</name><meanValue>1</meanValue></unit>"
          "</units></unitGroupDataSet>"},
    {"flowproperties/" FP ".xml",
     HEAD "<flowPropertyDataSet xmlns=\"http://lca.jrc.it/ILCD/FlowProperty\" " NS_COMMON ">"
          "<flowPropertiesInformation><dataSetInformation><common:UUID>" FP "</common:UUID>"
          "</dataSetInformation><quantitativeReference><referenceToReferenceUnitGroup "
          "refObjectId=\"" UG "\"/></quantitativeReference></flowPropertiesInformation>"
          "</flowPropertyDataSet>"},
};

static void flow(zip_t *za, const char *uuid, const char *type)
{
    char name[128], *xml = malloc(2048);
    zip_source_t *src;

    snprintf(xml, 2048,
             HEAD "<flowDataSet xmlns=\"http://lca.jrc.it/ILCD/Flow\" " NS_COMMON ">"
                  "<flowInformation><dataSetInformation><common:UUID>%s</common:UUID>"
                  "</dataSetInformation><quantitativeReference><referenceToReferenceFlowProperty>"
                  "0</referenceToReferenceFlowProperty></quantitativeReference></flowInformation>"
                  "<modellingAndValidation><LCIMethod><typeOfDataSet>%s</typeOfDataSet>"
                  "</LCIMethod></modellingAndValidation><flowProperties><flowProperty "
                  "dataSetInternalID=\"0\"><referenceToFlowPropertyDataSet refObjectId=\"" FP
                  "\"/><meanValue>1</meanValue></flowProperty></flowProperties></flowDataSet>",
             uuid, type);
    snprintf(name, sizeof name, "flows/%s.xml", uuid);
    if (!(src = zip_source_buffer(za, xml, strlen(xml), 1)) || zip_file_add(za, name, src, 0) < 0)
        glca_fuzz_fail("cannot build the zip");
}

/* The tree with `data` as processes/p.xml, as the bytes of a zip (malloc'ed). */
static uint8_t *zip_tree(const uint8_t *data, size_t size, size_t *len)
{
    zip_error_t ze;
    zip_source_t *mem, *src;
    zip_stat_t st;
    zip_t *za;
    uint8_t *out = NULL;

    zip_error_init(&ze);
    if (!(mem = zip_source_buffer_create(NULL, 0, 0, &ze)))
        glca_fuzz_fail("cannot make a zip in memory");
    zip_source_keep(mem);
    if (!(za = zip_open_from_source(mem, ZIP_TRUNCATE, &ze)))
        glca_fuzz_fail("cannot open a zip in memory");
    for (size_t i = 0; i < sizeof tree / sizeof *tree; i++)
        if (!(src = zip_source_buffer(za, tree[i][1], strlen(tree[i][1]), 0)) ||
            zip_file_add(za, tree[i][0], src, 0) < 0)
            glca_fuzz_fail("cannot build the zip");
    flow(za, "00000000-0000-4000-8000-0000000000c1", "Product flow");
    flow(za, "00000000-0000-4000-8000-0000000000c4", "Elementary flow");
    if (!(src = zip_source_buffer(za, data, size, 0)) ||
        zip_file_add(za, "processes/p.xml", src, 0) < 0 || zip_close(za) < 0)
        glca_fuzz_fail("cannot build the zip");
    if (zip_source_stat(mem, &st) < 0 || zip_source_open(mem) < 0 ||
        !(out = malloc(st.size ? st.size : 1)) ||
        zip_source_read(mem, out, st.size) != (zip_int64_t)st.size)
        glca_fuzz_fail("cannot read the zip back");
    zip_source_close(mem);
    zip_source_free(mem);
    *len = st.size;
    return out;
}

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    size_t len;
    uint8_t *zip = zip_tree(data, size, &len);
    const char *path = glca_fuzz_write("input.zip", zip, len);
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;

    free(zip);
    if (glca_model_new(&m, &err) < 0)
        return 0;
    if (glca_fuzz_check_diag(glca_read_inventories(m, &path, 1, NULL, glca_fuzz_diag_fn, &d, &err),
                             &err, &d) == 0) {
        glca_fuzz_diag linked = {0};

        glca_error_clear(&err);
        glca_fuzz_check_diag(glca_model_link(m, glca_fuzz_diag_fn, &linked, &err), &err, &linked);
    }
    glca_model_free(m);
    return 0;
}
