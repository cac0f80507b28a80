/*
 * greenlca montecarlo PRODUCT.xml: the spread of a product's impacts when its uncertain lines
 * and the background's uncertain exchanges are drawn (glca_montecarlo_run): per category mean,
 * standard deviation, median and the 2.5 / 97.5 percentiles, and with rules the share of
 * iterations in which each item passes.  Also the Monte Carlo options shared with sensitivity.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glca/inventories.h>
#include <glca/ruleset.h>

#include "args.h"
#include "commands.h"
#include "study.h"

static const char help[] =
    "usage: greenlca montecarlo PRODUCT.xml --inventory FILE [--inventory FILE…] --method FILE\n"
    "                           [--iterations N] [--seed S] [--threads T]\n"
    "                           [--solver auto|refactor|refine|gmres|gmres-ilu|gmres-block]\n"
    "                           [--no-background]\n"
    "                           [--ruleset FILE | --rules-dir DIR] [--format table|json|csv]\n"
    "                           [--cache-dir DIR]\n"
    "\n"
    "Monte Carlo over the uncertainty of the product's lines and of the background's exchanges\n"
    "(FORMATS.md distributions).  Results are the same for any --threads.\n"
    "  --iterations N     draws (default 1000)\n"
    "  --seed S           random seed (default 1)\n"
    "  --threads T        threads (default: all cores)\n"
    "  --solver S         perturbed background: refactor (klu_refactor), refine (iterative\n"
    "                     refinement on the nominal factorization), gmres (GMRES preconditioned\n"
    "                     by it), gmres-ilu (by ILU(0), no factorization), gmres-block\n"
    "                     (gmres-ilu on blocks of 8 draws at once, the same results), auto\n"
    "                     (default: the cheapest for this background, from iterations counted\n"
    "                     on one draw)\n"
    "  --no-background    draw only the product's own lines\n"
    "  --ruleset/--rules-dir   also the share of iterations in which each rule item passes\n"
    "  --format F         table (default), json, csv\n"
    "  --cache-dir DIR    keep the prepared background with A and B in DIR (keyed by the\n"
    "                     inputs' content): a second run skips parsing, linking and\n"
    "                     preparation; needs a single --method and no import options\n"
    "Exit status 0 success, 1 an input is wrong (message on stderr), 2 usage error.\n";

bool cli_montecarlo_options(const cli_args *a, const char *cmd, glca_montecarlo_options *o)
{
    glca_montecarlo_options d = GLCA_MONTECARLO_OPTIONS_INIT;
    const char *solver = cli_value(a, "solver");
    long iterations, seed, threads;

    *o = d;
    if (!cli_int_value(a, cmd, "iterations", 1000, 1, &iterations) ||
        !cli_int_value(a, cmd, "seed", 1, 0, &seed) ||
        !cli_int_value(a, cmd, "threads", 0, 0, &threads))
        return false;
    o->iterations = (size_t)iterations;
    o->seed = (uint64_t)seed;
    o->threads = threads > 1024 ? 1024 : (int)threads;
    o->background = !cli_flag(a, "no-background");
    if (!solver || strcmp(solver, "auto") == 0) {
        o->solver = GLCA_MC_SOLVER_AUTO;
    } else if (strcmp(solver, "refactor") == 0) {
        o->solver = GLCA_MC_SOLVER_REFACTOR;
    } else if (strcmp(solver, "refine") == 0) {
        o->solver = GLCA_MC_SOLVER_REFINE;
    } else if (strcmp(solver, "gmres") == 0) {
        o->solver = GLCA_MC_SOLVER_GMRES;
    } else if (strcmp(solver, "gmres-ilu") == 0) {
        o->solver = GLCA_MC_SOLVER_GMRES_ILU;
    } else if (strcmp(solver, "gmres-block") == 0) {
        o->solver = GLCA_MC_SOLVER_GMRES_BLOCK;
    } else {
        fprintf(stderr, "greenlca %s: --solver must be auto, refactor, refine, gmres, gmres-ilu "
                        "or gmres-block\n", cmd);
        return false;
    }
    return true;
}

static const char *solver_name(glca_mc_solver s)
{
    static const char *const names[] = {"auto",  "refactor",  "refine",
                                        "gmres", "gmres-ilu", "gmres-block"};

    return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "refactor";
}

/* Pass probabilities of the product's ruleset, or none; prints them. */
static int print_rules(const cli_study *st, const cli_product *cp, const glca_montecarlo *mc,
                       int threads, const char *format)
{
    glca_error err = GLCA_ERROR_INIT;
    const glca_ruleset *rs = NULL;
    glca_verdict *v = NULL;
    const glca_verdict_item *items;
    double *pass = NULL;
    size_t n, i;
    int rc;

    if (!st->rules || !cp->verdict)
        return 0;
    if ((rc = glca_rulebook_select(&rs, st->rules, cp->p, &err)) < 0 || !rs)
        goto cleanup;
    if (!(pass = glca_calloc(glca_ruleset_nitems(rs) + 1, sizeof *pass))) {
        rc = glca_error_oom(&err);
        goto cleanup;
    }
    if ((rc = glca_ruleset_pass_probability(pass, rs, cp->p, st->bg, mc, threads, &err)) < 0)
        goto cleanup;
    items = glca_verdict_items(cp->verdict, &n);
    if (strcmp(format, "table") == 0)
        printf("\n  %s %s: probability of passing (nominal outcome)\n", glca_ruleset_id(rs),
               glca_ruleset_version(rs));
    else if (strcmp(format, "json") == 0)
        fputs(", \"pass_probability\": {", stdout);
    for (i = 0; i < n && i < glca_ruleset_nitems(rs); i++) {
        if (strcmp(format, "table") == 0) {
            if (isnan(pass[i]))
                printf("    %-10s %8s   (%s)\n", items[i].id, "report",
                       glca_outcome_name(items[i].outcome));
            else
                printf("    %-10s %7.1f%%   (%s)\n", items[i].id, 100 * pass[i],
                       glca_outcome_name(items[i].outcome));
        } else if (strcmp(format, "json") == 0) {
            printf("%s", i ? ", " : "");
            glca_write_json_string(stdout, items[i].id);
            putchar(':');
            glca_write_json_number(stdout, pass[i]);
        } else {
            printf("%s,pass_probability,", glca_product_id(cp->p));
            glca_write_json_string(stdout, items[i].id);
            printf(",,%.17g\n", pass[i]);
        }
    }
    if (strcmp(format, "json") == 0)
        putchar('}');
cleanup:
    if (rc < 0)
        cli_print_error(&err);
    glca_free(pass);
    glca_verdict_free(v);
    return rc;
}

