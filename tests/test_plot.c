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


/* ------------------------------------------------- picture against data */

/*
 * svg_inspect() reads a picture that passed svg_check() and checks what the
 * eye would: the layout (every element inside the view box, no side left
 * more than SVG_MAX_MARGIN pixels empty, legend entries clear of each other
 * and of the plot box, so never over a line) and, given its CSV, that the
 * picture draws the CSV's points: every vertex and dot of a series is a
 * CSV point of that series mapped through the box's data-axes (or a point
 * where the line was clipped at the box), and every CSV point inside the
 * box is drawn, as a vertex or within the sub-pixel step plot.c skips; for
 * a scatter, each class's dots are exactly its CSV rows.
 *
 * Text has no size in SVG until a font draws it: its box is estimated as
 * plot.c lays it out, 0.6 em a character, from 0.75 em above the baseline
 * to 0.25 em below.
 */
#define SVG_MAX_ATTRS 16
#define SVG_MAX_MARGIN 30.0
/* Coordinates are written with one decimal: 0.05 px each, and the box's. */
#define SVG_ROUNDING 0.2
/* plot.c skips line points closer than 0.3 px (L1) to the last one drawn;
 * with the rounding of both ends, 0.7 px. */
#define SVG_SKIPPED 0.7

typedef struct {
    char tag[SVG_MAX_NAME];
    int closing, self_closing;
    int n_attr;
    char attr[SVG_MAX_ATTRS][SVG_MAX_NAME];
    const char *val[SVG_MAX_ATTRS];
    size_t val_len[SVG_MAX_ATTRS];
    const char *text;  /* what follows the tag, up to the next '<' */
    size_t text_len;
} svg_el;

/* The next tag from *p; 0 at the end. */
static int svg_next(const char **p, svg_el *el)
{
    const char *s = *p;
    for (;;) {
        s = strchr(s, '<');
        if (!s) return 0;
        if (s[1] != '?') break;
        s = strstr(s, "?>");
        if (!s) return 0;
    }
    memset(el, 0, sizeof *el);
    s++;
    el->closing = *s == '/';
    s += el->closing;
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == ':') n++;
    if (n >= SVG_MAX_NAME) n = SVG_MAX_NAME - 1;
    memcpy(el->tag, s, n);
    s += n;
    for (;;) {
        while (isspace((unsigned char)*s)) s++;
        if (*s == '>' || *s == '/' || !*s) break;
        size_t an = strcspn(s, "=");
        const char *v = s + an + 2, *e = strchr(v, s[an + 1]);
        if (!e) return 0;
        if (el->n_attr < SVG_MAX_ATTRS) {
            size_t k = (size_t)el->n_attr++;
            memcpy(el->attr[k], s, an < SVG_MAX_NAME ? an : SVG_MAX_NAME - 1);
            el->val[k] = v;
            el->val_len[k] = (size_t)(e - v);
        }
        s = e + 1;
    }
    el->self_closing = *s == '/';
    s = strchr(s, '>');
    if (!s) return 0;
    el->text = s + 1;
    el->text_len = strcspn(s + 1, "<");
    *p = s + 1;
    return 1;
}

/* An attribute's value, unescaped into buf (NULL when absent). */
static const char *svg_attr(const svg_el *el, const char *name, char *buf,
                            size_t cap)
{
    for (int k = 0; k < el->n_attr; k++) {
        if (strcmp(el->attr[k], name)) continue;
        size_t o = 0;
        for (size_t i = 0; i < el->val_len[k] && o + 1 < cap; i++) {
            static const char *const ent[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
            static const char chr[] = "&<>\"'";
            int done = 0;
            for (int j = 0; j < 5 && !done; j++)
                if (strncmp(el->val[k] + i, ent[j], strlen(ent[j])) == 0) {
                    buf[o++] = chr[j];
                    i += strlen(ent[j]) - 1;
                    done = 1;
                }
            if (!done) buf[o++] = el->val[k][i];
        }
        buf[o] = 0;
        return buf;
    }
    return NULL;
}

static double svg_num(const svg_el *el, const char *name)
{
    char buf[64];
    const char *v = svg_attr(el, name, buf, sizeof buf);
    return v ? strtod(v, NULL) : NAN;
}

/* Characters of a text's content, an entity counting one. */
static size_t svg_text_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&') {
            const char *semi = memchr(s + i, ';', n - i);
            if (semi) i = (size_t)(semi - s);
        }
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return chars;
}

