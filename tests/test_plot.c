/*
 * test_plot.c - tests src/plot.c: every SVG the API can produce is
 * well-formed XML with finite coordinates inside the view box, whatever the
 * data (empty, one point, all equal, NaN and inf, huge, text full of <&>"),
 * the scatter keeps the minority visible, and bad options are refused.
 *
 * The checker, svg_check(), is a small XML reader written for this: balanced
 * and nested tags, quoted attributes, entities, no "nan"/"inf", and every
 * coordinate attribute (x, y, x1, y1, x2, y2, cx, cy, width, height, r,
 * points, a rotate() centre) inside [0, W] x [0, H] of viewBox="0 0 W H".
 *
 * Run with file arguments (build/tests/test_plot a.svg b.svg), it checks
 * those files instead and prints one line per file: how tests/cli_plots.sh
 * checks the pictures of `wlr experiment --plots`.
 */
#include "check.h"
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"

#include <float.h>
#include <stdint.h>
#include <unistd.h>

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SVG_MAX_DEPTH 64
#define SVG_MAX_NAME 32

static int svg_fail(char *why, size_t cap, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < cap)
        snprintf(why + n, cap - (size_t)n, " near '%.40s'", at);
    return 0;
}

/* A number that must lie in [0, max]; returns 0 and fills why if not. */
static int svg_number(const char *s, const char **end, double max, char *why,
                      size_t cap)
{
    char *e;
    double v = strtod(s, &e);
    if (e == s) return svg_fail(why, cap, s, "not a number");
    if (!isfinite(v)) return svg_fail(why, cap, s, "non-finite number");
    if (v < 0 || v > max)
        return svg_fail(why, cap, s, "%g outside [0, %g]", v, max);
    *end = e;
    return 1;
}

/* "nan"/"inf" in any case. */
static int svg_has_nonfinite(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if ((tolower((unsigned char)s[i]) == 'n' && tolower((unsigned char)s[i + 1]) == 'a' &&
             tolower((unsigned char)s[i + 2]) == 'n') ||
            (tolower((unsigned char)s[i]) == 'i' && tolower((unsigned char)s[i + 1]) == 'n' &&
             tolower((unsigned char)s[i + 2]) == 'f'))
            return 1;
    return 0;
}

/* Every '&' in [s, s+n) starts an entity. */
static int svg_entities(const char *s, size_t n, char *why, size_t cap)
{
    static const char *const ok[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') continue;
        int good = 0;
        for (int k = 0; k < 5; k++)
            if (strncmp(s + i, ok[k], strlen(ok[k])) == 0) good = 1;
        if (!good && s[i + 1] == '#') {
            size_t j = i + 2;
            while (j < n && isdigit((unsigned char)s[j])) j++;
            good = j > i + 2 && j < n && s[j] == ';';
        }
        if (!good) return svg_fail(why, cap, s + i, "bare '&'");
    }
    return 1;
}

/* Text between tags: entities, no '<', no word "nan" or "inf". */
static int svg_text(const char *s, size_t n, char *why, size_t cap)
{
    if (!svg_entities(s, n, why, cap)) return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isalpha((unsigned char)s[i]) || (i > 0 && isalpha((unsigned char)s[i - 1])))
            continue;
        size_t j = i;
        while (j < n && isalpha((unsigned char)s[j])) j++;
        if (j - i == 3 && svg_has_nonfinite(s + i, 3))
            return svg_fail(why, cap, s + i, "the word nan/inf in text");
    }
    return 1;
}

