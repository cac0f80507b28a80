/*
 * What a ruleset file says about itself and about the provenance of its numbers: the root
 * element (id, version, category, method, framework, edition and its in-force dates), and the
 * basis and source of each threshold.  A threshold is provisional unless the file says it is
 * confirmed, so an unchecked number is never shown as the standard's; a <baseline> inherits
 * both from its indicator.  The rules themselves are read by ruleset_read.c.
 */
#include "ruleset_read.h"

#include <string.h>

#define RULESET_NS "urn:greenlca:ruleset:1"

static char *dup_or_null(const char *s)
{
    return s ? glca_strdup(s) : NULL;
}

int glca_ruleset__read_basis(glca_ruleset__reader *r, bool dflt, const char *dsource,
                             bool *provisional, char **source)
{
    const char *basis = glca_xml_attr(r->x, "basis"), *src = glca_xml_attr(r->x, "source");

    *provisional = dflt;
    if (basis && strcmp(basis, "provisional") == 0)
        *provisional = true;
    else if (basis && strcmp(basis, "confirmed") == 0)
        *provisional = false;
    else if (basis)
        return glca_ruleset__complain_at(r, 0, "basis '%s' is not one of confirmed, provisional",
                                         basis);
    if (src && !*src)
        return glca_ruleset__complain_at(r, 0,
                                         "source is empty (cite the standard, its year and table)");
    if (!src)
        src = dsource;
    if (src && !(*source = glca_strdup(src)))
        return glca_error_oom(r->sink.err);
    return 0;
}

/* framework, edition, edition-year, edition-title, in-force-from, in-force-to of the root. */
static int read_edition(glca_ruleset__reader *r)
{
    glca_error e = GLCA_ERROR_INIT;
    glca_ruleset *rs = r->rs;
    const char *fw = glca_xml_attr(r->x, "framework"), *v;
    double year = 0;

    if (fw && strcmp(fw, "green-product") == 0)
        rs->framework = GLCA_FRAMEWORK_GREEN_PRODUCT;
    else if (fw && strcmp(fw, "eco-design") != 0)
        return glca_ruleset__complain_at(r, 0,
                                         "framework '%s' is not one of eco-design (GB/T 32161), "
                                         "green-product (GB/T 33761)",
                                         fw);
    if (glca_xml_attr(r->x, "edition-year") &&
        glca_xml_attr_double(r->x, "edition-year", true, 0, &year, &e) < 0)
        return glca_ruleset__problem(r, &e);
    if (year != (int)year || year < 0 || year > 9999)
        return glca_ruleset__complain_at(r, 0, "edition-year '%s' is not a year",
                                         glca_xml_attr(r->x, "edition-year"));
    rs->edition.year = (int)year;
    if ((v = glca_xml_attr(r->x, "in-force-from")) && glca_ruleset__parse_date(rs->from, v) < 0)
        return glca_ruleset__complain_at(r, 0, "in-force-from '%s' is not a date YYYY-MM-DD", v);
    if ((v = glca_xml_attr(r->x, "in-force-to")) && glca_ruleset__parse_date(rs->to, v) < 0)
        return glca_ruleset__complain_at(r, 0, "in-force-to '%s' is not a date YYYY-MM-DD", v);
    if (rs->from[0] && rs->to[0] && strcmp(rs->from, rs->to) > 0)
        return glca_ruleset__complain_at(r, 0, "in-force-to %s comes before in-force-from %s",
                                         rs->to, rs->from);
    rs->edition.from = rs->from;
    rs->edition.to = rs->to;
    if ((glca_xml_attr(r->x, "edition") &&
         !(rs->edition.number = glca_strdup(glca_xml_attr(r->x, "edition")))) ||
        (glca_xml_attr(r->x, "edition-title") &&
         !(rs->edition.title = glca_strdup(glca_xml_attr(r->x, "edition-title")))))
        return glca_error_oom(r->sink.err);
    return 0;
}

int glca_ruleset__read_root(glca_ruleset__reader *r)
{
    static const char *const allowed[] = {
        "id",      "version",      "standard",      "category",      "method",      "framework",
        "edition", "edition-year", "edition-title", "in-force-from", "in-force-to", NULL};
    glca_error e = GLCA_ERROR_INIT;
    const char *id, *version, *category;
    glca_ruleset *rs = r->rs;
    int rc;

    if (strcmp(glca_xml_name(r->x), "ruleset") != 0 || strcmp(glca_xml_ns(r->x), RULESET_NS) != 0)
        return glca_ruleset__complain_at(
            r, 0,
            "not a ruleset: root element <%s> in namespace '%s' (expected <ruleset> "
            "in '" RULESET_NS "')",
            glca_xml_name(r->x), glca_xml_ns(r->x));
    rs->line = glca_xml_loc(r->x).line;
    if (glca_xml_check_attrs(r->x, allowed, &e) < 0 ||
        glca_xml_attr_required(r->x, "id", &id, &e) < 0 ||
        glca_xml_attr_required(r->x, "version", &version, &e) < 0 ||
        glca_xml_attr_required(r->x, "category", &category, &e) < 0)
        return glca_ruleset__problem(r, &e);
    if (!(rs->id = glca_strdup(id)) || !(rs->version = glca_strdup(version)) ||
        !(rs->category = glca_strdup(category)) ||
        (glca_xml_attr(r->x, "standard") &&
         !(rs->standard = dup_or_null(glca_xml_attr(r->x, "standard")))) ||
        (glca_xml_attr(r->x, "method") &&
         !(rs->method = dup_or_null(glca_xml_attr(r->x, "method")))))
        return glca_error_oom(r->sink.err);
    if ((rc = read_edition(r)) < 0)
        return rc;
    return 0;
}
