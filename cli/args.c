/* Argument scanning and error printing for the subcommands (see args.h). */
#include "args.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static cli_option *find_option(cli_args *a, const char *name, size_t len)
{
    cli_option *o;

    for (o = a->options; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

int cli_parse(cli_args *a, const char *cmd, int argc, char **argv)
{
    int i;
    bool only_positional = false;

    for (i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq, *value = NULL;
        cli_option *o;

        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (a->npositional == CLI_MAX_VALUES) {
                fprintf(stderr, "greenlca %s: too many arguments\n", cmd);
                return CLI_EXIT_USAGE;
            }
            a->positional[a->npositional++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = true;
            continue;
        }
        /* "-o" is "--o": one-letter options (convert's -o) take a single dash too */
        if (arg[1] != '-' && (arg[2] != '\0' || !find_option(a, arg + 1, 1))) {
            fprintf(stderr, "greenlca %s: unknown option '%s' (see --help)\n", cmd, arg);
            return CLI_EXIT_USAGE;
        }
        arg += arg[1] == '-' ? 2 : 1;
        eq = strchr(arg, '=');
        o = find_option(a, arg, eq ? (size_t)(eq - arg) : strlen(arg));
        if (!o) {
            fprintf(stderr, "greenlca %s: unknown option '--%s' (see --help)\n", cmd, arg);
            return CLI_EXIT_USAGE;
        }
        if (o->takes_value) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else {
                fprintf(stderr, "greenlca %s: option '--%s' needs a value\n", cmd, o->name);
                return CLI_EXIT_USAGE;
            }
        } else if (eq) {
            fprintf(stderr, "greenlca %s: option '--%s' takes no value\n", cmd, o->name);
            return CLI_EXIT_USAGE;
        }
        if (o->count && !o->repeatable) {
            fprintf(stderr, "greenlca %s: option '--%s' given twice\n", cmd, o->name);
            return CLI_EXIT_USAGE;
        }
        if (o->count == CLI_MAX_VALUES) {
            fprintf(stderr, "greenlca %s: option '--%s' given too often\n", cmd, o->name);
            return CLI_EXIT_USAGE;
        }
        o->values[o->count++] = value;
    }
    return 0;
}

/* Whether `value` is one of the '|'-separated `choices`. */
static bool one_of(const char *value, const char *choices)
{
    size_t len = strlen(value);
    const char *at = choices;

    while (at) {
        if (strncmp(at, value, len) == 0 && (at[len] == '|' || at[len] == '\0'))
            return true;
        at = strchr(at, '|');
        at = at ? at + 1 : NULL;
    }
    return false;
}

int cli_begin(cli_args *a, const char *cmd, int argc, char **argv, const char *help, size_t min,
              size_t max, const char *formats, const char **format)
{
    static const char *const names[] = {"table", "json", "csv", "html"};
    const char *f;
    size_t i;
    int rc;

    if ((rc = cli_parse(a, cmd, argc, argv)))
        return rc;
    if (cli_flag(a, "help")) {
        fputs(help, stdout);
        return 0;
    }
    if (formats) {
        f = cli_value(a, "format");
        if (!f) {
            size_t n = strcspn(formats, "|");

            for (i = 0; i < sizeof names / sizeof *names; i++)
                if (strlen(names[i]) == n && strncmp(names[i], formats, n) == 0)
                    f = names[i];
            assert(f); /* the default must be a known format name */
        } else if (!one_of(f, formats)) {
            fprintf(stderr, "greenlca %s: --format is one of %s, not '%s'\n", cmd, formats, f);
            return CLI_EXIT_USAGE;
        }
        *format = f;
    }
    if (a->npositional < min || a->npositional > max) {
        fputs(help, stderr);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

const cli_option *cli_find(const cli_args *a, const char *name)
{
    const cli_option *o;

    for (o = a->options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

const char *cli_value(const cli_args *a, const char *name)
{
    const cli_option *o = cli_find(a, name);

    return o && o->count ? o->values[o->count - 1] : NULL;
}

bool cli_flag(const cli_args *a, const char *name)
{
    const cli_option *o = cli_find(a, name);

    return o && o->count;
}

bool cli_int_value(const cli_args *a, const char *cmd, const char *name, long dflt, long min,
                   long *out)
{
    const char *v = cli_value(a, name);
    char *end;
    long n;

    if (!v) {
        *out = dflt;
        return true;
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min) {
        fprintf(stderr, "greenlca %s: --%s needs a whole number >= %ld, not '%s'\n", cmd, name,
                min, v);
        return false;
    }
    *out = n;
    return true;
}

void cli_print_error(const glca_error *err)
{
    char buf[1024];

    glca_error_format(err, buf, sizeof buf);
    fprintf(stderr, "greenlca: %s\n", buf);
}

void cli_diag_print(const glca_error *err, void *payload)
{
    cli_print_error(err);
    if (payload)
        ++*(size_t *)payload;
}