/* The numeric checks of one attribute. */
static int svg_attribute(const char *name, const char *v, size_t n, double w,
                         double h, char *why, size_t cap)
{
    if (svg_has_nonfinite(v, n)) return svg_fail(why, cap, v, "nan/inf in %s", name);
    if (!svg_entities(v, n, why, cap)) return 0;
    static const char *const xs[] = {"x", "x1", "x2", "cx", "width", NULL};
    static const char *const ys[] = {"y", "y1", "y2", "cy", "height", NULL};
    const char *end;
    for (int k = 0; xs[k]; k++)
        if (strcmp(name, xs[k]) == 0) return svg_number(v, &end, w, why, cap);
    for (int k = 0; ys[k]; k++)
        if (strcmp(name, ys[k]) == 0) return svg_number(v, &end, h, why, cap);
    if (strcmp(name, "r") == 0) return svg_number(v, &end, w > h ? w : h, why, cap);
    if (strcmp(name, "points") == 0) {
        const char *p = v;
        int count = 0;
        while (p < v + n) {
            while (p < v + n && (*p == ' ' || *p == ',')) p++;
            if (p >= v + n) break;
            if (!svg_number(p, &end, count % 2 ? h : w, why, cap)) return 0;
            p = end;
            count++;
        }
        if (count < 4 || count % 2) return svg_fail(why, cap, v, "points: %d numbers", count);
    }
    if (strcmp(name, "transform") == 0 && strncmp(v, "rotate(", 7) == 0) {
        char *e;
        strtod(v + 7, &e); /* the angle */
        const char *p = e;
        while (*p == ' ' || *p == ',') p++;
        if (!svg_number(p, &end, w, why, cap)) return 0;
        p = end;
        while (*p == ' ' || *p == ',') p++;
        if (!svg_number(p, &end, h, why, cap)) return 0;
    }
    return 1;
}

static int svg_check(const char *text, char *why, size_t cap)
{
    char stack[SVG_MAX_DEPTH][SVG_MAX_NAME];
    int depth = 0, roots = 0;
    double w = -1, h = -1;
    const char *p = text;
    if (strncmp(p, "<?xml ", 6) == 0) {
        p = strstr(p, "?>");
        if (!p) return svg_fail(why, cap, text, "unterminated declaration");
        p += 2;
    }
    for (;;) {
        const char *lt = strchr(p, '<');
        size_t tn = lt ? (size_t)(lt - p) : strlen(p);
        if (depth == 0) {
            for (size_t i = 0; i < tn; i++)
                if (!isspace((unsigned char)p[i]))
                    return svg_fail(why, cap, p + i, "text outside the root");
        } else if (!svg_text(p, tn, why, cap)) {
            return 0;
        }
        if (!lt) break;
        p = lt + 1;
        int closing = *p == '/';
        p += closing;
        size_t nl = 0;
        while (isalnum((unsigned char)p[nl]) || p[nl] == '-' || p[nl] == ':') nl++;
        if (nl == 0 || nl >= SVG_MAX_NAME) return svg_fail(why, cap, p, "bad tag name");
        char name[SVG_MAX_NAME];
        memcpy(name, p, nl);
        name[nl] = 0;
        p += nl;
        if (closing) {
            while (isspace((unsigned char)*p)) p++;
            if (*p != '>') return svg_fail(why, cap, p, "bad closing tag");
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return svg_fail(why, cap, p, "</%s> closes %s", name,
                                depth ? stack[depth - 1] : "nothing");
            depth--;
            p++;
            continue;
        }
        if (depth == 0) {
            if (roots++ || strcmp(name, "svg") != 0)
                return svg_fail(why, cap, p, "root is not one <svg>");
        }
        int is_root = depth == 0;
        /* attributes */
        for (;;) {
            int space = 0;
            while (isspace((unsigned char)*p)) p++, space = 1;
            if (*p == '>' || (p[0] == '/' && p[1] == '>')) break;
            if (!space) return svg_fail(why, cap, p, "no space before an attribute");
            size_t an = 0;
            while (isalnum((unsigned char)p[an]) || p[an] == '-' || p[an] == ':') an++;
            if (an == 0 || an >= SVG_MAX_NAME || p[an] != '=')
                return svg_fail(why, cap, p, "bad attribute");
            char attr[SVG_MAX_NAME];
            memcpy(attr, p, an);
            attr[an] = 0;
            p += an + 1;
            char q = *p;
            if (q != '"' && q != '\'') return svg_fail(why, cap, p, "unquoted attribute");
            const char *v = ++p, *e = strchr(v, q);
            if (!e) return svg_fail(why, cap, v, "unterminated attribute");
            if (memchr(v, '<', (size_t)(e - v))) return svg_fail(why, cap, v, "'<' in attribute");
            if (is_root && strcmp(attr, "viewBox") == 0) {
                if (sscanf(v, "0 0 %lf %lf", &w, &h) != 2 || !(w > 0) || !(h > 0))
                    return svg_fail(why, cap, v, "viewBox is not 0 0 W H");
            } else if (!is_root && w < 0) {
                return svg_fail(why, cap, v, "no viewBox on the root");
            } else if (!is_root &&
                       !svg_attribute(attr, v, (size_t)(e - v), w, h, why, cap)) {
                return 0;
            }
            p = e + 1;
        }
        if (is_root && w < 0) return svg_fail(why, cap, p, "no viewBox on the root");
        if (*p == '/') {
            p += 2;
            if (depth == 0) return svg_fail(why, cap, p, "empty root");
            continue;
        }
        if (depth == SVG_MAX_DEPTH) return svg_fail(why, cap, p, "nested too deep");
        strcpy(stack[depth++], name);
        p++;
    }
    if (depth) return svg_fail(why, cap, p, "<%s> never closed", stack[depth - 1]);
    if (!roots) return svg_fail(why, cap, text, "no <svg>");
    return 1;
}


