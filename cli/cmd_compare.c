/*
 * greenlca compare A.xml B.xml: what a design change does.  Per impact category and stage the
 * impacts of both designs with the absolute and relative change, the BOM lines added, removed
 * and changed with their impact change, and with rules the indicators whose outcome flips.
 * The numbers come from glca_compare_products and glca_verdict_flips.
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
    "usage: greenlca compare A.xml B.xml --inventory FILE [--inventory FILE…] --method FILE\n"
    "                        [--ruleset FILE | --rules-dir DIR] [--all] [--format table|json]\n"
    "\n"
    "Compares design B with design A (B − A): impacts per category and stage, lines added,\n"
    "removed or changed (materials matched by component path, other lines by stage and process\n"
    "or flow) and, with rules, the indicators whose outcome flips.\n"
    "  --all              also list the lines that did not change\n"
    "  --format F         table (default) or json\n"
    "Exit status 0 success, 1 an input is wrong (message on stderr), 2 usage error.\n";

static void print_table(const cli_study *st, const cli_product *pa, const cli_product *pb,
                        const glca_comparison *cmp, bool all)
{
    const glca_background *bg = st->bg;
    size_t c, i, k = cmp->ncategories, w = GLCA_NSTAGES + 1;
    char la[512], lb[512];
    int s;

    printf("%s → %s\n", glca_product_id(pa->p), glca_product_id(pb->p));
    for (c = 0; c < k; c++) {
        printf("\n  %s (%s)\n    %-14s %14s %14s %14s %9s\n", glca_background_category_id(bg, c),
               glca_background_category_unit(bg, c), "stage", "A", "B", "change", "relative");
        for (s = 0; s <= GLCA_NSTAGES; s++) {
            double va = 0, vb = 0, rel = cmp->relative[c * w + s];
            int t;

            if (s < GLCA_NSTAGES) {
                va = cmp->a[c * GLCA_NSTAGES + s];
                vb = cmp->b[c * GLCA_NSTAGES + s];
            } else {
                for (t = 0; t < GLCA_NSTAGES; t++) {
                    va += cmp->a[c * GLCA_NSTAGES + t];
                    vb += cmp->b[c * GLCA_NSTAGES + t];
                }
            }
            printf("    %-14s %14.6g %14.6g %+14.6g ",
                   s < GLCA_NSTAGES ? glca_stage_name((glca_stage)s) : "total", va, vb,
                   cmp->change[c * w + s]);
            if (isnan(rel))
                printf("%9s\n", "new");
            else
                printf("%+8.2f%%\n", 100 * rel);
        }
    }
    printf("\n  lines%s:\n", all ? "" : " that changed");
    for (i = 0; i < cmp->nlines; i++) {
        const glca_line_diff *d = &cmp->lines[i];

        if (d->change == GLCA_LINE_SAME && !all)
            continue;
        la[0] = lb[0] = '\0';
        if (d->a >= 0)
            cli_line_label(pa->p, (size_t)d->a, la, sizeof la);
        if (d->b >= 0)
            cli_line_label(pb->p, (size_t)d->b, lb, sizeof lb);
        printf("    %-8s %-44s", glca_line_change_name(d->change), d->b >= 0 ? lb : la);
        for (c = 0; c < k; c++)
            printf(" %s %+.6g", glca_background_category_id(bg, c),
                   cmp->line_change[c * cmp->nlines + i]);
        putchar('\n');
    }
}

static void print_json(const cli_study *st, const cli_product *pa, const cli_product *pb,
                       const glca_comparison *cmp, bool all)
{
    const glca_background *bg = st->bg;
    size_t c, i, k = cmp->ncategories, w = GLCA_NSTAGES + 1;
    bool first = true;
    int s;

    fputs("{\"a\": ", stdout);
    glca_write_json_string(stdout, glca_product_id(pa->p));
    fputs(", \"b\": ", stdout);
    glca_write_json_string(stdout, glca_product_id(pb->p));
    fputs(", \"categories\": [", stdout);
    for (c = 0; c < k; c++) {
        printf("%s{\"id\": ", c ? ", " : "");
        glca_write_json_string(stdout, glca_background_category_id(bg, c));
        fputs(", \"stages\": {", stdout);
        for (s = 0; s <= GLCA_NSTAGES; s++) {
            printf("%s\"%s\": {\"change\": ", s ? ", " : "",
                   s < GLCA_NSTAGES ? glca_stage_name((glca_stage)s) : "total");
            glca_write_json_number(stdout, cmp->change[c * w + s]);
            fputs(", \"relative\": ", stdout);
            glca_write_json_number(stdout, cmp->relative[c * w + s]);
            putchar('}');
        }
        fputs("}}", stdout);
    }
    fputs("], \"lines\": [", stdout);
    for (i = 0; i < cmp->nlines; i++) {
        const glca_line_diff *d = &cmp->lines[i];

        if (d->change == GLCA_LINE_SAME && !all)
            continue;
        printf("%s{\"key\": ", first ? "" : ", ");
        glca_write_json_string(stdout, d->key);
        printf(", \"change\": \"%s\", \"a\": %ld, \"b\": %ld, \"impact_change\": {",
               glca_line_change_name(d->change), d->a, d->b);
        for (c = 0; c < k; c++) {
            printf("%s", c ? ", " : "");
            glca_write_json_string(stdout, glca_background_category_id(bg, c));
            printf(": %.17g", cmp->line_change[c * cmp->nlines + i]);
        }
        fputs("}}", stdout);
        first = false;
    }
    putchar(']');
}

/* Outcome flips (both designs judged); prints and returns 0 or a negative code. */
static int print_flips(const cli_product *pa, const cli_product *pb, bool json)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_outcome_flip *flips = NULL;
    const glca_verdict_item *items;
    size_t n = 0, i, nitems;
    int rc;

    if (!pa->verdict || !pb->verdict) {
        if (json)
            fputs(", \"flips\": null", stdout);
        return 0;
    }
    if ((rc = glca_verdict_flips(&flips, &n, pa->verdict, pb->verdict, &err)) < 0) {
        cli_print_error(&err);
        return rc;
    }
    items = glca_verdict_items(pa->verdict, &nitems);
    if (json) {
        printf(", \"certified\": {\"a\": %s, \"b\": %s}, \"status\": {\"a\": \"%s\", \"b\": \"%s\"}"
               ", \"flips\": [",
               glca_verdict_certified(pa->verdict) ? "true" : "false",
               glca_verdict_certified(pb->verdict) ? "true" : "false",
               glca_verdict_status_name(glca_verdict_get_status(pa->verdict)),
               glca_verdict_status_name(glca_verdict_get_status(pb->verdict)));
        for (i = 0; i < n; i++) {
            printf("%s{\"id\": ", i ? ", " : "");
            glca_write_json_string(stdout, items[flips[i].item_a].id);
            printf(", \"from\": \"%s\", \"to\": \"%s\"}", glca_outcome_name(flips[i].from),
                   glca_outcome_name(flips[i].to));
        }
        putchar(']');
    } else {
        printf("\n  verdict: %s → %s; outcomes that flip: %zu\n", glca_verdict_label(pa->verdict),
               glca_verdict_label(pb->verdict), n);
        for (i = 0; i < n; i++)
            printf("    %-8s %s → %s  (%s)\n", items[flips[i].item_a].id,
                   glca_outcome_name(flips[i].from), glca_outcome_name(flips[i].to),
                   items[flips[i].item_a].name ? items[flips[i].item_a].name : "");
    }
    glca_free(flips);
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}}, CLI_STUDY_OPTIONS, {"all", false, false, 0, {0}},
        {"format", true, false, 0, {0}}, {0},
    };
    cli_args a = {opts, 0, {0}};
    cli_study st;
    cli_product pa, pb;
    glca_error err = GLCA_ERROR_INIT;
    glca_comparison *cmp = NULL;
    const char *format;
    bool json, all;
    int rc;

    if ((rc = cli_begin(&a, "compare", argc, argv, help, 2, 2, "table|json", &format)) >= 0)
        return rc;
    json = strcmp(format, "json") == 0;
    all = cli_flag(&a, "all");
    if ((rc = cli_study_open(&st, &a, "compare", true)))
        return rc;
    if (cli_product_load(&pa, &st, a.positional[0]) < 0) {
        cli_study_close(&st);
        return CLI_EXIT_INPUT;
    }
    if (cli_product_load(&pb, &st, a.positional[1]) < 0) {
        cli_product_free(&pa);
        cli_study_close(&st);
        return CLI_EXIT_INPUT;
    }
    if ((rc = glca_compare_products(&cmp, st.bg, pa.p, pb.p, &err)) < 0) {
        cli_print_error(&err);
    } else {
        if (json)
            print_json(&st, &pa, &pb, cmp, all);
        else
            print_table(&st, &pa, &pb, cmp, all);
        rc = print_flips(&pa, &pb, json);
        if (json)
            fputs("}\n", stdout);
    }
    glca_comparison_free(cmp);
    cli_product_free(&pa);
    cli_product_free(&pb);
    cli_study_close(&st);
    return rc < 0 ? CLI_EXIT_INPUT : 0;
}
