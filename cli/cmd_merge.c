/*
 * greenlca merge OUT.sqlite PART.sqlite...: the parts an MPI batch left beside its store merged
 * into it (glca_results_merge), and greenlca store unlock OUT.sqlite: the writer row of a batch
 * that is gone cleared (glca_results_unlock).
 */
#include <stdio.h>
#include <string.h>

#include <glca/inventories.h>

#include "args.h"
#include "commands.h"

static const char merge_help[] =
    "usage: greenlca merge RESULTS.sqlite PART.sqlite...\n"
    "\n"
    "Copy the rows of results stores that the ranks of an MPI batch keep beside RESULTS\n"
    "(RESULTS.part-N) into it, each into the run of RESULTS with the same run key, bit for bit.\n"
    "Rows already there are kept, so a part merged twice adds nothing; the parts are left as\n"
    "they are.  A batch re-run with the same command merges them too.\n"
    "Exit status 0 success, 1 a store cannot be read or a part is of another job, 2 usage "
    "error.\n";

static const char store_help[] =
    "usage: greenlca store unlock RESULTS.sqlite\n"
    "\n"
    "Clear the writer row of a results store left by a batch that is gone.  A batch records its\n"
    "process and host there; one of another host cannot be checked from here, so a new batch\n"
    "refuses the store until the row is cleared.  A writer of this host that still runs is not\n"
    "cleared.\n"
    "Exit status 0 success, 1 the store cannot be read or its writer still runs, 2 usage error.\n";

int cmd_merge(int argc, char **argv)
{
    cli_option opts[] = {{"help", false, false, 0, {0}}, {0}};
    cli_args a = {opts, 0, {0}};
    glca_error err = GLCA_ERROR_INIT;
    size_t products = 0, merged = 0;
    int rc;

    if ((rc = cli_begin(&a, "merge", argc, argv, merge_help, 2, CLI_MAX_VALUES, NULL, NULL)) >= 0)
        return rc;
    if (glca_results_merge(&products, &merged, a.positional[0], a.positional + 1, a.npositional - 1,
                           &err) < 0) {
        cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    printf("greenlca merge: %zu products added to %s from %zu part%s\n", products, a.positional[0],
           merged, merged == 1 ? "" : "s");
    return 0;
}

int cmd_store(int argc, char **argv)
{
    cli_option opts[] = {{"help", false, false, 0, {0}}, {0}};
    cli_args a = {opts, 0, {0}};
    glca_error err = GLCA_ERROR_INIT;
    char cleared[512];
    int rc;

    if (argc < 1 || strcmp(argv[0], "unlock") != 0) {
        if (argc >= 1 && strcmp(argv[0], "--help") == 0) {
            fputs(store_help, stdout);
            return 0;
        }
        fputs(store_help, stderr);
        return CLI_EXIT_USAGE;
    }
    if ((rc = cli_begin(&a, "store unlock", argc - 1, argv + 1, store_help, 1, 1, NULL, NULL)) >= 0)
        return rc;
    if (glca_results_unlock(a.positional[0], cleared, sizeof cleared, &err) < 0) {
        cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    if (cleared[0])
        printf("greenlca store: cleared the writer row of %s (%s)\n", a.positional[0], cleared);
    else
        printf("greenlca store: %s has no writer\n", a.positional[0]);
    return 0;
}
