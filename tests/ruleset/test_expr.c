/*
 * The expression language on its own: every static error at compile time with its character
 * offset, and the evaluation of operators, including three-valued logic and the runtime type
 * errors that make a value missing.  Products here carry declared data only (no background),
 * which is all these expressions read.  Expected values are plain arithmetic.
 */
#include "ruleset_test.h"

#include "ruleset/expr.h"

typedef struct bad_case {
    const char *text;
    const char *message; /* expected substring, with the character offset */
} bad_case;

static const bad_case bad_cases[] = {
    {"1 +", "at character 4: expected a value, found end of expression"},
    {"(1 + 2", "at character 7: expected ')', found end of expression"},
    {"foo(1)", "at character 1: unknown function 'foo'"},
    {"apf > 3", "at character 1: unknown name 'apf'"},
    {"attr()", "at character 1: attr() takes 1 argument, got 0"},
    {"attr('a', 'b')", "at character 11: attr() takes at most 1 argument"},
    {"impact(gwp100)", "at character 8: argument 1 of impact() must be a quoted name"},
    {"impact('gwp100', 'usage')", "at character 18: unknown stage 'usage'"},
    {"impact('gwp100', 'use', 'x')", "at character 25: impact() takes at most 2 arguments"},
    {"attr('')", "at character 6: argument 1 of attr() is empty"},
    {"substance_ppm(7439)", "at character 15: argument 1 of substance_ppm() must be a quoted"},
    {"min(1)", "at character 1: min() takes 2 arguments, got 1"},
    {"abs(1, 2)", "at character 8: abs() takes 1 argument"},
    {"mass(1)", "at character 6: mass() takes 0 arguments"},
    {"1 + true", "at character 5: '+' needs a number, not a true/false value"},
    {"'a' < 2", "at character 1: '<' needs a number, not a string"},
    {"1 == 'a'", "at character 3: '==' compares a number with a string"},
    {"!3", "at character 2: '!' needs a true/false value, not a number"},
    {"-has('x')", "at character 2: unary '-' needs a number"},
    {"min(1, true)", "at character 8: min() needs a number, not a true/false value"},
    {"attr('x') + has('y')", "at character 13: '+' needs a number, not a true/false value"},
    {"mass() && true", "at character 1: '&&' needs a true/false value, not a number"},
    {"1 = 1", "at character 3: unexpected '=' (comparison is '==')"},
    {"1 & 2", "at character 3: unexpected '&'"},
    {"'abc", "at character 1: unterminated string"},
    {"1.2.3", "at character 1: malformed number"},
    {"2x", "at character 1: malformed number"},
    {"1e", "at character 1: malformed number"},
    {"   ", "at character 1: empty expression"},
    {"1 2", "at character 3: unexpected number after the end of the expression"},
    {"attr('a') # 2", "at character 11: unexpected character '#'"},
};

Test(ruleset_expr, every_static_error_names_its_character, .timeout = 5)
{
    glca_srcloc where = {"rules.xml", 12, 3};
    size_t i;

    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        glca_ruleset__expr *e = NULL;
        glca_error err = GLCA_ERROR_INIT;
        int rc = glca_ruleset__expr_compile(&e, bad_cases[i].text, "value", &where, &err);

        cr_assert_eq(rc, GLCA_EPARSE, "'%s' compiled", bad_cases[i].text);
        cr_assert_null(e);
        cr_assert(strstr(err.message, "in value expression ") == err.message, "%s", err.message);
        cr_assert(strstr(err.message, bad_cases[i].message), "'%s': got \"%s\", want \"%s\"",
                  bad_cases[i].text, err.message, bad_cases[i].message);
        cr_assert_str_eq(err.file, "rules.xml");
        cr_assert_eq(err.line, 12);
    }
}

