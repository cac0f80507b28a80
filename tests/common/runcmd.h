/*
 * Test helper: run a shell command, capture its stdout and stderr in memory and its exit status.
 * Used by the end-to-end CLI tests, which check the binary the way a user runs it.
 */
#ifndef GLCA_TEST_RUNCMD_H
#define GLCA_TEST_RUNCMD_H

#include <stddef.h>

typedef struct run_result {
    int status; /* exit status, or -1 if the command did not exit normally */
    char *out;  /* stdout, NUL-terminated, malloc'd */
    char *err;  /* stderr, NUL-terminated, malloc'd */
} run_result;

/** Runs `cmd` through /bin/sh; returns 0 or -1 if it could not be run. */
int run_command(run_result *r, const char *cmd);
void run_result_free(run_result *r);

/** Reads a whole file into a malloc'd NUL-terminated buffer; NULL on failure. */
char *read_whole_file(const char *path, size_t *len);

/** A fresh temporary directory (mkdtemp under $TMPDIR or /tmp); caller frees the string. */
char *make_temp_dir(void);

/** Writes `text` to dir/name and returns the malloc'd path. */
char *write_temp_file(const char *dir, const char *name, const char *text);

#endif