/* ------------------------------------------------------------ helpers */

/* Runs a plot into memory; returns the text (caller frees) and the status. */
typedef struct {
    char *text;
    size_t len;
    wlr_status st;
    wlr_error err;
} svg_out;

static svg_out plot_lines(const wlr_plot_options *o, const wlr_plot_series *s,
                          size_t n)
{
    svg_out r = {0};
    FILE *f = open_memstream(&r.text, &r.len);
    r.st = wlr_plot_lines(f, o, s, n, &r.err);
    fclose(f);
    return r;
}

static svg_out plot_scatter(const wlr_plot_options *o, const double *x,
                            const double *y, const uint8_t *c, size_t n,
                            const wlr_plot_line *l, size_t nl)
{
    svg_out r = {0};
    FILE *f = open_memstream(&r.text, &r.len);
    r.st = wlr_plot_scatter(f, o, x, y, c, n, l, nl, &r.err);
    fclose(f);
    return r;
}

/* The plot succeeded and its SVG passes the checker. */
#define CHECK_SVG(r, what)                                                    \
    do {                                                                      \
        char why_[256] = "";                                                  \
        CHECK((r).st == WLR_OK, "%s: status %d (%s)", what, (int)(r).st,      \
              (r).err.message);                                               \
        CHECK((r).st != WLR_OK || svg_check((r).text, why_, sizeof why_),     \
              "%s: %s", what, why_);                                          \
    } while (0)

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++) n++;
    return n;
}

/* ------------------------------------------------------------ the checker */

/* The checker itself must catch what it claims to catch. */
static void test_checker_rejects(void)
{
    static const char *const bad[] = {
        "<svg viewBox=\"0 0 10 10\"><g></svg>",
        "<svg viewBox=\"0 0 10 10\"><g></g>",
        "<svg viewBox=\"0 0 10 10\"><line x1=3 y1=\"2\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><line x1=\"nan\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><line x1=\"11\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><line y2=\"-0.5\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><polyline points=\"1,2 3,40\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><text>a & b</text></svg>",
        "<svg viewBox=\"0 0 10 10\"><text>value inf</text></svg>",
        "<svg viewBox=\"0 0 10 10\"></svg><svg viewBox=\"0 0 1 1\"></svg>",
        "<svg><rect x=\"1\"/></svg>",
        "<svg viewBox=\"0 0 10 10\"><text x=\"1\"y=\"2\">a</text></svg>",
        "<svg viewBox=\"0 0 10 10\"><text transform=\"rotate(-90 50 5)\">a</text></svg>",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char why[256];
        CHECK(!svg_check(bad[k], why, sizeof why), "accepted %s", bad[k]);
    }
    char why[256] = "";
    const char *good = "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 10 10\">"
        "<g><text x=\"1\" y=\"9.5\">information &amp; &lt;b&gt; &#38;</text>"
        "<polyline points=\"0,0 10,10\"/></g></svg>\n";
    CHECK(svg_check(good, why, sizeof why), "rejected a good SVG: %s", why);
}