Test(ruleset_expr, nesting_beyond_the_limit_is_refused, .timeout = 5)
{
    char text[400];
    glca_ruleset__expr *e = NULL;
    glca_error err = GLCA_ERROR_INIT;
    int i, n = 0;

    for (i = 0; i < 70; i++)
        text[n++] = '(';
    text[n++] = '1';
    for (i = 0; i < 70; i++)
        text[n++] = ')';
    text[n] = '\0';
    cr_assert_eq(glca_ruleset__expr_compile(&e, text, "check", NULL, &err), GLCA_EPARSE);
    cr_assert(strstr(err.message, "nested deeper than 64 levels"), "%s", err.message);
    /* the same through function calls and unary operators */
    n = 0;
    for (i = 0; i < 70; i++)
        n += sprintf(text + n, "abs(");
    n += sprintf(text + n, "1");
    for (i = 0; i < 70; i++)
        text[n++] = ')';
    text[n] = '\0';
    cr_assert_eq(glca_ruleset__expr_compile(&e, text, "check", NULL, &err), GLCA_EPARSE);
    memset(text, '!', 80);
    strcpy(text + 80, "true");
    cr_assert_eq(glca_ruleset__expr_compile(&e, text, "check", NULL, &err), GLCA_EPARSE);
}

/* A product with declared data only: n = 2, s = 'R32', flag = true, zero = 0. */
static glca_product *data_product(void)
{
    glca_product *p = NULL;

    TRY(glca_product_new(&p, "p", NULL, "example", NULL, NULL, &e_));
    declare_text(p, "n", "2");
    declare_text(p, "s", "R32");
    declare_text(p, "flag", "true");
    declare_text(p, "zero", "0");
    return p;
}

/* Evaluates `text` against the data product; `why` receives the missing reason. */
static glca_rule_value eval_text(const char *text, char *why, size_t size)
{
    glca_product *p = data_product();
    glca_ruleset__expr *e = NULL;
    glca_ruleset__env env;
    glca_rule_value v;

    TRY(glca_ruleset__expr_compile(&e, text, "value", NULL, &e_));
    glca_ruleset__env_init(&env, p, NULL, NULL, NULL);
    v = glca_ruleset__expr_eval(e, &env);
    if (why)
        snprintf(why, size, "%s", env.why);
    v.string = NULL; /* it pointed into the expression or the product, freed here */
    glca_ruleset__expr_free(e);
    glca_product_free(p);
    return v;
}

static void assert_number(const char *text, double want)
{
    glca_rule_value v = eval_text(text, NULL, 0);

    cr_assert(v.present && v.kind == GLCA_VALUE_NUMBER, "'%s' is not a number", text);
    cr_assert_float_eq(v.number, want, 1e-12, "'%s' = %.17g, want %.17g", text, v.number, want);
}

static void assert_bool(const char *text, bool want)
{
    glca_rule_value v = eval_text(text, NULL, 0);

    cr_assert(v.present && v.kind == GLCA_VALUE_BOOL, "'%s' is not true/false", text);
    cr_assert_eq(v.boolean, want, "'%s' is %d", text, v.boolean);
}

static void assert_missing(const char *text, const char *why_part)
{
    char why[256];
    glca_rule_value v = eval_text(text, why, sizeof why);

    cr_assert_not(v.present, "'%s' is present", text);
    cr_assert(strstr(why, why_part), "'%s': reason \"%s\", want \"%s\"", text, why, why_part);
}

Test(ruleset_expr, arithmetic_and_precedence, .timeout = 5)
{
    assert_number("1 + 2 * 3", 7);
    assert_number("(1 + 2) * 3", 9);
    assert_number("10 / 4", 2.5);
    assert_number("10 - 4 - 3", 3); /* left-associative: (10 - 4) - 3 */
    assert_number("-2 * -3", 6);
    assert_number("abs(-2.5)", 2.5);
    assert_number("min(3, attr('n'))", 2);
    assert_number("max(3, attr('n'))", 3);
    assert_number(".5e1 + 1E-1", 5.1);
    assert_number("attr('n') * 100 / 4", 50);
}

Test(ruleset_expr, comparisons_on_numbers_strings_and_bools, .timeout = 5)
{
    assert_bool("2 <= 2", true);
    assert_bool("2 < 2", false);
    assert_bool("2 >= 2.0000001", false);
    assert_bool("3 > 2", true);
    assert_bool("attr('s') == 'R32'", true);
    assert_bool("attr('s') == \"R32\"", true);
    assert_bool("attr('s') != 'R32'", false);
    assert_bool("attr('flag') == true", true);
    assert_bool("attr('n') == 2", true);
    assert_bool("1 + 1 == 2 && !(3 < 1)", true);
    assert_bool("has('n')", true);
    assert_bool("has('none')", false);
}

