/*
 * Fuzz the rule expression language on its own: lexer, parser with its static type checks, and
 * the evaluator over the example product, background and impacts.  The input is the
 * expression's text (a NUL ends it early, as it would in an attribute).  The static type must
 * hold at run time: a present value has the kind the parser promised.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "ruleset/expr.h"

int GLCA_FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const glca_fuzz_example *ex = glca_fuzz_example_get();
    const glca_srcloc where = {"input.ruleset.xml", 7, 3};
    glca_error err = GLCA_ERROR_INIT;
    glca_ruleset__expr *e = NULL;
    glca_ruleset__env env;
    glca_rule_value v;
    char *text;

    if (!(text = malloc(size + 1)))
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (glca_fuzz_check(glca_ruleset__expr_compile(&e, text, "check", &where, &err), &err) < 0)
        goto cleanup;
    glca_ruleset__env_init(&env, ex->product, ex->bg, ex->impacts, NULL);
    v = glca_ruleset__expr_eval(e, &env);
    if (v.present && v.kind == GLCA_VALUE_STRING && !v.string)
        glca_fuzz_fail("'%s': a string value without its text", text);
    if (v.present) {
        glca_ruleset__type t = glca_ruleset__expr_type(e);

        if ((t == GLCA_RULESET__TYPE_NUMBER && v.kind != GLCA_VALUE_NUMBER) ||
            (t == GLCA_RULESET__TYPE_BOOL && v.kind != GLCA_VALUE_BOOL) ||
            (t == GLCA_RULESET__TYPE_STRING && v.kind != GLCA_VALUE_STRING))
            glca_fuzz_fail("'%s': %s value of kind %d", text, glca_ruleset__type_name(t),
                           (int)v.kind);
    } else if (!env.why[0]) {
        glca_fuzz_fail("'%s': missing without a reason", text);
    }
cleanup:
    glca_ruleset__expr_free(e);
    free(text);
    return 0;
}