typedef struct {
    double x0, y0, x1, y1;
} svg_box;

static void box_add(svg_box *b, double x0, double y0, double x1, double y1)
{
    if (x0 < b->x0) b->x0 = x0;
    if (y0 < b->y0) b->y0 = y0;
    if (x1 > b->x1) b->x1 = x1;
    if (y1 > b->y1) b->y1 = y1;
}

/* The box an element covers (the estimate above for text); 0 for an
 * element that draws nothing. */
static int svg_extent(const svg_el *el, svg_box *b)
{
    *b = (svg_box){INFINITY, INFINITY, -INFINITY, -INFINITY};
    char buf[64];
    if (strcmp(el->tag, "line") == 0) {
        box_add(b, fmin(svg_num(el, "x1"), svg_num(el, "x2")),
                fmin(svg_num(el, "y1"), svg_num(el, "y2")),
                fmax(svg_num(el, "x1"), svg_num(el, "x2")),
                fmax(svg_num(el, "y1"), svg_num(el, "y2")));
    } else if (strcmp(el->tag, "rect") == 0) {
        double x = svg_num(el, "x"), y = svg_num(el, "y");
        box_add(b, x, y, x + svg_num(el, "width"), y + svg_num(el, "height"));
    } else if (strcmp(el->tag, "circle") == 0) {
        double x = svg_num(el, "cx"), y = svg_num(el, "cy"), r = svg_num(el, "r");
        box_add(b, x - r, y - r, x + r, y + r);
    } else if (strcmp(el->tag, "polyline") == 0) {
        for (int k = 0; k < el->n_attr; k++) {
            if (strcmp(el->attr[k], "points")) continue;
            const char *p = el->val[k], *end = p + el->val_len[k];
            while (p < end) {
                char *e;
                double x = strtod(p, &e);
                double y = strtod(e + 1, &e);
                box_add(b, x, y, x, y);
                p = e;
                while (p < end && *p == ' ') p++;
            }
        }
    } else if (strcmp(el->tag, "text") == 0) {
        double size = svg_num(el, "font-size");
        double w = 0.6 * size * (double)svg_text_chars(el->text, el->text_len);
        double x = svg_num(el, "x"), y = svg_num(el, "y");
        const char *anchor = svg_attr(el, "text-anchor", buf, sizeof buf);
        double left = !anchor || strcmp(anchor, "start") == 0 ? x
                      : strcmp(anchor, "middle") == 0 ? x - w / 2 : x - w;
        if (svg_attr(el, "transform", buf, sizeof buf)) /* rotate(-90): up */
            box_add(b, x - 0.75 * size, y - (left + w - x), x + 0.25 * size,
                    y + (x - left));
        else
            box_add(b, left, y - 0.75 * size, left + w, y + 0.25 * size);
    } else {
        return 0;
    }
    return b->x0 <= b->x1;
}

static int boxes_meet(const svg_box *a, const svg_box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* ---- the CSV beside a picture */

typedef struct {
    char name[128];    /* series, or "0"/"1" for a scatter's class */
    double x, y;
} csv_point;

/* The next field of a CSV line into buf (quotes undone); returns the rest. */
static const char *csv_field(const char *s, char *buf, size_t cap)
{
    size_t o = 0;
    if (*s == '"') {
        for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
            if (*s == '"') s++;
            if (o + 1 < cap) buf[o++] = *s;
        }
        if (*s == '"') s++;
    } else {
        for (; *s && *s != ',' && *s != '\n'; s++)
            if (o + 1 < cap) buf[o++] = *s;
    }
    buf[o] = 0;
    return *s == ',' ? s + 1 : s;
}

/* Reads the points of a line chart's CSV (series,x,y) or a scatter's
 * (row,x,y,class); NULL on a malformed file. */
static csv_point *csv_points(const char *text, int scatter, size_t *n)
{
    size_t cap = 1024;
    csv_point *pts = malloc(cap * sizeof *pts);
    *n = 0;
    const char *line = strchr(text, '\n');
    if (!pts || !line) {
        free(pts);
        return NULL;
    }
    for (line++; *line; line = strchr(line, '\n') + 1) {
        char f[4][128];
        const char *s = line;
        for (int k = 0; k < 4; k++) s = csv_field(s, f[k], sizeof f[k]);
        if (*n == cap) {
            csv_point *more = realloc(pts, 2 * cap * sizeof *pts);
            if (!more) break;
            pts = more;
            cap *= 2;
        }
        csv_point *p = &pts[(*n)++];
        snprintf(p->name, sizeof p->name, "%s", scatter ? f[3] : f[0]);
        p->x = strtod(f[1], NULL);
        p->y = strtod(f[2], NULL);
        if (!strchr(line, '\n')) break;
    }
    return pts;
}

