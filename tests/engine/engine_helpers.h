/*
 * Helpers shared by the engine test files: fail-fast wrappers around the builder calls and a
 * diagnostics collector.  Static inline so a file that uses only some of them stays warning-free.
 */
#ifndef GLCA_TESTS_ENGINE_HELPERS_H
#define GLCA_TESTS_ENGINE_HELPERS_H

#include <criterion/criterion.h>

#include <glca/engine.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Assert a call returned 0, printing the error otherwise. */
#define OK(call, err)                                                                           \
    do {                                                                                        \
        int rc_ = (call);                                                                       \
        cr_assert_eq(rc_, 0, "%s failed (%d): %s", #call, rc_, (err)->message);                \
    } while (0)

/* |got - want| <= tol · max(|want|, tiny): relative comparison that also handles zero. */
#define ASSERT_REL(got, want, tol)                                                              \
    do {                                                                                        \
        double g_ = (got), w_ = (want);                                                         \
        double s_ = fabs(w_) > 1e-300 ? fabs(w_) : 1e-300;                                      \
        cr_assert(fabs(g_ - w_) <= (tol) * s_, "%s = %.17g, expected %.17g", #got, g_, w_);     \
    } while (0)

typedef struct diag_log {
    int count;
    glca_error errors[32];
} diag_log;

static inline void diag_collect(const glca_error *e, void *payload)
{
    diag_log *log = payload;

    if (log->count < 32)
        log->errors[log->count] = *e;
    log->count++;
}

static inline glca_srcloc at(const char *file, long line)
{
    glca_srcloc loc = {file, line, 3};

    return loc;
}

static inline void flow(glca_model *m, const char *id, glca_flow_kind kind, const char *unit)
{
    glca_error err = GLCA_ERROR_INIT;

    OK(glca_model_add_flow(m, id, kind, id, unit, NULL, NULL, NULL, &err), &err);
}

static inline void process(glca_model *m, const char *id, const char *product, double amount,
                           const char *unit)
{
    glca_error err = GLCA_ERROR_INIT;

    OK(glca_model_add_process(m, id, id, NULL, product, amount, unit, NULL, &err), &err);
}

static inline void input(glca_model *m, const char *flow_id, double amount, const char *unit,
                         const char *provider)
{
    glca_error err = GLCA_ERROR_INIT;

    OK(glca_model_add_exchange(m, GLCA_INPUT, flow_id, amount, unit, provider, NULL, NULL, &err),
       &err);
}

static inline void output(glca_model *m, const char *flow_id, double amount, const char *unit)
{
    glca_error err = GLCA_ERROR_INIT;

    OK(glca_model_add_exchange(m, GLCA_OUTPUT, flow_id, amount, unit, NULL, NULL, NULL, &err),
       &err);
}

static inline void category(glca_method *m, const char *id)
{
    glca_error err = GLCA_ERROR_INIT;

    OK(glca_method_add_category(m, id, id, "kg CO2-eq", NULL, &err), &err);
}

static inline void factor(glca_method *m, const char *cat, const char *flow_id, double value,
                          const char *unit)
{
    glca_error err = GLCA_ERROR_INIT;

    OK(glca_method_add_factor(m, cat, flow_id, value, unit, NULL, &err), &err);
}

static inline void line(glca_product *p, glca_line_kind kind, glca_stage stage, const char *ref,
                        double amount, const char *unit)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_product_line l;

    memset(&l, 0, sizeof l);
    l.kind = kind;
    l.stage = stage;
    l.ref = ref;
    l.amount = amount;
    l.unit = unit;
    OK(glca_product_add_line(p, &l, &err), &err);
}

#endif