/* ------------------------------------------------------------ line charts */

static void test_lines_ordinary(void)
{
    double x[50], y1[50], y2[50], gx[2] = {0, 1}, gy[2] = {0, 1};
    for (int i = 0; i < 50; i++) {
        x[i] = i / 49.0;
        y1[i] = sqrt(x[i]);
        y2[i] = x[i] * x[i];
    }
    wlr_plot_series s[3] = {{"sqrt", x, y1, 50, 0, 0, 0}, {"square", x, y2, 50, 0, 0, 0},
                            {"no skill", gx, gy, 2, 1, 0, 0}};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.title = "Two curves";
    o.subtitle = "and a guide";
    o.x_label = "x";
    o.y_label = "y";
    svg_out r = plot_lines(&o, s, 3);
    CHECK_SVG(r, "ordinary");
    if (r.st == WLR_OK) {
        CHECK(count_of(r.text, "<polyline") == 3, "%zu polylines",
              count_of(r.text, "<polyline"));
        CHECK(strstr(r.text, ">sqrt</text>") && strstr(r.text, ">no skill</text>"),
              "legend names missing");
        CHECK(strstr(r.text, "stroke-dasharray"), "the guide is not dashed");
    }
    /* deterministic: the same bytes again */
    svg_out again = plot_lines(&o, s, 3);
    CHECK(again.len == r.len && memcmp(again.text, r.text, r.len) == 0,
          "two runs differ");
    free(r.text);
    free(again.text);
}

