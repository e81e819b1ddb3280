/*
 * cli_explain.c - `wlr explain`: how class weights change the gradient, for
 * a student.
 *
 * One row's gradient is c_y (p - y) (x, 1). A class-1 row the model misses
 * has p - y near -1 and pulls z up; a class-0 row has p - y = p > 0 and
 * pulls z down. With 1 % class-1 rows, class 0's many small pulls win and
 * the model learns "almost always 0". A weight c_1 multiplies every class-1
 * pull by c_1. This command shows it three ways: one gradient step worked
 * through with numbers a reader can check by hand; class 1's share of the
 * pull under each weighting at the same parameters (where the weights alone
 * make the difference); and each class's pull along the fit, epoch by
 * epoch from the start. As text, as one JSON object (--json), and as
 * pictures with their data (--plots DIR: cli_plots.c).
 */
#include "cli.h"
#include "elementary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of each class in the worked step: few enough to check by hand. */
#define WORKED_ROWS 3
/* Features the worked step shows (its sums use them all). */
#define SHOWN_FEATURES 2

/* ------------------------------------------------------ the worked step */

/* One gradient step of gradient descent on a few rows, from the trainer's
 * start: every number the text and the JSON show. */
typedef struct {
    size_t n, shown, dim;             /* rows, features shown, features */
    size_t row[2 * WORKED_ROWS];      /* 0-based rows of the data */
    double x[2 * WORKED_ROWS][SHOWN_FEATURES];
    int y[2 * WORKED_ROWS];
    double r[2 * WORKED_ROWS];        /* c_y (p - y): the row's pull on z */
    size_t count[2];
    double cw[2], b, p, cbar, q, c_max, batch, k, lr, step;
    int standardized;          /* training steps on (x - mean) / sd */
    double mean[SHOWN_FEATURES + 1];  /* the batch's gradient: w shown, b */
    char names[SHOWN_FEATURES][64];   /* the features' names */
} worked_step;

/* The first WORKED_ROWS rows of each class, class 0 first. */
static void pick_rows(const wlr_dataset *d, worked_step *s)
{
    s->n = 0;
    for (int k = 0; k < 2; k++) {
        size_t got = 0;
        for (size_t i = 0; i < d->n_rows && got < WORKED_ROWS; i++)
            if (d->y[i] == k) {
                s->row[s->n++] = i;
                got++;
            }
    }
}

/* Start: w = 0, b = log(c1 n1 / (c0 n0)), the weighted log-odds (train.c
 * starts there); then z = b and p = sigma(b) for every row, each row's
 * gradient c_y (p - y) (x, 1), their mean, and train.c's first step lr / k,
 * k = max(4 cbar q (1 - q), c_max / B) (THE STEP SIZE there). */
static void work_step(const wlr_dataset *d, const double cw[2],
                      const wlr_train_options *o, worked_step *s)
{
    memset(s, 0, sizeof *s);
    size_t cnt[2];
    wlr_class_counts(d, cnt);
    pick_rows(d, s);
    s->dim = d->n_features;
    s->shown = d->n_features < SHOWN_FEATURES ? d->n_features : SHOWN_FEATURES;
    for (size_t j = 0; j < s->shown; j++) {
        char nb[32];
        snprintf(s->names[j], sizeof s->names[j], "%s", wlr_feature_name(d, j, nb, sizeof nb));
    }
    s->cw[0] = cw[0];
    s->cw[1] = cw[1];
    s->count[0] = cnt[0];
    s->count[1] = cnt[1];
    double tot1 = cw[1] * (double)cnt[1], tot0 = cw[0] * (double)cnt[0];
    s->b = tot0 > 0 && tot1 > 0 ? wlr__log(tot1 / tot0) : 0.0;
    s->p = wlr_sigmoid(s->b);
    s->cbar = (tot0 + tot1) / (double)d->n_rows;
    s->q = tot0 + tot1 > 0 ? tot1 / (tot0 + tot1) : 0.0;
    s->c_max = cw[0] > cw[1] ? cw[0] : cw[1];
    s->batch = o->batch_size && o->batch_size < d->n_rows ? (double)o->batch_size
                                                          : (double)d->n_rows;
    s->k = 4.0 * s->cbar * s->q * (1.0 - s->q);
    if (s->c_max / s->batch > s->k) s->k = s->c_max / s->batch;
    s->lr = o->lr;
    s->step = o->lr / s->k;
    s->standardized = o->standardize;
    for (size_t k = 0; k < s->n; k++) {
        size_t i = s->row[k];
        s->y[k] = d->y[i];
        s->r[k] = cw[s->y[k]] * (s->p - s->y[k]);
        for (size_t j = 0; j < s->shown; j++) {
            s->x[k][j] = d->x[j * d->n_rows + i];
            s->mean[j] += s->r[k] * s->x[k][j];
        }
        s->mean[SHOWN_FEATURES] += s->r[k];
    }
    for (size_t j = 0; j <= SHOWN_FEATURES && s->n; j++) s->mean[j] /= (double)s->n;
}

