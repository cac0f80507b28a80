/*
 * The safe XML reader: events and their locations, attribute access and typed values, and
 * hostile inputs (entity bombs, external entities, deep nesting, oversize and empty files).
 * Hostile files are generated into a temp directory at test time.  Locations expected below
 * are counted by hand in the literal documents (lines from 1, columns from 1 at the '<').
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <locale.h>
#include <math.h>
#include <time.h>

#include "inv_test_util.h"
#include "inventories/xml/xmlsafe_int.h"

static glca_xml *open_text(const char *name, const char *content, glca_error *err)
{
    char *path = inv_write(name, content);
    glca_xml *x = NULL;

    cr_assert_eq(glca_xml_open(&x, path, NULL, err), 0, "%s", inv_fmt(err));
    free(path);
    return x;
}

/* Read to the end or the first error; returns the error code or 0. */
static int drain(glca_xml *x, glca_error *err)
{
    int rc;

    while ((rc = glca_xml_next(x, err)) > 0)
        ;
    return rc;
}

static const char doc[] = "<?xml version=\"1.0\"?>\n"               /* line 1 */
                          "<root xmlns=\"urn:x\" a=\"1\">\n"        /* line 2: root at col 1 */
                          "  <child b=\"x &amp; y &lt; z\"/>\n"     /* line 3: child at col 3 */
                          "  <!-- comment -->\n"                    /* line 4 */
                          "  <multi\n"                              /* line 5: multi at col 3 */
                          "     c=\"2\"/>\n"                        /* line 6 */
                          "</root>\n";                              /* line 7: end at col 1 */

Test(inventories_xml, events_names_depths_and_locations)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = open_text("doc.xml", doc, &err);
    glca_srcloc loc;

    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START);
    cr_assert_str_eq(glca_xml_name(x), "root");
    cr_assert_str_eq(glca_xml_ns(x), "urn:x");
    cr_assert_eq(glca_xml_depth(x), 0);
    loc = glca_xml_loc(x);
    cr_assert_eq(loc.line, 2);
    cr_assert_eq(loc.column, 1);
    cr_assert(strstr(loc.file, "doc.xml") != NULL);
    cr_assert_str_eq(glca_xml_attr(x, "a"), "1");
    cr_assert_null(glca_xml_attr(x, "xmlns"), "namespace declarations are not attributes");

    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START);
    cr_assert_str_eq(glca_xml_name(x), "child");
    cr_assert_str_eq(glca_xml_ns(x), "urn:x", "default namespace is inherited");
    cr_assert_eq(glca_xml_depth(x), 1);
    cr_assert_eq(glca_xml_loc(x).line, 3);
    cr_assert_eq(glca_xml_loc(x).column, 3);
    cr_assert_str_eq(glca_xml_attr(x, "b"), "x & y < z", "predefined entities decoded");
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_END, "an empty element gives an end event");
    cr_assert_str_eq(glca_xml_name(x), "child");
    cr_assert_eq(glca_xml_depth(x), 1);

    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START);
    cr_assert_str_eq(glca_xml_name(x), "multi");
    cr_assert_eq(glca_xml_loc(x).line, 5, "a tag spread over lines is located at its '<'");
    cr_assert_eq(glca_xml_loc(x).column, 3);
    cr_assert_str_eq(glca_xml_attr(x, "c"), "2");
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_END);

    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_END);
    cr_assert_str_eq(glca_xml_name(x), "root");
    cr_assert_eq(glca_xml_depth(x), 0);
    cr_assert_eq(glca_xml_loc(x).line, 7);
    cr_assert_eq(glca_xml_loc(x).column, 1);
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_EOF);
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_EOF);
    glca_xml_free(x);
}

Test(inventories_xml, skip_moves_to_the_matching_end)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = open_text("skip.xml", "<a><b><c/><b/></b><d/></a>", &err);

    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START); /* a */
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START); /* b */
    cr_assert_eq(glca_xml_skip(x, &err), 0);
    cr_assert_eq(glca_xml_depth(x), 1);
    cr_assert_str_eq(glca_xml_name(x), "b", "on the outer b's end, not the inner one's");
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START);
    cr_assert_str_eq(glca_xml_name(x), "d");
    glca_xml_free(x);
}

