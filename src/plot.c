/*
 * plot.c - charts as hand-written SVG: a line chart and a two-class scatter
 * with straight decision boundaries, each with its data as CSV, for
 * `wlr experiment --plots`, `wlr explain --plots` and `wlr weights --plot`.
 *
 * Why by hand: the tool has no dependency beyond libm, and a chart is only
 * rectangles, lines and text. Every chart is laid out the same way:
 *
 *   +--------------------------------------------------+
 *   |                  title / subtitle                |
 *   |  y   +-----------------------------+  --- name   |
 *   |  l   |  grid, data (clipped here)  |  --- name   |
 *   |  a   +-----------------------------+   legend    |
 *   |  b         x ticks / x label                     |
 *   +--------------------------------------------------+
 *
 * Data space is mapped to pixels by an "axis" per direction (log10 first on
 * a log axis). Robustness is the point of most of the code: whatever numbers
 * come in, every coordinate written is finite and inside the view box, and
 * lines are clipped to the plot box geometrically (Liang-Barsky), so what is
 * drawn is exactly the part of the data inside the axes' ranges. The legend
 * column is laid out before anything is drawn, so that no entry is ever
 * left out or drawn over the data or another entry; a scatter samples both
 * classes at one rate, so that the picture keeps their balance.
 */
#include "internal.h"
#include "elementary.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Default size: fits a laptop screen and a printed page side by side. */
#define DEFAULT_WIDTH 720
#define DEFAULT_HEIGHT 480
/* Sizes outside these make no readable chart (or a huge file). */
#define MIN_SIZE 200
#define MAX_SIZE 4000

/* Font sizes in pixels: legible at 100 % zoom. */
#define FONT_TITLE 17
#define FONT_SUBTITLE 13
#define FONT_LABEL 14
#define FONT_TICK 12
#define FONT_LEGEND 13
/* Average advance of a sans-serif character, as a share of the font size:
 * used to reserve room for text (SVG cannot measure text for us). */
#define CHAR_WIDTH 0.6
/* Longest legend entry in characters; longer names are cut with "...". */
#define LEGEND_MAX_CHARS 30
/* A log axis spanning this many decades or more is ticked at powers of 10
 * only; a shorter one also at 2 and 5 times them (two ticks would do). */
#define LOG_DECADES_ONLY 3
/* Tick marks wanted per axis (the nice step gives 4 to 10). */
#define TICKS_WANTED 6
/* A range narrower than this share of its magnitude is widened to it: ticks
 * closer than that cannot be labelled distinctly. */
#define MIN_RELATIVE_SPAN 1e-9
/* Consecutive line points closer than this many pixels to the last one drawn
 * are skipped: invisible detail, and a 20,000-point ROC curve stays small. */
#define MIN_STEP_PX 0.3
/* A mapped coordinate's share of the plot box is clamped to +-this before
 * clipping: far enough out to keep every slope, small enough to stay exact. */
#define MAX_FRACTION 1e6

/* Okabe-Ito colours for series (yellow kept for the scatter's class 1). */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73",
                                      "#CC79A7", "#E69F00", "#56B4E9",
                                      "#000000"};
#define N_PALETTE (sizeof palette / sizeof palette[0])
#define REFERENCE_COLOUR "#777777"
#define GRID_COLOUR "#E4E4E4"
#define AXIS_COLOUR "#333333"
/* Scatter: class 0 light grey and small, class 1 yellow with a dark rim. */
#define CLASS0_FILL "#9A9A9A"
#define CLASS1_FILL "#F0E442"
#define CLASS1_STROKE "#222222"
/* Up to this many class 1 dots are drawn large; more would hide class 0. */
#define CLASS1_FEW 1000

/* ------------------------------------------------------------ writing */

/* Writes v clamped to [0, max] with one decimal: the only way a coordinate
 * reaches the file. */
static void put_coord(FILE *f, double v, double max)
{
    if (!(v >= 0)) v = 0; /* also NaN */
    if (v > max) v = max;
    fprintf(f, "%.1f", v);
}

/* Writes text escaped for XML, cut to max_chars characters (UTF-8 aware)
 * with "..." when longer; max_chars 0 = no limit. */
static void put_text(FILE *f, const char *s, size_t max_chars)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int starts_char = (*p & 0xC0) != 0x80;
        if (starts_char && max_chars && chars == max_chars - 3 &&
            strlen((const char *)p) > 3) {
            fputs("...", f);
            return;
        }
        chars += starts_char;
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            fputc(*p < 0x20 || *p == 0x7F ? '?' : *p, f);
        }
    }
}

/* Characters (not bytes) in a UTF-8 string. */
static size_t text_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void put_label(FILE *f, double x, double y, double w, double h,
                      int size, const char *anchor, const char *extra,
                      const char *text, size_t max_chars)
{
    fputs("<text x=\"", f);
    put_coord(f, x, w);
    fputs("\" y=\"", f);
    put_coord(f, y, h);
    fprintf(f, "\" font-size=\"%d\" text-anchor=\"%s\"%s>", size, anchor, extra);
    put_text(f, text, max_chars);
    fputs("</text>\n", f);
}

/* ------------------------------------------------------------- axes */

/* One direction of the chart: data value (log10 of it on a log axis) in
 * [lo, hi] maps linearly onto pixels [p0, p1]. */
typedef struct {
    double lo, hi;
    int log;
    int whole;      /* ticks at whole numbers only */
    double p0, p1;
} axis;

/* A usable value on this axis (transformed), or NaN. */
static double axis_value(const axis *a, double v)
{
    if (!isfinite(v) || fabs(v) > WLR_PLOT_MAX_ABS) return NAN;
    if (a->log) return v > 0 ? wlr__log10(v) : NAN;
    return v;
}

