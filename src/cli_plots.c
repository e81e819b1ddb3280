/*
 * cli_plots.c - the pictures of `wlr experiment --plots DIR` and
 * `wlr explain --plots DIR`, each SVG with its data as CSV beside it:
 *
 *   roc.svg, roc.csv          ROC curve of each run on the test rows, and
 *                             the diagonal of a model that ranks at random
 *   pr.svg, pr.csv            precision against recall, and the no-skill
 *                             level (the share of class 1)
 *   boundary.svg, .csv        the test rows in the first two features (every
 *                             k-th row of each class, the same k for both)
 *   boundary_lines.csv        with each run's decision boundary p = threshold
 *   loss.svg, loss.csv        the training loss per epoch from epoch 0 (the
 *                             starting model), as its gap to the exact optimum
 *   gradient_share.svg, .csv  class 1's share of the gradient's pull for
 *                             every class weight, at the same parameters
 *   index.html                the explorable page (cli_page.c)
 *
 * explain writes gradient_share and loss. DIR is made if missing, with its
 * parents (mkdir -p). Every file is written atomically (a reader never sees
 * half a picture); the drawing is plot.c's, this file only chooses what to
 * draw.
 */
#include "cli.h"
#include "elementary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Room for "DIR/boundary_lines.csv". */
#define MAX_PATH 4096
/* Height that makes the plot box of a default-width chart about square:
 * both axes of ROC and PR run 0..1, and a square shows the diagonal at 45
 * degrees. */
#define SQUARE_HEIGHT 580
/* Legend text per run: the name and one number, e.g. "1:200 (AUC 0.635)". */
#define NAME_ROOM 96
/* Points of each curve of the gradient-share picture: smooth at 720 px. */
#define SHARE_POINTS 121
/* The class weights c1/c0 that picture spans at least, as the page's grid
 * does (cli_page.c): from no weight to 1,000 times class 0's. */
#define SHARE_MIN 1.0
#define SHARE_MAX 1000.0
/* ... and a quarter further each way: room for the dots at its ends. */
#define SHARE_MARGIN 1.25

/* DIR/FILE into buf; 0, or an error for a too-long name. */
static int join_path(char *buf, const char *dir, const char *file)
{
    int n = snprintf(buf, MAX_PATH, "%s/%s", dir, file);
    if (n < 0 || n >= MAX_PATH) return cli_errorf("%s: path too long", dir);
    return 0;
}

/* What the pictures are drawn from. */
typedef struct {
    const cli_args *a;
    double l2;                  /* the training penalty (--l2) */
    const cli_run *runs;
    int n_runs;
    const wlr_dataset *train, *test;
    wlr_curve *curves;          /* one per run on the test rows (experiment) */
} plot_data;

/* One picture: a line chart (series) or a scatter (points and lines), the
 * options of both its SVG and its CSV, and the memory it owns. */
typedef struct {
    wlr_plot_options o;
    wlr_plot_series *s;
    size_t n_series;
    int scatter;
    const double *x, *y;
    const uint8_t *cls;
    size_t n_points;
    wlr_plot_line *lines;
    size_t n_lines;
    void *own[4];               /* freed with the figure */
    char title[160], sub[256], xl[96], yl[96], text[4][96];
    char (*names)[NAME_ROOM];   /* legend names (own[0]) */
} figure;

static void figure_free(figure *g)
{
    for (size_t k = 0; k < sizeof g->own / sizeof g->own[0]; k++) free(g->own[k]);
    memset(g, 0, sizeof *g);
}

/* A figure of n line series with legend names; 1 when out of memory. */
static int figure_lines(figure *g, size_t n)
{
    memset(g, 0, sizeof *g);
    wlr_plot_defaults(&g->o);
    g->own[0] = g->names = calloc(n + 1, sizeof *g->names);
    g->own[1] = g->s = calloc(n + 1, sizeof *g->s);
    g->n_series = n;
    return !g->names || !g->s;
}

static wlr_status figure_svg(FILE *f, const figure *g, wlr_error *err)
{
    return g->scatter ? wlr_plot_scatter(f, &g->o, g->x, g->y, g->cls, g->n_points,
                                         g->lines, g->n_lines, err)
                      : wlr_plot_lines(f, &g->o, g->s, g->n_series, err);
}

