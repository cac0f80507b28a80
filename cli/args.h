/*
 * A small argument scanner shared by the subcommands: long options with or without a value
 * ("--x v" or "--x=v"), repeated options, positionals.  getopt_long is a GNU extension, and our
 * needs are simple enough not to want it.
 */
#ifndef GLCA_CLI_ARGS_H
#define GLCA_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include <glca/engine.h>

#define CLI_MAX_VALUES 64

typedef struct cli_option {
    const char *name;  /* without the leading "--" */
    bool takes_value;
    bool repeatable;
    /* filled by cli_parse: */
    size_t count;
    const char *values[CLI_MAX_VALUES];
} cli_option;

typedef struct cli_args {
    cli_option *options; /* terminated by a NULL name */
    size_t npositional;
    const char *positional[CLI_MAX_VALUES];
} cli_args;

/** Exit status for a usage error, per FORMATS.md. */
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_INPUT 1

/** Returns 0, or prints a usage error naming `cmd` and returns CLI_EXIT_USAGE. */
int cli_parse(cli_args *a, const char *cmd, int argc, char **argv);

/**
 * The common start of a subcommand: scan `argv`, answer --help with `help` on stdout, check
 * that there are `min`..`max` positionals and that --format, when `formats` is given
 * ("table|json|csv"), is one of them; `*format` gets it, or the first one by default.  A usage
 * error prints `help` on stderr.  Returns -1 to go on, else the exit status to return.
 */
int cli_begin(cli_args *a, const char *cmd, int argc, char **argv, const char *help, size_t min,
              size_t max, const char *formats, const char **format);

/** The option's last value, or NULL. */
const char *cli_value(const cli_args *a, const char *name);
bool cli_flag(const cli_args *a, const char *name);
const cli_option *cli_find(const cli_args *a, const char *name);

/** A positive integer option; returns false (after printing) when malformed. */
bool cli_int_value(const cli_args *a, const char *cmd, const char *name, long dflt, long min,
                   long *out);

/** Prints "greenlca: file:line:column: message" to stderr. */
void cli_print_error(const glca_error *err);
/** glca_diag_fn that prints every diagnostic and counts them in *(size_t *)payload. */
void cli_diag_print(const glca_error *err, void *payload);

#endif