/* Pixel of a transformed value, its distance from the box bounded. */
static double axis_pixel(const axis *a, double t)
{
    double frac = (t - a->lo) / (a->hi - a->lo);
    if (!(frac > -MAX_FRACTION)) frac = -MAX_FRACTION;
    if (frac > MAX_FRACTION) frac = MAX_FRACTION;
    return a->p0 + frac * (a->p1 - a->p0);
}

/* 1, 2 or 5 times a power of ten, near span / wanted. */
static double nice_step(double span, int wanted)
{
    double raw = span / wanted, p = wlr__pow10(floor(wlr__log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* Sets [lo, hi] from the data's [dmin, dmax] (transformed, NaN if there was
 * none) unless fixed (transformed user limits, NaN = free). A linear axis
 * is widened to whole tick steps, a log axis padded by 5 %. */
static void axis_range(axis *a, double dmin, double dmax, double fix_lo,
                       double fix_hi)
{
    double lo = isnan(fix_lo) ? dmin : fix_lo, hi = isnan(fix_hi) ? dmax : fix_hi;
    if (isnan(lo) && isnan(hi)) lo = 0, hi = 1;
    else if (isnan(lo)) lo = hi - 1;
    else if (isnan(hi)) hi = lo + 1;
    double mag = fmax(fabs(lo), fabs(hi)), min_span = mag * MIN_RELATIVE_SPAN;
    if (min_span == 0) min_span = a->log ? 1 : 1e-300;
    if (hi - lo < min_span) {
        double mid = lo / 2 + hi / 2, half = fmax(min_span, a->log ? 0.5 : mag * 0.1);
        if (mag == 0) half = 1;
        if (isnan(fix_lo)) lo = mid - half;
        if (isnan(fix_hi)) hi = mid + half;
        if (hi - lo < min_span) hi = lo + min_span;
    }
    if (a->log) {
        double pad = (hi - lo) * 0.05;
        if (isnan(fix_lo)) lo -= pad;
        if (isnan(fix_hi)) hi += pad;
    } else {
        double step = nice_step(hi - lo, TICKS_WANTED);
        if (a->whole && step < 1) step = 1;
        if (isnan(fix_lo)) lo = floor(lo / step) * step;
        if (isnan(fix_hi)) hi = ceil(hi / step) * step;
    }
    a->lo = lo;
    a->hi = hi;
}

/* The axis's tick values (transformed), at most cap; returns how many. */
static int axis_ticks(const axis *a, double *t, int cap)
{
    double span = a->hi - a->lo;
    int n = 0;
    if (a->log && span >= LOG_DECADES_ONLY) { /* whole decades, every k-th */
        double k = ceil(span / TICKS_WANTED);
        for (double e = ceil(a->lo / k) * k; e <= a->hi && n < cap; e += k)
            t[n++] = e;
        return n;
    }
    if (a->log) { /* fewer decades: 1, 2, 5 (and 3) times a power of 10 */
        static const double m[] = {1, 2, 3, 5};
        int use = span < 1 ? 4 : 3;
        for (double e = floor(a->lo); e <= ceil(a->hi) && n < cap; e++)
            for (int j = 0; j < 4 && n < cap; j++) {
                if (use == 3 && m[j] == 3) continue;
                double v = e + wlr__log10(m[j]);
                if (v >= a->lo - 1e-12 && v <= a->hi + 1e-12) t[n++] = v;
            }
        if (n >= 2) return n;
        /* under a factor of 2: round values, evenly spaced in value */
        double vlo = wlr__pow10(a->lo), vhi = wlr__pow10(a->hi);
        double step = nice_step(vhi - vlo, TICKS_WANTED);
        n = 0;
        for (double k = ceil(vlo / step - 1e-9); k * step <= vhi * (1 + 1e-12) &&
             n < cap; k++)
            if (k > 0) t[n++] = wlr__log10(k * step);
        return n;
    }
    double step = nice_step(span, TICKS_WANTED);
    if (a->whole && step < 1) step = 1;
    double first = ceil(a->lo / step - 1e-9);
    for (int i = 0; i < cap; i++) {
        double v = (first + i) * step;
        if (v > a->hi + step * 1e-9) break;
        t[n++] = fabs(v) < step * 1e-9 ? 0 : v;
    }
    return n;
}

/* A tick's label: the value (10^t on a log axis) with as many digits as the
 * spacing of the ticks needs. */
static void tick_label(char *buf, size_t cap, const axis *a, double t,
                       double step)
{
    double v = a->log ? wlr__pow10(t) : t;
    if (a->log && step >= 1) { /* whole decades */
        snprintf(buf, cap, "%g", v);
        return;
    }
    double vstep = a->log ? v * (wlr__pow10(step) - 1) : step;
    double mag = fmax(fabs(a->log ? wlr__pow10(a->hi) : a->hi),
                      fabs(a->log ? wlr__pow10(a->lo) : a->lo));
    int decimals = (int)ceil(-wlr__log10(vstep) - 1e-9);
    if (mag >= 1e6 || decimals > 6) {
        int digits = (int)floor(wlr__log10(mag)) + decimals + 1;
        snprintf(buf, cap, "%.*g", digits < 1 ? 1 : digits > 15 ? 15 : digits, v);
    } else {
        snprintf(buf, cap, "%.*f", decimals < 0 ? 0 : decimals, v);
    }
    if (strcmp(buf, "-0") == 0 || strspn(buf, "-0.") == strlen(buf)) {
        if (buf[0] == '-') memmove(buf, buf + 1, strlen(buf));
    }
}
/* ----------------------------------------------------------- layout */

typedef struct {
    FILE *f;
    double w, h;
    double left, right, top, bottom; /* the plot box */
    axis ax, ay;
    double legend_x;                 /* left edge of the legend column */
    size_t legend_chars;             /* characters a legend line may hold */
    int legend_rows;                 /* entries drawn so far */
    const char *id;                  /* the clip path's id */
} chart;

#define MAX_TICKS 64

/* Widest tick label of an axis, in characters. */
static size_t tick_chars(const axis *a)
{
    double t[MAX_TICKS];
    int n = axis_ticks(a, t, MAX_TICKS);
    size_t most = 1;
    char buf[48];
    for (int i = 0; i < n; i++) {
        tick_label(buf, sizeof buf, a, t[i], n > 1 ? t[1] - t[0] : 1);
        if (strlen(buf) > most) most = strlen(buf);
    }
    return most;
}

/* Vertical room of one legend entry. */
#define LEGEND_ROW 20

/* Places the plot box: room for the title lines, the y tick labels and
 * label, the x ticks and label, and a legend column of legend_rows entries
 * of up to legend_chars characters. The legend sits right of the box, never
 * over the data; when its entries need more height than the box has, the
 * chart grows taller (no entry is ever left out). The widest x tick label
 * may reach past the box's right edge: half of it is kept inside. */
static void chart_layout(chart *c, const wlr_plot_options *o,
                         size_t legend_chars, int legend_rows)
{
    c->top = 20 + (o->title ? FONT_TITLE + 8 : 0) +
             (o->subtitle ? FONT_SUBTITLE + 6 : 0);
    double below = o->x_label ? 50 : 32;
    double need = c->top + 10 + LEGEND_ROW * (double)legend_rows + below;
    if (c->h < need) c->h = ceil(need);
    c->bottom = c->h - below;
    c->left = 12 + (o->y_label ? FONT_LABEL + 10 : 0) +
              CHAR_WIDTH * FONT_TICK * (double)tick_chars(&c->ay) + 10;
    /* a sample 26 px wide, 8 px to the text, the text, 12 px of margin */
    double legend_w = legend_chars
        ? 34 + CHAR_WIDTH * FONT_LEGEND * (double)legend_chars + 12 : 0;
    c->legend_chars = legend_chars;
    if (legend_w > c->w * 0.4) { /* a narrow chart: cut the names shorter */
        legend_w = c->w * 0.4;
        c->legend_chars = (size_t)((legend_w - 46) / (CHAR_WIDTH * FONT_LEGEND));
    }
    double half_tick = CHAR_WIDTH * FONT_TICK * (double)tick_chars(&c->ax) / 2;
    c->right = c->w - (legend_w > 0 ? legend_w + 16 : half_tick + 8);
    c->legend_x = c->right + 16;
    c->ax.p0 = c->left;
    c->ax.p1 = c->right;
    c->ay.p0 = c->bottom;
    c->ay.p1 = c->top;
}

static void chart_begin(chart *c, const wlr_plot_options *o)
{
    FILE *f = c->f;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Helvetica, "
            "Arial, sans-serif\">\n", (int)c->w, (int)c->h, (int)c->w, (int)c->h);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
            "fill=\"white\"/>\n", (int)c->w, (int)c->h);
    double y = 20;
    if (o->title) {
        y += FONT_TITLE - 2;
        put_label(f, c->w / 2, y, c->w, c->h, FONT_TITLE, "middle",
                  " font-weight=\"bold\"", o->title, 0);
    }
    if (o->subtitle) {
        y += FONT_SUBTITLE + 6;
        put_label(f, c->w / 2, y, c->w, c->h, FONT_SUBTITLE, "middle",
                  " fill=\"#555555\"", o->subtitle, 0);
    }
    fputs("<defs><clipPath id=\"", f);
    put_text(f, c->id, 0);
    fputs("\"><rect x=\"", f);
    put_coord(f, c->left, c->w);
    fputs("\" y=\"", f);
    put_coord(f, c->top, c->h);
    fputs("\" width=\"", f);
    put_coord(f, c->right - c->left, c->w);
    fputs("\" height=\"", f);
    put_coord(f, c->bottom - c->top, c->h);
    fputs("\"/></clipPath></defs>\n", f);
}