Test(inventories_xml, malformed_xml_is_located_and_not_printed, .init = cr_redirect_stderr)
{
    glca_error err = GLCA_ERROR_INIT;
    /* the mismatched </b> is on line 3 */
    glca_xml *x = open_text("bad.xml", "<a>\n  <b>\n  </c>\n</a>\n", &err);

    cr_assert_eq(drain(x, &err), GLCA_EPARSE);
    cr_assert(strstr(err.file, "bad.xml") != NULL, "%s", inv_fmt(&err));
    cr_assert_eq(err.line, 3, "%s", inv_fmt(&err));
    cr_assert_gt(err.column, 0);
    inv_assert_msg(&err, "malformed XML");
    cr_assert_eq(glca_xml_next(x, &err), GLCA_EPARSE, "the failure is sticky");
    glca_xml_free(x);
    fflush(stderr);
    cr_assert_stderr_eq_str("", "libxml2 must not print anything");
}

/* Found by fuzzing: a byte the declared encoding cannot convert stopped libxml2 without
 * clearing wellFormed, so the rest of the file was silently dropped (validate said "ok") and
 * libxml2 printed its complaint. */
Test(inventories_xml, encoding_error_is_malformed_not_truncation, .init = cr_redirect_stderr)
{
    glca_error err = GLCA_ERROR_INIT;
    /* 0x02 is not UTF-7; it is on line 3, after the last complete element */
    glca_xml *x = open_text("utf7.xml",
                            "<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n<a>\n  <b/>\x02\n"
                            "  <c/>\n</a>\n",
                            &err);

    cr_assert_eq(drain(x, &err), GLCA_EPARSE, "%s", inv_fmt(&err));
    cr_assert(strstr(err.file, "utf7.xml") != NULL, "%s", inv_fmt(&err));
    cr_assert_eq(err.line, 3, "%s", inv_fmt(&err));
    inv_assert_msg(&err, "malformed XML");
    glca_xml_free(x);
    fflush(stderr);
    cr_assert_stderr_eq_str("", "libxml2 must not print anything");
}

Test(inventories_xml, events_before_an_error_are_delivered_first)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = open_text("late.xml", "<a><b/><c></a>", &err);

    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START);
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START);
    cr_assert_str_eq(glca_xml_name(x), "b");
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_END);
    cr_assert_eq(glca_xml_next(x, &err), GLCA_XML_START);
    cr_assert_str_eq(glca_xml_name(x), "c");
    cr_assert_eq(glca_xml_next(x, &err), GLCA_EPARSE);
    glca_xml_free(x);
}

Test(inventories_xml, stray_text_is_an_error)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = open_text("text.xml", "<a>\n  <b>hello</b>\n</a>\n", &err);

    cr_assert_eq(drain(x, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "unexpected text");
    cr_assert_eq(err.line, 2, "%s", inv_fmt(&err));
    glca_xml_free(x);
}

Test(inventories_xml, empty_file)
{
    glca_error err = GLCA_ERROR_INIT;
    char *path = inv_write("empty.xml", "");
    glca_xml *x = NULL;

    cr_assert_eq(glca_xml_open(&x, path, NULL, &err), GLCA_EPARSE);
    cr_assert_null(x);
    inv_assert_msg(&err, "empty file");
    cr_assert(strstr(err.file, "empty.xml") != NULL);
    free(path);
}

Test(inventories_xml, whitespace_only_file_is_malformed, .init = cr_redirect_stderr)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = open_text("blank.xml", "  \n\n", &err);

    cr_assert_eq(drain(x, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "malformed XML");
    glca_xml_free(x);
}

Test(inventories_xml, missing_file)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = NULL;

    cr_assert_eq(glca_xml_open(&x, "/nonexistent/dir/f.xml", NULL, &err), GLCA_EIO);
    cr_assert_str_eq(err.file, "/nonexistent/dir/f.xml");
}

Test(inventories_xml, byte_limit)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml_limits lim = GLCA_XML_LIMITS_INIT;
    char *path = inv_write("big.xml", "<a>                                                 </a>");
    glca_xml *x = NULL;

    lim.max_bytes = 20; /* the file above is 3 + 49 + 4 = 56 bytes */
    cr_assert_eq(glca_xml_open(&x, path, &lim, &err), GLCA_ELIMIT);
    inv_assert_msg(&err, "larger than the limit of 20 bytes");
    lim.max_bytes = 56;
    cr_assert_eq(glca_xml_open(&x, path, &lim, &err), 0, "exactly at the limit is fine");
    cr_assert_eq(drain(x, &err), 0);
    glca_xml_free(x);
    free(path);
}

