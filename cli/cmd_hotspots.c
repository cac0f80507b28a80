/*
 * greenlca hotspots PRODUCT.xml: where a product's impacts come from, by life-cycle stage, by
 * line of the bill of materials, by background process and by elementary flow (the engine's
 * glca_contributions_compute); largest first, with each item's share of the total.  Also the
 * line labels the other design-analysis commands print.
 */
#include <stdio.h>
#include <string.h>

#include <glca/inventories.h>

#include "args.h"
#include "commands.h"
#include "study.h"

static const char help[] =
    "usage: greenlca hotspots PRODUCT.xml --inventory FILE [--inventory FILE…] --method FILE\n"
    "                         [--category ID] [--top N] [--format table|json|csv]\n"
    "                         [--cache-dir DIR]\n"
    "\n"
    "Contributions to each impact category by life-cycle stage, by BOM line, by background\n"
    "process (upstream, from one solve with the existing factorization) and by elementary flow.\n"
    "Each breakdown sums to the total.\n"
    "  --category ID      only this impact category (default: all)\n"
    "  --top N            largest N items of each breakdown (default 10; 0 = all)\n"
    "  --format F         table (default), json (one object), csv\n"
    "  --cache-dir DIR    keep the prepared background with A and B in DIR (keyed by the\n"
    "                     inputs' content): a second run skips parsing, linking and\n"
    "                     preparation; needs a single --method and no import options\n"
    "Exit status 0 success, 1 an input is wrong (message on stderr), 2 usage error.\n";

void cli_line_label(const glca_product *p, size_t line, char *buf, size_t size)
{
    const glca_product_line *lines;
    const glca_material *mats;
    size_t n, nm, i;

    lines = glca_product_lines(p, &n);
    mats = glca_product_materials(p, &nm);
    if (lines[line].kind == GLCA_LINE_MATERIAL)
        for (i = 0; i < nm; i++)
            if (mats[i].line == line) {
                snprintf(buf, size, "material %s (%s)", mats[i].path ? mats[i].path : mats[i].id,
                         lines[line].ref);
                return;
            }
    snprintf(buf, size, "%s %s %s", glca_stage_name(lines[line].stage),
             lines[line].kind == GLCA_LINE_EMISSION ? "emission" : "input", lines[line].ref);
}

typedef enum { FMT_TABLE, FMT_JSON, FMT_CSV } fmt;

typedef struct hot {
    const glca_background *bg;
    const glca_product *p;
    const glca_contributions *con;
    fmt format;
    size_t top, *idx;
    bool first_item;
} hot;

static const char *const breakdowns[] = {"line", "process", "flow"};

static void label(const hot *h, int which, size_t i, char *buf, size_t size, const char **name)
{
    *name = NULL;
    if (which == 0) {
        cli_line_label(h->p, i, buf, size);
    } else if (which == 1) {
        snprintf(buf, size, "%s", glca_background_process_id(h->bg, i));
        *name = glca_background_process_name(h->bg, i);
    } else {
        snprintf(buf, size, "%s", glca_background_flow_id(h->bg, i));
        *name = glca_background_flow_name(h->bg, i);
    }
}

static void item(hot *h, size_t c, const char *kind, const char *id, const char *name, double v)
{
    double total = h->con->total[c], share = total != 0 ? 100 * v / total : 0;
    const char *cat = glca_background_category_id(h->bg, c);

    if (h->format == FMT_TABLE) {
        printf("    %-44s %14.6g %8.2f%%%s%s\n", id, v, share, name ? "  " : "", name ? name : "");
    } else if (h->format == FMT_CSV) {
        glca_write_json_string(stdout, glca_product_id(h->p));
        printf(",%s,%s,", cat, kind);
        glca_write_json_string(stdout, id);
        printf(",%.17g,%.17g\n", v, share);
    } else {
        printf("%s{\"id\": ", h->first_item ? "" : ", ");
        glca_write_json_string(stdout, id);
        if (name) {
            fputs(", \"name\": ", stdout);
            glca_write_json_string(stdout, name);
        }
        printf(", \"value\": %.17g, \"share\": %.17g}", v, share / 100);
        h->first_item = false;
    }
}