/* A column at least as wide as its header. */
static int width(const char *head, int least)
{
    int n = (int)strlen(head);
    return n > least ? n : least;
}

static void print_worked_step(FILE *f, const worked_step *s)
{
    char g[SHOWN_FEATURES][72];
    int wx[SHOWN_FEATURES], wg[SHOWN_FEATURES];
    for (size_t j = 0; j < s->shown; j++) {
        snprintf(g[j], sizeof g[j], "g_%s", s->names[j]);
        wx[j] = width(s->names[j], 10);
        wg[j] = width(g[j], 9);
    }
    fprintf(f, "One gradient step, by hand\n\n");
    fprintf(f, "  Start: w = 0, b = log(sum of class-1 weights / sum of class-0 "
            "weights)\n         = log(%g x %zu / (%g x %zu)) = %.4f\n\n", s->cw[1],
            s->count[1], s->cw[0], s->count[0], s->b);
    fprintf(f, "  Then z = b for every row, p = sigma(z) = %.4f, and each row's "
            "gradient is c_y (p - y) (x, 1):\n\n", s->p);
    fprintf(f, "    %6s", "row");
    for (size_t j = 0; j < s->shown; j++) fprintf(f, " %*s", wx[j], s->names[j]);
    fprintf(f, " %2s %8s %9s", "y", "p - y", "c_y");
    for (size_t j = 0; j < s->shown; j++) fprintf(f, " %*s", wg[j], g[j]);
    fprintf(f, " %10s\n", "g_b");
    for (size_t k = 0; k < s->n; k++) {
        fprintf(f, "    %6zu", s->row[k] + 1);
        for (size_t j = 0; j < s->shown; j++) fprintf(f, " %*.4f", wx[j], s->x[k][j]);
        fprintf(f, " %2d %8.4f %9.4g", s->y[k], s->p - s->y[k], s->cw[s->y[k]]);
        for (size_t j = 0; j < s->shown; j++)
            fprintf(f, " %*.4f", wg[j], s->r[k] * s->x[k][j]);
        fprintf(f, " %10.4f\n", s->r[k]);
    }
    const double *m = s->mean;
    fprintf(f, "\n  Were these %zu rows a batch, its gradient would be their mean "
            "(w = 0, so l2 adds nothing):\n    g = (", s->n);
    for (size_t j = 0; j < s->shown; j++) fprintf(f, "%.4f, ", m[j]);
    fprintf(f, "%.4f)%s\n", m[SHOWN_FEATURES],
            s->shown < s->dim ? "  (the features shown, then b)" : "");
    fprintf(f, "  Step size lr / k, k = max(4 cbar q (1 - q), c_max / B) = max(4 x "
            "%.4g x %.4g x %.4g, %.4g / %.0f) = %.4g\n    (cbar the mean row weight, "
            "q class 1's share of it, c_max the largest, B the batch):\n    "
            "%g / %.4g = %.4g, so\n", s->cbar, s->q, 1.0 - s->q, s->c_max, s->batch,
            s->k, s->lr, s->k, s->step);
    for (size_t j = 0; j < s->shown; j++)
        fprintf(f, "    w_%s = 0 - %.4g x %.4f = %.4f\n", s->names[j], s->step, m[j],
                -s->step * m[j]);
    fprintf(f, "    b  = %.4f - %.4g x %.4f = %.4f\n", s->b, s->step, m[SHOWN_FEATURES],
            s->b - s->step * m[SHOWN_FEATURES]);
    fprintf(f, "\n  Each class-1 row pulls b up with c_1 = %g; each class-0 row "
            "pulls it down with c_0 = %g.\n%s\n", s->cw[1], s->cw[0],
            s->standardized ? "  (Training takes its steps on the standardised "
            "columns (x - mean) / sd and reports w on x's scale;\n  here they are "
            "on x as read, to be followed by hand.)\n" : "");
}

