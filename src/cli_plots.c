/*
 * cli_plots.c - `wlr experiment --plots DIR`: the experiment as pictures.
 *
 *   roc.svg             ROC curve of each run on the test rows, and the
 *                       diagonal of a model that ranks at random
 *   pr.svg              precision against recall, and the no-skill level
 *                       (the share of class 1)
 *   boundary.svg        the test rows in the first two features with each
 *                       run's decision boundary p = threshold
 *   loss.svg            the training loss per epoch
 *   gradient_share.svg  class 1's share of the gradient's pull per epoch
 *   index.html          all of them, under the table of runs
 *
 * DIR is made if missing, with its parents (mkdir -p). Every file is
 * written atomically (a reader never sees half a picture);
 * the drawing is plot.c's, this file only chooses what to draw.
 */
#include "cli.h"
#include "elementary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Room for "DIR/gradient_share.svg". */
#define MAX_PATH 4096
/* Height that makes the plot box of a default-width chart about square:
 * both axes of ROC and PR run 0..1, and a square shows the diagonal at 45
 * degrees. */
#define SQUARE_HEIGHT 580
/* Legend text per run: the name and one number, e.g. "1:200 (AUC 0.635)". */
#define NAME_ROOM 96

/* DIR/FILE into buf; 0, or an error for a too-long name. */
static int join_path(char *buf, const char *dir, const char *file)
{
    int n = snprintf(buf, MAX_PATH, "%s/%s", dir, file);
    if (n < 0 || n >= MAX_PATH) return cli_errorf("%s:0: path too long", dir);
    return 0;
}

/* What one picture needs from the runs. */
typedef struct {
    const cli_args *a;
    const cli_run *runs;
    int n_runs;
    const wlr_dataset *test;
    wlr_curve *curves;          /* one per run, on the test rows */
} plot_data;

typedef int (*draw_fn)(FILE *f, const plot_data *d, wlr_error *err);

/* Writes DIR/FILE with draw, atomically. */
static int write_file(const char *dir, const char *file, draw_fn draw,
                      const plot_data *d)
{
    char path[MAX_PATH];
    if (join_path(path, dir, file)) return 1;
    wlr__out out = {0};
    wlr_error err;
    int rc = 0;
    if (wlr__out_open(&out, path, &err)) {
        rc = cli_error(&err);
    } else if (draw(out.f, d, &err)) {
        rc = cli_errorf("%s:0: %s", path, err.message);
    } else if (wlr__out_commit(&out, &err)) {
        rc = cli_error(&err);
    }
    wlr__out_abort(&out);
    return rc;
}

/* ---------------------------------------------------------- curves */