/* The plot box and its axes, from the <rect> with data-axes. */
typedef struct {
    double left, top, right, bottom;
    double lo[2], hi[2];
    int log[2];
} svg_axes;

/* A CSV point in pixels; 0 if the axes cannot show it. */
static int svg_map(const svg_axes *a, double x, double y, double px[2])
{
    double v[2] = {x, y};
    for (int k = 0; k < 2; k++) {
        if (!isfinite(v[k]) || fabs(v[k]) > WLR_PLOT_MAX_ABS) return 0;
        if (a->log[k]) {
            if (!(v[k] > 0)) return 0;
            v[k] = log10(v[k]);
        }
    }
    px[0] = a->left + (v[0] - a->lo[0]) / (a->hi[0] - a->lo[0]) * (a->right - a->left);
    px[1] = a->bottom - (v[1] - a->lo[1]) / (a->hi[1] - a->lo[1]) * (a->bottom - a->top);
    return 1;
}

static int svg_inside(const svg_axes *a, const double p[2], double margin)
{
    return p[0] >= a->left + margin && p[0] <= a->right - margin &&
           p[1] >= a->top + margin && p[1] <= a->bottom - margin;
}

/* A drawn point: a polyline vertex or a dot, and its series or class. */
typedef struct {
    char name[128];
    double x, y;
} svg_vertex;

static int vertex_order(const void *a, const void *b)
{
    double d = ((const svg_vertex *)a)->x - ((const svg_vertex *)b)->x;
    return d < 0 ? -1 : d > 0;
}

/* Is there a vertex of that name within tol (each coordinate; L1 if l1)
 * of p? v is sorted by x. */
static int near_vertex(const svg_vertex *v, size_t n, const char *name,
                       const double p[2], double tol, int l1)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].x < p[0] - tol) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < n && v[i].x <= p[0] + tol; i++) {
        double dx = fabs(v[i].x - p[0]), dy = fabs(v[i].y - p[1]);
        if ((l1 ? dx + dy <= tol : dx <= tol && dy <= tol) &&
            strcmp(v[i].name, name) == 0)
            return 1;
    }
    return 0;
}

/* Every drawn vertex is a CSV point's image or on the box's edge (a clip);
 * every CSV point well inside the box is drawn; for a scatter, as many dots
 * of each class as its CSV rows inside the box. */
static int svg_against_csv(const svg_axes *ax, svg_vertex *v, size_t nv,
                           const char *csv, int scatter, char *why, size_t cap)
{
    size_t n;
    csv_point *pts = csv_points(csv, scatter, &n);
    if (!pts) return svg_fail(why, cap, csv, "CSV without a header and rows");
    svg_vertex *img = malloc((n + 1) * sizeof *img);
    size_t ni = 0, inside[2] = {0, 0}, dots[2] = {0, 0};
    int ok = img != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        double p[2];
        if (!svg_map(ax, pts[i].x, pts[i].y, p)) continue;
        snprintf(img[ni].name, sizeof img[ni].name, "%s", pts[i].name);
        img[ni].x = p[0];
        img[ni].y = p[1];
        ni++;
        if (scatter && svg_inside(ax, p, 0)) inside[pts[i].name[0] == '1']++;
    }
    qsort(v, nv, sizeof *v, vertex_order);
    if (ok) qsort(img, ni, sizeof *img, vertex_order);
    for (size_t i = 0; ok && i < nv; i++) {
        double p[2] = {v[i].x, v[i].y};
        if (scatter) dots[v[i].name[0] == '1']++;
        int edge = fabs(p[0] - ax->left) <= SVG_ROUNDING ||
                   fabs(p[0] - ax->right) <= SVG_ROUNDING ||
                   fabs(p[1] - ax->top) <= SVG_ROUNDING ||
                   fabs(p[1] - ax->bottom) <= SVG_ROUNDING;
        if (!(edge && !scatter) && !near_vertex(img, ni, v[i].name, p, SVG_ROUNDING, 0)) {
            snprintf(why, cap, "drawn point (%.1f, %.1f) of '%s' is no CSV point",
                     p[0], p[1], v[i].name);
            ok = 0;
        }
    }
    for (size_t i = 0; ok && i < ni; i++) {
        double p[2] = {img[i].x, img[i].y};
        if (svg_inside(ax, p, SVG_ROUNDING) &&
            !near_vertex(v, nv, img[i].name, p, scatter ? SVG_ROUNDING : SVG_SKIPPED,
                         !scatter)) {
            snprintf(why, cap, "CSV point of '%s' at (%.2f, %.2f) px is not drawn",
                     img[i].name, p[0], p[1]);
            ok = 0;
        }
    }
    for (int k = 0; ok && scatter && k < 2; k++)
        if (dots[k] != inside[k]) {
            snprintf(why, cap, "class %d: %zu dots, %zu CSV rows in the box", k,
                     dots[k], inside[k]);
            ok = 0;
        }
    if (!img) snprintf(why, cap, "out of memory");
    free(img);
    free(pts);
    return ok;
}

