/*
 * greenlca command line: dispatches to a subcommand.  All logic lives in the libraries; the
 * subcommands only parse arguments, call them and print.
 */
#include <stdio.h>
#include <string.h>

#include <glca/engine.h>

#include "args.h"
#include "commands.h"

static const cli_command commands[] = {
    {"assess", "life-cycle impacts of products by category and stage", cmd_assess},
    {"validate", "check input files and list every problem", cmd_validate},
    {"report", "the GB/T 32161 self-evaluation report of a product (HTML, JSON)", cmd_report},
    {"batch", "a whole catalog into a resumable SQLite results store", cmd_batch},
    {"export", "a stored batch run as CSV or JSON", cmd_export},
    {"merge", "merge the parts an MPI batch left (OUT.part-N) into its results store", cmd_merge},
    {"store", "store unlock OUT: clear the writer row a batch on another host left", cmd_store},
    {"hotspots", "where a product's impacts come from: stages, lines, processes, flows",
     cmd_hotspots},
    {"compare", "two designs of a product: impact changes, changed lines, flipped outcomes",
     cmd_compare},
    {"montecarlo", "uncertainty of a product's impacts (and of its verdict) by Monte Carlo",
     cmd_montecarlo},
    {"sensitivity", "which uncertain parameters matter most (Spearman rank correlation)",
     cmd_sensitivity},
    {"ruleset", "ruleset explain FILE: the review sheet of a ruleset, English and Chinese",
     cmd_ruleset},
    {"verify", "recompute a JSON report from its files: reproduced, or each difference",
     cmd_verify},
    {"convert", "EcoSpold 1/2 and ILCD inventories into greenlca's inventory format", cmd_convert},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    const cli_command *c;

    fputs("usage: greenlca <command> [options]   (greenlca <command> --help for details)\n\n"
          "commands:\n",
          f);
    for (c = commands; c->name; c++)
        fprintf(f, "  %-12s %s\n", c->name, c->summary);
    fputs("\nexit status: 0 success, 1 the input is wrong, 2 usage error\n", f);
}

int main(int argc, char **argv)
{
    const cli_command *c;

    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("greenlca %s\n", GLCA_VERSION);
        return 0;
    }
    for (c = commands; c->name; c++)
        if (strcmp(argv[1], c->name) == 0)
            return c->run(argc - 2, argv + 2);
    fprintf(stderr, "greenlca: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