static void json_worked_step(FILE *f, const worked_step *s)
{
    fputs("{\"start_b\": ", f);
    cli_json_double(f, s->b);
    fputs(", \"p\": ", f);
    cli_json_double(f, s->p);
    fputs(", \"rows\": [", f);
    for (size_t k = 0; k < s->n; k++) {
        double gx[SHOWN_FEATURES];
        for (size_t j = 0; j < s->shown; j++) gx[j] = s->r[k] * s->x[k][j];
        fprintf(f, "%s{\"row\": %zu, \"x\": ", k ? ", " : "", s->row[k] + 1);
        cli_json_array(f, s->x[k], s->shown);
        fprintf(f, ", \"y\": %d, \"p_minus_y\": ", s->y[k]);
        cli_json_double(f, s->p - s->y[k]);
        fputs(", \"c_y\": ", f);
        cli_json_double(f, s->cw[s->y[k]]);
        fputs(", \"g_x\": ", f);
        cli_json_array(f, gx, s->shown);
        fputs(", \"g_b\": ", f);
        cli_json_double(f, s->r[k]);
        fputc('}', f);
    }
    double w_after[SHOWN_FEATURES];
    for (size_t j = 0; j < s->shown; j++) w_after[j] = -s->step * s->mean[j];
    fputs("], \"mean_g_x\": ", f);
    cli_json_array(f, s->mean, s->shown);
    fputs(", \"mean_g_b\": ", f);
    cli_json_double(f, s->mean[SHOWN_FEATURES]);
    fputs(", \"mean_row_weight\": ", f);
    cli_json_double(f, s->cbar);
    fputs(", \"curvature\": ", f);
    cli_json_double(f, s->k);
    fputs(", \"step\": ", f);
    cli_json_double(f, s->step);
    fputs(", \"w_after\": ", f);
    cli_json_array(f, w_after, s->shown);
    fputs(", \"b_after\": ", f);
    cli_json_double(f, s->b - s->step * s->mean[SHOWN_FEATURES]);
    fputc('}', f);
}

/* ----------------------------------------- shares at the same parameters */

/* Class 1's share of the pull at a set of parameters, for the two
 * weightings compared (none and the one explained):
 *   share = c1 |g1| / (c0 |g0| + c1 |g1|),
 * g_k class k's unweighted pull there. */
typedef struct {
    char at[96];              /* the parameters, in words */
    double share[2];          /* none, the weighting explained */
} share_row;

#define SHARE_ROWS 3

static double share_of(const double cw[2], const wlr_class_terms *t)
{
    double g0 = cw[0] * t->grad_norm_unweighted[0], g1 = cw[1] * t->grad_norm_unweighted[1];
    return g0 + g1 > 0 ? g1 / (g0 + g1) : 0;
}

