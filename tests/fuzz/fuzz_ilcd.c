/*
 * Fuzz the ILCD reader on one process dataset: the input is processes/p.xml of a small ILCD
 * tree in memory (a unit group, a flow property, a product and an elementary flow, an LCIA
 * method with a located factor), read through glca_inventories__read_ilcd_memory (the archive
 * layer, parallel parsing, the located factors, the join), linked into a model as
 * glca_read_inventories links imported data, and the model's own linking run.  Any bytes,
 * every problem reported to diag, no crash, no leak.  Nothing is written to disk, so a
 * campaign runs at the readers' speed (the zip itself is ilcd_zip's).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "importers/import_int.h"
#include "importers/importers.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS_COMMON "xmlns:common=\"http://lca.jrc.it/ILCD/Common\""
#define UG "00000000-0000-4000-8000-0000000000a1"
#define FP "00000000-0000-4000-8000-0000000000b1"
#define PRODUCT "00000000-0000-4000-8000-0000000000c1"
#define ELEMENTARY "00000000-0000-4000-8000-0000000000c4"
#define METHOD "00000000-0000-4000-8000-0000000000e1"

#define FLOW(uuid, type)                                                                         \
    HEAD "<flowDataSet xmlns=\"http://lca.jrc.it/ILCD/Flow\" " NS_COMMON ">"                      \
         "<flowInformation><dataSetInformation><common:UUID>" uuid "</common:UUID>"               \
         "</dataSetInformation><quantitativeReference><referenceToReferenceFlowProperty>"         \
         "0</referenceToReferenceFlowProperty></quantitativeReference></flowInformation>"         \
         "<modellingAndValidation><LCIMethod><typeOfDataSet>" type "</typeOfDataSet>"             \
         "</LCIMethod></modellingAndValidation><flowProperties><flowProperty "                    \
         "dataSetInternalID=\"0\"><referenceToFlowPropertyDataSet refObjectId=\"" FP "\"/>"       \
         "<meanValue>1</meanValue></flowProperty></flowProperties></flowDataSet>"

#define FACTOR(location, value)                                                                  \
    "<factor><referenceToFlowDataSet refObjectId=\"" ELEMENTARY "\"/><exchangeDirection>Output"  \
    "</exchangeDirection><meanValue>" value "</meanValue>" location "</factor>"

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
    {"flows/" PRODUCT ".xml", FLOW(PRODUCT, "Product flow")},
    {"flows/" ELEMENTARY ".xml", FLOW(ELEMENTARY, "Elementary flow")},
    /* a factor for one location: emissions of processes there get located flow ids */
    {"lciamethods/" METHOD ".xml",
     HEAD "<LCIAMethodDataSet xmlns=\"http://lca.jrc.it/ILCD/LCIAMethod\" " NS_COMMON ">"
          "<LCIAMethodInformation><dataSetInformation><common:UUID>" METHOD "</common:UUID>"
          "<common:name>climate</common:name></dataSetInformation><quantitativeReference>"
          "<referenceQuantity><common:shortDescription>kg CO2-eq</common:shortDescription>"
          "</referenceQuantity></quantitativeReference></LCIAMethodInformation>"
          "<characterisationFactors>" FACTOR("", "1") FACTOR("<location>DE</location>", "2")
          "</characterisationFactors></LCIAMethodDataSet>"},
};

#define NTREE (sizeof tree / sizeof *tree)

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    glca_archive_member files[NTREE + 1];
    glca_fuzz_diag d = {0};
    glca_error err = GLCA_ERROR_INIT;
    glca_model *m = NULL;
    glca_import *im = NULL;

    for (size_t i = 0; i < NTREE; i++)
        files[i] = (glca_archive_member){tree[i][0], tree[i][1], strlen(tree[i][1])};
    files[NTREE] = (glca_archive_member){"processes/p.xml", data, size};
    if (glca_model_new(&m, &err) < 0 ||
        glca_inventories__imp_new(&im, glca_model_units(m), &err) < 0)
        goto cleanup;
    if (glca_fuzz_check_diag(glca_inventories__read_ilcd_memory(im, "input", files, NTREE + 1,
                                                                NULL, glca_fuzz_diag_fn, &d,
                                                                &err),
                             &err, &d) == 0 &&
        (im->nprocs || im->nflows)) {
        glca_imp_sink s = glca_inventories__model_sink(m);
        glca_fuzz_diag linked = {0}, built = {0};

        glca_error_clear(&err);
        if (glca_fuzz_check_diag(glca_inventories__imp_link(im, GLCA_ALLOCATION_DATA, NULL, &s,
                                                            glca_fuzz_diag_fn, &linked, &err),
                                 &err, &linked) == 0) {
            glca_error_clear(&err);
            glca_fuzz_check_diag(glca_model_link(m, glca_fuzz_diag_fn, &built, &err), &err,
                                 &built);
        }
    }
cleanup:
    glca_inventories__imp_free(im);
    glca_model_free(m);
    return 0;
}
