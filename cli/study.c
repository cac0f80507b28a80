/* Loading a study and taking products through it, for the subcommands (see study.h). */
#include "study.h"

#include <stdio.h>
#include <string.h>

int cli_import_options(const cli_args *a, const char *cmd, glca_load_options *o)
{
    const char *alloc = cli_value(a, "allocation"), *fmt = cli_value(a, "linking-report-format");
    glca_error err = GLCA_ERROR_INIT;

    if (alloc && glca_allocation_parse(alloc, &o->allocation, &err) < 0) {
        fprintf(stderr, "greenlca %s: %s\n", cmd, err.message);
        return CLI_EXIT_USAGE;
    }
    if (fmt && strcmp(fmt, "md") != 0 && strcmp(fmt, "markdown") != 0 &&
        strcmp(fmt, "json") != 0) {
        fprintf(stderr, "greenlca %s: --linking-report-format is md or json, not '%s'\n", cmd,
                fmt);
        return CLI_EXIT_USAGE;
    }
    if (fmt)
        o->report_format = strcmp(fmt, "json") == 0 ? GLCA_REPORT_JSON : GLCA_REPORT_MARKDOWN;
    o->provider_map = cli_value(a, "provider-map");
    o->linking_report = cli_value(a, "linking-report");
    return 0;
}

/* The background through the cache in `dir`; a damaged cache file is a warning. */
static int open_cached(cli_study *s, const char *dir, const glca_load_options *lo,
                       const glca_background_options *opts, size_t *problems, glca_error *err)
{
    glca_cache_report report;
    int rc;

    rc = glca_load_background_cached_ex(&s->bg, &report, dir, s->inventories, s->ninventories,
                                        s->method, lo, opts, cli_diag_print, problems, err);
    if (report.warning[0])
        fprintf(stderr, "greenlca: warning: %s\n", report.warning);
    return rc;
}

/* `solve`: the command solves with A (contributions, Monte Carlo), so the cache keeps A and B */
static int study_open(cli_study *s, const cli_args *a, const char *cmd, bool rules_allowed,
                      bool solve)
{
    glca_background_options opts = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    const cli_option *methods = cli_find(a, "method");
    glca_error err = GLCA_ERROR_INIT;
    const cli_option *inv = cli_find(a, "inventory");
    const char *ruleset = cli_value(a, "ruleset"), *dir = cli_value(a, "rules-dir");
    const char *cache_dir = cli_value(a, "cache-dir"); /* only in the tables of some commands */
    size_t problems = 0;
    int rc;

    memset(s, 0, sizeof *s);
    s->method = methods && methods->count ? methods->values[0] : NULL;
    if (!inv || !inv->count || !s->method) {
        fprintf(stderr, "greenlca %s: --inventory and --method are required (see --help)\n", cmd);
        return CLI_EXIT_USAGE;
    }
    if (ruleset && dir) {
        fprintf(stderr, "greenlca %s: give --ruleset or --rules-dir, not both\n", cmd);
        return CLI_EXIT_USAGE;
    }
    if (!rules_allowed && (ruleset || dir)) {
        fprintf(stderr, "greenlca %s: this command takes no rules\n", cmd);
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_import_options(a, cmd, &lo)))
        return rc;
    lo.cache_solve = solve;
    /* the cache key covers the inventory and method bytes and the background options, not
       the import options nor a second method: refuse what it would not tell apart */
    if (cache_dir && (methods->count != 1 || cli_value(a, "allocation") ||
                      cli_value(a, "provider-map") || cli_value(a, "linking-report"))) {
        fprintf(stderr, "greenlca %s: --cache-dir takes one --method and no --allocation, "
                        "--provider-map or --linking-report\n", cmd);
        return CLI_EXIT_USAGE;
    }
    s->inventories = inv->values;
    s->ninventories = inv->count;
    s->methods = methods->values;
    s->nmethods = methods->count;
    if (ruleset)
        rc = glca_rulebook_load_file(&s->rules, ruleset, NULL, cli_diag_print, &problems, &err);
    else if (dir)
        rc = glca_rulebook_load_dir(&s->rules, dir, NULL, cli_diag_print, &problems, &err);
    else
        rc = 0;
    if (rc == 0 && s->rules && cli_value(a, "on"))
        rc = glca_rulebook_set_date(s->rules, cli_value(a, "on"), &err);
    if (rc == 0 && cache_dir)
        rc = open_cached(s, cache_dir, &lo, &opts, &problems, &err);
    else if (rc == 0)
        rc = glca_load_background_ex(&s->bg, s->inventories, s->ninventories, s->methods,
                                     s->nmethods, &lo, &opts, cli_diag_print, &problems, &err);
    if (rc < 0) {
        if (problems == 0)
            cli_print_error(&err);
        cli_study_close(s);
        return CLI_EXIT_INPUT;
    }
    return 0;
}

int cli_study_open(cli_study *s, const cli_args *a, const char *cmd, bool rules_allowed)
{
    return study_open(s, a, cmd, rules_allowed, false);
}

void cli_study_close(cli_study *s)
{
    glca_rulebook_free(s->rules);
    glca_background_free(s->bg);
    s->rules = NULL;
    s->bg = NULL;
}

int cli_product_load(cli_product *out, const cli_study *s, const char *path)
{
    glca_error err = GLCA_ERROR_INIT;
    size_t problems = 0, k = glca_background_ncategories(s->bg);
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = glca_read_product(&out->p, path, NULL, cli_diag_print, &problems, &err)) < 0)
        goto cleanup;
    if ((rc = glca_product_bind(out->p, s->bg, cli_diag_print, &problems, &err)) < 0)
        goto cleanup;
    if (!(out->impacts = glca_mallocarray(k * GLCA_NSTAGES, sizeof *out->impacts))) {
        rc = glca_error_oom(&err);
        goto cleanup;
    }
    if ((rc = glca_evaluate(s->bg, out->p, out->impacts, &err)) < 0)
        goto cleanup;
    if (s->rules)
        rc = glca_rulebook_evaluate(&out->verdict, s->rules, out->p, s->bg, out->impacts, &err);
cleanup:
    if (rc < 0) {
        if (problems == 0)
            cli_print_error(&err);
        cli_product_free(out);
    }
    return rc;
}

void cli_product_free(cli_product *cp)
{
    glca_verdict_free(cp->verdict);
    glca_free(cp->impacts);
    glca_product_free(cp->p);
    memset(cp, 0, sizeof *cp);
}

int cli_category_option(const cli_args *a, const glca_background *bg, const char *cmd,
                        size_t *first, size_t *last)
{
    const char *id = cli_value(a, "category");
    long c;

    *first = 0;
    *last = glca_background_ncategories(bg);
    if (!id)
        return 0;
    if ((c = glca_background_find_category(bg, id)) < 0) {
        fprintf(stderr, "greenlca %s: unknown impact category '%s'\n", cmd, id);
        return CLI_EXIT_USAGE;
    }
    *first = (size_t)c;
    *last = (size_t)c + 1;
    return 0;
}

int cli_study_open_product(cli_study *s, cli_product *cp, const cli_args *a, const char *cmd,
                           bool rules_allowed, size_t *first, size_t *last)
{
    int rc;

    if ((rc = study_open(s, a, cmd, rules_allowed, true)))
        return rc;
    if ((rc = cli_category_option(a, s->bg, cmd, first, last))) {
        cli_study_close(s);
        return rc;
    }
    if (cli_product_load(cp, s, a->positional[0]) < 0) {
        cli_study_close(s);
        return CLI_EXIT_INPUT;
    }
    return 0;
}
