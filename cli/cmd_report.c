/*
 * greenlca report PRODUCT.xml … -o FILE: the self-evaluation report (自评价报告) of one product,
 * as self-contained HTML or as JSON.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "commands.h"
#include "study.h"

static const char help[] =
    "usage: greenlca report PRODUCT.xml --inventory FILE [--inventory FILE…] --method FILE\n"
    "                       [--ruleset FILE | --rules-dir DIR] [--on DATE] [-o|--output FILE]\n"
    "                       [--format html|json]\n"
    "\n"
    "Writes the GB/T 32161 self-evaluation report of a product: basic information, goal and\n"
    "scope, inventory with data sources and their SHA-256, impacts by stage with charts, every\n"
    "basic requirement and indicator with value, baseline, outcome and evidence, the verdict,\n"
    "interpretation and improvement points.  HTML (default) is one self-contained file.\n"
    "  --output FILE   where to write (default: standard output)\n"
    "Exit status 0 success, 1 an input is wrong (message on stderr), 2 usage error.\n";

int cmd_report(int argc, char **argv)
{
    cli_option opts[] = {{"help", false, false, 0, {0}},   {"format", true, false, 0, {0}},
                         {"output", true, false, 0, {0}}, {"o", true, false, 0, {0}},
                         CLI_STUDY_OPTIONS,                {0}};
    cli_args a = {opts, 0, {0}};
    glca_report_input in = GLCA_REPORT_INPUT_INIT;
    glca_error err = GLCA_ERROR_INIT;
    cli_study s;
    cli_product cp;
    const char *format, *output;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    FILE *f = stdout;
    int rc;

    /* "-o FILE" is the usual spelling; the scanner takes long options, so map it. */
    for (rc = 0; rc < argc; rc++)
        if (strcmp(argv[rc], "-o") == 0)
            argv[rc] = "--o";
    if ((rc = cli_begin(&a, "report", argc, argv, help, 1, 1, "html|json", &format)) >= 0)
        return rc;
    output = cli_value(&a, "output") ? cli_value(&a, "output") : cli_value(&a, "o");
    if ((rc = cli_study_open(&s, &a, "report", true)))
        return rc;
    if (cli_product_load(&cp, &s, a.positional[0]) < 0) {
        cli_study_close(&s);
        return CLI_EXIT_INPUT;
    }
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    in.product = cp.p;
    in.bg = s.bg;
    in.impacts = cp.impacts;
    in.verdict = cp.verdict;
    in.product_path = a.positional[0];
    in.inventory_paths = s.inventories;
    in.ninventories = s.ninventories;
    in.method_path = s.method;
    in.generated = when;
    if (s.rules && cp.verdict) {
        const glca_ruleset *rs = NULL;

        glca_rulebook_select(&rs, s.rules, cp.p, &err);
        in.ruleset = rs;
        in.rules_date = glca_rulebook_date(s.rules);
    }
    if (output && !(f = fopen(output, "w"))) {
        fprintf(stderr, "greenlca report: cannot write %s\n", output);
        rc = CLI_EXIT_INPUT;
    } else {
        rc = strcmp(format, "json") == 0 ? glca_report_write_json(f, &in, &err)
                                         : glca_report_write_html(f, &in, &err);
        if (output && fclose(f) != 0 && rc == 0)
            rc = glca_error_set(&err, GLCA_EIO, NULL, "cannot write %s", output);
        if (rc < 0) {
            cli_print_error(&err);
            rc = CLI_EXIT_INPUT;
        }
    }
    cli_product_free(&cp);
    cli_study_close(&s);
    return rc;
}
