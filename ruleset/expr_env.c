/*
 * The data functions of the rule expression language: what a rule can read about a product.
 * impact() reads the impacts from glca_evaluate, attr()/has() the declared data, mass(),
 * recyclable_share(), recycled_share() and substance_ppm() the bill of materials.
 *
 * Each call also writes one entry to the evidence trail (the datum, its value and where it came
 * from), so a report can show what a verdict rests on.  Data that are absent give a missing
 * value with the reason, never a default that could pass a rule; the one exception is
 * substance_ppm(), where a substance declared in no material is 0 ppm as FORMATS.md says.
 */
#include "expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *glca_ruleset__fmt_number(double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.6g", x);
    return buf;
}

void glca_ruleset__env_init(glca_ruleset__env *env, const glca_product *p,
                            const glca_background *bg, const double *impacts, const char *method)
{
    const glca_material *m;
    size_t n, i;

    memset(env, 0, sizeof *env);
    env->product = p;
    env->bg = bg;
    env->impacts = impacts;
    env->method = method;
    m = glca_product_materials(p, &n);
    env->nmaterials = n;
    /* Sums in file order, so the figures do not depend on anything but the product. */
    for (i = 0; i < n; i++) {
        env->mass_kg += m[i].mass_kg;
        if (m[i].recyclable)
            env->recyclable_kg += m[i].mass_kg;
        env->recycled_kg += m[i].mass_kg * m[i].recycled_content;
    }
}

void glca_ruleset__env_reset(glca_ruleset__env *env)
{
    env->why[0] = '\0';
    env->evidence[0] = '\0';
    env->evidence_len = 0;
}

void glca_ruleset__evidence(glca_ruleset__env *env, const char *fmt, ...)
{
    static const char ellipsis[] = "; ...";
    char entry[300];
    size_t len, room = sizeof env->evidence - env->evidence_len;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(entry, sizeof entry, fmt, ap);
    va_end(ap);
    if (strstr(env->evidence, entry)) /* the same datum used twice is listed once */
        return;
    len = strlen(entry) + (env->evidence_len ? 2 : 0);
    if (len + sizeof ellipsis > room) {
        if (!strstr(env->evidence, ellipsis) && room >= sizeof ellipsis) {
            memcpy(env->evidence + env->evidence_len, ellipsis, sizeof ellipsis);
            env->evidence_len += sizeof ellipsis - 1;
        }
        return;
    }
    snprintf(env->evidence + env->evidence_len, room, "%s%s", env->evidence_len ? "; " : "", entry);
    env->evidence_len += len;
}

static glca_rule_value impact(const glca_ruleset__node *n, glca_ruleset__env *env)
{
    const char *bg_method = glca_background_method_id(env->bg);
    long c;
    double x = 0;
    int s;

    if (!bg_method)
        bg_method = "";
    if (env->method && strcmp(env->method, bg_method) != 0)
        return glca_ruleset__missing(env,
                                     "impact('%s') needs method '%s', the assessment used '%s'",
                                     n->str, env->method, bg_method);
    if ((c = glca_background_find_category(env->bg, n->str)) < 0)
        return glca_ruleset__missing(env, "impact category '%s' is not in method '%s'", n->str,
                                     bg_method);
    if (n->stage >= 0) {
        x = env->impacts[(size_t)c * GLCA_NSTAGES + (size_t)n->stage];
    } else {
        for (s = 0; s < GLCA_NSTAGES; s++)
            x += env->impacts[(size_t)c * GLCA_NSTAGES + (size_t)s];
    }
    glca_ruleset__evidence(env, "%s (%s) = %s %s from the LCA", n->str,
                           n->stage >= 0 ? glca_stage_name((glca_stage)n->stage) : "all stages",
                           glca_ruleset__fmt_number(x, env->number_buf, sizeof env->number_buf),
                           glca_background_category_unit(env->bg, (size_t)c));
    return glca_ruleset__number(x);
}

