/*
 * greenlca sensitivity PRODUCT.xml: which uncertain parameters matter most.  Runs the Monte
 * Carlo analysis of `montecarlo` and ranks every uncertain product line and background exchange
 * by the squared Spearman rank correlation between its draws and each category's total
 * (glca_sensitivity_compute).
 */
#include <stdio.h>
#include <string.h>

#include <glca/inventories.h>

#include "args.h"
#include "commands.h"
#include "study.h"

static const char help[] =
    "usage: greenlca sensitivity PRODUCT.xml --inventory FILE [--inventory FILE…] --method FILE\n"
    "                            [--category ID] [--top N] [--iterations N] [--seed S]\n"
    "                            [--threads T]\n"
    "                            [--solver auto|refactor|refine|gmres|gmres-ilu|gmres-block]\n"
    "                            [--no-background]\n"
    "                            [--format table|json|csv] [--cache-dir DIR]\n"
    "\n"
    "The uncertain parameters (product lines, background exchanges) that move each impact\n"
    "category most: squared Spearman rank correlation between the parameter's Monte Carlo draws\n"
    "and the category total, largest first.  Options as for montecarlo, plus\n"
    "  --category ID      only this impact category (default: all)\n"
    "  --top N            parameters listed per category (default 10; 0 = all)\n"
    "  --cache-dir DIR    keep the prepared background with A and B in DIR (keyed by the\n"
    "                     inputs' content): a second run skips parsing, linking and\n"
    "                     preparation; needs a single --method and no import options\n"
    "Exit status 0 success, 1 an input is wrong (message on stderr), 2 usage error.\n";

static void describe(const glca_background *bg, const glca_product *p, const glca_mc_parameter *par,
                     char *buf, size_t size)
{
    char line[480];

    if (par->kind == GLCA_PARAM_LINE) {
        cli_line_label(p, par->line, line, sizeof line);
        snprintf(buf, size, "product: %s", line);
    } else if (par->kind == GLCA_PARAM_TECHNOSPHERE) {
        snprintf(buf, size, "exchange: %s into %s", glca_background_process_id(bg, par->row),
                 glca_background_process_id(bg, par->col));
    } else {
        snprintf(buf, size, "exchange: %s of %s", glca_background_flow_id(bg, par->row),
                 glca_background_process_id(bg, par->col));
    }
}

static void print_category(const glca_background *bg, const glca_product *p,
                           const glca_montecarlo *mc, size_t c, const glca_sensitivity *s,
                           size_t n, const char *format, bool first)
{
    size_t np = glca_montecarlo_nparameters(mc), i;
    const char *cat = glca_background_category_id(bg, c);
    char buf[640];

    if (strcmp(format, "table") == 0)
        printf("\n  %s: %zu of %zu uncertain parameters\n    %4s %8s %8s  %s\n", cat, n, np,
               "rank", "rho", "rho^2", "parameter");
    else if (strcmp(format, "json") == 0)
        printf("%s{\"category\": \"%s\", \"parameters\": [", first ? "" : ", ", cat);
    for (i = 0; i < n; i++) {
        glca_mc_parameter par;

        glca_montecarlo_parameter(mc, s[i].parameter, &par);
        describe(bg, p, &par, buf, sizeof buf);
        if (strcmp(format, "table") == 0) {
            printf("    %4zu %+8.4f %8.4f  %s\n", i + 1, s[i].rho, s[i].rho * s[i].rho, buf);
        } else if (strcmp(format, "json") == 0) {
            printf("%s{\"parameter\": ", i ? ", " : "");
            glca_write_json_string(stdout, buf);
            printf(", \"rho\": %.17g, \"rho2\": %.17g}", s[i].rho, s[i].rho * s[i].rho);
        } else {
            printf("%s,%s,%zu,", glca_product_id(p), cat, i + 1);
            glca_write_json_string(stdout, buf);
            printf(",%.17g,%.17g\n", s[i].rho, s[i].rho * s[i].rho);
        }
    }
    if (strcmp(format, "json") == 0)
        fputs("]}", stdout);
}

int cmd_sensitivity(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}},  CLI_STUDY_OPTIONS,
        CLI_MONTECARLO_OPTIONS,          {"category", true, false, 0, {0}},
        {"top", true, false, 0, {0}},    {"format", true, false, 0, {0}},
        {"cache-dir", true, false, 0, {0}}, {0},
    };
    cli_args a = {opts, 0, {0}};
    glca_montecarlo_options mo;
    glca_error err = GLCA_ERROR_INIT;
    glca_montecarlo *mc = NULL;
    glca_sensitivity *sens = NULL;
    cli_study st;
    cli_product cp;
    const char *format;
    size_t first, last, c, per = 0;
    long top;
    int rc;

    if ((rc = cli_begin(&a, "sensitivity", argc, argv, help, 1, 1, "table|json|csv", &format)) >= 0)
        return rc;
    if (!cli_montecarlo_options(&a, "sensitivity", &mo) ||
        !cli_int_value(&a, "sensitivity", "top", 10, 0, &top))
        return CLI_EXIT_USAGE;
    if ((rc = cli_study_open_product(&st, &cp, &a, "sensitivity", false, &first, &last)))
        return rc;
    mo.stages = false; /* totals are all it ranks */
    /* All categories in one call: each parameter's draws are ranked once, not once a category */
    if ((rc = glca_montecarlo_run(&mc, st.bg, cp.p, &mo, &err)) < 0 ||
        (rc = glca_sensitivity_compute_many(&sens, &per, mc, first, last, (size_t)top,
                                            mo.threads, &err)) < 0) {
        cli_print_error(&err);
    } else {
        if (strcmp(format, "table") == 0)
            printf("%s — sensitivity, %zu Monte Carlo iterations\n", glca_product_id(cp.p),
                   glca_montecarlo_iterations(mc));
        else if (strcmp(format, "json") == 0)
            printf("{\"product\": \"%s\", \"categories\": [", glca_product_id(cp.p));
        else
            printf("product,category,rank,parameter,rho,rho2\n");
        for (c = first; c < last; c++)
            print_category(st.bg, cp.p, mc, c, sens + (c - first) * per, per, format,
                           c == first);
        if (strcmp(format, "json") == 0)
            fputs("]}\n", stdout);
    }
    glca_free(sens);
    glca_montecarlo_free(mc);
    cli_product_free(&cp);
    cli_study_close(&st);
    return rc < 0 ? CLI_EXIT_INPUT : 0;
}