static wlr_status figure_csv(FILE *f, const figure *g, wlr_error *err)
{
    return g->scatter ? wlr_plot_scatter_csv(f, &g->o, g->x, g->y, g->cls,
                                             g->n_points, err)
                      : wlr_plot_lines_csv(f, &g->o, g->s, g->n_series, err);
}

/* Writes DIR/FILE from text, atomically. */
static int write_text(const char *dir, const char *file, const char *text,
                      size_t len)
{
    char path[MAX_PATH];
    if (join_path(path, dir, file)) return 1;
    wlr__out out = {0};
    wlr_error err;
    int rc = 0;
    if (wlr__out_open(&out, path, &err)) rc = cli_error(&err);
    else if (fwrite(text, 1, len, out.f) != len || wlr__out_commit(&out, &err))
        rc = cli_errorf("%s: %s", path, ferror(out.f) ? "write error" : err.message);
    wlr__out_abort(&out);
    return rc;
}

/* Writes DIR/BASE.svg and DIR/BASE.csv of a figure; the SVG's text is left
 * in *svg (malloc'd) for the page when svg is not NULL. */
static int write_figure(const char *dir, const char *base, const figure *g,
                        char **svg)
{
    char name[64];
    int rc = 0;
    for (int csv = 0; csv < 2 && rc == 0; csv++) {
        char *text = NULL;
        size_t len = 0;
        wlr_error err;
        FILE *mem = open_memstream(&text, &len);
        if (!mem) return cli_errorf("out of memory for %s", base);
        wlr_status st = csv ? figure_csv(mem, g, &err) : figure_svg(mem, g, &err);
        fclose(mem);
        snprintf(name, sizeof name, "%s.%s", base, csv ? "csv" : "svg");
        if (st) rc = cli_errorf("%s/%s: %s", dir, name, err.message);
        else rc = write_text(dir, name, text, len);
        if (rc == 0 && !csv && svg) *svg = text;
        else free(text);
    }
    return rc;
}

/* ------------------------------------------------------ the start */

int cli_start_model(const wlr_dataset *train, const double cw[2], wlr_model *m)
{
    m->n_features = train->n_features;
    m->coef = calloc(train->n_features + 1, sizeof *m->coef);
    if (!m->coef) return cli_errorf("out of memory");
    wlr__weight_sums ws;
    memset(&ws, 0, sizeof ws);
    wlr__weight_sums_add(&ws, train, cw);
    m->intercept = wlr__base_rate_logit(ws.tot);
    return 0;
}

/* ---------------------------------------------------------- curves */

/* One series per run, x and y taken from the run's curve, plus a guide. */
static int fig_curves(figure *g, const plot_data *d, int pr)
{
    size_t n = (size_t)d->n_runs;
    if (figure_lines(g, n + 1)) return cli_errorf("out of memory");
    for (size_t k = 0; k < n; k++) {
        const wlr_curve *c = &d->curves[k];
        snprintf(g->names[k], NAME_ROOM, "%s (%s %.3f)", d->runs[k].name,
                 pr ? "AP" : "AUC", pr ? d->runs[k].met.average_precision
                                       : d->runs[k].met.roc_auc);
        g->s[k] = (wlr_plot_series){g->names[k], pr ? c->tpr : c->fpr,
                                    pr ? c->precision : c->tpr, c->n_points, 0, 0, 0};
    }
    /* no skill: ROC's diagonal; PR's level line at the share of class 1 */
    const wlr_curve *c0 = &d->curves[0];
    double share = (double)c0->count[1] / (double)(c0->count[0] + c0->count[1]);
    double *guide = calloc(4, sizeof *guide);
    g->own[2] = guide;
    if (!guide) return cli_errorf("out of memory");
    guide[1] = 1;
    guide[2] = pr ? share : 0;
    guide[3] = pr ? share : 1;
    snprintf(g->names[n], NAME_ROOM, pr ? "no skill (%.3f)" : "no skill", share);
    g->s[n] = (wlr_plot_series){g->names[n], guide, guide + 2, 2, 1, 0, 0};
    g->o.x_min = g->o.y_min = 0;
    g->o.x_max = g->o.y_max = 1;
    g->o.height = SQUARE_HEIGHT;
    if (pr) {
        g->o.title = "Precision-recall curves (test rows)";
        g->o.subtitle = "dashed: the precision of flagging every row (the share "
                        "of class 1)";
        g->o.x_label = "recall of class 1";
        g->o.y_label = "precision of class 1";
        g->o.x_column = "recall";
        g->o.y_column = "precision";
        g->o.id = "pr-box";
    } else {
        g->o.title = "ROC curves (test rows)";
        g->o.subtitle = "one line per weighting; the dashed diagonal ranks the "
                        "rows at random";
        g->o.x_label = "false positive rate (class 0 flagged)";
        g->o.y_label = "true positive rate (recall of class 1)";
        g->o.x_column = "false_positive_rate";
        g->o.y_column = "true_positive_rate";
        g->o.id = "roc-box";
    }
    return 0;
}

