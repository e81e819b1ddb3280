/*
 * wlr_plot.h - charts as self-contained SVG.
 * Part of the wlr library; see wlr.h for the model, the objective and the
 * conventions (errors as values, outputs of a failed call left empty).
 */
#ifndef WLR_PLOT_H
#define WLR_PLOT_H

#include "wlr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------- plots (plot.c) */

/*
 * Charts as hand-written SVG (no dependency), for reports and teaching:
 * a line chart (ROC and PR curves, loss per epoch) and a two-class scatter
 * with straight decision boundaries, each with its data as CSV. Each
 * function writes one complete document to f, or nothing and WLR_ERR_ARG
 * for bad options or arrays; WLR_ERR_NOMEM if memory runs out, WLR_ERR_IO
 * if f reports a write error.
 *
 *   wlr_plot_options o;  wlr_plot_defaults(&o);
 *   o.title = "ROC";  o.x_min = o.y_min = 0;  o.x_max = o.y_max = 1;
 *   double gx[2] = {0, 1};
 *   wlr_plot_series s[2] = {{"model", c.fpr, c.tpr, c.n_points, 0, 0, 0},
 *                           {"no skill", gx, gx, 2, 1, 0, 0}};
 *   wlr_plot_lines(svg, &o, s, 2, &err);
 *   wlr_plot_lines_csv(csv, &o, s, 2, &err);   // the same points as text
 *
 * Whatever the data, the file is well-formed XML whose coordinates are all
 * finite numbers inside the view box: non-finite points (and, on a log
 * axis, points <= 0) are left out and break the line there, values beyond
 * +-WLR_PLOT_MAX_ABS count as non-finite, lines leaving the axes' ranges are
 * clipped at the plot box, and text is escaped (control characters become
 * '?'). Colours are the Okabe-Ito palette, which colour-blind readers can
 * tell apart. The legend sits in a column right of the plot box, never over
 * data or over another entry; a chart grows taller when its entries need
 * the room (none is left out).
 *
 * For programs that check a picture against its data: the plot box's
 * <rect> carries data-axes="XLO XHI YLO YHI" (log10 of the limits on a log
 * axis) and data-log="X Y" (1 = log), each line's <polyline> and <circle>
 * elements data-series="NAME" (the CSV's series column), the scatter's
 * groups data-class="0" and "1", the legend's group data-legend="1".
 */

/* Larger values are not drawn: no axis can show them beside ordinary ones. */
#define WLR_PLOT_MAX_ABS 1e200
/* A scatter of n points draws every k-th point of each class, k =
 * ceil(n / WLR_PLOT_MAX_POINTS) (so at most about this many in all): more
 * only blur into a blot, and the same k for both classes keeps their
 * balance as it is. The legend says which k. Legend names longer than 30
 * characters are cut with "...". */
#define WLR_PLOT_MAX_POINTS 4000

typedef struct {
    const char *title;        /* top line, NULL = none */
    const char *subtitle;     /* smaller second line, NULL = none */
    const char *x_label, *y_label;   /* NULL = none */
    double x_min, x_max, y_min, y_max; /* axis ranges; NAN = from the data */
    int log_y;                /* logarithmic y axis (loss, weights) */
    int x_whole;              /* x ticks at whole numbers only (epochs) */
    int width, height;        /* pixels, 200..4000 (720 x 480) */
    const char *class_name[2]; /* scatter legend ("class 0", "class 1") */
    int log_x;                /* logarithmic x axis (class weights) */
    const char *id;           /* the id of the SVG's clip path, unique when
                                 several SVGs share one HTML page: a letter,
                                 then letters, digits, '_' or '-' (NULL =
                                 "box") */
    const char *x_column, *y_column; /* CSV column names (NULL = "x", "y") */
} wlr_plot_options;

/* One line: points (x[i], y[i]), i < n, joined in order. */
typedef struct {
    const char *name;         /* legend text; NULL = not in the legend */
    const double *x, *y;
    size_t n;
    int reference;            /* 1 = a dashed grey guide (no-skill line) */
    int colour;               /* 0 = the next palette colour; k >= 1 = the
                                 k-th, to pair lines of one run */
    int dashed;               /* 1 = dashed (e.g. the pair's second line) */
} wlr_plot_series;

/* One decision boundary: the line wx * x + wy * y + c = 0. For a model
 * p = sigma(w1 x1 + w2 x2 + b) at threshold t: wx = w1, wy = w2,
 * c = b - log(t / (1 - t)). A line that misses the box, or has non-finite
 * or zero coefficients, is listed in the legend as "(not in view)". */
typedef struct {
    const char *name;
    double wx, wy, c;
} wlr_plot_line;

void wlr_plot_defaults(wlr_plot_options *o);
wlr_status wlr_plot_lines(FILE *f, const wlr_plot_options *o,
                          const wlr_plot_series *s, size_t n_series,
                          wlr_error *err);
/* The series' points as CSV: a header "series,X,Y" (o->x_column,
 * o->y_column), then one line per point, every point of every series in
 * order, numbers as their shortest round-trip decimals ("nan", "inf" for
 * the points the chart leaves out). */
wlr_status wlr_plot_lines_csv(FILE *f, const wlr_plot_options *o,
                              const wlr_plot_series *s, size_t n_series,
                              wlr_error *err);
/* Points (x[i], y[i]) coloured by cls[i] (0 or 1; grey and yellow), the
 * smaller class drawn last so that it stays visible, then the boundaries. */
wlr_status wlr_plot_scatter(FILE *f, const wlr_plot_options *o,
                            const double *x, const double *y,
                            const uint8_t *cls, size_t n,
                            const wlr_plot_line *lines, size_t n_lines,
                            wlr_error *err);
/* The points wlr_plot_scatter samples, as CSV: a header "row,X,Y,class",
 * then each sampled point with its index i in the arrays. */
wlr_status wlr_plot_scatter_csv(FILE *f, const wlr_plot_options *o,
                                const double *x, const double *y,
                                const uint8_t *cls, size_t n, wlr_error *err);


#ifdef __cplusplus
}
#endif
#endif /* WLR_PLOT_H */