/* The rows: at w = 0, b = 0 (p = 1/2: every row pulls as hard); at the
 * unweighted fit; at the fit explained (when it is another). */
static int share_rows(const wlr_dataset *train, const cli_run *r,
                      const cli_run *base, share_row *rows, int *n)
{
    static const double none[2] = {1, 1};
    const wlr_model *at[SHARE_ROWS] = {NULL, &base->model, &r->model};
    wlr_model zero = {train->n_features, NULL, 0};
    zero.coef = calloc(train->n_features + 1, sizeof *zero.coef);
    if (!zero.coef) return cli_errorf("out of memory");
    at[0] = &zero;
    snprintf(rows[0].at, sizeof rows[0].at, "w = 0, b = 0 (p = 1/2 for every row)");
    snprintf(rows[1].at, sizeof rows[1].at, "%s's fit", base->name);
    snprintf(rows[2].at, sizeof rows[2].at, "%s's fit", r->name);
    *n = base == r ? 2 : 3;
    int rc = 0;
    for (int k = 0; k < *n && rc == 0; k++) {
        wlr_class_terms t;
        rc = cli_share_terms(train, at[k], &t);
        rows[k].share[0] = share_of(none, &t);
        rows[k].share[1] = share_of(r->cw, &t);
    }
    free(zero.coef);
    return rc;
}

static void print_shares(FILE *f, const cli_run *r, const share_row *rows, int n)
{
    fprintf(f, "Class 1's share of the pull, at the same parameters\n\n"
            "  Class k pulls with c_k g_k, g_k = (1/N) sum over its rows of "
            "(p - y) (x, 1); its share\n  is c1 |g1| / (c0 |g0| + c1 |g1|). "
            "At the same parameters the weights alone decide it:\n\n");
    fprintf(f, "    %-38s %8s %10s\n", "at", "none", r->name);
    for (int k = 0; k < n; k++)
        fprintf(f, "    %-38s %8.3f %10.3f\n", rows[k].at, rows[k].share[0],
                rows[k].share[1]);
    fprintf(f, "\n  At w = 0, b = 0 every row pulls as hard (|p - y| = 1/2), so a "
            "class's share is about\n  its share of the weight: without weights the "
            "minority's few rows have little say.\n  At a fit the pulls on b "
            "cancel exactly (that is what an optimum is), so a fit's own\n  "
            "weights give class 1 about half there; other weights pull it away.\n\n");
}

static void json_shares(FILE *f, const cli_run *r, const share_row *rows, int n)
{
    fputs("{\"weightings\": [\"none\", ", f);
    cli_json_string(f, r->name);
    fputs("], \"rows\": [", f);
    for (int k = 0; k < n; k++) {
        fputs(k ? ", {\"at\": " : "{\"at\": ", f);
        cli_json_string(f, rows[k].at);
        fputs(", \"share\": ", f);
        cli_json_array(f, rows[k].share, 2);
        fputc('}', f);
    }
    fputs("]}", f);
}

/* ------------------------------------------------------------ epochs */

/* Each class's loss and pull at the start (epoch 0) and after every epoch:
 * terms[0] at the start, terms[e] after epoch e. */
static int epoch_terms(const wlr_dataset *train, const cli_run *r,
                       wlr_class_terms **terms, int *n)
{
    *n = r->n_terms + 1;
    *terms = calloc((size_t)*n, sizeof **terms);
    if (!*terms) return cli_errorf("out of memory");
    wlr_model m0;
    if (cli_start_model(train, r->cw, &m0)) return 1;
    wlr_error err;
    wlr_status st = wlr_class_terms_compute(train, r->cw, &m0, &(*terms)[0], &err);
    wlr_model_free(&m0);
    if (st) return cli_error(&err);
    memcpy(*terms + 1, r->terms, (size_t)r->n_terms * sizeof **terms);
    return 0;
}

