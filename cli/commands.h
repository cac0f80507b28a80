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

#endif