Test(inventories_xml, depth_limit_counts_levels)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml_limits lim = GLCA_XML_LIMITS_INIT;
    char *path = inv_write("d3.xml", "<a><b><c/></b></a>");
    glca_xml *x = NULL;

    lim.max_depth = 3; /* a, b, c: three levels */
    cr_assert_eq(glca_xml_open(&x, path, &lim, &err), 0);
    cr_assert_eq(drain(x, &err), 0, "%s", inv_fmt(&err));
    glca_xml_free(x);
    lim.max_depth = 2;
    cr_assert_eq(glca_xml_open(&x, path, &lim, &err), 0);
    cr_assert_eq(drain(x, &err), GLCA_ELIMIT);
    inv_assert_msg(&err, "deeper than 2 levels");
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 7, "located at <c>: '<a><b>' is 6 characters before it");
    glca_xml_free(x);
    free(path);
}

Test(inventories_xml, hundred_thousand_deep_is_rejected_quickly, .timeout = 5)
{
    glca_error err = GLCA_ERROR_INIT;
    const size_t depth = 100000;
    char *content = malloc(depth * 7 + 1), *path;
    glca_xml *x = NULL;
    size_t i;
    clock_t t0 = clock();

    for (i = 0; i < depth; i++)
        memcpy(content + 3 * i, "<a>", 3);
    for (i = 0; i < depth; i++)
        memcpy(content + 3 * depth + 4 * i, "</a>", 4);
    content[7 * depth] = '\0';
    path = inv_write("deep.xml", content);
    cr_assert_eq(glca_xml_open(&x, path, NULL, &err), 0);
    cr_assert_eq(drain(x, &err), GLCA_ELIMIT, "%s", inv_fmt(&err));
    inv_assert_msg(&err, "deeper than 256 levels");
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 3 * 256 + 1, "the 257th <a> starts after 256 × '<a>'");
    cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 1.0);
    glca_xml_free(x);
    free(content);
    free(path);
}

static const char laughs[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<lolz a=\"&lol9;\">&lol9;</lolz>\n";

Test(inventories_xml, billion_laughs_is_rejected_quickly, .timeout = 5,
     .init = cr_redirect_stderr)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = open_text("laughs.xml", laughs, &err);
    clock_t t0 = clock();

    cr_assert_eq(glca_xml_next(x, &err), GLCA_EPARSE, "not even the root element comes out");
    inv_assert_msg(&err, "DOCTYPE");
    cr_assert_eq(err.line, 2, "%s", inv_fmt(&err));
    cr_assert_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 1.0);
    glca_xml_free(x);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