/* ---------------------------------------------------------- boundary */

/* The first two features' names for the axes, or feature 1 against a
 * jitter of the class when there is one feature. */
static void feature_axes(const wlr_dataset *t, char *xl, char *yl, size_t cap)
{
    char nb[32];
    snprintf(xl, cap, "%s", wlr_feature_name(t, 0, nb, sizeof nb));
    if (t->n_features > 1) snprintf(yl, cap, "%s", wlr_feature_name(t, 1, nb, sizeof nb));
    else snprintf(yl, cap, "class: 0 below, 1 above (spread out)");
}

/* The y of each row when there is one feature: its class, spread by the
 * golden ratio's fractional part, which places the rows evenly, the same
 * way every time. NULL when out of memory. */
double *cli_class_jitter(const wlr_dataset *t)
{
    double *jitter = malloc((t->n_rows + 1) * sizeof *jitter);
    for (size_t i = 0; jitter && i < t->n_rows; i++)
        jitter[i] = t->y[i] + 0.6 * (fmod((double)i * 0.6180339887498949, 1.0) - 0.5);
    return jitter;
}

void cli_boundary_line(const wlr_dataset *t, const wlr_model *m, double threshold,
                       double *wx, double *wy, double *c)
{
    size_t n = t->n_rows, dim = t->n_features;
    *c = m->intercept - wlr__log(threshold / (1 - threshold));
    for (size_t j = 2; j < dim; j++) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) sum += t->x[j * n + i];
        *c += m->coef[j] * (n ? sum / (double)n : 0);
    }
    *wx = m->coef[0];
    *wy = dim > 1 ? m->coef[1] : 0;
}

/* Test rows in features 1 and 2 with each run's line p = threshold:
 *   w1 x1 + w2 x2 + b + sum_{j>2} w_j mean_j = logit(threshold),
 * the boundary's slice through the test means of the other features. */