static void test_lines_edge_cases(void)
{
    const double inf = INFINITY, nan = NAN;
    double one_x[1] = {3}, one_y[1] = {4};
    double eq_x[4] = {2, 2, 2, 2}, eq_y[4] = {5, 5, 5, 5};
    double bad_x[8] = {0, 1, nan, 3, inf, 5, 6, -inf};
    double bad_y[8] = {1, nan, 2, 3, 4, -inf, 6, 7};
    double big_x[5] = {-DBL_MAX, -1e300, 0, 1e199, DBL_MAX};
    double big_y[5] = {1e199, -1e199, 1e-300, 5e-324, -5e-324};
    double tiny_x[3] = {1, 1 + 2e-16, 1 + 4e-16}, tiny_y[3] = {1e-310, 2e-310, 3e-310};
    double zero_y[4] = {0, -1, 0.5, 1e-3};
    struct {
        const char *what;
        wlr_plot_series s;
        int log_y;
    } cases[] = {
        {"empty series", {"empty", one_x, one_y, 0, 0, 0, 0}, 0},
        {"one point", {"one", one_x, one_y, 1, 0, 0, 0}, 0},
        {"all equal", {"equal", eq_x, eq_y, 4, 0, 0, 0}, 0},
        {"all equal, log", {"equal", eq_x, eq_y, 4, 0, 0, 0}, 1},
        {"NaN and inf", {"holes", bad_x, bad_y, 8, 0, 0, 0}, 0},
        {"huge", {"huge", big_x, big_y, 5, 0, 0, 0}, 0},
        {"huge, log", {"huge", big_x, big_y, 5, 0, 0, 0}, 1},
        {"tiny spans", {"tiny", tiny_x, tiny_y, 3, 0, 0, 0}, 0},
        {"tiny spans, log", {"tiny", tiny_x, tiny_y, 3, 0, 0, 0}, 1},
        {"zero and negative on log", {"zero", eq_x, zero_y, 4, 0, 0, 0}, 1},
        {"no name", {NULL, bad_x, bad_y, 8, 0, 0, 0}, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wlr_plot_options o;
        wlr_plot_defaults(&o);
        o.log_y = cases[k].log_y;
        svg_out r = plot_lines(&o, &cases[k].s, 1);
        CHECK_SVG(r, cases[k].what);
        free(r.text);
    }
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    svg_out r = plot_lines(&o, NULL, 0);
    CHECK_SVG(r, "no series at all");
    free(r.text);
    /* one point between missing ones is drawn as a dot */
    double dx[3] = {nan, 1, nan}, dy[3] = {0, 2, 0};
    wlr_plot_series dot = {"dot", dx, dy, 3, 0, 0, 0};
    r = plot_lines(&o, &dot, 1);
    CHECK_SVG(r, "lonely point");
    CHECK(r.text && count_of(r.text, "<circle") == 1, "no dot for a lone point");
    free(r.text);
}

/* Fixed ranges with data far outside: clipped, not moved. */
static void test_lines_clipped(void)
{
    double x[4] = {-10, 0.5, 20, 0.25}, y[4] = {0.5, 0.5, 30, -1e10};
    wlr_plot_series s = {"wild", x, y, 4, 0, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.x_min = o.y_min = 0;
    o.x_max = o.y_max = 1;
    o.log_y = 0;
    svg_out r = plot_lines(&o, &s, 1);
    CHECK_SVG(r, "clipped");
    free(r.text);
    o.log_y = 1;
    o.y_min = 0.01;
    r = plot_lines(&o, &s, 1);
    CHECK_SVG(r, "clipped, log");
    free(r.text);
}

static void test_text_escaped(void)
{
    double x[2] = {0, 1}, y[2] = {0, 1};
    const char *nasty = "a<b & c>d \"q\" 'p' \x01\x1f tab\there";
    wlr_plot_series s = {nasty, x, y, 2, 0, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.title = nasty;
    o.subtitle = nasty;
    o.x_label = nasty;
    o.y_label = nasty;
    o.class_name[0] = nasty;
    o.class_name[1] = "a very long class name that goes on and on and on, "
                      "far past what a legend can hold: \xc3\xa9\xc3\xa9\xc3\xa9";
    svg_out r = plot_lines(&o, &s, 1);
    CHECK_SVG(r, "escaped text, lines");
    CHECK(r.text && strstr(r.text, "a&lt;b &amp; c&gt;d &quot;q&quot; &apos;p&apos; ??"),
          "not escaped as expected");
    free(r.text);
    uint8_t c[2] = {0, 1};
    wlr_plot_line l = {nasty, 1, 1, -1};
    r = plot_scatter(&o, x, y, c, 2, &l, 1);
    CHECK_SVG(r, "escaped text, scatter");
    free(r.text);
}

/* Long names are cut, UTF-8 characters kept whole. */
static void test_legend_truncated(void)
{
    double x[2] = {0, 1}, y[2] = {0, 1};
    char name[200];
    memset(name, 0, sizeof name);
    for (int i = 0; i < 60; i++) memcpy(name + 2 * i, "\xc3\xa9", 2);
    wlr_plot_series s = {name, x, y, 2, 0, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    svg_out r = plot_lines(&o, &s, 1);
    CHECK_SVG(r, "long name");
    CHECK(r.text && strstr(r.text, "\xc3\xa9...</text>"), "not cut at a character");
    free(r.text);
}

/* Epochs 1..5: ticks at whole numbers only when asked. */
static void test_whole_ticks(void)
{
    double x[5] = {1, 2, 3, 4, 5}, y[5] = {50, 40, 30, 20, 10};
    wlr_plot_series s = {"loss", x, y, 5, 0, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    svg_out r = plot_lines(&o, &s, 1);
    CHECK_SVG(r, "fractional ticks");
    CHECK(r.text && strstr(r.text, ">1.5</text>"), "expected a 1.5 tick");
    free(r.text);
    o.x_whole = 1;
    r = plot_lines(&o, &s, 1);
    CHECK_SVG(r, "whole ticks");
    CHECK(r.text && strstr(r.text, ">3</text>") && !strstr(r.text, ">1.5</text>") &&
          !strstr(r.text, ">3.0</text>"), "x ticks not whole");
    free(r.text);
}

/* Many series, more than the palette and the legend's room. */
static void test_many_series(void)
{
    double x[2] = {0, 1}, y[40][2];
    wlr_plot_series s[40];
    for (int k = 0; k < 40; k++) {
        y[k][0] = k;
        y[k][1] = k + 1;
        s[k] = (wlr_plot_series){"series", x, y[k], 2, 0, 0, 0};
    }
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.height = 200;
    svg_out r = plot_lines(&o, s, 40);
    CHECK_SVG(r, "40 series");
    free(r.text);
}

/* ------------------------------------------------------------ scatter */

static void test_scatter_minority_visible(void)
{
    size_t n = 100000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    uint8_t *c = malloc(n);
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = sin((double)i) * 3;
        y[i] = cos((double)i * 1.3) * 2;
        c[i] = i % 97 == 0;
        n1 += c[i];
    }
    wlr_plot_line lines[4] = {{"inside", 1, -1, 0},
                              {"far away", 1, 1, -1000},
                              {"vertical", 1, 0, 0.5},
                              {"degenerate", 0, 0, 1}};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.title = "scatter";
    svg_out r = plot_scatter(&o, x, y, c, n, lines, 4);
    CHECK_SVG(r, "scatter");
    if (r.text) {
        /* class 1's group comes after class 0's, and holds every class 1 row */
        const char *g0 = strstr(r.text, "fill-opacity"), *g1 = strstr(r.text, "<g fill=\"#F0E442\"");
        CHECK(g0 && g1 && g1 > g0, "minority not drawn last");
        size_t dots = count_of(r.text, "<circle");
        CHECK(dots >= n1 + WLR_PLOT_MAX_POINTS && dots <= n1 + WLR_PLOT_MAX_POINTS + 2,
              "%zu dots for %zu + %d", dots, n1, WLR_PLOT_MAX_POINTS);
        CHECK(strstr(r.text, "far away (not in view)"), "missing line not marked");
        CHECK(strstr(r.text, "degenerate (not in view)"), "degenerate line not marked");
        CHECK(!strstr(r.text, "inside (not in view)"), "visible line marked missing");
        CHECK(count_of(r.text, "stroke-width=\"2.5\"") >= 2 + 4, "lines not drawn");
    }
    free(r.text);
    free(x);
    free(y);
    free(c);
}

static void test_scatter_edge_cases(void)
{
    const double inf = INFINITY, nan = NAN;
    double x[6] = {nan, 1, inf, 1e300, 2, 2}, y[6] = {1, nan, 2, -1e300, 2, 2};
    uint8_t c[6] = {0, 1, 0, 1, 1, 0};
    wlr_plot_line l[2] = {{"broken line", nan, 1, 0}, {"huge", 1e300, -1e-300, 1e308}};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    svg_out r = plot_scatter(&o, x, y, c, 6, l, 2);
    CHECK_SVG(r, "scatter with bad points");
    free(r.text);
    r = plot_scatter(&o, NULL, NULL, NULL, 0, NULL, 0);
    CHECK_SVG(r, "empty scatter");
    free(r.text);
    r = plot_scatter(&o, x + 4, y + 4, c + 4, 2, l, 1);
    CHECK_SVG(r, "all equal scatter");
    free(r.text);
    o.log_y = 1;
    r = plot_scatter(&o, x, y, c, 6, l, 2);
    CHECK_SVG(r, "log scatter");
    free(r.text);
}

/* ------------------------------------------------------------ refusals */

static void test_refusals(void)
{
    double x[2] = {0, 1};
    uint8_t bad_class[2] = {0, 2};
    wlr_plot_series s = {"a", x, x, 2, 0, 0, 0}, no_data = {"b", NULL, x, 2, 0, 0, 0};
    wlr_plot_options o;
    struct {
        const char *what, *message;
        int field;
        double v;
    } opts[] = {
        {"narrow", "size", 0, 10}, {"huge", "size", 1, 1e5},
        {"x range", "x_min", 2, 0}, {"y range", "y_min", 3, 0},
        {"log y", "log y", 4, 0}, {"inf limit", "x_max", 5, 0},
    };
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        wlr_plot_defaults(&o);
        switch (opts[k].field) {
        case 0: o.width = (int)opts[k].v; break;
        case 1: o.height = (int)opts[k].v; break;
        case 2: o.x_min = 1; o.x_max = 1; break;
        case 3: o.y_min = 2; o.y_max = 1; break;
        case 4: o.log_y = 1; o.y_min = 0; break;
        case 5: o.x_max = INFINITY; break;
        }
        svg_out r = plot_lines(&o, &s, 1);
        CHECK(r.st == WLR_ERR_ARG, "%s: status %d", opts[k].what, (int)r.st);
        CHECK(strstr(r.err.message, opts[k].message), "%s: message '%s'",
              opts[k].what, r.err.message);
        CHECK(r.len == 0, "%s: wrote %zu bytes", opts[k].what, r.len);
        free(r.text);
    }
    wlr_plot_defaults(&o);
    svg_out r = plot_lines(&o, &no_data, 1);
    CHECK(r.st == WLR_ERR_ARG && strstr(r.err.message, "series 0"), "no x: %s",
          r.err.message);
    free(r.text);
    r = plot_scatter(&o, x, x, bad_class, 2, NULL, 0);
    CHECK(r.st == WLR_ERR_ARG && strstr(r.err.message, "class 2"), "class 2: %s",
          r.err.message);
    free(r.text);
    r = plot_scatter(&o, x, NULL, bad_class, 2, NULL, 0);
    CHECK(r.st == WLR_ERR_ARG, "no y: status %d", (int)r.st);
    free(r.text);
}

/* A stream that cannot be written gives WLR_ERR_IO. */
static void test_write_error(void)
{
    char path[] = "/tmp/wlr-plot-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    if (fd < 0) return;
    close(fd);
    FILE *f = fopen(path, "r");
    double x[2] = {0, 1};
    wlr_plot_series s = {"a", x, x, 2, 0, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    wlr_error err;
    CHECK(wlr_plot_lines(f, &o, &s, 1, &err) == WLR_ERR_IO, "no I/O error");
    fclose(f);
    remove(path);
}

/* ------------------------------------------------------------ files */

/* build/tests/test_plot FILE...: checks each file; exit 1 if any fails. */
static int check_files(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        char *text = NULL, why[256] = "";
        size_t len = 0;
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = (size_t)ftell(f), 1) &&
            fseek(f, 0, SEEK_SET) == 0 && (text = malloc(len + 1)) &&
            fread(text, 1, len, f) == len) {
            text[len] = 0;
            if (svg_check(text, why, sizeof why)) printf("ok %s\n", argv[i]);
            else printf("BAD %s: %s\n", argv[i], why), bad = 1;
        } else {
            printf("BAD %s: cannot read\n", argv[i]);
            bad = 1;
        }
        free(text);
        if (f) fclose(f);
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc > 1) return check_files(argc, argv);
    RUN(test_checker_rejects);
    RUN(test_lines_ordinary);
    RUN(test_lines_edge_cases);
    RUN(test_lines_clipped);
    RUN(test_text_escaped);
    RUN(test_legend_truncated);
    RUN(test_whole_ticks);
    RUN(test_many_series);
    RUN(test_scatter_minority_visible);
    RUN(test_scatter_edge_cases);
    RUN(test_refusals);
    RUN(test_write_error);
    return check_summary();
}
