/*
 * Helpers shared by the ruleset tests (a header, because test executables are built from the
 * test_*.c files only): the hand-worked example of spec/examples built through the engine's
 * builder API, products with chosen declared data, and rulesets written to temporary files.
 *
 * The example (copied facts from spec/examples/README.md, worked by hand there):
 *   A = [[1, -0.5], [-0.001, 1]], B rows co2, ch4, hfc-32, C = [1, 29.8, 771]
 *   Lambda = [0.612006003002, 2.206003001501] kg CO2-eq per kWh and per kg steel
 *   heater: shell 3 kg steel (recyclable, 20 % recycled), 2 plates x 250 g (not recyclable,
 *   40 ppm lead); 2 kWh production; 1000 kWh + 10 g HFC-32 use.
 *   raw-materials 3.5 x 2.206003001501 = 7.721010505253; production 2 x 0.612006003002 =
 *   1.224012006003; use 1000 x 0.612006003002 + 0.010 x 771 = 619.716003001501;
 *   total 628.661025512757.  mass 3.5; recyclable 3/3.5; recycled 0.6/3.5; lead 40 ppm.
 */
#ifndef GLCA_TEST_RULESET_H
#define GLCA_TEST_RULESET_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glca/engine.h>
#include <glca/inventories.h>
#include <glca/ruleset.h>

#define FIXTURES GLCA_TEST_DIR "/fixtures/ruleset"

/* A declared datum for test products: kind from the text as the product reader would. */
typedef struct test_declare {
    const char *name, *text;
} test_declare;

typedef struct example {
    glca_background *bg;
    glca_product *product;
    double impacts[GLCA_NSTAGES]; /* one category: gwp100 */
} example;

#define TRY(call)                                                                                  \
    do {                                                                                           \
        glca_error e_ = GLCA_ERROR_INIT;                                                           \
        int rc_ = (call);                                                                          \
        char msg_[600];                                                                            \
        if (rc_ < 0) {                                                                             \
            glca_error_format(&e_, msg_, sizeof msg_);                                             \
            cr_assert_fail("%s failed: %s", #call, msg_);                                                \
        }                                                                                          \
    } while (0)

static inline glca_background *example_background(const char *method_id)
{
    glca_model *m = NULL;
    glca_method *meth = NULL;
    glca_background *bg = NULL;
    glca_background_options opts = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error e = GLCA_ERROR_INIT;
    int rc = 0;

    rc |= glca_model_new(&m, &e);
    rc |= glca_model_add_flow(m, "co2-fossil", GLCA_FLOW_ELEMENTARY, NULL, "kg", "air", NULL, NULL,
                              &e);
    rc |= glca_model_add_flow(m, "ch4-fossil", GLCA_FLOW_ELEMENTARY, NULL, "kg", "air", NULL, NULL,
                              &e);
    rc |= glca_model_add_flow(m, "hfc-32", GLCA_FLOW_ELEMENTARY, NULL, "kg", "air", NULL, NULL, &e);
    rc |=
        glca_model_add_flow(m, "electricity", GLCA_FLOW_PRODUCT, NULL, "kWh", NULL, NULL, NULL, &e);
    rc |= glca_model_add_flow(m, "steel", GLCA_FLOW_PRODUCT, NULL, "kg", NULL, NULL, NULL, &e);
    rc |= glca_model_add_process(m, "grid", "Electricity, grid mix", "CN", "electricity", 1, "kWh",
                                 NULL, &e);
    rc |= glca_model_add_exchange(m, GLCA_INPUT, "steel", 1, "g", NULL, NULL, NULL, &e);
    rc |= glca_model_add_exchange(m, GLCA_OUTPUT, "co2-fossil", 0.58, NULL, NULL, NULL, NULL, &e);
    rc |= glca_model_add_exchange(m, GLCA_OUTPUT, "ch4-fossil", 1, "g", NULL, NULL, NULL, &e);
    rc |= glca_model_add_process(m, "steel-sheet", "Steel sheet production", NULL, "steel", 1000,
                                 "g", NULL, &e);
    rc |= glca_model_add_exchange(m, GLCA_INPUT, "electricity", 0.5, "kWh", "grid", NULL, NULL, &e);
    rc |= glca_model_add_exchange(m, GLCA_OUTPUT, "co2-fossil", 1.9, "kg", NULL, NULL, NULL, &e);
    rc |= glca_model_link(m, NULL, NULL, &e);
    rc |= glca_method_new(&meth, method_id, "GWP100", "1", &e);
    rc |= glca_method_add_category(meth, "gwp100", "Climate change, GWP100", "kg CO2-eq", NULL, &e);
    rc |= glca_method_add_factor(meth, "gwp100", "co2-fossil", 1, NULL, NULL, &e);
    rc |= glca_method_add_factor(meth, "gwp100", "ch4-fossil", 29.8, NULL, NULL, &e);
    rc |= glca_method_add_factor(meth, "gwp100", "hfc-32", 771, NULL, NULL, &e);
    rc |= glca_background_new(&bg, m, meth, &opts, &e);
    glca_model_free(m);
    glca_method_free(meth);
    if (rc < 0 || !bg)
        cr_assert_fail("building the example background failed: %s", e.message);
    return bg;
}

/* "true"/"false" are booleans, a full decimal number is a number, anything else a string. */
static inline void declare_text(glca_product *p, const char *name, const char *text)
{
    glca_declare d;
    char *end;

    memset(&d, 0, sizeof d);
    d.name = name;
    d.string = text;
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
        d.kind = GLCA_VALUE_BOOL;
        d.boolean = text[0] == 't';
    } else {
        d.number = strtod(text, &end);
        d.kind = *text && !*end ? GLCA_VALUE_NUMBER : GLCA_VALUE_STRING;
    }
    TRY(glca_product_declare(p, &d, &e_));
}