/* The layout and, when csv is not NULL, the data (see above). */
static int svg_inspect(const char *svg, const char *csv, char *why, size_t cap)
{
    const char *p = svg;
    svg_el el;
    double w = 0, h = 0;
    svg_axes ax = {0};
    int have_axes = 0, scatter = 0;
    svg_box content = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    svg_box legend[256];
    size_t n_legend = 0, nv = 0, cap_v = 1024;
    svg_vertex *v = malloc(cap_v * sizeof *v);
    /* open elements: whether each is the legend, the defs, a class group */
    int in_legend[SVG_MAX_DEPTH + 1] = {0}, in_defs[SVG_MAX_DEPTH + 1] = {0};
    int in_class[SVG_MAX_DEPTH + 1];
    int depth = 0, ok = v != NULL;
    in_class[0] = -1;
    char buf[256];
    while (ok && svg_next(&p, &el)) {
        if (el.closing) {
            if (depth > 0) depth--;
            continue;
        }
        int legend_here = in_legend[depth] || svg_attr(&el, "data-legend", buf, sizeof buf);
        int defs_here = in_defs[depth] || strcmp(el.tag, "defs") == 0;
        int class_here = in_class[depth];
        if (svg_attr(&el, "data-class", buf, sizeof buf)) class_here = buf[0] == '1';
        if (strcmp(el.tag, "svg") == 0) {
            w = svg_num(&el, "width");
            h = svg_num(&el, "height");
        }
        if (svg_attr(&el, "data-axes", buf, sizeof buf)) {
            sscanf(buf, "%lf %lf %lf %lf", &ax.lo[0], &ax.hi[0], &ax.lo[1], &ax.hi[1]);
            if (svg_attr(&el, "data-log", buf, sizeof buf))
                sscanf(buf, "%d %d", &ax.log[0], &ax.log[1]);
            ax.left = svg_num(&el, "x");
            ax.top = svg_num(&el, "y");
            ax.right = ax.left + svg_num(&el, "width");
            ax.bottom = ax.top + svg_num(&el, "height");
            have_axes = 1;
        }
        svg_box b;
        int background = strcmp(el.tag, "rect") == 0 && svg_num(&el, "x") == 0 &&
                         svg_num(&el, "y") == 0 && svg_num(&el, "width") == w &&
                         svg_num(&el, "height") == h;
        if (!defs_here && !background && svg_extent(&el, &b)) {
            if (b.x0 < -1 || b.y0 < -1 || b.x1 > w + 1 || b.y1 > h + 1) {
                snprintf(why, cap, "<%s> reaches (%.0f, %.0f)-(%.0f, %.0f), "
                         "outside the %.0f x %.0f view box", el.tag, b.x0, b.y0,
                         b.x1, b.y1, w, h);
                ok = 0;
            }
            box_add(&content, b.x0, b.y0, b.x1, b.y1);
            if (legend_here && n_legend < 256) legend[n_legend++] = b;
        }
        /* the drawn points */
        const char *series = svg_attr(&el, "data-series", buf, sizeof buf);
        int is_dot = strcmp(el.tag, "circle") == 0, is_line = strcmp(el.tag, "polyline") == 0;
        if ((series || class_here >= 0) && (is_dot || is_line) && !legend_here) {
            char name[128];
            snprintf(name, sizeof name, "%s", series ? series : class_here ? "1" : "0");
            scatter |= !series;
            for (int k = 0; k < el.n_attr && ok; k++) {
                int pts = is_line && strcmp(el.attr[k], "points") == 0;
                int centre = is_dot && strcmp(el.attr[k], "cx") == 0;
                if (!pts && !centre) continue;
                const char *s = el.val[k], *end = s + el.val_len[k];
                while (s < end) {
                    char *e;
                    double x = strtod(s, &e), y;
                    if (centre) y = svg_num(&el, "cy");
                    else y = strtod(e + 1, &e);
                    if (nv == cap_v) {
                        svg_vertex *more = realloc(v, 2 * cap_v * sizeof *v);
                        if (!more) { ok = 0; break; }
                        v = more;
                        cap_v *= 2;
                    }
                    snprintf(v[nv].name, sizeof v[nv].name, "%s", name);
                    v[nv].x = x;
                    v[nv++].y = y;
                    if (centre) break;
                    s = e;
                    while (s < end && *s == ' ') s++;
                }
            }
        }
        if (!el.self_closing && depth < SVG_MAX_DEPTH) {
            depth++;
            in_legend[depth] = legend_here;
            in_defs[depth] = defs_here;
            in_class[depth] = class_here;
        }
    }
    if (ok && !have_axes) ok = svg_fail(why, cap, svg, "no plot box with data-axes");
    /* no side of the view box left empty */
    if (ok && (content.x0 > SVG_MAX_MARGIN || content.y0 > SVG_MAX_MARGIN ||
               w - content.x1 > SVG_MAX_MARGIN || h - content.y1 > SVG_MAX_MARGIN)) {
        snprintf(why, cap, "empty margins: content spans (%.0f, %.0f)-(%.0f, %.0f) "
                 "of %.0f x %.0f", content.x0, content.y0, content.x1, content.y1, w, h);
        ok = 0;
    }
    /* legend entries apart from each other and from the plot box */
    svg_box plot = {ax.left, ax.top, ax.right, ax.bottom};
    for (size_t i = 0; ok && i < n_legend; i++) {
        if (boxes_meet(&legend[i], &plot)) {
            snprintf(why, cap, "legend element at (%.0f, %.0f) is over the plot box",
                     legend[i].x0, legend[i].y0);
            ok = 0;
        }
        for (size_t j = 0; ok && j < i; j++)
            if (boxes_meet(&legend[i], &legend[j])) {
                snprintf(why, cap, "legend elements at (%.0f, %.0f) and (%.0f, %.0f) "
                         "overlap", legend[i].x0, legend[i].y0, legend[j].x0, legend[j].y0);
                ok = 0;
            }
    }
    if (ok && csv) ok = svg_against_csv(&ax, v, nv, csv, scatter, why, cap);
    free(v);
    return ok;
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
        CHECK((r).st != WLR_OK || (svg_check((r).text, why_, sizeof why_) &&  \
                                   svg_inspect((r).text, NULL, why_,          \
                                               sizeof why_)),                 \
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

/* The dots of class k: the circles in the group data-class="k". */
static size_t class_dots(const char *text, int k)
{
    char tag[32];
    snprintf(tag, sizeof tag, "<g data-class=\"%d\"", k);
    const char *g = strstr(text, tag), *end = g ? strstr(g, "</g>") : NULL;
    size_t n = 0;
    for (const char *p = g; p && p < end && (p = strstr(p, "<circle")) && p < end; p++) n++;
    return n;
}

/* 100,000 points, 1 % of class 1: every 25th row of each class is drawn
 * (the same rate for both, so the minority looks as rare as it is), the
 * minority last, on top, and the legend says how it was sampled. */
static void test_scatter_sampled_evenly(void)
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
    size_t k = (n + WLR_PLOT_MAX_POINTS - 1) / WLR_PLOT_MAX_POINTS;
    CHECK(k == 25, "step %zu", k);
    if (r.text) {
        const char *g0 = strstr(r.text, "<g data-class=\"0\""), *g1 = strstr(r.text, "<g data-class=\"1\"");
        CHECK(g0 && g1 && g1 > g0, "minority not drawn last");
        size_t d0 = class_dots(r.text, 0), d1 = class_dots(r.text, 1);
        CHECK(d1 == (n1 + k - 1) / k, "class 1: %zu dots of %zu rows", d1, n1);
        CHECK(d0 == (n - n1 + k - 1) / k, "class 0: %zu dots of %zu rows", d0, n - n1);
        /* the same share of each class, to the rounding of ceil */
        CHECK(fabs((double)d1 / (double)n1 - (double)d0 / (double)(n - n1)) < 1.0 / (double)n1,
              "rates differ: %zu / %zu and %zu / %zu", d1, n1, d0, n - n1);
        CHECK(strstr(r.text, ">every 25th row of each class</text>"), "no sampling note");
        CHECK(strstr(r.text, "far away (not in view)"), "missing line not marked");
        CHECK(strstr(r.text, "degenerate (not in view)"), "degenerate line not marked");
        CHECK(!strstr(r.text, "inside (not in view)"), "visible line marked missing");
        CHECK(count_of(r.text, "stroke-width=\"2.5\"") >= 2 + 4, "lines not drawn");
    }
    /* the CSV holds exactly the drawn rows */
    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    wlr_error err;
    CHECK(wlr_plot_scatter_csv(f, &o, x, y, c, n, &err) == WLR_OK, "csv: %s", err.message);
    fclose(f);
    CHECK(strncmp(csv, "row,x,y,class\n0,0,2,1\n", 22) == 0, "csv starts '%.40s'", csv);
    CHECK(count_of(csv, "\n") == 1 + (n1 + k - 1) / k + (n - n1 + k - 1) / k,
          "%zu CSV lines", count_of(csv, "\n"));
    char why[256] = "";
    CHECK(r.text && svg_inspect(r.text, csv, why, sizeof why), "SVG against CSV: %s", why);
    free(csv);
    /* fewer points than the cap: every row, and the legend says so */
    svg_out all = plot_scatter(&o, x, y, c, 500, lines, 1);
    CHECK_SVG(all, "small scatter");
    CHECK(all.text && strstr(all.text, ">every row shown</text>") &&
          class_dots(all.text, 1) == 6, "small scatter: not every row");
    free(all.text);
    free(r.text);
    free(x);
    free(y);
    free(c);
}

/* A line chart's CSV: the header, then every point of every series, and
 * the picture draws those points (svg_inspect). */
static void test_lines_csv(void)
{
    double x[200], y1[200], y2[200];
    for (int i = 0; i < 200; i++) {
        x[i] = i / 199.0;
        y1[i] = sin(6 * x[i]);
        y2[i] = i == 100 ? NAN : x[i] * x[i];
    }
    wlr_plot_series s[3] = {{"sine, \"quoted\"", x, y1, 200, 0, 0, 0},
                            {"square", x, y2, 200, 0, 0, 0},
                            {"a dot", x + 50, y1 + 10, 1, 0, 0, 0}};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.x_column = "time";
    o.y_column = "value, in units";
    char *csv = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&csv, &len);
    wlr_error err;
    CHECK(wlr_plot_lines_csv(f, &o, s, 3, &err) == WLR_OK, "%s", err.message);
    fclose(f);
    CHECK(strncmp(csv, "series,time,\"value, in units\"\n\"sine, \"\"quoted\"\"\",0,0\n", 52) == 0,
          "CSV starts '%.60s'", csv);
    CHECK(count_of(csv, "\n") == 1 + 401, "%zu lines", count_of(csv, "\n"));
    CHECK(strstr(csv, "square,0.5025125628140703,nan\n"), "NaN point not kept in the CSV");
    svg_out r = plot_lines(&o, s, 3);
    CHECK_SVG(r, "lines for CSV");
    char why[256] = "";
    CHECK(r.text && svg_inspect(r.text, csv, why, sizeof why), "SVG against CSV: %s", why);
    CHECK(r.text && strstr(r.text, "<circle data-series=\"a dot\""), "the lone point is no dot");
    /* a CSV that says otherwise is caught: a point moved, a series renamed */
    char *moved = malloc(len + 16), *at = strstr(csv, "\nsquare,0.3015075376884422,");
    CHECK(at != NULL, "no point 60 of square in the CSV");
    if (at) {
        const char *next = strchr(at + 1, '\n');
        sprintf(moved, "%.*s\nsquare,0.3015075376884422,0.5%s", (int)(at - csv), csv, next);
    }
    CHECK(r.text && at && !svg_inspect(r.text, moved, why, sizeof why), "moved point not caught");
    char *renamed = strdup(csv);
    for (char *sq = renamed; (sq = strstr(sq, "square")); sq++) memcpy(sq, "squire", 6);
    CHECK(r.text && !svg_inspect(r.text, renamed, why, sizeof why), "renamed series not caught");
    free(moved);
    free(renamed);
    free(r.text);
    free(csv);
}