/* Opens the group whose drawing is clipped to the plot box. */
static void chart_clip(chart *c)
{
    fputs("<g clip-path=\"url(#", c->f);
    put_text(c->f, c->id, 0);
    fputs(")\">\n", c->f);
}

static void put_line(chart *c, double x1, double y1, double x2, double y2,
                     const char *style)
{
    fputs("<line x1=\"", c->f);
    put_coord(c->f, x1, c->w);
    fputs("\" y1=\"", c->f);
    put_coord(c->f, y1, c->h);
    fputs("\" x2=\"", c->f);
    put_coord(c->f, x2, c->w);
    fputs("\" y2=\"", c->f);
    put_coord(c->f, y2, c->h);
    fprintf(c->f, "\" %s/>\n", style);
}

/* Grid, box, ticks, tick labels and axis labels. The box carries the axes'
 * ranges as data-axes="XLO XHI YLO YHI" (log10 of the values on a log
 * axis, as data-log="X Y" says), so that a program can map the data onto
 * the picture and check it (tests/test_plot.c does). */
static void chart_axes(chart *c, const wlr_plot_options *o)
{
    double t[MAX_TICKS];
    char buf[48];
    int nx = axis_ticks(&c->ax, t, MAX_TICKS);
    double sx = nx > 1 ? t[1] - t[0] : 1;
    fputs("<g>\n", c->f);
    for (int i = 0; i < nx; i++) {
        double px = axis_pixel(&c->ax, t[i]);
        put_line(c, px, c->top, px, c->bottom, "stroke=\"" GRID_COLOUR "\"");
        put_line(c, px, c->bottom, px, c->bottom + 5, "stroke=\"" AXIS_COLOUR "\"");
        tick_label(buf, sizeof buf, &c->ax, t[i], sx);
        put_label(c->f, px, c->bottom + 8 + FONT_TICK, c->w, c->h, FONT_TICK,
                  "middle", "", buf, 0);
    }
    int ny = axis_ticks(&c->ay, t, MAX_TICKS);
    double sy = ny > 1 ? t[1] - t[0] : 1;
    for (int i = 0; i < ny; i++) {
        double py = axis_pixel(&c->ay, t[i]);
        put_line(c, c->left, py, c->right, py, "stroke=\"" GRID_COLOUR "\"");
        put_line(c, c->left - 5, py, c->left, py, "stroke=\"" AXIS_COLOUR "\"");
        tick_label(buf, sizeof buf, &c->ay, t[i], sy);
        put_label(c->f, c->left - 8, py + FONT_TICK * 0.35, c->w, c->h,
                  FONT_TICK, "end", "", buf, 0);
    }
    fputs("<rect x=\"", c->f);
    put_coord(c->f, c->left, c->w);
    fputs("\" y=\"", c->f);
    put_coord(c->f, c->top, c->h);
    fputs("\" width=\"", c->f);
    put_coord(c->f, c->right - c->left, c->w);
    fputs("\" height=\"", c->f);
    put_coord(c->f, c->bottom - c->top, c->h);
    fprintf(c->f, "\" fill=\"none\" stroke=\"" AXIS_COLOUR "\" data-axes=\""
            "%.17g %.17g %.17g %.17g\" data-log=\"%d %d\"/>\n", c->ax.lo,
            c->ax.hi, c->ay.lo, c->ay.hi, c->ax.log, c->ay.log);
    if (o->x_label)
        put_label(c->f, (c->left + c->right) / 2, c->bottom + 24 + FONT_LABEL,
                  c->w, c->h, FONT_LABEL, "middle", "", o->x_label, 0);
    if (o->y_label) {
        double x = 12 + FONT_LABEL, y = (c->top + c->bottom) / 2;
        char rot[96];
        snprintf(rot, sizeof rot, " transform=\"rotate(-90 %.1f %.1f)\"", x, y);
        put_label(c->f, x, y, c->w, c->h, FONT_LABEL, "middle", rot,
                  o->y_label, 0);
    }
    fputs("</g>\n", c->f);
}