static int print_category(hot *h, size_t c)
{
    const glca_contributions *con = h->con;
    const size_t len[] = {con->nlines, con->nprocesses, con->nflows};
    const double *vals[] = {con->line, con->process, con->flow};
    char buf[512];
    const char *name;
    int which, s;

    if (h->format == FMT_TABLE)
        printf("\n  %s (%s): total %.6g\n", glca_background_category_id(h->bg, c),
               glca_background_category_unit(h->bg, c), con->total[c]);
    if (h->format == FMT_JSON) {
        fputs("{\"id\": ", stdout);
        glca_write_json_string(stdout, glca_background_category_id(h->bg, c));
        fputs(", \"unit\": ", stdout);
        glca_write_json_string(stdout, glca_background_category_unit(h->bg, c));
        printf(", \"total\": %.17g", con->total[c]);
    }
    if (h->format == FMT_TABLE)
        printf("   by stage:\n");
    else if (h->format == FMT_JSON)
        printf(", \"stage\": [");
    h->first_item = true;
    for (s = 0; s < GLCA_NSTAGES; s++)
        item(h, c, "stage", glca_stage_name((glca_stage)s), NULL,
             con->stage[c * GLCA_NSTAGES + s]);
    for (which = 0; which < 3; which++) {
        size_t top = h->top ? h->top : len[which];
        long n = glca_rank_by_magnitude(vals[which] + c * len[which], len[which], 1, top, h->idx);
        long i;

        if (n < 0)
            return (int)n;
        if (h->format == FMT_TABLE)
            printf("   by %s (largest %ld):\n", breakdowns[which], n);
        else if (h->format == FMT_JSON)
            printf("], \"%s\": [", breakdowns[which]);
        h->first_item = true;
        for (i = 0; i < n; i++) {
            label(h, which, h->idx[i], buf, sizeof buf, &name);
            item(h, c, breakdowns[which], buf, name, vals[which][c * len[which] + h->idx[i]]);
        }
        if (which == 1 && con->direct[c] != 0)
            item(h, c, "process", "(the product's own emissions)", NULL, con->direct[c]);
    }
    if (h->format == FMT_JSON)
        printf("]}");
    return 0;
}

int cmd_hotspots(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}},   CLI_STUDY_OPTIONS,
        {"category", true, false, 0, {0}}, {"top", true, false, 0, {0}},
        {"format", true, false, 0, {0}},  {"cache-dir", true, false, 0, {0}},
        {0},
    };
    cli_args a = {opts, 0, {0}};
    cli_study st;
    cli_product cp;
    glca_error err = GLCA_ERROR_INIT;
    glca_contributions *con = NULL;
    const char *format;
    hot h;
    size_t c, first, last, most;
    long top;
    int rc;

    if ((rc = cli_begin(&a, "hotspots", argc, argv, help, 1, 1, "table|json|csv", &format)) >= 0)
        return rc;
    if (!cli_int_value(&a, "hotspots", "top", 10, 0, &top))
        return CLI_EXIT_USAGE;
    if ((rc = cli_study_open_product(&st, &cp, &a, "hotspots", false, &first, &last)))
        return rc;
    memset(&h, 0, sizeof h);
    h.format = !strcmp(format, "json") ? FMT_JSON : !strcmp(format, "csv") ? FMT_CSV : FMT_TABLE;
    h.top = (size_t)top;
    h.bg = st.bg;
    h.p = cp.p;
    rc = glca_contributions_compute(&con, st.bg, cp.p, &err);
    most = glca_background_nprocesses(st.bg) + glca_background_nflows(st.bg);
    if (rc == 0 && !(h.idx = glca_mallocarray(most + con->nlines + 1, sizeof *h.idx)))
        rc = glca_error_oom(&err);
    if (rc < 0) {
        cli_print_error(&err);
        goto cleanup;
    }
    h.con = con;
    if (h.format == FMT_TABLE) {
        const char *name = glca_product_name(cp.p);

        printf("%s%s%s — hotspots\n", glca_product_id(cp.p), name ? " — " : "", name ? name : "");
    } else if (h.format == FMT_CSV) {
        printf("product,category,breakdown,item,value,share_percent\n");
    } else {
        fputs("{\"product\": ", stdout);
        glca_write_json_string(stdout, glca_product_id(cp.p));
        fputs(", \"categories\": [", stdout);
    }
    for (c = first; c < last && rc == 0; c++) {
        if (h.format == FMT_JSON && c > first)
            fputs(", ", stdout);
        rc = print_category(&h, c);
    }
    if (h.format == FMT_JSON)
        fputs("]}\n", stdout);
    if (rc < 0) {
        glca_error_oom(&err);
        cli_print_error(&err);
    }
cleanup:
    glca_free(h.idx);
    glca_contributions_free(con);
    cli_product_free(&cp);
    cli_study_close(&st);
    return rc < 0 ? CLI_EXIT_INPUT : 0;
}