static int fig_boundary(figure *g, const plot_data *d)
{
    const wlr_dataset *t = d->test;
    size_t n = t->n_rows, dim = t->n_features;
    memset(g, 0, sizeof *g);
    wlr_plot_defaults(&g->o);
    g->scatter = 1;
    g->own[0] = g->lines = calloc((size_t)d->n_runs + 1, sizeof *g->lines);
    double *jitter = NULL;
    if (dim == 1) g->own[1] = jitter = cli_class_jitter(t);
    if (!g->lines || (dim == 1 && !jitter)) return cli_errorf("out of memory");
    g->n_lines = (size_t)d->n_runs;
    for (int k = 0; k < d->n_runs; k++) {
        wlr_plot_line *l = &g->lines[k];
        l->name = d->runs[k].name;
        cli_boundary_line(t, &d->runs[k].model, d->a->threshold, &l->wx, &l->wy, &l->c);
    }
    snprintf(g->title, sizeof g->title, "Decision boundaries, p = %g (test rows)",
             d->a->threshold);
    feature_axes(t, g->xl, g->yl, sizeof g->xl);
    if (dim > 2)
        snprintf(g->sub, sizeof g->sub, "%zu features: the lines are the "
                 "boundaries' slice at the test means of the other %zu", dim, dim - 2);
    else
        snprintf(g->sub, sizeof g->sub, "each line: where that run's p(class 1) "
                 "= %g; weighting class 1 moves it", d->a->threshold);
    size_t counts[2];
    wlr_class_counts(t, counts);
    for (int k = 0; k < 2; k++)
        snprintf(g->text[k], sizeof g->text[k], "class %d: %zu rows", k, counts[k]);
    g->o.title = g->title;
    g->o.subtitle = g->sub;
    g->o.x_label = g->o.x_column = g->xl;
    g->o.y_label = g->yl;
    g->o.y_column = dim > 1 ? g->yl : "class_spread";
    g->o.class_name[0] = g->text[0];
    g->o.class_name[1] = g->text[1];
    g->o.id = "boundary-box";
    if (dim == 1) {
        g->o.y_min = -0.5;
        g->o.y_max = 1.5;
    }
    g->x = t->x;
    g->y = dim > 1 ? t->x + n : jitter;
    g->cls = t->y;
    g->n_points = n;
    return 0;
}

/* boundary_lines.csv: each line wx x + wy y + c = 0 of boundary.svg. */
static int write_lines_csv(const char *dir, const figure *g, double threshold)
{
    char *text = NULL, num[4][40];
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) return cli_errorf("out of memory");
    fputs("weighting,threshold,wx,wy,c\n", mem);
    for (size_t k = 0; k < g->n_lines; k++) {
        const wlr_plot_line *l = &g->lines[k];
        wlr__format_double(num[0], sizeof num[0], threshold);
        wlr__format_double(num[1], sizeof num[1], l->wx);
        wlr__format_double(num[2], sizeof num[2], l->wy);
        wlr__format_double(num[3], sizeof num[3], l->c);
        fprintf(mem, "%s,%s,%s,%s,%s\n", l->name, num[0], num[1], num[2], num[3]);
    }
    fclose(mem);
    int rc = text ? write_text(dir, "boundary_lines.csv", text, len)
                  : cli_errorf("out of memory");
    free(text);
    return rc;
}

/* ------------------------------------------------------ the loss */

/* Does run r have an exact optimum to measure its gap against? */
static int has_optimum(const cli_run *r)
{
    return r->exact == CLI_EXACT_OK && r->exact_loss > 0 && isfinite(r->exact_loss);
}

/*
 * The training loss after each epoch, from epoch 0 (the starting model,
 * w = 0 and b the weighted log-odds, where the trainer starts), as its
 * relative gap to the exact optimum of the run's own objective,
 *   gap_e = (L_e - L*) / L*,
 * on a log axis: the levels of different weightings are not comparable
 * (each objective weighs its rows differently), their gaps are. Without an
 * optimum (Newton did not converge, too many features) the picture shows
 * the loss itself and says why.
 */