/* A legend entry: a sample (line, dot or none) and the text. Entries sit
 * LEGEND_ROW apart in the legend column, right of the plot box. */
typedef enum { SAMPLE_LINE, SAMPLE_DASHED, SAMPLE_DOT0, SAMPLE_DOT1,
               SAMPLE_POINT, SAMPLE_NONE } sample_kind;

static void legend_entry(chart *c, sample_kind kind, const char *colour,
                         const char *name, const char *suffix)
{
    double y = c->top + 10 + LEGEND_ROW * c->legend_rows++;
    double x = c->legend_x;
    char style[96];
    switch (kind) {
    case SAMPLE_LINE:
    case SAMPLE_DASHED:
        snprintf(style, sizeof style, "stroke=\"%s\" stroke-width=\"2.5\"%s",
                 colour, kind == SAMPLE_DASHED ? " stroke-dasharray=\"6 4\"" : "");
        put_line(c, x, y, x + 26, y, style);
        break;
    case SAMPLE_DOT0:
    case SAMPLE_DOT1:
        fputs("<circle cx=\"", c->f);
        put_coord(c->f, x + 13, c->w);
        fputs("\" cy=\"", c->f);
        put_coord(c->f, y, c->h);
        fputs(kind == SAMPLE_DOT0
              ? "\" r=\"4\" fill=\"" CLASS0_FILL "\"/>\n"
              : "\" r=\"4.5\" fill=\"" CLASS1_FILL "\" stroke=\"" CLASS1_STROKE
                "\" stroke-width=\"0.8\"/>\n", c->f);
        break;
    case SAMPLE_POINT: /* a series of one point, drawn as a dot */
        fputs("<circle cx=\"", c->f);
        put_coord(c->f, x + 13, c->w);
        fputs("\" cy=\"", c->f);
        put_coord(c->f, y, c->h);
        fprintf(c->f, "\" r=\"3.5\" fill=\"%s\"/>\n", colour);
        break;
    case SAMPLE_NONE:
        break;
    }
    size_t room = c->legend_chars, extra = suffix ? text_chars(suffix) : 0;
    fputs("<text x=\"", c->f);
    put_coord(c->f, x + 34, c->w);
    fputs("\" y=\"", c->f);
    put_coord(c->f, y + FONT_LEGEND * 0.35, c->h);
    fprintf(c->f, "\" font-size=\"%d\"%s>", FONT_LEGEND,
            kind == SAMPLE_NONE ? " fill=\"#555555\"" : "");
    /* the name cut to what the column holds, the suffix kept whole */
    put_text(c->f, name, room > extra + 4 ? room - extra : 4);
    if (suffix) put_text(c->f, suffix, 0);
    fputs("</text>\n", c->f);
}

/* Characters a legend line needs: the name (at most LEGEND_MAX_CHARS) and
 * its suffix. */
static size_t legend_need(const char *name, const char *suffix)
{
    size_t n = name ? text_chars(name) : 0;
    if (n > LEGEND_MAX_CHARS) n = LEGEND_MAX_CHARS;
    return n + (suffix ? text_chars(suffix) : 0);
}

static void chart_end(chart *c)
{
    fputs("</svg>\n", c->f);
}

/* An id that needs no escaping anywhere: a letter, then letters, digits,
 * '_' or '-'. */
static int good_id(const char *id)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    return id[0] && strchr(letters, id[0]) &&
           strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789_-") == strlen(id);
}

