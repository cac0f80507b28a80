/* greenlca convert INPUT… -o OUT: inventories of other formats written in ours. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glca/inventories.h>

#include "args.h"
#include "commands.h"
#include "study.h"

static const char help[] =
    "usage: greenlca convert INPUT [INPUT…] -o OUT.inventory.xml [--id ID]\n"
    "                        [--allocation data|physical|economic|none] [--provider-map FILE]\n"
    "                        [--linking-report FILE] [--linking-report-format md|json]\n"
    "\n"
    "Reads EcoSpold 1 files, EcoSpold 2 datasets and directories, ILCD folders and zips (and\n"
    "native inventories), links them (allocation, providers by direction,\n"
    "treatment services) and writes one inventory in greenlca's format. Assessing the written\n"
    "file gives bitwise the same results as assessing the inputs. What the linking leaves out\n"
    "is listed in the linking report (Markdown, or JSON by extension or format).\n"
    "Exit status 0 on success, 1 for bad input, 2 for usage errors.\n";

int cmd_convert(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}}, {"o", true, false, 0, {0}}, {"output", true, false, 0, {0}},
        {"id", true, false, 0, {0}},    CLI_IMPORT_OPTIONS,         {0}};
    cli_args a = {opts, 0, {0}};
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    const char *out = NULL, *id;
    size_t problems = 0;
    FILE *f;
    int rc;

    if ((rc = cli_begin(&a, "convert", argc, argv, help, 1, CLI_MAX_VALUES, NULL, NULL)) >= 0)
        return rc;
    out = cli_value(&a, "o") ? cli_value(&a, "o") : cli_value(&a, "output");
    if (!out) {
        fprintf(stderr, "greenlca convert: -o OUT.inventory.xml is required\n%s", help);
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_import_options(&a, "convert", &lo)))
        return rc;
    id = cli_value(&a, "id") ? cli_value(&a, "id") : "converted";
    if (!(f = fopen(out, "w"))) {
        fprintf(stderr, "greenlca convert: %s: %s\n", out, strerror(errno));
        return CLI_EXIT_INPUT;
    }
    rc = glca_convert_inventories(f, id, a.positional, a.npositional, &lo, cli_diag_print,
                                  &problems, &err);
    if (fclose(f) != 0 && rc == 0)
        rc = glca_error_set(&err, GLCA_EIO, NULL, "%s: %s", out, strerror(errno));
    if (rc < 0) {
        if (problems == 0)
            cli_print_error(&err);
        remove(out);
        return CLI_EXIT_INPUT;
    }
    return 0;
}