static int fig_loss(figure *g, const plot_data *d)
{
    size_t n = (size_t)d->n_runs;
    int most = 0, gaps = 1, any = 0, below = 0;
    for (size_t k = 0; k < n; k++) {
        const cli_run *r = &d->runs[k];
        if (!r->info.loss_per_epoch) continue;
        any = 1;
        gaps &= has_optimum(r);
        if (r->info.iterations > most) most = r->info.iterations;
    }
    if (figure_lines(g, n)) return cli_errorf("out of memory");
    double *epoch = calloc((size_t)most + 1, sizeof *epoch);
    double *y = calloc(n * ((size_t)most + 1) + 1, sizeof *y);
    g->own[2] = epoch;
    g->own[3] = y;
    if (!epoch || !y) return cli_errorf("out of memory");
    for (int e = 0; e <= most; e++) epoch[e] = e;
    for (size_t k = 0; k < n; k++) {
        const cli_run *r = &d->runs[k];
        double *v = y + k * ((size_t)most + 1);
        size_t len = r->info.loss_per_epoch ? (size_t)r->info.iterations + 1 : 0;
        if (len) {
            wlr_model m0;
            if (cli_start_model(d->train, r->cw, &m0)) return 1;
            v[0] = wlr_loss(d->train, r->cw, d->l2, &m0, NULL);
            wlr_model_free(&m0);
            memcpy(v + 1, r->info.loss_per_epoch, (len - 1) * sizeof *v);
            for (size_t e = 0; gaps && e < len; e++) {
                v[e] = (v[e] - r->exact_loss) / r->exact_loss;
                below |= !(v[e] > 0);
            }
        }
        snprintf(g->names[k], NAME_ROOM, "%s", r->name);
        g->s[k] = (wlr_plot_series){g->names[k], epoch, v, len, 0, (int)k + 1, 0};
        if (len == 0) g->s[k].name = NULL; /* no line, no legend entry */
    }
    g->o.title = "Training loss per epoch, from the starting model (epoch 0)";
    g->o.x_label = strcmp(d->a->solver, "newton") == 0 ? "Newton step" : "epoch";
    g->o.x_column = "epoch";
    g->o.x_min = 0;
    g->o.x_max = most > 0 ? most : 1;
    g->o.x_whole = 1;
    g->o.log_y = 1;
    g->o.id = "loss-box";
    if (!any) {
        g->o.subtitle = "not recorded (the Newton solver keeps no per-epoch loss)";
        g->o.y_label = "weighted log-loss (log scale)";
        g->o.y_column = "loss";
    } else if (gaps) {
        g->o.subtitle = below
            ? "each run's gap to the exact optimum of its own objective (Newton); "
              "gaps <= 0 (rounding) not drawn"
            : "each run's gap to the exact optimum of its own objective (Newton)";
        g->o.y_label = "(loss - optimum) / optimum (log scale)";
        g->o.y_column = "relative_gap";
    } else {
        int wide = 0;
        for (size_t k = 0; k < n; k++) wide |= d->runs[k].exact == CLI_EXACT_TOO_WIDE;
        g->o.subtitle = wide
            ? "the loss itself: no exact optimum to measure the gap against "
              "(too many features for Newton)"
            : "the loss itself: no exact optimum to measure the gap against "
              "(Newton did not converge)";
        g->o.y_label = "weighted log-loss (log scale)";
        g->o.y_column = "loss";
    }
    return 0;
}

/* --------------------------------------------------- gradient share */

/*
 * Class 1's share of the gradient's pull, compared at the same parameters
 * for every weighting. Class k's pull is its part of the gradient, c_k g_k
 * with g_k = (1/N) sum_{i: y_i = k} s_i (p_i - y_i) (x_i, 1) (explain.c),
 * so at parameters theta class 1's share under weights with c1/c0 = c is
 *   share(c) = c |g_1| / (|g_0| + c |g_1|),
 * a curve in c for each theta. At w = 0, b = 0 every p is 1/2 and every row
 * pulls equally hard, so the share is each class's weight of rows: about
 * 1 % without weights, 1/2 with balanced ones. At a model's own optimum the
 * pulls on b cancel by construction (the share is then 1/2 for its own
 * weights), which is why shares are compared at one theta, not each
 * weighting at its own.
 */
static double share_at(double c, const wlr_class_terms *t)
{
    double g0 = t->grad_norm_unweighted[0], g1 = t->grad_norm_unweighted[1];
    return c * g1 / (g0 + c * g1);
}

/* The first run without weights (c0 = c1), or -1. */
static int unweighted_run(const plot_data *d)
{
    for (int k = 0; k < d->n_runs; k++)
        if (d->runs[k].cw[0] == d->runs[k].cw[1]) return k;
    return -1;
}

int cli_share_terms(const wlr_dataset *train, const wlr_model *m,
                    wlr_class_terms *t)
{
    static const double none[2] = {1, 1};
    wlr_error err;
    if (wlr_class_terms_compute(train, none, m, t, &err)) return cli_error(&err);
    return 0;
}

/* The runs' c1/c0 on a log axis spanning at least SHARE_MIN..SHARE_MAX. */
static void share_range(const plot_data *d, double *lo, double *hi)
{
    *lo = SHARE_MIN;
    *hi = SHARE_MAX;
    for (int k = 0; k < d->n_runs; k++) {
        double c = d->runs[k].cw[1] / d->runs[k].cw[0];
        if (c < *lo) *lo = c;
        if (c > *hi) *hi = c;
    }
}