static wlr_status check_options(const wlr_plot_options *o, wlr_error *err)
{
    if (o->width < MIN_SIZE || o->width > MAX_SIZE || o->height < MIN_SIZE ||
        o->height > MAX_SIZE)
        return wlr__fail(err, WLR_ERR_ARG, "plot: size %d x %d is not within "
                        "%d..%d pixels", o->width, o->height, MIN_SIZE, MAX_SIZE);
    const double lim[4] = {o->x_min, o->x_max, o->y_min, o->y_max};
    static const char *const name[4] = {"x_min", "x_max", "y_min", "y_max"};
    for (int k = 0; k < 4; k++)
        if (isinf(lim[k]) || fabs(lim[k]) > WLR_PLOT_MAX_ABS)
            return wlr__fail(err, WLR_ERR_ARG, "plot: %s = %g is not a finite "
                            "number within +-%g", name[k], lim[k], WLR_PLOT_MAX_ABS);
    if (o->x_min >= o->x_max)
        return wlr__fail(err, WLR_ERR_ARG, "plot: x_min %g is not below x_max %g",
                        o->x_min, o->x_max);
    if (o->y_min >= o->y_max)
        return wlr__fail(err, WLR_ERR_ARG, "plot: y_min %g is not below y_max %g",
                        o->y_min, o->y_max);
    if (o->log_x && (o->x_min <= 0 || o->x_max <= 0))
        return wlr__fail(err, WLR_ERR_ARG, "plot: a log x axis needs x limits "
                        "> 0 (got %g, %g)", o->x_min, o->x_max);
    if (o->log_y && (o->y_min <= 0 || o->y_max <= 0))
        return wlr__fail(err, WLR_ERR_ARG, "plot: a log y axis needs y limits "
                        "> 0 (got %g, %g)", o->y_min, o->y_max);
    if (o->id && !good_id(o->id))
        return wlr__fail(err, WLR_ERR_ARG, "plot: id '%s' is not a letter "
                        "followed by letters, digits, '_' or '-'", o->id);
    return WLR_OK;
}

static wlr_status finish(FILE *f, wlr_error *err)
{
    if (ferror(f))
        return wlr__fail(err, WLR_ERR_IO, "plot: writing the SVG failed");
    return WLR_OK;
}

/* The user's limit on an axis, transformed (NaN = free). */
static double fixed_limit(const axis *a, double v)
{
    return isnan(v) ? NAN : a->log ? wlr__log10(v) : v;
}

void wlr_plot_defaults(wlr_plot_options *o)
{
    memset(o, 0, sizeof *o);
    o->x_min = o->x_max = o->y_min = o->y_max = NAN;
    o->width = DEFAULT_WIDTH;
    o->height = DEFAULT_HEIGHT;
    o->class_name[0] = "class 0";
    o->class_name[1] = "class 1";
}

/* A chart for o: size, axes' kinds and the clip path's id. */
static void chart_init(chart *c, FILE *f, const wlr_plot_options *o)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->w = o->width;
    c->h = o->height;
    c->ax.log = o->log_x != 0;
    c->ay.log = o->log_y != 0;
    c->ax.whole = o->x_whole != 0;
    c->id = o->id ? o->id : "box";
}

/* ------------------------------------------------------- line charts */

/* Liang-Barsky: clips the segment p -> q to the rectangle [lo, hi].
 * Returns 0 if nothing is left, else the kept part as parameters
 * [*t0, *t1] of it. */
static int clip_to(const double lo[2], const double hi[2], const double p[2],
                   const double q[2], double *t0, double *t1)
{
    double d[2] = {q[0] - p[0], q[1] - p[1]};
    *t0 = 0;
    *t1 = 1;
    for (int k = 0; k < 2; k++) {
        if (d[k] == 0) {
            if (p[k] < lo[k] || p[k] > hi[k]) return 0;
            continue;
        }
        double a = (lo[k] - p[k]) / d[k], b = (hi[k] - p[k]) / d[k];
        if (a > b) { double s = a; a = b; b = s; }
        if (a > *t0) *t0 = a;
        if (b < *t1) *t1 = b;
        if (*t0 > *t1) return 0;
    }
    return 1;
}

/* The same against the plot box, in pixels. */
static int clip_segment(const chart *c, const double p[2], const double q[2],
                        double *t0, double *t1)
{
    double lo[2] = {c->left, c->top}, hi[2] = {c->right, c->bottom};
    return clip_to(lo, hi, p, q, t0, t1);
}

/* Draws one series as polylines (broken at missing points and where it
 * leaves the box); an isolated point gets a dot. Each element names its
 * series in data-series, as the CSV does (wlr_plot_lines_csv). */