/* A log x axis (class weights 1..1000) maps each point to its log. */
static void test_log_x(void)
{
    double x[4] = {1, 10, 100, 1000}, y[4] = {0.01, 0.5, 0.9, 0.99};
    wlr_plot_series s = {"share", x, y, 4, 0, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.log_x = 1;
    svg_out r = plot_lines(&o, &s, 1);
    CHECK_SVG(r, "log x");
    CHECK(r.text && strstr(r.text, "data-log=\"1 0\""), "axes not marked log");
    CHECK(r.text && strstr(r.text, ">100</text>") && strstr(r.text, ">1000</text>"),
          "no decade ticks");
    /* the four points equally spaced across */
    const char *pts = r.text ? strstr(r.text, "points=\"") : NULL;
    double px[4] = {0}, py;
    CHECK(pts && sscanf(pts + 8, "%lf,%lf %lf,%lf %lf,%lf %lf,%lf", &px[0], &py, &px[1],
                        &py, &px[2], &py, &px[3], &py) == 8, "points not read");
    CHECK(fabs((px[1] - px[0]) - (px[3] - px[2])) < 0.2, "decades not even: %g %g %g %g",
          px[0], px[1], px[2], px[3]);
    free(r.text);
    o.x_min = 0;
    r = plot_lines(&o, &s, 1);
    CHECK(r.st == WLR_ERR_ARG && strstr(r.err.message, "log x axis"), "x_min 0 on log x: %s",
          r.err.message);
    free(r.text);
}

/* The clip path's id is the caller's, so that several pictures can share
 * one page; one that would need escaping is refused. */
static void test_clip_id(void)
{
    double x[2] = {0, 1};
    wlr_plot_series s = {"a", x, x, 2, 0, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    svg_out r = plot_lines(&o, &s, 1);
    CHECK(r.text && strstr(r.text, "<clipPath id=\"box\">") &&
          strstr(r.text, "clip-path=\"url(#box)\""), "default id not box");
    free(r.text);
    o.id = "roc-box2";
    r = plot_lines(&o, &s, 1);
    CHECK(r.text && strstr(r.text, "<clipPath id=\"roc-box2\">") &&
          strstr(r.text, "clip-path=\"url(#roc-box2)\"") && !strstr(r.text, "#box)"),
          "id not used");
    free(r.text);
    const char *bad[] = {"", "2box", "a b", "a\"b", "x<"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        o.id = bad[k];
        r = plot_lines(&o, &s, 1);
        CHECK(r.st == WLR_ERR_ARG && strstr(r.err.message, "id") && r.len == 0,
              "id '%s' accepted", bad[k]);
        free(r.text);
    }
}

/* No legend entry is ever left out or drawn over another or over the
 * plot: 40 named series in a 200 px chart make it taller. */
static void test_legend_all_shown(void)
{
    double x[2] = {0, 1}, y[40][2];
    char names[40][24];
    wlr_plot_series s[40];
    for (int k = 0; k < 40; k++) {
        y[k][0] = k;
        y[k][1] = k + 1;
        snprintf(names[k], sizeof names[k], "series %d", k);
        s[k] = (wlr_plot_series){names[k], x, y[k], 2, 0, 0, 0};
    }
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.height = 200;
    svg_out r = plot_lines(&o, s, 40);
    CHECK_SVG(r, "40 legend entries");
    CHECK(r.text && strstr(r.text, ">series 39</text>"), "last entry left out");
    int h = 0;
    CHECK(r.text && sscanf(strstr(r.text, "height=\""), "height=\"%d", &h) == 1 &&
          h >= 40 * 20, "height %d for 40 entries", h);
    free(r.text);
}

/* The inspector itself catches what it claims to: an entry over another,
 * one over the plot box, a wide empty side, text past the edge. */
static void test_inspector_rejects(void)
{
    static const char *const bad[] = {
        /* two legend entries on one row */
        "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\">"
        "<rect x=\"10\" y=\"10\" width=\"300\" height=\"280\" data-axes=\"0 1 0 1\" data-log=\"0 0\"/>"
        "<g data-legend=\"1\"><text x=\"320\" y=\"20\" font-size=\"13\">aaa</text>"
        "<text x=\"330\" y=\"24\" font-size=\"13\">bbb</text></g></svg>",
        /* a legend entry over the plot box */
        "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\">"
        "<rect x=\"10\" y=\"10\" width=\"380\" height=\"280\" data-axes=\"0 1 0 1\" data-log=\"0 0\"/>"
        "<g data-legend=\"1\"><line x1=\"300\" y1=\"20\" x2=\"326\" y2=\"20\"/></g></svg>",
        /* 100 px empty at the right */
        "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\">"
        "<rect x=\"10\" y=\"10\" width=\"290\" height=\"280\" data-axes=\"0 1 0 1\" data-log=\"0 0\"/></svg>",
        /* a title wider than the picture */
        "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\">"
        "<rect x=\"10\" y=\"10\" width=\"380\" height=\"280\" data-axes=\"0 1 0 1\" data-log=\"0 0\"/>"
        "<text x=\"200\" y=\"20\" font-size=\"17\" text-anchor=\"middle\">"
        "a title far too long for a picture only four hundred pixels wide</text></svg>",
        /* no plot box to map data onto */
        "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\">"
        "<rect x=\"10\" y=\"10\" width=\"380\" height=\"280\"/></svg>",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char why[256] = "";
        CHECK(svg_check(bad[k], why, sizeof why), "case %zu is not even XML: %s", k, why);
        CHECK(!svg_inspect(bad[k], NULL, why, sizeof why), "case %zu accepted", k);
    }
    const char *good = "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\">"
        "<rect x=\"10\" y=\"10\" width=\"300\" height=\"280\" data-axes=\"0 1 0 1\" data-log=\"0 0\"/>"
        "<g data-legend=\"1\"><line x1=\"326\" y1=\"20\" x2=\"352\" y2=\"20\"/>"
        "<text x=\"360\" y=\"24\" font-size=\"13\">aaa</text>"
        "<text x=\"326\" y=\"44\" font-size=\"13\">bbbbbbb</text></g></svg>";
    char why[256] = "";
    CHECK(svg_inspect(good, NULL, why, sizeof why), "good layout rejected: %s", why);
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

/* The whole of a file, NUL-ended; NULL if it cannot be read. */
static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long len = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1)) &&
        fread(text, 1, (size_t)len, f) == (size_t)len) {
        text[len] = 0;
    } else {
        free(text);
        text = NULL;
    }
    if (f) fclose(f);
    return text;
}

