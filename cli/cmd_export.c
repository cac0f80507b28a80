/*
 * greenlca export RESULTS.sqlite: a stored batch run as CSV or JSON lines on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glca/inventories.h>

#include "args.h"
#include "commands.h"

static const char help[] =
    "usage: greenlca export RESULTS.sqlite [--format csv|json] [--run ID]\n"
    "\n"
    "Impacts and verdicts of a batch run, products in catalog order.\n"
    "  --format F   csv (default): ordinal,product,status,record,name,stage,value,unit,\n"
    "               baseline,comparator,outcome,message; json: one object per product per line\n"
    "  --run ID     the run to export (default: the latest)\n"
    "Exit status 0 success, 1 the store cannot be read, 2 usage error.\n";

int cmd_export(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}},
        {"format", true, false, 0, {0}},
        {"run", true, false, 0, {0}},
        {0},
    };
    cli_args a = {opts, 0, {0}};
    glca_error err = GLCA_ERROR_INIT;
    glca_export_format format = GLCA_EXPORT_CSV;
    const char *f;
    long run;
    int rc;

    if ((rc = cli_begin(&a, "export", argc, argv, help, 1, 1, "csv|json", &f)) >= 0)
        return rc;
    if (strcmp(f, "json") == 0)
        format = GLCA_EXPORT_JSON;
    if (!cli_int_value(&a, "export", "run", 0, 1, &run))
        return CLI_EXIT_USAGE;
    if (glca_results_export(stdout, a.positional[0], format, run, &err) < 0) {
        cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    return fflush(stdout) == 0 ? 0 : CLI_EXIT_INPUT;
}
