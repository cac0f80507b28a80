/*
 * greenlca ruleset explain FILE: the review sheet of a ruleset, every requirement and indicator
 * in plain English and Chinese with its thresholds' basis and source (glca_ruleset_explain),
 * as text or as CSV for a spreadsheet.
 */
#include <stdio.h>
#include <string.h>

#include <glca/ruleset.h>

#include "args.h"
#include "commands.h"

static const char help[] =
    "usage: greenlca ruleset explain RULESET.xml [--format table|csv]\n"
    "\n"
    "The review sheet of a ruleset: every basic requirement and indicator in plain English and\n"
    "Chinese, with unit, comparator, baselines and their conditions, and each threshold's basis\n"
    "(confirmed or provisional) and source, for an assessor to check against the purchased\n"
    "standard.\n"
    "  --format F   table (default, the sheet as text); csv: one row per threshold, with a basis "
    "column\n"
    "Exit status 0 success, 1 the ruleset is wrong (message on stderr), 2 usage error.\n";

int cmd_ruleset(int argc, char **argv)
{
    cli_option opts[] = {{"help", false, false, 0, {0}}, {"format", true, false, 0, {0}}, {0}};
    cli_args a = {opts, 0, {0}};
    glca_error err = GLCA_ERROR_INIT;
    glca_ruleset *rs = NULL;
    const char *format;
    size_t problems = 0;
    int rc;

    if (argc < 1 || strcmp(argv[0], "explain") != 0) {
        if (argc >= 1 && strcmp(argv[0], "--help") == 0) {
            fputs(help, stdout);
            return 0;
        }
        fputs(help, stderr);
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_begin(&a, "ruleset explain", argc - 1, argv + 1, help, 1, 1, "table|csv",
                        &format)) >= 0)
        return rc;
    if (glca_ruleset_load(&rs, a.positional[0], NULL, cli_diag_print, &problems, &err) < 0) {
        if (problems == 0)
            cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    rc = glca_ruleset_explain(
        stdout, rs, strcmp(format, "csv") == 0 ? GLCA_EXPLAIN_CSV : GLCA_EXPLAIN_TEXT, &err);
    if (rc < 0)
        cli_print_error(&err);
    glca_ruleset_free(rs);
    return rc < 0 ? CLI_EXIT_INPUT : 0;
}