/* Kleene logic: T, F and M (missing) for && and ||, the table written out by hand. */
Test(ruleset_expr, three_valued_logic_truth_tables, .timeout = 5)
{
    static const char *const operand[] = {"true", "false", "attr('none')"};
    /* rows: left T F M; columns: right T F M; 1 true, 0 false, -1 missing */
    static const int and_table[3][3] = {{1, 0, -1}, {0, 0, 0}, {-1, 0, -1}};
    static const int or_table[3][3] = {{1, 1, 1}, {1, 0, -1}, {1, -1, -1}};
    int l, r, op;

    for (op = 0; op < 2; op++)
        for (l = 0; l < 3; l++)
            for (r = 0; r < 3; r++) {
                char text[64];
                int want = op ? or_table[l][r] : and_table[l][r];
                glca_rule_value v;

                snprintf(text, sizeof text, "%s %s %s", operand[l], op ? "||" : "&&", operand[r]);
                v = eval_text(text, NULL, 0);
                if (want < 0) {
                    cr_assert_not(v.present, "'%s' should be missing", text);
                } else {
                    cr_assert(v.present && v.kind == GLCA_VALUE_BOOL, "'%s' missing", text);
                    cr_assert_eq(v.boolean, want == 1, "'%s'", text);
                }
            }
    assert_missing("!attr('none')", "attribute 'none' is not declared");
}

Test(ruleset_expr, missing_data_and_runtime_type_errors_are_not_values, .timeout = 5)
{
    assert_missing("attr('none') + 1", "attribute 'none' is not declared");
    assert_missing("attr('none') > 1", "attribute 'none' is not declared");
    assert_missing("abs(attr('none'))", "attribute 'none' is not declared");
    assert_missing("attr('flag') + 1", "'+' needs a number, not a true/false value");
    assert_missing("attr('s') < 1", "'<' needs a number, not a string");
    assert_missing("-attr('s')", "unary '-' needs a number, not a string");
    assert_missing("attr('n') == 'x'", "'==' compares a number with a string");
    assert_missing("attr('n') && true", "'&&' needs a true/false value, not a number");
    assert_missing("1 / (attr('n') - 2)", "division by zero");
    assert_missing("attr('n') / attr('zero')", "division by zero");
    assert_missing("1e308 * 10", "'*' overflows");
    /* the first problem in reading order is the one reported */
    assert_missing("attr('a1') + attr('b1')", "attribute 'a1' is not declared");
}

Test(ruleset_expr, guards_and_overruled_missing_values, .timeout = 5)
{
    char why[256];
    glca_rule_value v;

    /* has() guards a missing attribute: the rule is decided, not left missing */
    assert_bool("has('none') && attr('none') > 3", false);
    assert_bool("!has('none') || attr('none') > 3", true);
    /* a missing value overruled by || leaves no stale reason for the next one */
    v = eval_text("(attr('a1') || true) && attr('b1')", why, sizeof why);
    cr_assert_not(v.present);
    cr_assert(strstr(why, "'b1'"), "%s", why);
}

Test(ruleset_expr, static_types_are_known_where_possible, .timeout = 5)
{
    static const struct {
        const char *text;
        glca_ruleset__type type;
    } cases[] = {
        {"1 + 2", GLCA_RULESET__TYPE_NUMBER},  {"1 < 2", GLCA_RULESET__TYPE_BOOL},
        {"attr('x')", GLCA_RULESET__TYPE_ANY}, {"'a'", GLCA_RULESET__TYPE_STRING},
        {"has('x')", GLCA_RULESET__TYPE_BOOL}, {"impact('gwp100')", GLCA_RULESET__TYPE_NUMBER},
        {"(true)", GLCA_RULESET__TYPE_BOOL},   {"substance_ppm('x')", GLCA_RULESET__TYPE_NUMBER},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        glca_ruleset__expr *e = NULL;

        TRY(glca_ruleset__expr_compile(&e, cases[i].text, "value", NULL, &e_));
        cr_assert_eq(glca_ruleset__expr_type(e), cases[i].type, "'%s'", cases[i].text);
        glca_ruleset__expr_free(e);
    }
}