Test(inventories_xml, external_entity_never_reads_the_file, .init = cr_redirect_stderr)
{
    glca_error err = GLCA_ERROR_INIT;
    char *secret = inv_write("secret.txt", "TOP-SECRET-7731\n");
    char content[2048];
    glca_xml *x;

    snprintf(content, sizeof content,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE inventory [<!ENTITY xxe SYSTEM \"file://%s\">]>\n"
             "<inventory xmlns=\"urn:greenlca:inventory:1\" id=\"&xxe;\">&xxe;</inventory>\n",
             secret);
    x = open_text("xxe.xml", content, &err);
    cr_assert_eq(drain(x, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "DOCTYPE");
    cr_assert_null(strstr(inv_fmt(&err), "TOP-SECRET"), "%s", inv_fmt(&err));
    glca_xml_free(x);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
    free(secret);
}

Test(inventories_xml, undeclared_entity_is_malformed, .init = cr_redirect_stderr)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = open_text("ent.xml", "<a>\n<b c=\"&foo;\"/></a>", &err);

    cr_assert_eq(drain(x, &err), GLCA_EPARSE);
    cr_assert_eq(err.line, 2, "%s", inv_fmt(&err));
    glca_xml_free(x);
}

/* ---------------------------------------------------------------- attributes */

static glca_xml *at_first(const char *content, glca_error *err)
{
    glca_xml *x = open_text("attrs.xml", content, err);

    cr_assert_eq(glca_xml_next(x, err), GLCA_XML_START);
    return x;
}

Test(inventories_xml, unknown_attribute)
{
    static const char *const allowed[] = {"id", "name", NULL};
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = at_first("<flow xmlns=\"urn:x\" id=\"a\" colour=\"red\"/>", &err);

    cr_assert_eq(glca_xml_check_attrs(x, allowed, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "unknown attribute 'colour' on <flow>");
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.column, 1);
    glca_xml_free(x);
}

Test(inventories_xml, prefixed_attribute_is_unknown)
{
    static const char *const allowed[] = {"id", NULL};
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = at_first("<a xmlns:q=\"urn:q\" id=\"1\" q:id=\"2\"/>", &err);

    cr_assert_eq(glca_xml_check_attrs(x, allowed, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "unknown attribute 'q:id'");
    cr_assert_str_eq(glca_xml_attr(x, "id"), "1");
    glca_xml_free(x);
}

Test(inventories_xml, missing_required_attribute)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = at_first("<a>\n</a>", &err);
    const char *v = "unset";
    double d;

    cr_assert_eq(glca_xml_attr_required(x, "id", &v, &err), GLCA_EPARSE);
    cr_assert_null(v);
    inv_assert_msg(&err, "missing required attribute 'id' on <a>");
    cr_assert_eq(glca_xml_attr_double(x, "amount", true, 0, &d, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "missing required attribute 'amount'");
    cr_assert_eq(glca_xml_attr_double(x, "amount", false, 2.5, &d, &err), 0);
    cr_assert_eq(d, 2.5);
    glca_xml_free(x);
}

static int number(const char *text, double *out, glca_error *err)
{
    char content[256];
    glca_xml *x;
    int rc;

    snprintf(content, sizeof content, "<e amount=\"%s\"/>", text);
    x = at_first(content, err);
    rc = glca_xml_attr_double(x, "amount", true, 0, out, err);
    glca_xml_free(x);
    return rc;
}

Test(inventories_xml, numbers_accepted)
{
    glca_error err = GLCA_ERROR_INIT;
    double d;

    cr_assert_eq(number("1.5", &d, &err), 0);
    cr_assert_eq(d, 1.5);
    cr_assert_eq(number(" -2e3 ", &d, &err), 0, "surrounding whitespace is allowed");
    cr_assert_eq(d, -2000.0);
    cr_assert_eq(number(".25", &d, &err), 0);
    cr_assert_eq(d, 0.25);
    cr_assert_eq(number("+4.", &d, &err), 0);
    cr_assert_eq(d, 4.0);
    cr_assert_eq(number("1E-3", &d, &err), 0);
    cr_assert_eq(d, 0.001);
}

Test(inventories_xml, numbers_rejected)
{
    static const char *const unparsable[] = {"abc", "1.5kg", "", "0x10", "1e", "--1",
                                             "1,5", ".", "1 2"};
    static const char *const nonfinite[] = {"NaN", "nan", "inf", "-Infinity", "1e999"};
    glca_error err = GLCA_ERROR_INIT;
    double d;
    size_t i;

    for (i = 0; i < sizeof unparsable / sizeof *unparsable; i++) {
        cr_assert_eq(number(unparsable[i], &d, &err), GLCA_EPARSE, "'%s'", unparsable[i]);
        inv_assert_msg(&err, "unparsable number");
        inv_assert_msg(&err, "'amount' on <e>");
    }
    for (i = 0; i < sizeof nonfinite / sizeof *nonfinite; i++) {
        cr_assert_eq(number(nonfinite[i], &d, &err), GLCA_EPARSE, "'%s'", nonfinite[i]);
        inv_assert_msg(&err, "non-finite number");
    }
}

Test(inventories_xml, numbers_ignore_the_process_locale)
{
    double d = 0;

    /* de_DE may be missing; the C library then keeps "C" and the test still checks parsing */
    setlocale(LC_NUMERIC, "de_DE.UTF-8");
    cr_assert_eq(glca_inventories__parse_double("2.5", &d), 0);
    cr_assert_eq(d, 2.5);
    cr_assert_eq(glca_inventories__parse_double("2,5", &d), -1);
    setlocale(LC_NUMERIC, "C");
}

Test(inventories_xml, booleans)
{
    glca_error err = GLCA_ERROR_INIT;
    glca_xml *x = at_first("<m a=\"true\" b=\"false\" c=\"yes\"/>", &err);
    bool v = false;

    cr_assert_eq(glca_xml_attr_bool(x, "a", false, &v, &err), 0);
    cr_assert(v);
    cr_assert_eq(glca_xml_attr_bool(x, "b", true, &v, &err), 0);
    cr_assert_not(v);
    cr_assert_eq(glca_xml_attr_bool(x, "d", true, &v, &err), 0);
    cr_assert(v, "absent gives the default");
    cr_assert_eq(glca_xml_attr_bool(x, "c", false, &v, &err), GLCA_EPARSE);
    inv_assert_msg(&err, "true or false");
    glca_xml_free(x);
}