/* One series per run, x and y taken from the run's curve, plus a guide. */
static int draw_curves(FILE *f, const plot_data *d, int pr, wlr_error *err)
{
    wlr_plot_series *s = calloc((size_t)d->n_runs + 1, sizeof *s);
    char (*names)[NAME_ROOM] = calloc((size_t)d->n_runs + 1, sizeof *names);
    if (!s || !names) {
        free(s);
        free(names);
        snprintf(err->message, sizeof err->message, "out of memory");
        return 1;
    }
    for (int k = 0; k < d->n_runs; k++) {
        const wlr_curve *c = &d->curves[k];
        snprintf(names[k], NAME_ROOM, "%s (%s %.3f)", d->runs[k].name,
                 pr ? "AP" : "AUC", pr ? d->runs[k].met.average_precision
                                       : d->runs[k].met.roc_auc);
        s[k].name = names[k];
        s[k].x = pr ? c->tpr : c->fpr;
        s[k].y = pr ? c->precision : c->tpr;
        s[k].n = c->n_points;
    }
    /* no skill: ROC's diagonal; PR's level line at the share of class 1 */
    const wlr_curve *c0 = &d->curves[0];
    double share = (double)c0->count[1] / (double)(c0->count[0] + c0->count[1]);
    double gx[2] = {0, 1}, gy[2] = {pr ? share : 0, pr ? share : 1};
    snprintf(names[d->n_runs], NAME_ROOM, pr ? "no skill (%.3f)" : "no skill",
             share);
    s[d->n_runs] = (wlr_plot_series){names[d->n_runs], gx, gy, 2, 1, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.x_min = o.y_min = 0;
    o.x_max = o.y_max = 1;
    o.height = SQUARE_HEIGHT;
    if (pr) {
        o.title = "Precision-recall curves (test rows)";
        o.subtitle = "dashed: the precision of flagging every row (the share "
                     "of class 1)";
        o.x_label = "recall of class 1";
        o.y_label = "precision of class 1";
    } else {
        o.title = "ROC curves (test rows)";
        o.subtitle = "one line per weighting; the dashed diagonal ranks the "
                     "rows at random";
        o.x_label = "false positive rate (class 0 flagged)";
        o.y_label = "true positive rate (recall of class 1)";
    }
    int rc = wlr_plot_lines(f, &o, s, (size_t)d->n_runs + 1, err) != WLR_OK;
    free(s);
    free(names);
    return rc;
}

static int draw_roc(FILE *f, const plot_data *d, wlr_error *err)
{
    return draw_curves(f, d, 0, err);
}

static int draw_pr(FILE *f, const plot_data *d, wlr_error *err)
{
    return draw_curves(f, d, 1, err);
}

/* ---------------------------------------------------------- boundary */

/* Test rows in features 1 and 2 (feature 1 against a jitter of the class
 * when there is one feature), with each run's line p = threshold:
 *   w1 x1 + w2 x2 + b + sum_{j>2} w_j mean_j = logit(threshold),
 * the boundary's slice through the means of the other features. */
static int draw_boundary(FILE *f, const plot_data *d, wlr_error *err)
{
    const wlr_dataset *t = d->test;
    size_t n = t->n_rows, dim = t->n_features;
    double *jitter = NULL;
    wlr_plot_line *lines = calloc((size_t)d->n_runs + 1, sizeof *lines);
    if (dim == 1) jitter = malloc((n + 1) * sizeof *jitter);
    if (!lines || (dim == 1 && !jitter)) {
        free(lines);
        free(jitter);
        snprintf(err->message, sizeof err->message, "out of memory");
        return 1;
    }
    /* the golden ratio's fractional part spreads the rows evenly, the same
     * way every time */
    for (size_t i = 0; jitter && i < n; i++)
        jitter[i] = t->y[i] + 0.6 * (fmod((double)i * 0.6180339887498949, 1.0) - 0.5);
    double logit = wlr__log(d->a->threshold / (1 - d->a->threshold));
    for (int k = 0; k < d->n_runs; k++) {
        const wlr_model *m = &d->runs[k].model;
        double c = m->intercept - logit;
        for (size_t j = 2; j < dim; j++) {
            double sum = 0;
            for (size_t i = 0; i < n; i++) sum += t->x[j * n + i];
            c += m->coef[j] * (n ? sum / (double)n : 0);
        }
        lines[k].name = d->runs[k].name;
        lines[k].wx = m->coef[0];
        lines[k].wy = dim > 1 ? m->coef[1] : 0;
        lines[k].c = c;
    }
    char title[128], sub[256], xl[64], yl[64], nb[32];
    snprintf(title, sizeof title, "Decision boundaries, p = %g (test rows)",
             d->a->threshold);
    snprintf(xl, sizeof xl, "%s", wlr_feature_name(t, 0, nb, sizeof nb));
    if (dim > 1) snprintf(yl, sizeof yl, "%s", wlr_feature_name(t, 1, nb, sizeof nb));
    else snprintf(yl, sizeof yl, "class: 0 below, 1 above (spread out)");
    if (dim > 2)
        snprintf(sub, sizeof sub, "%zu features: the lines are the boundaries' "
                 "slice at the test means of the other %zu", dim, dim - 2);
    else
        snprintf(sub, sizeof sub, "each line: where that run's p(class 1) = %g; "
                 "weighting class 1 moves it into class 0's rows",
                 d->a->threshold);
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.title = title;
    o.subtitle = sub;
    o.x_label = xl;
    o.y_label = yl;
    size_t counts[2];
    wlr_class_counts(t, counts);
    o.class_name[0] = counts[0] >= counts[1] ? "class 0 (majority)" : "class 0";
    o.class_name[1] = counts[0] >= counts[1] ? "class 1 (minority)" : "class 1";
    if (dim == 1) {
        o.y_min = -0.5;
        o.y_max = 1.5;
    }
    int rc = wlr_plot_scatter(f, &o, t->x, dim > 1 ? t->x + n : jitter, t->y, n,
                              lines, (size_t)d->n_runs, err) != WLR_OK;
    free(lines);
    free(jitter);
    return rc;
}

/* ------------------------------------------------------ per epoch */

/* 1, 2, ..., the most epochs any run recorded (terms or loss); NULL when
 * out of memory. */
static double *epoch_axis(const plot_data *d, int terms, int *most)
{
    *most = 1;
    for (int k = 0; k < d->n_runs; k++) {
        int len = terms ? d->runs[k].n_terms : d->runs[k].info.iterations;
        if (len > *most) *most = len;
    }
    double *epoch = malloc((size_t)*most * sizeof *epoch);
    for (int e = 0; epoch && e < *most; e++) epoch[e] = e + 1;
    return epoch;
}

static void epoch_options(wlr_plot_options *o, const plot_data *d, int most)
{
    wlr_plot_defaults(o);
    o->x_label = strcmp(d->a->solver, "newton") == 0 ? "Newton step" : "epoch";
    o->x_min = 1;
    o->x_max = most > 1 ? most : 2;
    o->x_whole = 1;
}

/* The training loss after each epoch, one line per run (GD only). */
static int draw_loss(FILE *f, const plot_data *d, wlr_error *err)
{
    int most;
    double *epoch = epoch_axis(d, 0, &most);
    wlr_plot_series *s = calloc((size_t)d->n_runs, sizeof *s);
    int any = 0;
    for (int k = 0; s && k < d->n_runs; k++) {
        const cli_run *r = &d->runs[k];
        s[k] = (wlr_plot_series){r->name, epoch, r->info.loss_per_epoch,
                                 r->info.loss_per_epoch ? (size_t)r->info.iterations : 0,
                                 0, k + 1, 0};
        if (s[k].n == 0) s[k].name = NULL; /* no line, no legend entry */
        any |= s[k].n > 0;
    }
    wlr_plot_options o;
    epoch_options(&o, d, most);
    o.title = "Training loss per epoch";
    o.subtitle = any ? "each run's own weighted loss: compare shapes, not levels"
                     : "not recorded (the Newton solver keeps no per-epoch loss)";
    o.y_label = "weighted log-loss (log scale)";
    o.log_y = 1;
    int rc;
    if (!epoch || !s) rc = snprintf(err->message, sizeof err->message, "out of memory") > 0;
    else rc = wlr_plot_lines(f, &o, s, (size_t)d->n_runs, err) != WLR_OK;
    free(epoch);
    free(s);
    return rc;
}

/*
 * Class 1's share of the pull, |grad_1| / (|grad_0| + |grad_1|), after each
 * epoch: solid with the run's class weights, dashed without them (c = 1, 1)
 * for the same model. Near the optimum the weighted pulls cancel (0.5 for
 * every run); the dashed line shows how small class 1's own pull is and so
 * how much the weights multiply it.
 */
static int draw_share(FILE *f, const plot_data *d, wlr_error *err)
{
    int most;
    size_t n = (size_t)d->n_runs;
    double *epoch = epoch_axis(d, 1, &most);
    double *share = malloc((size_t)most * 2 * n * sizeof *share);
    wlr_plot_series *s = calloc(2 * n + 2, sizeof *s);
    int rc, any = 0;
    if (!epoch || !share || !s) {
        rc = snprintf(err->message, sizeof err->message, "out of memory") > 0;
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        const cli_run *r = &d->runs[k];
        double *w = share + (size_t)most * 2 * k, *u = w + most;
        for (int e = 0; e < r->n_terms; e++) {
            const double *g = r->terms[e].grad_norm;
            const double *h = r->terms[e].grad_norm_unweighted;
            w[e] = g[1] / (g[0] + g[1]); /* NaN at 0/0: not drawn */
            u[e] = h[1] / (h[0] + h[1]);
        }
        size_t len = (size_t)r->n_terms;
        s[2 * k] = (wlr_plot_series){len ? r->name : NULL, epoch, w, len, 0,
                                     (int)k + 1, 0};
        s[2 * k + 1] = (wlr_plot_series){NULL, epoch, u, len, 0, (int)k + 1, 1};
        any |= len > 0;
    }
    double half_x[2] = {1, most}, half_y[2] = {0.5, 0.5};
    s[2 * n] = (wlr_plot_series){"equal pull", half_x, half_y, 2, 1, 0, 0};
    /* a legend entry only: what the dashed lines are */
    s[2 * n + 1] = (wlr_plot_series){"dashed: no weights", NULL, NULL, 0, 0, 7, 1};
    wlr_plot_options o;
    epoch_options(&o, d, most);
    o.title = "Class 1's share of the gradient's pull";
    o.subtitle = any ? "|grad_1| / (|grad_0| + |grad_1|); with the weights the "
                       "pulls cancel near the optimum"
                     : "not recorded for these runs";
    o.y_label = "share of the pull from class 1 (log scale)";
    o.log_y = 1; /* the unweighted shares of weighted runs are ~1 / c1 */
    o.y_max = 1;
    rc = wlr_plot_lines(f, &o, s, any ? 2 * n + 2 : 2 * n + 1, err) != WLR_OK;
done:
    free(epoch);
    free(share);
    free(s);
    return rc;
}

/* ------------------------------------------------------- index.html */

static void put_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Every file --plots DIR gets, in the order written: the pictures, then
 * index.html, which shows them all. cli_check_files checks each of them
 * against the command's inputs and other outputs before any work. */
const char *const cli_plot_files[] = {"roc.svg", "pr.svg", "boundary.svg",
                                      "loss.svg", "gradient_share.svg",
                                      "index.html", NULL};

/* The pictures, each drawn into the file at the same place in
 * cli_plot_files. */
static const struct {
    const char *alt;
    draw_fn draw;
} pictures[] = {
    {"ROC curves", draw_roc},
    {"precision-recall curves", draw_pr},
    {"decision boundaries over the test data", draw_boundary},
    {"training loss per epoch", draw_loss},
    {"class 1's share of the gradient per epoch", draw_share},
};
#define N_PICTURES (sizeof pictures / sizeof pictures[0])
#define INDEX_FILE cli_plot_files[N_PICTURES]
_Static_assert(sizeof cli_plot_files / sizeof cli_plot_files[0] == N_PICTURES + 2,
               "a file name for each picture, then index.html and NULL");

static int draw_index(FILE *f, const plot_data *d, wlr_error *err)
{
    (void)err;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>wlr experiment</title>\n<style>\n"
          "body { font-family: Helvetica, Arial, sans-serif; margin: 16px; "
          "color: #222; }\n"
          "table { border-collapse: collapse; margin: 12px 0 24px; }\n"
          "th, td { padding: 4px 10px; border-bottom: 1px solid #ddd; "
          "text-align: right; }\n"
          "th:first-child, td:first-child { text-align: left; }\n"
          "th { border-bottom: 2px solid #888; }\n"
          ".pictures { display: flex; flex-wrap: wrap; gap: 12px; "
          "align-items: flex-start; }\n"
          "img { width: 720px; max-width: 100%; box-sizing: border-box; "
          "border: 1px solid #eee; }\n"
          "</style>\n</head>\n<body>\n<h1>wlr experiment</h1>\n", f);
    fprintf(f, "<p>%zu test rows, class 1 predicted iff p &gt; %g. Recall, "
            "precision and F1 are class 1's.</p>\n", d->test->n_rows,
            d->a->threshold);
    fputs("<table>\n<tr><th>weighting</th><th>c0</th><th>c1</th>"
          "<th>recall</th><th>precision</th><th>F1</th><th>ROC AUC</th>"
          "<th>avg precision</th><th>log loss</th><th>training loss</th></tr>\n", f);
    for (int k = 0; k < d->n_runs; k++) {
        const cli_run *r = &d->runs[k];
        fputs("<tr><td>", f);
        put_html(f, r->name);
        fprintf(f, "</td><td>%.4g</td><td>%.4g</td><td>%.3f</td><td>%.3f</td>"
                "<td>%.3f</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                "<td>%.6f</td></tr>\n", r->cw[0], r->cw[1], r->met.recall[1],
                r->met.precision[1], r->met.f1[1], r->met.roc_auc,
                r->met.average_precision, r->met.log_loss, r->info.loss);
    }
    fputs("</table>\n<div class=\"pictures\">\n", f);
    for (size_t p = 0; p < N_PICTURES; p++)
        fprintf(f, "<img src=\"%s\" alt=\"%s\">\n", cli_plot_files[p],
                pictures[p].alt);
    fputs("</div>\n</body>\n</html>\n", f);
    return 0;
}

