/*
 * `greenlca assess` and `greenlca convert` straight on EcoSpold 1 data, as a user runs them.
 * The system (written below) is small enough to work by hand: 1 kg of "Steel, at mill" emits
 * 1.5 kg CO2 and sends 0.2 kg slag to a landfill that treats it (per 1 kg slag treated:
 * 0.1 kg CH4, GWP 29.8); a widget is 2 kg of steel plus 0.5 kg CO2 of its own.
 * Per widget: 0.5 + 2 × (1.5 + 0.2 × 0.1 × 29.8) = 0.5 + 2 × 2.096 = 4.692 kg CO2-eq.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runcmd.h"

static const char es1[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ecoSpold xmlns=\"http://www.EcoInvent.org/EcoSpold01\">\n"
    "<dataset number=\"1\"><metaInformation><processInformation>"
    "<referenceFunction name=\"Steel, at mill\" unit=\"kg\" amount=\"1\"/>"
    "<geography location=\"US\"/></processInformation></metaInformation><flowData>\n"
    "<exchange name=\"Carbon dioxide\" category=\"air\" subCategory=\"unspecified\" "
    "unit=\"kg\" meanValue=\"1.5\"><outputGroup>4</outputGroup></exchange>\n"
    "<exchange name=\"Slag, to landfill\" category=\"\" subCategory=\"unspecified\" "
    "unit=\"kg\" meanValue=\"0.2\"><outputGroup>3</outputGroup></exchange>\n"
    "</flowData></dataset>\n"
    "<dataset number=\"2\"><metaInformation><processInformation>"
    "<referenceFunction name=\"Slag, to landfill\" unit=\"kg\" amount=\"1\"/>"
    "<geography location=\"US\"/></processInformation></metaInformation><flowData>\n"
    "<exchange name=\"Methane\" category=\"air\" subCategory=\"unspecified\" "
    "unit=\"kg\" meanValue=\"0.1\"><outputGroup>4</outputGroup></exchange>\n"
    "</flowData></dataset>\n"
    "<dataset number=\"3\"><metaInformation><processInformation>"
    "<referenceFunction name=\"Widget, at plant\" unit=\"Item(s)\" amount=\"1\"/>"
    "<geography location=\"US\"/></processInformation></metaInformation><flowData>\n"
    "<exchange name=\"Steel, at mill\" category=\"\" subCategory=\"unspecified\" "
    "unit=\"kg\" meanValue=\"2\"><inputGroup>5</inputGroup></exchange>\n"
    "<exchange name=\"Carbon dioxide\" category=\"air\" subCategory=\"unspecified\" "
    "unit=\"kg\" meanValue=\"0.5\"><outputGroup>4</outputGroup></exchange>\n"
    "<exchange name=\"Paint, at plant\" category=\"\" subCategory=\"unspecified\" "
    "unit=\"kg\" meanValue=\"0.01\"><inputGroup>5</inputGroup></exchange>\n"
    "</flowData></dataset>\n"
    "</ecoSpold>\n";

static const char method[] =
    "<method xmlns=\"urn:greenlca:method:1\" id=\"gwp\" name=\"GWP\" version=\"1\">"
    "<category id=\"gwp100\" name=\"GWP100\" unit=\"kg CO2-eq\">"
    "<factor flow=\"carbon-dioxide@air\" value=\"1\"/><factor flow=\"methane@air\" "
    "value=\"29.8\"/></category></method>\n";

static const char product[] =
    "<product xmlns=\"urn:greenlca:product:1\" id=\"w\" name=\"Widget\" category=\"example\" "
    "functional-unit=\"1 widget\"><production><input process=\"widget-at-plant-us\" "
    "amount=\"1\" unit=\"item\"/></production></product>\n";

static double total_of(const char *json)
{
    const char *at = strstr(json, "\"total\": ");

    cr_assert_not_null(at, "%s", json);
    return strtod(at + 9, NULL);
}

Test(cli_import, assess_and_convert_on_ecospold1, .timeout = 30)
{
    char *dir = make_temp_dir(), cmd[4096], *inv, *meth, *prod, *report;
    run_result r, c;

    inv = write_temp_file(dir, "system.xml", es1);
    meth = write_temp_file(dir, "gwp.method.xml", method);
    prod = write_temp_file(dir, "w.product.xml", product);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess %s --inventory %s --method %s --format json "
                      "--linking-report %s/link.json",
             prod, inv, meth, dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(fabs(total_of(r.out) - 4.692) <= 1e-12 * 4.692, "%s", r.out);
    /* the paint has no process: the one cut-off */
    snprintf(cmd, sizeof cmd, "%s/link.json", dir);
    report = read_whole_file(cmd, NULL);
    cr_assert_not_null(report);
    cr_assert_not_null(strstr(report, "{\"cutoff\": 1, \"ambiguous\": 0,"), "%s", report);
    cr_assert_not_null(strstr(report, "\"flow\": \"Paint, at plant\""), "%s", report);
    free(report);

    /* validate reads and links it as a study does */
    snprintf(cmd, sizeof cmd, GLCA_CLI " validate %s", inv);
    cr_assert_eq(run_command(&c, cmd), 0);
    cr_assert_eq(c.status, 0, "stderr: %s", c.err);
    cr_assert_not_null(strstr(c.out, ": ok (EcoSpold 1)"), "%s", c.out);
    run_result_free(&c);

    /* convert, then assess the converted file: the same output, byte for byte */
    snprintf(cmd, sizeof cmd, GLCA_CLI " convert %s -o %s/system.inventory.xml", inv, dir);
    cr_assert_eq(run_command(&c, cmd), 0);
    cr_assert_eq(c.status, 0, "stderr: %s", c.err);
    run_result_free(&c);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess %s --inventory %s/system.inventory.xml --method %s --format json",
             prod, dir, meth);
    cr_assert_eq(run_command(&c, cmd), 0);
    cr_assert_eq(c.status, 0, "stderr: %s", c.err);
    cr_assert_str_eq(c.out, r.out);
    run_result_free(&c);
    run_result_free(&r);
    free(inv);
    free(meth);
    free(prod);
    free(dir);
}