static int fig_share(figure *g, const plot_data *d)
{
    size_t n = (size_t)d->n_runs;
    int base = unweighted_run(d);
    wlr_class_terms at0, atb;
    wlr_model zero = {d->train->n_features, NULL, 0};
    zero.coef = calloc(d->train->n_features + 1, sizeof *zero.coef);
    if (!zero.coef) return cli_errorf("out of memory");
    int rc = cli_share_terms(d->train, &zero, &at0);
    free(zero.coef);
    if (rc == 0 && base >= 0) rc = cli_share_terms(d->train, &d->runs[base].model, &atb);
    if (rc) return rc;
    if (figure_lines(g, n + 2)) return cli_errorf("out of memory");
    double *c = calloc(3 * SHARE_POINTS + 2 * n + 1, sizeof *c);
    g->own[2] = c;
    if (!c) return cli_errorf("out of memory");
    double *s0 = c + SHARE_POINTS, *sb = s0 + SHARE_POINTS, *dots = sb + SHARE_POINTS;
    double lo, hi;
    share_range(d, &lo, &hi);
    /* a little room beyond the runs, so that a dot at an end shows whole */
    lo /= SHARE_MARGIN;
    hi *= SHARE_MARGIN;
    double l0 = wlr__log10(lo), l1 = wlr__log10(hi);
    for (int i = 0; i < SHARE_POINTS; i++) {
        c[i] = wlr__pow10(l0 + (l1 - l0) * i / (SHARE_POINTS - 1));
        s0[i] = share_at(c[i], &at0);
        sb[i] = base >= 0 ? share_at(c[i], &atb) : NAN;
    }
    c[0] = lo; /* the ends exactly */
    c[SHARE_POINTS - 1] = hi;
    size_t k = 0;
    snprintf(g->names[k], NAME_ROOM, "at w = 0, b = 0 (the dots)");
    g->s[k] = (wlr_plot_series){g->names[k], c, s0, SHARE_POINTS, 0, 7, 0};
    k++;
    if (base >= 0) {
        snprintf(g->names[k], NAME_ROOM, "at %s's fit", d->runs[base].name);
        g->s[k] = (wlr_plot_series){g->names[k], c, sb, SHARE_POINTS, 0, 7, 1};
        k++;
    }
    for (size_t r = 0; r < n; r++) {
        const cli_run *run = &d->runs[r];
        double *dot = dots + 2 * r;
        dot[0] = run->cw[1] / run->cw[0];
        dot[1] = share_at(dot[0], &at0);
        snprintf(g->names[k], NAME_ROOM, "%s (%.3f)", run->name, dot[1]);
        g->s[k] = (wlr_plot_series){g->names[k], dot, dot + 1, 1, 0, (int)r + 1, 0};
        k++;
    }
    g->n_series = k;
    g->o.title = "Class 1's share of the gradient's pull, at the same parameters";
    g->o.subtitle = "share = c1 |g1| / (c0 |g0| + c1 |g1|), g_k: class k's "
                    "unweighted pull";
    g->o.x_label = "class 1's weight relative to class 0, c1 / c0 (log scale)";
    g->o.y_label = "class 1's share of the pull";
    g->o.x_column = "c1_over_c0";
    g->o.y_column = "share";
    g->o.log_x = 1;
    g->o.x_min = lo;
    g->o.x_max = hi;
    g->o.y_min = 0;
    g->o.y_max = 1;
    g->o.id = "share-box";
    return 0;
}

/* ------------------------------------------------------------ all */

/* Every file --plots DIR gets, in the order written: the pictures and
 * their data, then index.html, which shows them all. cli_check_files
 * checks each of them against the command's inputs and other outputs
 * before any work. */
const char *const cli_plot_files[] = {
    "roc.svg", "roc.csv", "pr.svg", "pr.csv", "boundary.svg", "boundary.csv",
    "boundary_lines.csv", "loss.svg", "loss.csv", "gradient_share.svg",
    "gradient_share.csv", "index.html", NULL};

