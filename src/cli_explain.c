/*
 * cli_explain.c - `wlr explain`: how class weights change the gradient, for
 * a student.
 *
 * One row's gradient is c_y (p - y) (x, 1). A class-1 row the model misses
 * has p - y near -1 and pulls z up; a class-0 row has p - y = p > 0 and
 * pulls z down. With 1 % class-1 rows, class 0's many small pulls win and
 * the model learns "almost always 0". A weight c_1 multiplies every class-1
 * pull by c_1. This command shows it twice: one gradient step worked through
 * with numbers a reader can check by hand, and each class's share of the
 * pull, epoch by epoch, with and without the weights.
 */
#include "cli.h"
#include "elementary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of each class in the worked step: few enough to check by hand. */
#define WORKED_ROWS 3

/* The first WORKED_ROWS rows of each class, class 0 first; returns count. */
static size_t pick_rows(const wlr_dataset *d, size_t *idx)
{
    size_t n = 0;
    for (int k = 0; k < 2; k++) {
        size_t got = 0;
        for (size_t i = 0; i < d->n_rows && got < WORKED_ROWS; i++)
            if (d->y[i] == k) {
                idx[n++] = i;
                got++;
            }
    }
    return n;
}

/* One step of gradient descent on the picked rows, from the trainer's start
 * (w = 0, b = the weighted base-rate logit), every number printed. */
static void print_worked_step(FILE *f, const wlr_dataset *d, const double cw[2],
                              double lr)
{
    size_t idx[2 * WORKED_ROWS], n = pick_rows(d, idx), D = d->n_features;
    size_t cnt[2];
    wlr_class_counts(d, cnt);
    double tot1 = cw[1] * (double)cnt[1], tot0 = cw[0] * (double)cnt[0];
    double b = tot0 > 0 && tot1 > 0 ? wlr__log(tot1 / tot0) : 0.0;
    double cbar = (tot0 + tot1) / (double)d->n_rows;
    size_t shown = D < 2 ? D : 2; /* features shown; the sums use all */
    double gsum[3] = {0, 0, 0};    /* over the shown features and b */

    fprintf(f, "One gradient step, by hand\n\n");
    fprintf(f, "  Start: w = 0, b = log(sum of class-1 weights / sum of class-0 "
            "weights)\n         = log(%g x %zu / (%g x %zu)) = %.4f\n\n", cw[1],
            cnt[1], cw[0], cnt[0], b);
    fprintf(f, "  Then z = b for every row, p = sigma(z) = %.4f, and each row's "
            "gradient is c_y (p - y) (x, 1):\n\n", wlr_sigmoid(b));
    fprintf(f, "    %6s %10s %10s %2s %8s %9s %9s %9s %10s\n", "row",
            D > 0 ? "x1" : "", D > 1 ? "x2" : "", "y", "p - y", "c_y",
            D > 0 ? "g_x1" : "", D > 1 ? "g_x2" : "", "g_b");
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        int y = d->y[i];
        double r = cw[y] * (wlr_sigmoid(b) - y);
        double x[2] = {0, 0};
        for (size_t j = 0; j < shown; j++) x[j] = d->x[j * d->n_rows + i];
        fprintf(f, "    %6zu %10.4f %10.4f %2d %8.4f %9.4g %9.4f %9.4f %10.4f\n",
                i + 1, x[0], x[1], y, wlr_sigmoid(b) - y, cw[y], r * x[0],
                r * x[1], r);
        for (size_t j = 0; j < shown; j++) gsum[j] += r * x[j];
        gsum[2] += r;
    }
    double m = (double)n, step = lr / cbar;
    fprintf(f, "\n  Were these %zu rows a batch, its gradient would be their mean "
            "(w = 0, so l2 adds nothing):\n", n);
    fprintf(f, "    g = (%.4f, %.4f, %.4f)\n", gsum[0] / m, gsum[1] / m, gsum[2] / m);
    fprintf(f, "  Step size lr / mean row weight = %g / %.4g = %.4g, so\n", lr,
            cbar, step);
    fprintf(f, "    w1 = 0 - %.4g x %.4f = %.4f\n", step, gsum[0] / m,
            -step * gsum[0] / m);
    if (shown > 1)
        fprintf(f, "    w2 = 0 - %.4g x %.4f = %.4f\n", step, gsum[1] / m,
                -step * gsum[1] / m);
    fprintf(f, "    b  = %.4f - %.4g x %.4f = %.4f\n", b, step, gsum[2] / m,
            b - step * gsum[2] / m);
    fprintf(f, "\n  Each class-1 row pulls b %s with c_1 = %g; each class-0 row "
            "pulls it down with c_0 = %g.\n\n", "up", cw[1], cw[0]);
}