static double share1(const double g[2])
{
    return g[0] + g[1] > 0 ? g[1] / (g[0] + g[1]) : 0;
}

static void print_epochs(FILE *f, const cli_run *r, const wlr_class_terms *t, int n)
{
    fprintf(f, "Each class's pull along %s's fit, epoch by epoch (epoch 0: the "
            "start)\n  (|sum of c_y (p - y) (x, 1)| / N at the same parameters, "
            "without and with the weights;\n  share = class 1's part)\n\n", r->name);
    fprintf(f, "  %5s | %10s %10s %7s | %10s %10s %7s | %9s %9s\n", "epoch",
            "unweighted", "", "", "weighted", "", "", "loss", "");
    fprintf(f, "  %5s | %10s %10s %7s | %10s %10s %7s | %9s %9s\n", "", "class 0",
            "class 1", "share1", "class 0", "class 1", "share1", "class 0",
            "class 1");
    for (int e = 0; e < n; e++)
        fprintf(f, "  %5d | %10.3e %10.3e %7.3f | %10.3e %10.3e %7.3f | %9.5f "
                "%9.5f\n", e, t[e].grad_norm_unweighted[0],
                t[e].grad_norm_unweighted[1], share1(t[e].grad_norm_unweighted),
                t[e].grad_norm[0], t[e].grad_norm[1], share1(t[e].grad_norm),
                t[e].loss[0], t[e].loss[1]);
    fprintf(f, "\n  The weighted share settles near 1/2 as the fit nears its "
            "optimum, whatever the\n  weights: the pulls on b cancel there by "
            "construction. Compare weightings at the\n  same parameters (above), "
            "not each at its own optimum.\n");
}

static void json_epochs(FILE *f, const wlr_class_terms *t, int n)
{
    fputc('[', f);
    for (int e = 0; e < n; e++) {
        fprintf(f, "%s{\"epoch\": %d, \"loss\": ", e ? ", " : "", e);
        cli_json_array(f, t[e].loss, 2);
        fputs(", \"pull\": ", f);
        cli_json_array(f, t[e].grad_norm, 2);
        fputs(", \"share1\": ", f);
        cli_json_double(f, share1(t[e].grad_norm));
        fputs(", \"loss_unweighted\": ", f);
        cli_json_array(f, t[e].loss_unweighted, 2);
        fputs(", \"pull_unweighted\": ", f);
        cli_json_array(f, t[e].grad_norm_unweighted, 2);
        fputs(", \"share1_unweighted\": ", f);
        cli_json_double(f, share1(t[e].grad_norm_unweighted));
        fputc('}', f);
    }
    fputc(']', f);
}

/* ------------------------------------------------------------ output */

typedef struct {
    worked_step step;
    share_row shares[SHARE_ROWS];
    int n_shares;
    wlr_class_terms *terms;   /* epoch 0 .. n_terms - 1 */
    int n_terms;
} lesson;

static void print_text(FILE *f, const char *what, const cli_args *a,
                       const wlr_dataset *train, const wlr_dataset *test,
                       const cli_run *r, const lesson *l)
{
    cli_print_split(f, what, a, train, test);
    fprintf(f, "weights  c0 = %g, c1 = %g  (%s)\n\n", r->cw[0], r->cw[1], r->name);
    print_worked_step(f, &l->step);
    print_shares(f, r, l->shares, l->n_shares);
    print_epochs(f, r, l->terms, l->n_terms);
    fprintf(f, "\nResult: ");
    cli_print_model(f, train, &r->model);
    fprintf(f, "        minority recall %.3f on the test split at p > %g\n",
            r->met.recall[1], a->threshold);
}