/* explain --plots DIR: the two pictures of one run and its data. */
const char *const cli_explain_plot_files[] = {
    "gradient_share.svg", "gradient_share.csv", "loss.svg", "loss.csv", NULL};

/* The pictures, in the order of cli_plot_files. */
typedef int (*build_fn)(figure *g, const plot_data *d);

static int fig_roc(figure *g, const plot_data *d) { return fig_curves(g, d, 0); }
static int fig_pr(figure *g, const plot_data *d) { return fig_curves(g, d, 1); }

static const struct {
    const char *base, *alt;
    build_fn build;
} pictures[] = {
    {"roc", "ROC curves", fig_roc},
    {"pr", "precision-recall curves", fig_pr},
    {"boundary", "decision boundaries over the test data", fig_boundary},
    {"loss", "training loss per epoch, as the gap to the optimum", fig_loss},
    {"gradient_share", "class 1's share of the gradient's pull by class weight",
     fig_share},
};
#define N_PICTURES (sizeof pictures / sizeof pictures[0])

/* Builds and writes one picture; its SVG text into *svg if not NULL. */
static int write_picture(const char *dir, size_t p, const plot_data *d, char **svg)
{
    figure g;
    memset(&g, 0, sizeof g);
    int rc = pictures[p].build(&g, d);
    if (rc == 0) rc = write_figure(dir, pictures[p].base, &g, svg);
    if (rc == 0 && pictures[p].build == fig_boundary)
        rc = write_lines_csv(dir, &g, d->a->threshold);
    figure_free(&g);
    return rc;
}

int cli_write_plots(const char *dir, const cli_args *a, const cli_run *runs,
                    int n_runs, const wlr_dataset *train,
                    const wlr_dataset *test)
{
    if (n_runs < 1) return cli_errorf("--plots: no runs to plot");
    if (cli_make_dirs("--plots", dir)) return 1;
    plot_data d = {a, a->train.l2, runs, n_runs, train, test, NULL};
    d.curves = calloc((size_t)n_runs, sizeof *d.curves);
    double *p = malloc((test->n_rows + 1) * sizeof *p);
    cli_figure shown[N_PICTURES];
    char *svg[N_PICTURES] = {NULL};
    int rc = 0, made = 0;
    if (!d.curves || !p) rc = cli_errorf("out of memory for the plots");
    for (; rc == 0 && made < n_runs; made++) {
        wlr_error err;
        wlr_predict_proba(&runs[made].model, test, p);
        if (wlr_curve_compute(test->y, p, test->n_rows, &d.curves[made], &err))
            rc = cli_errorf("%s: %s", dir, err.message);
    }
    /* the page shows every picture but the boundary's (it has its own, to
     * explore, and the picture is the largest by far) */
    for (size_t k = 0; rc == 0 && k < N_PICTURES; k++) {
        int inline_svg = pictures[k].build != fig_boundary;
        rc = write_picture(dir, k, &d, inline_svg ? &svg[k] : NULL);
        shown[k] = (cli_figure){pictures[k].base, pictures[k].alt, svg[k]};
    }
    if (rc == 0) rc = cli_write_page(dir, "index.html", a, runs, n_runs, train,
                                     test, shown, N_PICTURES);
    for (int k = 0; d.curves && k < made; k++) wlr_curve_free(&d.curves[k]);
    for (size_t k = 0; k < N_PICTURES; k++) free(svg[k]);
    free(d.curves);
    free(p);
    return rc;
}

int cli_write_explain_plots(const char *dir, const cli_args *a,
                            const cli_run *runs, int n_runs,
                            const wlr_dataset *train)
{
    if (cli_make_dirs("--plots", dir)) return 1;
    plot_data d = {a, a->train.l2, runs, n_runs, train, NULL, NULL};
    static const build_fn which[] = {fig_share, fig_loss};
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < N_PICTURES; k++)
        if (pictures[k].build == which[0] || pictures[k].build == which[1])
            rc = write_picture(dir, k, &d, NULL);
    return rc;
}