static int print_summary(const cli_study *st, const cli_product *cp, const glca_montecarlo *mc,
                         const char *format, size_t first, size_t last)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_mc_stats stats;
    size_t c;
    int rc;

    glca_montecarlo_stats(mc, &stats);
    if (strcmp(format, "table") == 0) {
        printf("%s — Monte Carlo, %zu iterations, %zu uncertain lines, %zu background exchanges"
               " (%s, %.3g s)\n",
               glca_product_id(cp->p), glca_montecarlo_iterations(mc), stats.foreground,
               stats.background, solver_name(stats.solver), stats.seconds);
        printf("  %-16s %-14s %14s %14s %14s %14s %14s %14s\n", "category", "unit", "nominal",
               "mean", "sd", "median", "p2.5", "p97.5");
    } else if (strcmp(format, "json") == 0) {
        fputs("{\"product\": ", stdout);
        glca_write_json_string(stdout, glca_product_id(cp->p));
        printf(", \"iterations\": %zu, \"uncertain_lines\": %zu, \"uncertain_exchanges\": %zu, "
               "\"categories\": [",
               glca_montecarlo_iterations(mc), stats.foreground, stats.background);
    } else {
        printf("product,category,statistic,value\n");
    }
    for (c = first; c < last; c++) {
        glca_mc_summary s;
        double nominal = 0;
        int t;

        if ((rc = glca_montecarlo_summary(mc, c, -1, &s, &err)) < 0) {
            cli_print_error(&err);
            return rc;
        }
        for (t = 0; t < GLCA_NSTAGES; t++)
            nominal += cp->impacts[c * GLCA_NSTAGES + t];
        if (strcmp(format, "table") == 0) {
            printf("  %-16s %-14s %14.6g %14.6g %14.6g %14.6g %14.6g %14.6g\n",
                   glca_background_category_id(st->bg, c),
                   glca_background_category_unit(st->bg, c), nominal, s.mean, s.sd, s.median,
                   s.p025, s.p975);
        } else if (strcmp(format, "json") == 0) {
            printf("%s{\"id\": ", c > first ? ", " : "");
            glca_write_json_string(stdout, glca_background_category_id(st->bg, c));
            printf(", \"nominal\": %.17g, \"mean\": %.17g, \"sd\": %.17g, \"median\": %.17g, "
                   "\"p2_5\": %.17g, \"p97_5\": %.17g}",
                   nominal, s.mean, s.sd, s.median, s.p025, s.p975);
        } else {
            const char *id = glca_background_category_id(st->bg, c), *p = glca_product_id(cp->p);

            printf("%s,%s,nominal,%.17g\n%s,%s,mean,%.17g\n%s,%s,sd,%.17g\n", p, id, nominal, p,
                   id, s.mean, p, id, s.sd);
            printf("%s,%s,median,%.17g\n%s,%s,p2.5,%.17g\n%s,%s,p97.5,%.17g\n", p, id, s.median,
                   p, id, s.p025, p, id, s.p975);
        }
    }
    if (strcmp(format, "json") == 0)
        putchar(']');
    return 0;
}

int cmd_montecarlo(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}},  CLI_STUDY_OPTIONS,
        CLI_MONTECARLO_OPTIONS,          {"category", true, false, 0, {0}},
        {"format", true, false, 0, {0}}, {"cache-dir", true, false, 0, {0}},
        {0},
    };
    cli_args a = {opts, 0, {0}};
    glca_montecarlo_options mo;
    glca_error err = GLCA_ERROR_INIT;
    glca_montecarlo *mc = NULL;
    cli_study st;
    cli_product cp;
    const char *format;
    size_t first, last;
    int rc;

    if ((rc = cli_begin(&a, "montecarlo", argc, argv, help, 1, 1, "table|json|csv", &format)) >= 0)
        return rc;
    if (!cli_montecarlo_options(&a, "montecarlo", &mo))
        return CLI_EXIT_USAGE;
    if ((rc = cli_study_open_product(&st, &cp, &a, "montecarlo", true, &first, &last)))
        return rc;
    mo.stages = st.rules != NULL; /* rules may look at stages; the table shows totals */
    if ((rc = glca_montecarlo_run(&mc, st.bg, cp.p, &mo, &err)) < 0)
        cli_print_error(&err);
    if (rc == 0)
        rc = print_summary(&st, &cp, mc, format, first, last);
    if (rc == 0)
        rc = print_rules(&st, &cp, mc, mo.threads, format);
    if (rc == 0 && strcmp(format, "json") == 0)
        fputs("}\n", stdout);
    glca_montecarlo_free(mc);
    cli_product_free(&cp);
    cli_study_close(&st);
    return rc < 0 ? CLI_EXIT_INPUT : 0;
}
