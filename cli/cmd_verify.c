/*
 * greenlca verify REPORT.json --inventory … --method … [--ruleset FILE | --rules-dir DIR]: the
 * third-party evaluation step.  Recomputes the product of a JSON report from the given files
 * (glca_report_verify) and prints "reproduced" or each difference.
 */
#include <stdio.h>
#include <string.h>

#include <glca/ruleset.h>

#include "args.h"
#include "commands.h"

static const char help[] =
    "usage: greenlca verify REPORT.json --inventory FILE [--inventory FILE…] --method FILE\n"
    "                       [--ruleset FILE | --rules-dir DIR] [--product FILE]\n"
    "\n"
    "Recomputes the product of a JSON report (greenlca report --format json) from the files\n"
    "given, with the rules editions in force on the report's date, and compares: \"reproduced\"\n"
    "when every input hash, every number (bitwise) and the verdict are the same, else one line\n"
    "per difference (a file's hash changed, a number moved, an outcome or the verdict flipped).\n"
    "  --product FILE   the product file (default: the path the report names)\n"
    "Exit status 0 reproduced, 1 a difference or an input is wrong, 2 usage error.\n";

int cmd_verify(int argc, char **argv)
{
    cli_option opts[] = {{"help", false, false, 0, {0}},
                         {"inventory", true, true, 0, {0}},
                         {"method", true, false, 0, {0}},
                         {"ruleset", true, false, 0, {0}},
                         {"rules-dir", true, false, 0, {0}},
                         {"product", true, false, 0, {0}},
                         {0}};
    cli_args a = {opts, 0, {0}};
    glca_verify_input in = GLCA_VERIFY_INPUT_INIT;
    glca_error err = GLCA_ERROR_INIT;
    const cli_option *inv;
    size_t ndiff = 0;
    int rc;

    if ((rc = cli_begin(&a, "verify", argc, argv, help, 1, 1, NULL, NULL)) >= 0)
        return rc;
    inv = cli_find(&a, "inventory");
    if (!inv->count || !cli_value(&a, "method") ||
        (cli_value(&a, "ruleset") && cli_value(&a, "rules-dir"))) {
        fputs(help, stderr);
        return CLI_EXIT_USAGE;
    }
    in.report_path = a.positional[0];
    in.product_path = cli_value(&a, "product");
    in.inventory_paths = inv->values;
    in.ninventories = inv->count;
    in.method_path = cli_value(&a, "method");
    in.ruleset_path = cli_value(&a, "ruleset");
    in.rules_dir = cli_value(&a, "rules-dir");
    if (glca_report_verify(stdout, &ndiff, &in, &err) < 0) {
        cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    return ndiff ? CLI_EXIT_INPUT : 0;
}
