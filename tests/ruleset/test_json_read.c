/*
 * The JSON reader verify uses (internal, ruleset/json_read.h): values and escapes as RFC 8259
 * defines them, numbers that read back to the double written with 17 significant digits, and
 * refusals with the line where the text went wrong.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "ruleset/json_read.h"

static int parse(glca_ruleset__json *v, const char *text, glca_error *err)
{
    return glca_ruleset__json_parse(v, text, strlen(text), "t.json", err);
}

Test(ruleset_json_read, values_escapes_and_members)
{
    static const char text[] = "{\"a\": [1, -2.5e-3, true, false, null],\n"
                               " \"s\": \"\\u00e9\\ud83d\\ude00\\n\\\"\\\\/\", \"o\": {}}";
    glca_ruleset__json v;
    glca_error err = GLCA_ERROR_INIT;
    const glca_ruleset__json *a;

    cr_assert_eq(parse(&v, text, &err), 0, "%s", err.message);
    a = glca_ruleset__json_get(&v, "a");
    cr_assert_not_null(a);
    cr_assert_eq(a->type, GLCA_RULESET__JSON_ARRAY);
    cr_assert_eq(a->n, 5);
    cr_assert_eq(a->items[0].number, 1);
    cr_assert_eq(a->items[1].number, -0.0025);
    cr_assert(a->items[2].boolean);
    cr_assert_not(a->items[3].boolean);
    cr_assert_eq(a->items[4].type, GLCA_RULESET__JSON_NULL);
    /* é is C3 A9, U+1F600 is F0 9F 98 80 in UTF-8 */
    cr_assert_str_eq(glca_ruleset__json_string(glca_ruleset__json_get(&v, "s")),
                     "\xc3\xa9\xf0\x9f\x98\x80\n\"\\/");
    cr_assert_eq(glca_ruleset__json_get(&v, "o")->type, GLCA_RULESET__JSON_OBJECT);
    cr_assert_null(glca_ruleset__json_get(&v, "missing"));
    glca_ruleset__json_clear(&v);
}

Test(ruleset_json_read, seventeen_digits_read_back_bitwise)
{
    static const double x[] = {0.1 + 0.2, 1.0 / 3.0, 277.7145124987013, 5e-324,
                               -1.7976931348623157e308};
    size_t i;

    for (i = 0; i < sizeof x / sizeof x[0]; i++) {
        char text[64];
        glca_ruleset__json v;
        glca_error err = GLCA_ERROR_INIT;

        snprintf(text, sizeof text, "%.17g", x[i]);
        cr_assert_eq(parse(&v, text, &err), 0, "%s: %s", text, err.message);
        cr_assert_eq(memcmp(&v.number, &x[i], sizeof x[i]), 0, "%s", text);
        glca_ruleset__json_clear(&v);
    }
}

Test(ruleset_json_read, malformed_text_is_refused_with_its_line)
{
    static const char *const bad[] = {"{\"a\": 1,}", "[1 2]", "{\"a\" 1}", "\"open",
                                      "tru",         "{} x",  "\"\\x\"",   "\"\\ud800\\u0041\"",
                                      "\"a\nb\""};
    char deep[200];
    glca_ruleset__json v;
    glca_error err = GLCA_ERROR_INIT;
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(parse(&v, bad[i], &err), GLCA_EPARSE, "%s", bad[i]);
        cr_assert_eq(v.type, GLCA_RULESET__JSON_NULL, "nothing left behind");
    }
    cr_assert_eq(parse(&v, "{\n\n  \"a\": ]", &err), GLCA_EPARSE);
    cr_assert_eq(err.line, 3, "%s", err.message);
    /* 100 nested arrays: deeper than the reader goes */
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[199] = '\0';
    cr_assert_eq(parse(&v, deep, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "nested too deeply"), "%s", err.message);
}