/* Each class's loss and pull after every epoch, unweighted and weighted. */
static void print_epochs(FILE *f, const cli_run *r)
{
    fprintf(f, "Each class's pull, epoch by epoch (|sum of c_y (p - y) (x, 1)| / N;"
            " share = class 1's part)\n\n");
    fprintf(f, "  %5s | %10s %10s %7s | %10s %10s %7s | %9s %9s\n", "epoch",
            "unweighted", "", "", "weighted", "", "", "loss", "");
    fprintf(f, "  %5s | %10s %10s %7s | %10s %10s %7s | %9s %9s\n", "", "class 0",
            "class 1", "share1", "class 0", "class 1", "share1", "class 0",
            "class 1");
    for (int e = 0; e < r->n_terms; e++) {
        const wlr_class_terms *t = &r->terms[e];
        double su = t->grad_norm_unweighted[0] + t->grad_norm_unweighted[1];
        double sw = t->grad_norm[0] + t->grad_norm[1];
        fprintf(f, "  %5d | %10.3e %10.3e %7.3f | %10.3e %10.3e %7.3f | %9.5f "
                "%9.5f\n", e + 1, t->grad_norm_unweighted[0],
                t->grad_norm_unweighted[1], su > 0 ? t->grad_norm_unweighted[1] / su : 0,
                t->grad_norm[0], t->grad_norm[1], sw > 0 ? t->grad_norm[1] / sw : 0,
                t->loss[0], t->loss[1]);
    }
    fprintf(f, "\n  At the optimum the two classes' pulls on b cancel exactly: "
            "the weighted sums of\n  p - y over each class balance. Without "
            "weights class 1 holds the share in the\n  unweighted column; its "
            "weight c_1 is what lifts it to an equal say.\n");
}

int cmd_explain(int argc, char **argv)
{
    static const cli_opt *const groups[] = {
        cli_data_opts, cli_gen_opts, cli_split_opts, cli_train_opts,
        cli_eval_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "explain";
    a.class_weight = "balanced";
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr explain [DATA] [OPTIONS]",
                 "Shows how class weights change the gradient: one step worked "
                 "through by hand, then each\nclass's share of the pull and loss "
                 "every epoch (default --class-weight balanced).",
                 groups);
        return 0;
    }
    wlr_train_options o = a.train;
    if (cli_parse_solver(&a, &o) || cli_check_eval(&a)) return 1;
    wlr_error err;
    if (wlr_train_check(&o, &err)) return cli_error(&err);
    const cli_file ins[] = {{"DATA", a.pos[0], NULL}, {"--labels", a.labels, NULL}};
    const cli_file outs[] = {{"-o", a.out, NULL}};
    if (cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs))) return 1;
    wlr_dataset train, test;
    char what[512];
    if (cli_load_split(&a, &train, &test, what, sizeof what)) return 1;
    a.track_classes = 1;
    cli_run r;
    rc = cli_fit_run(&a, &o, a.class_weight, &train, &test, &r);
    if (rc == 0 && o.solver == WLR_SOLVER_GD)
        rc = cli_exact_optimum(&o, r.cw, &train, &r.exact_loss, &r.exact);
    if (rc == 0) cli_warn_fit(&o, &train, &r);
    wlr__out out = {0};
    if (rc == 0) rc = cli_out_open(&a, &out);
    if (rc == 0) {
        cli_print_split(out.f, what, &a, &train, &test);
        fprintf(out.f, "weights  c0 = %g, c1 = %g  (%s)\n\n", r.cw[0], r.cw[1],
                r.name);
        print_worked_step(out.f, &train, r.cw, o.lr);
        print_epochs(out.f, &r);
        fprintf(out.f, "\nResult: ");
        cli_print_model(out.f, &train, &r.model);
        fprintf(out.f, "        minority recall %.3f on the test split at p > %g\n",
                r.met.recall[1], a.threshold);
        rc = cli_out_close(&out, rc);
    }
    cli_run_free(&r);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}