static void print_json(FILE *f, const wlr_train_options *o,
                       const wlr_dataset *train, const wlr_dataset *test,
                       const cli_run *r, const lesson *l)
{
    fputs("{\"run\": ", f);
    cli_json_run_named(f, o, train, test, r);
    fputs(", \"features\": [", f);
    for (size_t j = 0; j < train->n_features; j++) {
        char nb[32];
        if (j) fputs(", ", f);
        cli_json_string(f, wlr_feature_name(train, j, nb, sizeof nb));
    }
    fputs("], \"worked_step\": ", f);
    json_worked_step(f, &l->step);
    fputs(", \"share_same_parameters\": ", f);
    json_shares(f, r, l->shares, l->n_shares);
    fputs(", \"epochs\": ", f);
    json_epochs(f, l->terms, l->n_terms);
    fputs("}\n", f);
}

static const cli_opt explain_opts[] = {
    {"plots", OPT_STRING, offsetof(cli_args, plots), "DIR",
     "also write the gradient-share and loss SVGs and their CSVs to DIR "
     "(mkdir -p)"},
    {NULL, 0, 0, NULL, NULL}};

int cmd_explain(int argc, char **argv)
{
    static const cli_opt *const groups[] = {
        explain_opts, cli_data_opts, cli_gen_opts, cli_split_opts, cli_train_opts,
        cli_eval_opts, cli_output_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "explain";
    a.class_weight = "balanced";
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr explain [DATA] [OPTIONS]",
                 "Shows how class weights change the gradient: one step worked "
                 "through by hand, class 1's\nshare of the pull with and without "
                 "the weights at the same parameters, then each class's\npull "
                 "and loss every epoch from the start (default --class-weight "
                 "balanced).",
                 groups);
        return 0;
    }
    wlr_train_options o = a.train;
    if (cli_parse_solver(&a, &o) || cli_check_eval(&a)) return 1;
    wlr_error err;
    if (wlr_train_check(&o, &err)) return cli_error(&err);
    const cli_file ins[] = {{"DATA", a.pos[0], NULL}, {"--labels", a.labels, NULL}};
    const cli_file outs[] = {{"-o", a.out, NULL},
                             {"--plots", a.plots, cli_explain_plot_files}};
    if (cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs))) return 1;
    wlr_dataset train, test;
    char what[512];
    if (cli_load_split(&a, &train, &test, what, sizeof what)) return 1;
    /* the run explained, then (if it is weighted) its unweighted twin, for
     * the shares at the unweighted fit */
    cli_run runs[2];
    int n_runs = 0;
    a.track_classes = 1;
    rc = cli_fit_run(&a, &o, a.class_weight, &train, &test, &runs[0]);
    n_runs = 1;
    if (rc == 0 && o.solver == WLR_SOLVER_GD)
        rc = cli_exact_optimum(&o, runs[0].cw, &train, &runs[0].exact_loss,
                               &runs[0].exact);
    if (rc == 0) cli_warn_fit(&o, &train, &runs[0]);
    if (rc == 0 && runs[0].cw[0] != runs[0].cw[1]) {
        a.track_classes = 0;
        rc = cli_fit_run(&a, &o, "none", &train, &test, &runs[1]);
        n_runs = 2;
    }
    lesson l;
    memset(&l, 0, sizeof l);
    if (rc == 0) {
        work_step(&train, runs[0].cw, &o, &l.step);
        rc = share_rows(&train, &runs[0], &runs[n_runs - 1], l.shares, &l.n_shares);
    }
    if (rc == 0) rc = epoch_terms(&train, &runs[0], &l.terms, &l.n_terms);
    if (rc == 0 && a.plots)
        rc = cli_write_explain_plots(a.plots, &a, runs, n_runs, &train);
    wlr__out out = {0};
    if (rc == 0) rc = cli_out_open(&a, &out);
    if (rc == 0) {
        if (a.json) print_json(out.f, &o, &train, &test, &runs[0], &l);
        else print_text(out.f, what, &a, &train, &test, &runs[0], &l);
        rc = cli_out_close(&out, rc);
    }
    free(l.terms);
    for (int k = 0; k < n_runs; k++) cli_run_free(&runs[k]);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}