static void draw_series(chart *c, const wlr_plot_series *s, const char *colour)
{
    int dashed = s->reference || s->dashed;
    FILE *f = c->f;
    char style[128];
    /* round caps: a run of equal points still shows as a dot */
    snprintf(style, sizeof style, "fill=\"none\" stroke=\"%s\" stroke-width="
             "\"%s\" stroke-linejoin=\"round\" stroke-linecap=\"round\"%s",
             colour, s->reference ? "1.5" : "2.2",
             dashed ? " stroke-dasharray=\"6 4\"" : "");
    const char *series = s->name ? s->name : "";
    int open = 0;          /* a <polyline> is being written */
    int have_prev = 0;     /* prev is a usable point */
    int prev_lonely = 0;   /* prev had no usable neighbour before it */
    double prev[2] = {0, 0}, last[2] = {0, 0}; /* last = last written */
    for (size_t i = 0; i <= s->n; i++) {
        double tx = i < s->n ? axis_value(&c->ax, s->x[i]) : NAN;
        double ty = i < s->n ? axis_value(&c->ay, s->y[i]) : NAN;
        if (isnan(tx) || isnan(ty)) {
            if (have_prev && prev_lonely && prev[0] >= c->left &&
                prev[0] <= c->right && prev[1] >= c->top && prev[1] <= c->bottom) {
                fputs("<circle data-series=\"", f);
                put_text(f, series, 0);
                fputs("\" cx=\"", f);
                put_coord(f, prev[0], c->w);
                fputs("\" cy=\"", f);
                put_coord(f, prev[1], c->h);
                fprintf(f, "\" r=\"3.5\" fill=\"%s\"/>\n", colour);
            }
            if (open) fputs("\"/>\n", f);
            open = have_prev = 0;
            continue;
        }
        double q[2] = {axis_pixel(&c->ax, tx), axis_pixel(&c->ay, ty)}, t0, t1;
        if (!have_prev) {
            prev[0] = q[0];
            prev[1] = q[1];
            have_prev = prev_lonely = 1;
            continue;
        }
        prev_lonely = 0;
        if (!clip_segment(c, prev, q, &t0, &t1)) {
            if (open) fputs("\"/>\n", f);
            open = 0;
        } else {
            double a[2] = {prev[0] + t0 * (q[0] - prev[0]), prev[1] + t0 * (q[1] - prev[1])};
            double b[2] = {prev[0] + t1 * (q[0] - prev[0]), prev[1] + t1 * (q[1] - prev[1])};
            if (open && t0 > 0) {
                fputs("\"/>\n", f);
                open = 0;
            }
            if (!open) {
                fputs("<polyline data-series=\"", f);
                put_text(f, series, 0);
                fprintf(f, "\" %s points=\"", style);
                put_coord(f, a[0], c->w);
                fputc(',', f);
                put_coord(f, a[1], c->h);
                last[0] = a[0];
                last[1] = a[1];
                open = 1;
            }
            /* skip sub-pixel steps, but never the end of a visible piece */
            int ends = t1 < 1 || i + 1 == s->n;
            if (ends || fabs(b[0] - last[0]) + fabs(b[1] - last[1]) >= MIN_STEP_PX) {
                fputc(' ', f);
                put_coord(f, b[0], c->w);
                fputc(',', f);
                put_coord(f, b[1], c->h);
                last[0] = b[0];
                last[1] = b[1];
            }
            if (t1 < 1) {
                fputs("\"/>\n", f);
                open = 0;
            }
        }
        prev[0] = q[0];
        prev[1] = q[1];
    }
}

/* Range of the usable values of one coordinate over all series. */
static void data_range(const axis *a, const wlr_plot_series *s, size_t n_series,
                       int want_y, double *lo, double *hi)
{
    *lo = NAN;
    *hi = NAN;
    for (size_t k = 0; k < n_series; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            double v = axis_value(a, want_y ? s[k].y[i] : s[k].x[i]);
            if (isnan(v)) continue;
            if (!(v >= *lo)) *lo = v;
            if (!(v <= *hi)) *hi = v;
        }
}

/* A series' colour: grey for a guide, its own palette colour if it names
 * one, else the next unnamed one (*next counts those). */
static const char *series_colour(const wlr_plot_series *s, size_t *next)
{
    if (s->reference) return REFERENCE_COLOUR;
    if (s->colour > 0) return palette[(size_t)(s->colour - 1) % N_PALETTE];
    return palette[(*next)++ % N_PALETTE];
}

/* Both axes' ranges from the data and the user's limits. */
static void chart_ranges(chart *c, const wlr_plot_options *o,
                         const wlr_plot_series *s, size_t n_series)
{
    double lo, hi;
    data_range(&c->ax, s, n_series, 0, &lo, &hi);
    axis_range(&c->ax, lo, hi, fixed_limit(&c->ax, o->x_min),
               fixed_limit(&c->ax, o->x_max));
    data_range(&c->ay, s, n_series, 1, &lo, &hi);
    axis_range(&c->ay, lo, hi, fixed_limit(&c->ay, o->y_min),
               fixed_limit(&c->ay, o->y_max));
}

static wlr_status check_series(const wlr_plot_series *s, size_t n_series,
                               wlr_error *err)
{
    if (n_series > 0 && !s)
        return wlr__fail(err, WLR_ERR_ARG, "plot: %zu series but no array",
                         n_series);
    for (size_t k = 0; k < n_series; k++)
        if (s[k].n > 0 && (!s[k].x || !s[k].y))
            return wlr__fail(err, WLR_ERR_ARG, "plot: series %zu has %zu points "
                            "but no x or y array", k, s[k].n);
    return WLR_OK;
}

wlr_status wlr_plot_lines(FILE *f, const wlr_plot_options *o,
                          const wlr_plot_series *s, size_t n_series,
                          wlr_error *err)
{
    wlr_status st = check_options(o, err);
    if (st == WLR_OK) st = check_series(s, n_series, err);
    if (st) return st;
    chart c;
    chart_init(&c, f, o);
    chart_ranges(&c, o, s, n_series);
    size_t legend_chars = 0;
    int rows = 0;
    for (size_t k = 0; k < n_series; k++)
        if (s[k].name) {
            rows++;
            if (legend_need(s[k].name, NULL) > legend_chars)
                legend_chars = legend_need(s[k].name, NULL);
        }
    chart_layout(&c, o, legend_chars, rows);
    chart_begin(&c, o);
    chart_axes(&c, o);
    /* references first, underneath the data */
    chart_clip(&c);
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0, next = 0; k < n_series; k++) {
            const char *colour = series_colour(&s[k], &next);
            if ((pass == 0) == (s[k].reference != 0)) draw_series(&c, &s[k], colour);
        }
    fputs("</g>\n<g data-legend=\"1\">\n", f);
    for (size_t k = 0, next = 0; k < n_series; k++) {
        const char *colour = series_colour(&s[k], &next);
        if (s[k].name)
            legend_entry(&c, s[k].n == 1 ? SAMPLE_POINT
                             : s[k].reference || s[k].dashed ? SAMPLE_DASHED
                                                             : SAMPLE_LINE,
                         colour, s[k].name, NULL);
    }
    fputs("</g>\n", f);
    chart_end(&c);
    return finish(f, err);
}