/* The heater of the example with the given declared data (NULL-terminated), bound, evaluated. */
static inline void example_product(example *ex, const char *category, const test_declare *decl)
{
    glca_product_line l;

    if (!ex->bg)
        ex->bg = example_background("example-gwp");
    TRY(glca_product_new(&ex->product, "heater", "Electric heater", category, "1 unit over 5 years",
                         NULL, &e_));
    for (; decl && decl->name; decl++)
        declare_text(ex->product, decl->name, decl->text);
    TRY(glca_product_add_material(ex->product, "shell", "Steel shell", "body/shell", "steel-sheet",
                                  3, "kg", 1, true, 0.2, NULL, NULL, &e_));
    TRY(glca_product_add_material(ex->product, "plate", NULL, "body/bracket/plate", "steel-sheet",
                                  250, "g", 2, false, 0, NULL, NULL, &e_));
    TRY(glca_product_add_substance(ex->product, "7439-92-1", "Lead", 40, NULL, &e_));
    memset(&l, 0, sizeof l);
    l.kind = GLCA_LINE_INPUT;
    l.stage = GLCA_STAGE_PRODUCTION;
    l.ref = "grid";
    l.amount = 2;
    l.unit = "kWh";
    TRY(glca_product_add_line(ex->product, &l, &e_));
    l.stage = GLCA_STAGE_USE;
    l.amount = 1000;
    TRY(glca_product_add_line(ex->product, &l, &e_));
    l.kind = GLCA_LINE_EMISSION;
    l.ref = "hfc-32";
    l.amount = 10;
    l.unit = "g";
    TRY(glca_product_add_line(ex->product, &l, &e_));
    TRY(glca_product_bind(ex->product, ex->bg, NULL, NULL, &e_));
    TRY(glca_evaluate(ex->bg, ex->product, ex->impacts, &e_));
}

static inline void example_free(example *ex)
{
    glca_product_free(ex->product);
    glca_background_free(ex->bg);
    memset(ex, 0, sizeof *ex);
}

/* Writes `xml` to a fresh temporary file; returns its malloc'd path. */
static inline char *temp_file(const char *xml)
{
    char *path = strdup("/tmp/glca_ruleset_test_XXXXXX");
    int fd = mkstemp(path);
    FILE *f;

    cr_assert(fd >= 0);
    f = fdopen(fd, "w");
    cr_assert(f);
    fputs(xml, f);
    fclose(f);
    return path;
}

/* Loads a ruleset given as text; `err` receives the error when it fails. */
static inline int load_text(glca_ruleset **out, const char *xml, glca_error *err)
{
    char *path = temp_file(xml);
    int rc = glca_ruleset_load(out, path, NULL, NULL, NULL, err);

    unlink(path);
    free(path);
    return rc;
}

/* The item with the given id, or a test failure. */
static inline const glca_verdict_item *item(const glca_verdict *v, const char *id)
{
    size_t n, i;
    const glca_verdict_item *items = glca_verdict_items(v, &n);

    for (i = 0; i < n; i++)
        if (strcmp(items[i].id, id) == 0)
            return &items[i];
    cr_assert_fail("no item '%s' in the verdict", id);
    return NULL;
}

#define RULESET_HEAD                                                                               \
    "<?xml version=\"1.0\"?>\n"                                                                    \
    "<ruleset xmlns=\"urn:greenlca:ruleset:1\" id=\"t\" version=\"1\" standard=\"test\" "          \
    "category=\"example\" method=\"example-gwp\">\n"
#define RULESET_TAIL "</ruleset>\n"

#endif
