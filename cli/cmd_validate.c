/* greenlca validate FILE…: every problem of every file, as file:line:column: message. */
#include <stdio.h>
#include <string.h>

#include <glca/ruleset.h>

#include "args.h"
#include "commands.h"

static const char *kind_name(glca_doc_kind k)
{
    switch (k) {
    case GLCA_DOC_INVENTORY:
        return "inventory";
    case GLCA_DOC_METHOD:
        return "method";
    case GLCA_DOC_PRODUCT:
        return "product";
    case GLCA_DOC_CATALOG:
        return "catalog";
    case GLCA_DOC_RULESET:
        return "ruleset";
    case GLCA_DOC_ECOSPOLD1:
        return "EcoSpold 1";
    case GLCA_DOC_ECOSPOLD2:
        return "EcoSpold 2";
    case GLCA_DOC_ILCD:
        return "ILCD";
    case GLCA_DOC_ILCD_METHOD:
        return "ILCD LCIA method";
    default:
        return "unknown";
    }
}

static const char help[] =
    "usage: greenlca validate FILE [FILE…]\n"
    "\n"
    "Checks inventory, method, product, catalog and ruleset files against the formats of\n"
    "FORMATS.md and lists every problem as file:line:column: message. EcoSpold 1 files and\n"
    "directories are read and linked as a study would.\n"
    "Exit status 0 when all files are valid, 1 otherwise.\n";

int cmd_validate(int argc, char **argv)
{
    cli_option opts[] = {{"help", false, false, 0, {0}}, {0}};
    cli_args a = {opts, 0, {0}};
    size_t i, problems_total = 0;
    int rc;

    if ((rc = cli_begin(&a, "validate", argc, argv, help, 1, CLI_MAX_VALUES, NULL, NULL)) >= 0)
        return rc;
    for (i = 0; i < a.npositional; i++) {
        glca_error err = GLCA_ERROR_INIT;
        glca_doc_kind kind = GLCA_DOC_UNKNOWN;
        size_t problems = 0;

        rc = glca_validate_any(a.positional[i], NULL, &kind, cli_diag_print, &problems, &err);
        if (rc < 0 && problems == 0) {
            cli_print_error(&err);
            problems = 1;
        }
        if (problems == 0)
            printf("%s: ok (%s)\n", a.positional[i], kind_name(kind));
        else
            printf("%s: %zu problem%s\n", a.positional[i], problems, problems == 1 ? "" : "s");
        problems_total += problems;
    }
    return problems_total ? CLI_EXIT_INPUT : 0;
}