static glca_rule_value attr(const glca_ruleset__node *n, glca_ruleset__env *env)
{
    const glca_declare *d = glca_product_find_declare(env->product, n->str);
    glca_rule_value v = glca_ruleset__number(0);

    if (!d)
        return glca_ruleset__missing(env, "attribute '%s' is not declared", n->str);
    if (d->loc.file && d->loc.line > 0)
        glca_ruleset__evidence(env, "%s = %s%s%s declared at %s:%ld", d->name, d->string,
                               d->unit ? " " : "", d->unit ? d->unit : "", d->loc.file,
                               d->loc.line);
    else
        glca_ruleset__evidence(env, "%s = %s%s%s declared", d->name, d->string, d->unit ? " " : "",
                               d->unit ? d->unit : "");
    v.kind = d->kind;
    v.number = d->number;
    v.boolean = d->boolean;
    v.string = d->string;
    return v;
}

static glca_rule_value share(double part_kg, const char *what, glca_ruleset__env *env)
{
    char a[32], b[32];

    if (!(env->mass_kg > 0))
        return glca_ruleset__missing(env, "%s share needs BOM materials with mass", what);
    glca_ruleset__evidence(env, "%s mass %s of %s kg in %zu materials (BOM)", what,
                           glca_ruleset__fmt_number(part_kg, a, sizeof a),
                           glca_ruleset__fmt_number(env->mass_kg, b, sizeof b), env->nmaterials);
    return glca_ruleset__number(part_kg / env->mass_kg);
}

static glca_rule_value substance_ppm(const glca_ruleset__node *n, glca_ruleset__env *env)
{
    const glca_substance *s;
    const glca_material *m;
    size_t ns, nm, i, worst = (size_t)-1;
    double ppm = 0;

    s = glca_product_substances(env->product, &ns);
    m = glca_product_materials(env->product, &nm);
    for (i = 0; i < ns; i++)
        if (strcmp(s[i].cas, n->str) == 0 && (worst == (size_t)-1 || s[i].ppm > ppm)) {
            ppm = s[i].ppm;
            worst = i;
        }
    if (worst == (size_t)-1)
        glca_ruleset__evidence(env, "substance %s declared in no material (0 ppm)", n->str);
    else
        glca_ruleset__evidence(
            env, "substance %s at most %s ppm, in material '%s' (BOM)", n->str,
            glca_ruleset__fmt_number(ppm, env->number_buf, sizeof env->number_buf),
            s[worst].material < nm ? m[s[worst].material].id : "?");
    return glca_ruleset__number(ppm);
}

glca_rule_value glca_ruleset__call(const glca_ruleset__node *n, glca_ruleset__env *env)
{
    char buf[32];

    switch (n->op) {
    case GLCA_RULESET__OP_IMPACT:
        return impact(n, env);
    case GLCA_RULESET__OP_ATTR:
        return attr(n, env);
    case GLCA_RULESET__OP_HAS:
        glca_ruleset__evidence(env, "%s %s", n->str,
                               glca_product_find_declare(env->product, n->str) ? "declared"
                                                                               : "not declared");
        return glca_ruleset__bool(glca_product_find_declare(env->product, n->str) != NULL);
    case GLCA_RULESET__OP_MASS:
        glca_ruleset__evidence(env, "mass %s kg in %zu materials (BOM)",
                               glca_ruleset__fmt_number(env->mass_kg, buf, sizeof buf),
                               env->nmaterials);
        return glca_ruleset__number(env->mass_kg);
    case GLCA_RULESET__OP_RECYCLABLE:
        return share(env->recyclable_kg, "recyclable", env);
    case GLCA_RULESET__OP_RECYCLED:
        return share(env->recycled_kg, "recycled", env);
    case GLCA_RULESET__OP_PPM:
        return substance_ppm(n, env);
    default:
        return glca_ruleset__missing(env, "internal error: operator %d is not a function",
                                     (int)n->op);
    }
}
