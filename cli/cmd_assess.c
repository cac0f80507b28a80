/*
 * greenlca assess PRODUCT.xml…: loads the background (and rules) once, then evaluates each
 * product and prints its impacts by category and stage, and its verdict when rules are given,
 * as a table, JSON (FORMATS.md "Machine interface") or CSV.
 */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "study.h"

static const char help[] =
    "usage: greenlca assess PRODUCT.xml [PRODUCT.xml…] --inventory FILE [--inventory FILE…]\n"
    "                       --method FILE [--ruleset FILE | --rules-dir DIR] [--on DATE]\n"
    "                       [--format table|json|csv] [--cache-dir DIR]\n"
    "\n"
    "Life-cycle impacts of each product per impact category and life-cycle stage, and its\n"
    "GB/T 32161 verdict when rules are given.\n"
    "  --inventory FILE   process inventory (repeatable; references may cross files): ours,\n"
    "                     or an EcoSpold 1 file or directory, linked as below\n"
    "  --method FILE      LCIA method (repeatable: the categories of all of them)\n"
    "  --ruleset FILE     category ruleset; every product must be of its category\n"
    "  --rules-dir DIR    rulesets picked by each product's category (none: no verdict)\n"
    "  --on DATE          judge by the edition in force on DATE (YYYY-MM-DD; default today)\n"
    "A verdict that rests on provisional thresholds says so: \"certified (provisional\n"
    "thresholds: R1, E1)\", \"not certified (on provisional thresholds: V7)\".\n"
    "  --format F         table (default); json: one object per product, one per line;\n"
    "                     csv: impacts only\n"
    "  --cache-dir DIR    keep the prepared background in DIR (the Lambda cache of batch,\n"
    "                     keyed by the inputs' content): a second run skips parsing, linking\n"
    "                     and preparation; needs a single --method and no import options\n"
    "Imported inventories (every study command; inventories/importers/README.md):\n"
    "  --allocation A     data (default), physical, economic or none, for multi-output processes\n"
    "  --provider-map F   CSV consumer,flow,provider: choices among several providers\n"
    "  --linking-report F every exchange left out and why, with file:line (.md, or .json)\n"
    "  --linking-report-format md|json\n"
    "Exit status 0 success, 1 an input is wrong (message on stderr), 2 usage error.\n";

static void print_verdict_table(const glca_verdict *v)
{
    const glca_verdict_item *items;
    size_t n, i;

    items = glca_verdict_items(v, &n);
    printf("  verdict (%s %s%s%s): %s\n", glca_verdict_ruleset_id(v),
           glca_verdict_ruleset_version(v), glca_verdict_edition(v) ? ", " : "",
           glca_verdict_edition(v) ? glca_verdict_edition(v) : "", glca_verdict_label(v));
    printf("  %s\n", glca_verdict_label_zh(v));
    for (i = 0; i < n; i++) {
        const char *basis = glca_verdict_item_basis(&items[i]);

        printf("    %-6s %-14s %-12s %s\n", items[i].id, glca_outcome_name(items[i].outcome),
               basis ? basis : "", items[i].reason);
    }
}

static void print_table(const cli_product *cp, const glca_background *bg)
{
    const glca_product *p = cp->p;
    size_t c, k = glca_background_ncategories(bg);
    const char *name = glca_product_name(p), *fu = glca_product_functional_unit(p);
    int s;

    printf("%s%s%s%s%s\n", glca_product_id(p), name ? " — " : "", name ? name : "",
           fu ? "   functional unit: " : "", fu ? fu : "");
    printf("  %-16s %-14s", "category", "unit");
    for (s = 0; s < GLCA_NSTAGES; s++)
        printf(" %14s", glca_stage_name((glca_stage)s));
    printf(" %14s\n", "total");
    for (c = 0; c < k; c++) {
        double total = 0;

        printf("  %-16s %-14s", glca_background_category_id(bg, c),
               glca_background_category_unit(bg, c));
        for (s = 0; s < GLCA_NSTAGES; s++) {
            total += cp->impacts[c * GLCA_NSTAGES + s];
            printf(" %14.6g", cp->impacts[c * GLCA_NSTAGES + s]);
        }
        printf(" %14.6g\n", total);
    }
    if (cp->verdict)
        print_verdict_table(cp->verdict);
}

static int print_json(const cli_product *cp, const glca_background *bg)
{
    glca_assessment a = {cp->p, bg, cp->impacts};
    glca_error err = GLCA_ERROR_INIT;
    int rc;

    fputs("{\"product\": ", stdout);
    glca_write_json_string(stdout, glca_product_id(cp->p));
    fputs(", ", stdout);
    if ((rc = glca_write_impacts_json(stdout, &a, &err)) == 0 && cp->verdict) {
        fputs(", ", stdout);
        rc = glca_write_verdict_json(stdout, cp->verdict, &err);
    }
    fputs("}\n", stdout);
    if (rc < 0)
        cli_print_error(&err);
    return rc;
}

static int assess_one(const cli_study *s, const char *path, const char *format, bool first)
{
    cli_product cp;
    int rc;

    if ((rc = cli_product_load(&cp, s, path)) < 0)
        return rc;
    if (strcmp(format, "json") == 0) {
        rc = print_json(&cp, s->bg);
    } else if (strcmp(format, "csv") == 0) {
        glca_assessment a = {cp.p, s->bg, cp.impacts};
        glca_error err = GLCA_ERROR_INIT;

        if ((rc = glca_write_impacts_csv(stdout, &a, first, &err)) < 0)
            cli_print_error(&err);
    } else {
        if (!first)
            putchar('\n');
        print_table(&cp, s->bg);
    }
    cli_product_free(&cp);
    return rc;
}

int cmd_assess(int argc, char **argv)
{
    cli_option opts[] = {{"help", false, false, 0, {0}}, {"format", true, false, 0, {0}},
                         {"cache-dir", true, false, 0, {0}}, CLI_STUDY_OPTIONS, {0}};
    cli_args a = {opts, 0, {0}};
    cli_study s;
    const char *format;
    size_t i, failed = 0;
    int rc;

    if ((rc = cli_begin(&a, "assess", argc, argv, help, 1, CLI_MAX_VALUES, "table|json|csv",
                        &format)) >= 0)
        return rc;
    if ((rc = cli_study_open(&s, &a, "assess", true)))
        return rc;
    for (i = 0; i < a.npositional; i++)
        if (assess_one(&s, a.positional[i], format, i == 0) < 0)
            failed++;
    cli_study_close(&s);
    return failed ? CLI_EXIT_INPUT : 0;
}
