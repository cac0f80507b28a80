/* The subcommands of greenlca; each parses its own arguments and prints, nothing more. */
#ifndef GLCA_CLI_COMMANDS_H
#define GLCA_CLI_COMMANDS_H

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv after the subcommand name */
} cli_command;

int cmd_assess(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_hotspots(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_montecarlo(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);
int cmd_ruleset(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_store(int argc, char **argv);

/* Shared by the design-analysis commands (cmd_hotspots.c, cmd_montecarlo.c). */
struct cli_args;
struct glca_product;
struct glca_montecarlo_options;
/** "material PATH (process)" or "STAGE input|emission REF" for line `line` of `p`. */
void cli_line_label(const struct glca_product *p, size_t line, char *buf, size_t size);
/** --iterations, --seed, --threads, --solver, --no-background; false after a usage message. */
bool cli_montecarlo_options(const struct cli_args *a, const char *cmd,
                            struct glca_montecarlo_options *o);
#define CLI_MONTECARLO_OPTIONS                                                                 \
    {"iterations", true, false, 0, {0}}, {"seed", true, false, 0, {0}},                       \
        {"threads", true, false, 0, {0}}, {"solver", true, false, 0, {0}},                    \
        {"no-background", false, false, 0, {0}}

#endif
