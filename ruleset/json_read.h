/*
 * Reading JSON back (json_read.c): a tree of values, for `verify` to compare a stored report
 * with a recomputed one.  Internal to the ruleset module.
 */
#ifndef GLCA_RULESET_JSON_READ_H
#define GLCA_RULESET_JSON_READ_H

#include <glca/ruleset.h>

typedef enum glca_ruleset__json_type {
    GLCA_RULESET__JSON_NULL = 0,
    GLCA_RULESET__JSON_BOOL,
    GLCA_RULESET__JSON_NUMBER,
    GLCA_RULESET__JSON_STRING,
    GLCA_RULESET__JSON_ARRAY,
    GLCA_RULESET__JSON_OBJECT
} glca_ruleset__json_type;

typedef struct glca_ruleset__json {
    glca_ruleset__json_type type;
    bool boolean;
    double number;
    char *string;                     /* owned */
    struct glca_ruleset__json *items; /* array elements or object member values, n of them */
    char **keys;                      /* object member names */
    size_t n;
} glca_ruleset__json;

/** Parse `len` bytes of `text` (NUL-terminated) from `path` (for messages) into `*out`. */
int glca_ruleset__json_parse(glca_ruleset__json *out, const char *text, size_t len,
                             const char *path, glca_error *err);
/** Frees what `v` holds (not `v`). */
void glca_ruleset__json_clear(glca_ruleset__json *v);
/** Member `key` of an object; NULL when `v` is not an object or has none. */
const glca_ruleset__json *glca_ruleset__json_get(const glca_ruleset__json *v, const char *key);
/** The text of a string value, else NULL. */
const char *glca_ruleset__json_string(const glca_ruleset__json *v);

#endif
