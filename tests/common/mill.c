/* The EcoSpold 1 mill of the importer and CLI tests (see mill.h); linked into every test
 * executable. */
#include "mill.h"

#include <criterion/criterion.h>

#include <stdio.h>

void mill_ecospold1(char *buf, size_t size, const char *wheat_bran_fraction)
{
    int n = snprintf(buf, size,
                     "<ecoSpold xmlns=\"http://www.EcoInvent.org/EcoSpold01\">\n"
                     "<dataset number=\"10\"><metaInformation><processInformation>\n"
                     "<referenceFunction name=\"Flour\" unit=\"kg\" amount=\"10\"/>\n"
                     "</processInformation></metaInformation><flowData>\n"
                     "<exchange number=\"1\" name=\"Flour\" unit=\"kg\" meanValue=\"10\">"
                     "<outputGroup>0</outputGroup></exchange>\n"
                     "<exchange number=\"2\" name=\"Bran\" unit=\"kg\" meanValue=\"5\">"
                     "<outputGroup>2</outputGroup></exchange>\n"
                     "<exchange number=\"3\" name=\"Wheat\" category=\"resource\" unit=\"kg\" "
                     "meanValue=\"20\"><inputGroup>4</inputGroup></exchange>\n"
                     "<exchange number=\"4\" name=\"Carbon dioxide\" category=\"air\" unit=\"kg\" "
                     "meanValue=\"2\"><outputGroup>4</outputGroup></exchange>\n"
                     "<allocation referenceToCoProduct=\"1\" fraction=\"80\">"
                     "<referenceToInputOutput>3</referenceToInputOutput></allocation>\n"
                     "<allocation referenceToCoProduct=\"2\" fraction=\"%s\">"
                     "<referenceToInputOutput>3</referenceToInputOutput></allocation>\n"
                     "<allocation referenceToCoProduct=\"1\" fraction=\"60\">"
                     "<referenceToInputOutput>4</referenceToInputOutput></allocation>\n"
                     "<allocation referenceToCoProduct=\"2\" fraction=\"40\">"
                     "<referenceToInputOutput>4</referenceToInputOutput></allocation>\n"
                     "</flowData></dataset></ecoSpold>\n",
                     wheat_bran_fraction);

    cr_assert(n > 0 && (size_t)n < size, "the mill needs %d bytes", n);
}

const char mill_co2_method[] =
    "<method xmlns=\"urn:greenlca:method:1\" id=\"gwp\" name=\"GWP\" version=\"1\">"
    "<category id=\"gwp100\" name=\"GWP100\" unit=\"kg CO2-eq\">"
    "<factor flow=\"carbon-dioxide@air\" value=\"1\"/></category></method>\n";
