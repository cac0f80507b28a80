/*
 * greenlca assess PRODUCT.xml…: loads the background once, then reads, binds and evaluates each
 * product and prints its impacts by category and stage as a table, JSON or CSV.
 */
#include <stdio.h>
#include <string.h>

#include <glca/inventories.h>

#include "args.h"
#include "commands.h"

static const char help[] =
    "usage: greenlca assess PRODUCT.xml [PRODUCT.xml…] --inventory FILE [--inventory FILE…]\n"
    "                       --method FILE [--format table|json|csv]\n"
    "\n"
    "Life-cycle impacts of each product per impact category and life-cycle stage.\n"
    "  --inventory FILE   process inventory (repeatable; references may cross files)\n"
    "  --method FILE      LCIA method\n"
    "  --format F         table (default), json (one object per product, one per line), csv\n"
    "Exit status 0 success, 1 an input is wrong (message on stderr), 2 usage error.\n";

static void print_table(const glca_product *p, const glca_background *bg, const double *impacts)
{
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
            total += impacts[c * GLCA_NSTAGES + s];
            printf(" %14.6g", impacts[c * GLCA_NSTAGES + s]);
        }
        printf(" %14.6g\n", total);
    }
}

static int assess_one(const char *path, glca_background *bg, const char *format, bool first,
                      double *impacts)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product *p = NULL;
    size_t problems = 0;
    int rc;

    if ((rc = glca_read_product(&p, path, NULL, cli_diag_print, &problems, &err)) < 0)
        goto cleanup;
    if ((rc = glca_product_bind(p, bg, cli_diag_print, &problems, &err)) < 0)
        goto cleanup;
    if ((rc = glca_evaluate(bg, p, impacts, &err)) < 0)
        goto cleanup;
    if (strcmp(format, "json") == 0) {
        glca_assessment a = {p, bg, impacts};

        fputs("{\"product\": ", stdout);
        glca_write_json_string(stdout, glca_product_id(p));
        fputs(", ", stdout);
        if ((rc = glca_write_impacts_json(stdout, &a, &err)) < 0)
            goto cleanup;
        fputs("}\n", stdout);
    } else if (strcmp(format, "csv") == 0) {
        glca_assessment a = {p, bg, impacts};

        if ((rc = glca_write_impacts_csv(stdout, &a, first, &err)) < 0)
            goto cleanup;
    } else {
        if (!first)
            putchar('\n');
        print_table(p, bg, impacts);
    }
cleanup:
    if (rc < 0 && problems == 0)
        cli_print_error(&err);
    glca_product_free(p);
    return rc;
}

int cmd_assess(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}},      {"inventory", true, true, 0, {0}},
        {"method", true, false, 0, {0}},     {"format", true, false, 0, {0}},
        {0},
    };
    cli_args a = {opts, 0, {0}};
    glca_background_options bopts = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_background *bg = NULL;
    const cli_option *inv;
    const char *format, *method;
    double *impacts = NULL;
    size_t i, problems = 0, failed = 0;
    int rc;

    if ((rc = cli_parse(&a, "assess", argc, argv)))
        return rc;
    if (cli_flag(&a, "help")) {
        fputs(help, stdout);
        return 0;
    }
    inv = cli_find(&a, "inventory");
    method = cli_value(&a, "method");
    format = cli_value(&a, "format");
    if (!format)
        format = "table";
    if (a.npositional == 0 || !inv->count || !method ||
        (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv"))) {
        fputs(help, stderr);
        return CLI_EXIT_USAGE;
    }
    rc = glca_load_background(&bg, inv->values, inv->count, method, &bopts, cli_diag_print,
                              &problems, &err);
    if (rc < 0) {
        if (problems == 0)
            cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    impacts = glca_mallocarray(glca_background_ncategories(bg) * GLCA_NSTAGES, sizeof *impacts);
    if (!impacts) {
        glca_error_oom(&err);
        cli_print_error(&err);
        glca_background_free(bg);
        return CLI_EXIT_INPUT;
    }
    for (i = 0; i < a.npositional; i++)
        if (assess_one(a.positional[i], bg, format, i == 0, impacts) < 0)
            failed++;
    glca_free(impacts);
    glca_background_free(bg);
    return failed ? CLI_EXIT_INPUT : 0;
}