/* ---------------------------------------------------------------- CSV */

wlr_status wlr_plot_lines_csv(FILE *f, const wlr_plot_options *o,
                              const wlr_plot_series *s, size_t n_series,
                              wlr_error *err)
{
    wlr_status st = check_series(s, n_series, err);
    if (st) return st;
    fputs("series,", f);
    wlr__put_csv_cell(f, o->x_column ? o->x_column : "x");
    fputc(',', f);
    wlr__put_csv_cell(f, o->y_column ? o->y_column : "y");
    fputc('\n', f);
    for (size_t k = 0; k < n_series; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            wlr__put_csv_cell(f, s[k].name ? s[k].name : "");
            fputc(',', f);
            wlr__put_double(f, s[k].x[i]);
            fputc(',', f);
            wlr__put_double(f, s[k].y[i]);
            fputc('\n', f);
        }
    if (ferror(f)) return wlr__fail(err, WLR_ERR_IO, "plot: writing the CSV failed");
    return WLR_OK;
}

/* ------------------------------------------------------------ scatter */

/* The scatter's sampling: with n points, every k-th point of each class is
 * drawn, k = ceil(n / WLR_PLOT_MAX_POINTS), the same k for both classes so
 * that the drawing keeps their balance. Point i is the m-th of its class
 * (m = 0, 1, ...) and is drawn when m % k == 0. */
static size_t sample_step(size_t n)
{
    return n <= WLR_PLOT_MAX_POINTS ? 1
           : (n + WLR_PLOT_MAX_POINTS - 1) / WLR_PLOT_MAX_POINTS;
}

/* Dots of class k (the sampled ones inside the box), in a group that names
 * the class in data-class. */
static void draw_class(chart *c, const double *x, const double *y,
                       const uint8_t *cls, size_t n, int k, size_t step,
                       size_t drawn)
{
    FILE *f = c->f;
    if (k == 0)
        fputs("<g data-class=\"0\" fill=\"" CLASS0_FILL "\" fill-opacity=\"0.55\">\n", f);
    else
        fputs("<g data-class=\"1\" fill=\"" CLASS1_FILL "\" stroke=\"" CLASS1_STROKE "\" "
              "stroke-width=\"0.7\">\n", f);
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (cls[i] != k) continue;
        if (seen++ % step) continue;
        double tx = axis_value(&c->ax, x[i]), ty = axis_value(&c->ay, y[i]);
        if (isnan(tx) || isnan(ty)) continue;
        double px = axis_pixel(&c->ax, tx), py = axis_pixel(&c->ay, ty);
        if (px < c->left || px > c->right || py < c->top || py > c->bottom)
            continue;
        fputs("<circle cx=\"", f);
        put_coord(f, px, c->w);
        fputs("\" cy=\"", f);
        put_coord(f, py, c->h);
        fputs(k == 0 ? "\" r=\"1.8\"/>\n"
              : drawn <= CLASS1_FEW ? "\" r=\"3\"/>\n" : "\" r=\"2.2\"/>\n", f);
    }
    fputs("</g>\n", f);
}

/* Where the boundary wx x + wy y + c = 0 crosses the axes' ranges, as two
 * points in fractions of the box (0..1 across, 0..1 up); returns 0 when it
 * misses them or touches only a corner (under 1/1000 of the box). The same
 * answer whatever the chart's size: the legend is laid out from it. Works
 * in transformed units, so on a log y axis it is the line in log10(y). */
static int boundary_in_view(const chart *c, const wlr_plot_line *l,
                            double a[2], double b[2])
{
    if (!isfinite(l->wx) || !isfinite(l->wy) || !isfinite(l->c)) return 0;
    if (l->wx == 0 && l->wy == 0) return 0;
    double p[2], q[2], t0, t1;
    double xs = c->ax.hi - c->ax.lo, ys = c->ay.hi - c->ay.lo;
    /* two points on the line, spanning the box along its steeper direction */
    if (fabs(l->wy) >= fabs(l->wx)) {
        p[0] = 0;
        q[0] = 1;
        p[1] = (-(l->wx * c->ax.lo + l->c) / l->wy - c->ay.lo) / ys;
        q[1] = (-(l->wx * c->ax.hi + l->c) / l->wy - c->ay.lo) / ys;
    } else {
        p[1] = 0;
        q[1] = 1;
        p[0] = (-(l->wy * c->ay.lo + l->c) / l->wx - c->ax.lo) / xs;
        q[0] = (-(l->wy * c->ay.hi + l->c) / l->wx - c->ax.lo) / xs;
    }
    for (int k = 0; k < 2; k++) { /* far-off lines: keep the slopes, stay exact */
        if (!(p[k] > -MAX_FRACTION)) p[k] = -MAX_FRACTION;
        if (!(q[k] > -MAX_FRACTION)) q[k] = -MAX_FRACTION;
        if (p[k] > MAX_FRACTION) p[k] = MAX_FRACTION;
        if (q[k] > MAX_FRACTION) q[k] = MAX_FRACTION;
    }
    const double lo[2] = {0, 0}, hi[2] = {1, 1};
    if (!clip_to(lo, hi, p, q, &t0, &t1)) return 0;
    for (int k = 0; k < 2; k++) {
        a[k] = p[k] + t0 * (q[k] - p[k]);
        b[k] = p[k] + t1 * (q[k] - p[k]);
    }
    return fabs(b[0] - a[0]) + fabs(b[1] - a[1]) >= 1e-3;
}