/* build/tests/test_plot [--csv] FILE.svg...: checks each file (svg_check,
 * then svg_inspect's layout), with --csv also against FILE.csv beside it;
 * one line per file, exit 1 if any fails. */
static int check_files(int argc, char **argv)
{
    int bad = 0, with_csv = strcmp(argv[1], "--csv") == 0;
    for (int i = 1 + with_csv; i < argc; i++) {
        char *text = read_all(argv[i]), *csv = NULL, why[256] = "";
        size_t len = strlen(argv[i]);
        if (with_csv && len > 4 && strcmp(argv[i] + len - 4, ".svg") == 0) {
            char path[4096];
            snprintf(path, sizeof path, "%.*s.csv", (int)(len - 4), argv[i]);
            csv = read_all(path);
            if (!csv) snprintf(why, sizeof why, "no CSV %.200s beside it", path);
        }
        if (!text) printf("BAD %s: cannot read\n", argv[i]), bad = 1;
        else if (with_csv && !csv) printf("BAD %s: %s\n", argv[i], why), bad = 1;
        else if (svg_check(text, why, sizeof why) &&
                 svg_inspect(text, csv, why, sizeof why)) printf("ok %s\n", argv[i]);
        else printf("BAD %s: %s\n", argv[i], why), bad = 1;
        free(text);
        free(csv);
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
    RUN(test_scatter_sampled_evenly);
    RUN(test_lines_csv);
    RUN(test_log_x);
    RUN(test_clip_id);
    RUN(test_legend_all_shown);
    RUN(test_inspector_rejects);
    RUN(test_scatter_edge_cases);
    RUN(test_refusals);
    RUN(test_write_error);
    return check_summary();
}