Test(cli_import, bad_options_are_usage_errors, .timeout = 30)
{
    run_result r;

    cr_assert_eq(run_command(&r, GLCA_CLI " assess x.product.xml --inventory x --method m "
                                          "--allocation causal"),
                 0);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "unknown allocation 'causal'"), "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " convert x.xml"), 0);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "-o"), "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(run_command(&r, GLCA_CLI " convert /nonexistent.xml -o /tmp/never.xml"), 0);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "/nonexistent.xml"), "%s", r.err);
    run_result_free(&r);
}

/* Our own inventory beside the EcoSpold 1 data: the paint the widget needs (cut off above) now
 * comes from a native process emitting 2 kg CO2 per kg, and the CO2 flow both define is one.
 * Per widget: 4.692 + 0.01 × 2 = 4.712 kg CO2-eq. */
Test(cli_import, imported_data_links_to_a_native_producer, .timeout = 30)
{
    static const char native[] =
        "<inventory xmlns=\"urn:greenlca:inventory:1\" id=\"paint\" version=\"1\">\n"
        "  <flow id=\"carbon-dioxide@air\" kind=\"elementary\" compartment=\"air\" unit=\"kg\"/>\n"
        "  <flow id=\"paint-at-plant\" kind=\"product\" unit=\"kg\"/>\n"
        "  <process id=\"paint-native\" product=\"paint-at-plant\" amount=\"1\">\n"
        "    <output flow=\"carbon-dioxide@air\" amount=\"2\"/>\n"
        "  </process>\n"
        "</inventory>\n";
    char *dir = make_temp_dir(), cmd[4096], *inv, *nat, *meth, *prod, *report;
    run_result r;

    inv = write_temp_file(dir, "system.xml", es1);
    nat = write_temp_file(dir, "paint.inventory.xml", native);
    meth = write_temp_file(dir, "gwp.method.xml", method);
    prod = write_temp_file(dir, "w.product.xml", product);
    snprintf(cmd, sizeof cmd,
             GLCA_CLI " assess %s --inventory %s --inventory %s --method %s --format json "
                      "--linking-report %s/link.json",
             prod, inv, nat, meth, dir);
    cr_assert_eq(run_command(&r, cmd), 0);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert(fabs(total_of(r.out) - 4.712) <= 1e-12 * 4.712, "%s", r.out);
    snprintf(cmd, sizeof cmd, "%s/link.json", dir);
    report = read_whole_file(cmd, NULL);
    cr_assert_not_null(report);
    cr_assert_not_null(strstr(report, "{\"cutoff\": 0, \"ambiguous\": 0,"), "%s", report);
    free(report);
    run_result_free(&r);
    free(inv);
    free(nat);
    free(meth);
    free(prod);
    free(dir);
}