/* Draws the segment from boundary_in_view. */
static void draw_boundary(chart *c, const double a[2], const double b[2],
                          const char *colour)
{
    char style[96];
    snprintf(style, sizeof style, "stroke=\"%s\" stroke-width=\"2.5\"", colour);
    put_line(c, c->left + a[0] * (c->right - c->left),
             c->bottom - a[1] * (c->bottom - c->top),
             c->left + b[0] * (c->right - c->left),
             c->bottom - b[1] * (c->bottom - c->top), style);
}

static wlr_status check_scatter(const double *x, const double *y,
                                const uint8_t *cls, size_t n, size_t count[2],
                                wlr_error *err)
{
    if (n > 0 && (!x || !y || !cls))
        return wlr__fail(err, WLR_ERR_ARG, "plot: %zu points but no x, y or "
                        "class array", n);
    count[0] = count[1] = 0;
    for (size_t i = 0; i < n; i++) {
        if (cls[i] > 1)
            return wlr__fail(err, WLR_ERR_ARG, "plot: point %zu has class %d, "
                            "not 0 or 1", i, cls[i]);
        count[cls[i]]++;
    }
    return WLR_OK;
}

/* The line under the scatter's legend that says how it was sampled. */
static void sample_note(char *buf, size_t cap, size_t step)
{
    if (step == 1) snprintf(buf, cap, "every row shown");
    else snprintf(buf, cap, "every %zu%s row of each class", step,
                  step % 10 == 1 && step % 100 != 11 ? "st"
                  : step % 10 == 2 && step % 100 != 12 ? "nd"
                  : step % 10 == 3 && step % 100 != 13 ? "rd" : "th");
}

wlr_status wlr_plot_scatter(FILE *f, const wlr_plot_options *o,
                            const double *x, const double *y,
                            const uint8_t *cls, size_t n,
                            const wlr_plot_line *lines, size_t n_lines,
                            wlr_error *err)
{
    size_t count[2];
    wlr_status st = check_options(o, err);
    if (st == WLR_OK) st = check_scatter(x, y, cls, n, count, err);
    if (st) return st;
    if (n_lines > 0 && !lines)
        return wlr__fail(err, WLR_ERR_ARG, "plot: %zu lines but no array", n_lines);
    int *shown = calloc(n_lines + 1, sizeof *shown);
    double (*ends)[4] = calloc(n_lines + 1, sizeof *ends);
    if (!shown || !ends) {
        free(shown);
        free(ends);
        return wlr__fail(err, WLR_ERR_NOMEM, "plot: out of memory");
    }
    chart c;
    chart_init(&c, f, o);
    wlr_plot_series all = {NULL, x, y, n, 0, 0, 0};
    chart_ranges(&c, o, &all, 1);
    size_t step = sample_step(n);
    char note[64];
    sample_note(note, sizeof note, step);
    const char *names[2] = {o->class_name[0] ? o->class_name[0] : "class 0",
                            o->class_name[1] ? o->class_name[1] : "class 1"};
    size_t legend_chars = legend_need(note, NULL);
    for (int k = 0; k < 2; k++)
        if (legend_need(names[k], NULL) > legend_chars)
            legend_chars = legend_need(names[k], NULL);
    for (size_t k = 0; k < n_lines; k++) {
        shown[k] = boundary_in_view(&c, &lines[k], ends[k], ends[k] + 2);
        const char *suffix = shown[k] ? NULL : " (not in view)";
        if (lines[k].name && legend_need(lines[k].name, suffix) > legend_chars)
            legend_chars = legend_need(lines[k].name, suffix);
    }
    int rows = 3;
    for (size_t k = 0; k < n_lines; k++) rows += lines[k].name != NULL;
    chart_layout(&c, o, legend_chars, rows);
    chart_begin(&c, o);
    chart_axes(&c, o);
    chart_clip(&c);
    int small = count[1] <= count[0]; /* the class drawn last, on top */
    size_t drawn_small = (count[small] + step - 1) / step;
    draw_class(&c, x, y, cls, n, !small, step, drawn_small);
    draw_class(&c, x, y, cls, n, small, step, drawn_small);
    for (size_t k = 0; k < n_lines; k++)
        if (shown[k]) draw_boundary(&c, ends[k], ends[k] + 2, palette[k % N_PALETTE]);
    fputs("</g>\n<g data-legend=\"1\">\n", f);
    legend_entry(&c, SAMPLE_DOT0, NULL, names[0], NULL);
    legend_entry(&c, SAMPLE_DOT1, NULL, names[1], NULL);
    for (size_t k = 0; k < n_lines; k++)
        if (lines[k].name)
            legend_entry(&c, SAMPLE_LINE, palette[k % N_PALETTE], lines[k].name,
                         shown[k] ? NULL : " (not in view)");
    legend_entry(&c, SAMPLE_NONE, NULL, note, NULL);
    fputs("</g>\n", f);
    free(shown);
    free(ends);
    chart_end(&c);
    return finish(f, err);
}

wlr_status wlr_plot_scatter_csv(FILE *f, const wlr_plot_options *o,
                                const double *x, const double *y,
                                const uint8_t *cls, size_t n, wlr_error *err)
{
    size_t count[2];
    wlr_status st = check_scatter(x, y, cls, n, count, err);
    if (st) return st;
    fputs("row,", f);
    wlr__put_csv_cell(f, o->x_column ? o->x_column : "x");
    fputc(',', f);
    wlr__put_csv_cell(f, o->y_column ? o->y_column : "y");
    fputs(",class\n", f);
    size_t step = sample_step(n), seen[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (seen[cls[i]]++ % step) continue;
        fprintf(f, "%zu,", i);
        wlr__put_double(f, x[i]);
        fputc(',', f);
        wlr__put_double(f, y[i]);
        fprintf(f, ",%d\n", cls[i]);
    }
    if (ferror(f)) return wlr__fail(err, WLR_ERR_IO, "plot: writing the CSV failed");
    return WLR_OK;
}