/* ------------------------------------------------------------ all */

int cli_write_plots(const char *dir, const cli_args *a, const cli_run *runs,
                    int n_runs, const wlr_dataset *train,
                    const wlr_dataset *test)
{
    (void)train;
    if (n_runs < 1) return cli_errorf("%s:0: no runs to plot", dir);
    if (cli_make_dirs("--plots", dir)) return 1;
    plot_data d = {a, runs, n_runs, test, NULL};
    d.curves = calloc((size_t)n_runs, sizeof *d.curves);
    double *p = malloc((test->n_rows + 1) * sizeof *p);
    int rc = 0, made = 0;
    if (!d.curves || !p) rc = cli_errorf("out of memory for the plots");
    for (; rc == 0 && made < n_runs; made++) {
        wlr_error err;
        wlr_predict_proba(&runs[made].model, test, p);
        if (wlr_curve_compute(test->y, p, test->n_rows, &d.curves[made], &err))
            rc = cli_errorf("%s:0: %s", dir, err.message);
    }
    for (size_t k = 0; rc == 0 && k < N_PICTURES; k++)
        rc = write_file(dir, cli_plot_files[k], pictures[k].draw, &d);
    if (rc == 0) rc = write_file(dir, INDEX_FILE, draw_index, &d);
    for (int k = 0; d.curves && k < made; k++) wlr_curve_free(&d.curves[k]);
    free(d.curves);
    free(p);
    return rc;
}
