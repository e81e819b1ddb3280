/*
 * cli_run.c - one fit, a "run": train a weighting, score it on the test
 * split, and print it as text or JSON. Shared by train and experiment.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


void cli_run_free(cli_run *r)
{
    wlr_model_free(&r->model);
    wlr_train_info_free(&r->info);
    free(r->terms);
    r->terms = NULL;
}

/* What on_epoch does during a fit: record each class's loss and pull (when
 * asked). (Progress comes through the library's hook: cli_progress.c.) */
typedef struct {
    cli_run *run;
    const wlr_dataset *train;
    int capacity, failed;    /* terms: room for epochs, out of memory */
} epoch_watch;

static void watch_epoch(void *ctx, int epoch, const wlr_model *m, double loss)
{
    epoch_watch *w = ctx;
    wlr_error err;
    if (w->capacity && !w->failed && epoch <= w->capacity) {
        if (wlr_class_terms_compute(w->train, w->run->cw, m,
                                    &w->run->terms[epoch - 1], &err))
            w->failed = 1;
        else
            w->run->n_terms = epoch;
    }
    (void)loss;
}

/* --solver and --optimizer into the training options. */
int cli_parse_solver(const cli_args *a, wlr_train_options *o)
{
    if (strcmp(a->solver, "gd") == 0) o->solver = WLR_SOLVER_GD;
    else if (strcmp(a->solver, "newton") == 0) o->solver = WLR_SOLVER_NEWTON;
    else return cli_errorf("--solver: '%s' is not gd or newton", a->solver);
    if (strcmp(a->optimizer, "sgd") == 0) o->optimizer = WLR_OPT_SGD;
    else if (strcmp(a->optimizer, "momentum") == 0) o->optimizer = WLR_OPT_MOMENTUM;
    else if (strcmp(a->optimizer, "adam") == 0) o->optimizer = WLR_OPT_ADAM;
    else return cli_errorf("--optimizer: '%s' is not sgd, momentum or adam",
                           a->optimizer);
    if (a->standardize && a->no_standardize)
        return cli_errorf("--standardize and --no-standardize: give one or the "
                          "other");
    o->standardize = !a->no_standardize;
    return 0;
}

const cli_opt cli_calibrate_opts[] = {
    {"calibrate", OPT_STRING, offsetof(cli_args, calibrate), "none|prior",
     "prior: intercept -= log(c1/c0), so that p is a rate again (none)"},
    {NULL, 0, 0, NULL, NULL}};

int cli_parse_calibrate(cli_args *a)
{
    if (!a->calibrate || strcmp(a->calibrate, "none") == 0)
        a->calibration = WLR_CALIBRATION_NONE;
    else if (strcmp(a->calibrate, "prior") == 0)
        a->calibration = WLR_CALIBRATION_PRIOR;
    else
        return cli_errorf("--calibrate: '%s' is not none or prior", a->calibrate);
    return 0;
}

int cli_check_eval(const cli_args *a)
{
    if (!(a->threshold >= 0 && a->threshold <= 1))
        return cli_errorf("--threshold: %g is not in [0, 1]", a->threshold);
    if (a->digits < 0 || a->digits > 15)
        return cli_errorf("--digits: %d is not in 0..15", a->digits);
    return 0;
}

/* Test metrics of a model: p = sigma(w.x + b) on the test rows. */
int cli_score_model(const wlr_model *m, const wlr_dataset *test,
                       double threshold, wlr_metrics *met)
{
    wlr_error err;
    double *p = malloc((test->n_rows + 1) * sizeof *p);
    if (!p) return cli_errorf("out of memory for %zu test rows", test->n_rows);
    wlr_predict_proba(m, test, p);
    wlr_status st = wlr_evaluate(test->y, p, test->n_rows, threshold, met, &err);
    free(p);
    if (st)
        return cli_errorf("test split (%zu rows): %s; try another --split-seed, "
                          "a larger --test-size or --stratify", test->n_rows,
                          err.message);
    return 0;
}

/* Does the model put every class-1 row above every class-0 row (z = w.x +
 * b)? Then the data are separable and, without l2, L has no minimum: it
 * keeps falling as the coefficients grow. */
static int separates(const wlr_dataset *d, const wlr_model *m)
{
    double lo1 = INFINITY, hi0 = -INFINITY;
    for (size_t i = 0; i < d->n_rows; i++) {
        double z = m->intercept;
        for (size_t j = 0; j < d->n_features; j++)
            z += m->coef[j] * d->x[j * d->n_rows + i];
        if (d->y[i]) lo1 = fmin(lo1, z);
        else hi0 = fmax(hi0, z);
    }
    return isfinite(lo1) && isfinite(hi0) && lo1 > hi0;
}

/* Fits one weighting with options o and scores it on the test rows. */
int cli_fit_run(const cli_args *a, const wlr_train_options *base,
                   const char *spec, const wlr_dataset *train,
                   const wlr_dataset *test, cli_run *r)
{
    wlr_error err;
    wlr_train_options o = *base;
    memset(r, 0, sizeof *r);
    r->name = spec;
    if (wlr_class_weights_parse(spec, train, o.class_weight, &err))
        return cli_error(&err);
    r->cw[0] = o.class_weight[0];
    r->cw[1] = o.class_weight[1];
    epoch_watch w = {r, train, 0, 0};
    if (a->track_classes) {
        o.epoch_loss = 1; /* the loss curve too (plots) */
        w.capacity = o.solver == WLR_SOLVER_NEWTON ? o.max_iter
                                                   : wlr_gd_epochs(&o, train->n_rows);
        r->terms = calloc((size_t)w.capacity, sizeof *r->terms);
        if (!r->terms) return cli_errorf("out of memory");
    }
    o.on_epoch = watch_epoch;
    o.on_epoch_ctx = &w;
    cli_progress_label(spec);
    wlr_status st = wlr_train(train, &o, &r->model, &r->info, &err);
    cli_progress_label(NULL);
    if (st) return cli_error(&err);
    if (w.failed) return cli_errorf("out of memory");
    if (o.solver == WLR_SOLVER_NEWTON) {
        /* Newton's own answer is the optimum when it converged */
        r->exact = r->info.converged ? CLI_EXACT_OK : CLI_EXACT_NOT_CONVERGED;
        r->exact_loss = r->info.loss;
    }
    if (a->calibration == WLR_CALIBRATION_PRIOR) {
        /* the probabilities back on the data's scale; the ranking, and the
         * training loss (of the model as trained), stay as they are */
        r->calibrated = 1;
        r->intercept_uncalibrated = r->model.intercept;
        wlr_model_calibrate_prior(&r->model, r->cw);
    }
    return cli_score_model(&r->model, test, a->threshold, &r->met);
}

int cli_exact_optimum(const wlr_train_options *base, const double cw[2],
                      const wlr_dataset *train, double *loss, int *state)
{
    *loss = NAN;
    if (train->n_features > CLI_EXACT_MAX_FEATURES) {
        *state = CLI_EXACT_TOO_WIDE;
        return 0;
    }
    wlr_train_options ex = *base;
    ex.solver = WLR_SOLVER_NEWTON;
    ex.class_weight[0] = cw[0];
    ex.class_weight[1] = cw[1];
    ex.on_epoch = NULL;
    ex.epoch_loss = 0;
    wlr_model m;
    wlr_train_info info;
    wlr_error err;
    if (wlr_train(train, &ex, &m, &info, &err)) return cli_error(&err);
    *loss = info.loss;
    *state = info.converged ? CLI_EXACT_OK : CLI_EXACT_NOT_CONVERGED;
    wlr_model_free(&m);
    wlr_train_info_free(&info);
    return 0;
}

void cli_warn_fit(const wlr_train_options *o, const wlr_dataset *train,
                  const cli_run *r)
{
    int newton = o->solver == WLR_SOLVER_NEWTON;
    cli_progress_clear();
    if (o->l2 == 0 && separates(train, &r->model)) {
        fprintf(stderr, "wlr: warning: %s: the model separates the training "
                "classes perfectly, so without a penalty the optimum lies at "
                "infinity and the coefficients grow without bound; give "
                "--l2 > 0 (the default is %g)\n", r->name, WLR_DEFAULT_L2);
        return;
    }
    if (newton && r->exact == CLI_EXACT_NOT_CONVERGED) {
        fprintf(stderr, "wlr: warning: %s: Newton's method stopped after %d "
                "steps without converging (gradient %.2g, tolerance %g); the "
                "model is near the optimum, not at it: raise --max-iter, or "
                "--l2 if the classes are nearly separable\n", r->name,
                r->info.iterations, r->info.grad_norm, o->tol);
        return;
    }
    if (newton || r->exact != CLI_EXACT_OK || !(r->exact_loss > 0)) return;
    double gap = (r->info.loss - r->exact_loss) / r->exact_loss;
    if (gap > CLI_GAP_WARN)
        fprintf(stderr, "wlr: warning: %s: gradient descent stopped %.1f %% "
                "above the exact optimum (training loss %.6g, optimum %.6g), so "
                "the model is not yet the one these weights define: train "
                "longer (--epochs %d), or use the exact solver (--solver "
                "newton)\n", r->name, 100 * gap, r->info.loss, r->exact_loss,
                4 * wlr_gd_epochs(o, train->n_rows));
}

/* ------------------------------------------------------------ text */

/* Why report leaves things out (see cli_print_metrics_shown). */
#define WHY_NOT_PROBABILITIES "the scores are not probabilities (some are " \
    "outside [0, 1])"
#define WHY_NO_THRESHOLD WHY_NOT_PROBABILITIES " and no --threshold was given"
#define WHY_NO_INTERVALS "Wilson's and DeLong's intervals count unweighted " \
    "rows, and these rows are weighted"
#define WHY_NO_RECALL_CI "there are no class-1 rows"
#define WHY_NO_PRECISION_CI "no row is predicted 1"
#define WHY_NO_AUC_CI "a class has fewer than 2 rows"

/* A weight sum as the shortest decimal that reads back as it. */
static const char *number_text(char buf[32], double v)
{
    wlr__format_double(buf, 32, v);
    return buf;
}

/* "[lo, hi] (method)" with `decimals` decimals, or why there is none. */
static const char *interval_text(char *buf, size_t cap, int has,
                                 const double ci[2], int decimals,
                                 const char *method, const char *why_not)
{
    if (has) snprintf(buf, cap, "[%.*f, %.*f] (%s)", decimals, ci[0], decimals,
                      ci[1], method);
    else snprintf(buf, cap, "none (%s)", why_not);
    return buf;
}

/* Minority recall and precision with their intervals, and the confusion
 * matrix: counts of rows, or weight sums. */
static void print_at_threshold(FILE *f, const wlr_metrics *m)
{
    char a[32], b[32];
    if (m->weighted) {
        const double (*c)[2] = m->weighted_confusion;
        fprintf(f, "  MINORITY RECALL  %.3f   (weight %s of %s in class 1 "
                "found)\n", m->recall[1], number_text(a, c[1][1]),
                number_text(b, m->weighted_support[1]));
        fprintf(f, "  precision 1      %.3f   (weight %s of %s predicted 1)"
                "\n\n", m->precision[1], number_text(a, c[1][1]),
                number_text(b, m->weighted_predicted[1]));
        fprintf(f, "                predicted 0  predicted 1\n");
        fprintf(f, "  true 0   %16s %12s\n", number_text(a, c[0][0]),
                number_text(b, c[0][1]));
        fprintf(f, "  true 1   %16s %12s\n\n", number_text(a, c[1][0]),
                number_text(b, c[1][1]));
        return;
    }
    size_t found = m->confusion[1][1];
    char ci[96];
    fprintf(f, "  MINORITY RECALL  %.3f   (%zu of %zu class-1 rows found)  "
            "95%% CI %s\n", m->recall[1], found, m->support[1],
            interval_text(ci, sizeof ci, m->has_recall1_ci95, m->recall1_ci95,
                          3, "Wilson", WHY_NO_RECALL_CI));
    fprintf(f, "  precision 1      %.3f   (%zu of %zu rows predicted 1)  "
            "95%% CI %s\n\n", m->precision[1], found,
            found + m->confusion[0][1],
            interval_text(ci, sizeof ci, m->has_precision1_ci95,
                          m->precision1_ci95, 3, "Wilson",
                          WHY_NO_PRECISION_CI));
    fprintf(f, "                predicted 0  predicted 1\n");
    fprintf(f, "  true 0   %16zu %12zu\n", m->confusion[0][0], m->confusion[0][1]);
    fprintf(f, "  true 1   %16zu %12zu\n\n", m->confusion[1][0], m->confusion[1][1]);
}

void cli_print_metrics_shown(FILE *f, const wlr_metrics *m, int digits,
                             int at_threshold)
{
    if (at_threshold) {
        fprintf(f, "test, class 1 iff p > %g%s:\n\n", m->threshold,
                m->weighted ? ", rows weighted by their sample weights" : "");
        print_at_threshold(f, m);
        int need = wlr_classification_report(m, digits, NULL, 0);
        char *rep = malloc((size_t)need + 1);
        if (rep) {
            wlr_classification_report(m, digits, rep, (size_t)need + 1);
            fputs(rep, f);
            free(rep);
        }
        fputc('\n', f);
    } else {
        fprintf(f, "test, ranking of the scores%s:\n\n",
                m->weighted ? ", rows weighted by their sample weights" : "");
    }
    fprintf(f, "  ROC AUC            %.4f\n", m->roc_auc);
    if (!m->weighted) {
        char ci[96];
        fprintf(f, "  ROC AUC 95%% CI     %s\n",
                interval_text(ci, sizeof ci, m->has_roc_auc_ci95,
                              m->roc_auc_ci95, 4, "DeLong", WHY_NO_AUC_CI));
    }
    fprintf(f, "  average precision  %.4f\n", m->average_precision);
    if (m->probabilities) {
        fprintf(f, "  log loss           %.4f\n", m->log_loss);
        fprintf(f, "  Brier score        %.4f\n", m->brier);
    }
    if (at_threshold) {
        fprintf(f, "  balanced accuracy  %.4f\n", m->balanced_accuracy);
        fprintf(f, "  MCC                %.4f\n", m->mcc);
    }
    if (!at_threshold)
        fprintf(f, "\n  left out, as %s:\n    log loss, Brier score; the "
                "metrics at a threshold (minority recall,\n    confusion "
                "matrix, classification report, balanced accuracy, MCC): give\n"
                "    --threshold T\n", WHY_NOT_PROBABILITIES);
    else if (!m->probabilities)
        fprintf(f, "\n  left out: log loss, Brier score, as %s\n",
                WHY_NOT_PROBABILITIES);
    if (m->weighted) fprintf(f, "\n  left out: 95%% intervals, as %s\n",
                             WHY_NO_INTERVALS);
}

void cli_print_metrics(FILE *f, const wlr_metrics *m, int digits)
{
    cli_print_metrics_shown(f, m, digits, 1);
}

void cli_print_split(FILE *f, const char *what, const cli_args *a,
                             const wlr_dataset *train, const wlr_dataset *test)
{
    size_t ctr[2], cte[2];
    wlr_class_counts(train, ctr);
    wlr_class_counts(test, cte);
    fprintf(f, "data     %s\n", what);
    fprintf(f, "split    test_size %g, seed %u%s: train %zu rows (%zu / %zu), "
           "test %zu rows (%zu / %zu)\n", a->test_size, (unsigned)a->split_seed,
           a->stratify ? ", stratified" : "", train->n_rows, ctr[0], ctr[1],
           test->n_rows, cte[0], cte[1]);
}

void cli_print_model(FILE *f, const wlr_dataset *d, const wlr_model *m)
{
    char buf[32];
    fprintf(f, "model    ");
    for (size_t j = 0; j < m->n_features; j++)
        fprintf(f, "%s %.6g  ", wlr_feature_name(d, j, buf, sizeof buf), m->coef[j]);
    fprintf(f, "intercept %.6g\n", m->intercept);
}

void cli_print_solver(FILE *f, const cli_args *a, const wlr_train_options *o,
                              const cli_run *r)
{
    if (o->solver == WLR_SOLVER_NEWTON)
        fprintf(f, "solver   newton (tol %g), l2 %g: %d steps, %s, loss %.10f\n",
               o->tol, o->l2, r->info.iterations,
               r->info.converged ? "converged" : "NOT converged", r->info.loss);
    else
        fprintf(f, "solver   gd: %s, batch %zu, %d epochs, lr %g, l2 %g%s: "
               "loss %.10f\n", a->optimizer, o->batch_size, r->info.iterations, o->lr,
               o->l2, o->standardize ? ", standardized" : "", r->info.loss);
}

/* ------------------------------------------------------------ JSON */

void cli_json_array(FILE *f, const double *v, size_t n)
{
    fputc('[', f);
    for (size_t j = 0; j < n; j++) {
        if (j) fputs(", ", f);
        cli_json_double(f, v[j]);
    }
    fputc(']', f);
}

/* "key": [lo, hi], when the interval is defined (else "left_out" says
 * why). */
static void json_interval(FILE *f, const char *key, int has, const double ci[2])
{
    if (!has) return;
    fprintf(f, ", \"%s\": ", key);
    cli_json_array(f, ci, 2);
}

/* The metrics at the threshold: counts of rows, or weight sums. */
static void json_at_threshold(FILE *f, const wlr_metrics *m)
{
    fputs("\"threshold\": ", f);
    cli_json_double(f, m->threshold);
    if (m->weighted) {
        fputs(", \"confusion\": [", f);
        cli_json_array(f, m->weighted_confusion[0], 2);
        fputs(", ", f);
        cli_json_array(f, m->weighted_confusion[1], 2);
        fputc(']', f);
    } else {
        fprintf(f, ", \"confusion\": [[%zu, %zu], [%zu, %zu]]",
                m->confusion[0][0], m->confusion[0][1], m->confusion[1][0],
                m->confusion[1][1]);
    }
    fputs(", \"precision\": ", f);
    cli_json_array(f, m->precision, 2);
    fputs(", \"recall\": ", f);
    cli_json_array(f, m->recall, 2);
    fputs(", \"f1\": ", f);
    cli_json_array(f, m->f1, 2);
    if (m->weighted) {
        fputs(", \"support\": ", f);
        cli_json_array(f, m->weighted_support, 2);
    } else {
        fprintf(f, ", \"support\": [%zu, %zu]", m->support[0], m->support[1]);
    }
    fputs(", \"accuracy\": ", f);
    cli_json_double(f, m->accuracy);
}

/* One entry of "left_out": what, and why. */
static void json_left_out(FILE *f, int *first, const char *what,
                          const char *why)
{
    fprintf(f, "%s{\"metrics\": [%s], \"why\": ", *first ? "" : ", ", what);
    cli_json_string(f, why);
    fputc('}', f);
    *first = 0;
}

void cli_json_metrics_shown(FILE *f, const wlr_metrics *m, int at_threshold)
{
    fputc('{', f);
    if (at_threshold) json_at_threshold(f, m);
    fputs(at_threshold ? ", \"roc_auc\": " : "\"roc_auc\": ", f);
    cli_json_double(f, m->roc_auc);
    fputs(", \"average_precision\": ", f);
    cli_json_double(f, m->average_precision);
    if (m->probabilities) {
        fputs(", \"log_loss\": ", f);
        cli_json_double(f, m->log_loss);
        fputs(", \"brier\": ", f);
        cli_json_double(f, m->brier);
    }
    if (at_threshold) {
        fputs(", \"balanced_accuracy\": ", f);
        cli_json_double(f, m->balanced_accuracy);
        fputs(", \"mcc\": ", f);
        cli_json_double(f, m->mcc);
    }
    fprintf(f, ", \"probabilities\": %s, \"weighted\": %s",
            m->probabilities ? "true" : "false", m->weighted ? "true" : "false");
    if (!m->weighted) {
        if (at_threshold) {
            json_interval(f, "recall1_ci95", m->has_recall1_ci95, m->recall1_ci95);
            json_interval(f, "precision1_ci95", m->has_precision1_ci95,
                          m->precision1_ci95);
        }
        json_interval(f, "roc_auc_ci95", m->has_roc_auc_ci95, m->roc_auc_ci95);
    }
    int recall_ci = at_threshold && !m->weighted && !m->has_recall1_ci95;
    int precision_ci = at_threshold && !m->weighted && !m->has_precision1_ci95;
    int auc_ci = !m->weighted && !m->has_roc_auc_ci95;
    if (!at_threshold || !m->probabilities || m->weighted || recall_ci ||
        precision_ci || auc_ci) {
        int first = 1;
        fputs(", \"left_out\": [", f);
        if (!at_threshold)
            json_left_out(f, &first, "\"threshold\", \"confusion\", "
                          "\"precision\", \"recall\", \"f1\", \"support\", "
                          "\"accuracy\", \"balanced_accuracy\", \"mcc\", "
                          "\"recall1_ci95\", \"precision1_ci95\"",
                          WHY_NO_THRESHOLD);
        if (!m->probabilities)
            json_left_out(f, &first, "\"log_loss\", \"brier\"",
                          WHY_NOT_PROBABILITIES);
        if (m->weighted)
            json_left_out(f, &first, "\"recall1_ci95\", \"precision1_ci95\", "
                          "\"roc_auc_ci95\"", WHY_NO_INTERVALS);
        if (recall_ci)
            json_left_out(f, &first, "\"recall1_ci95\"", WHY_NO_RECALL_CI);
        if (precision_ci)
            json_left_out(f, &first, "\"precision1_ci95\"", WHY_NO_PRECISION_CI);
        if (auc_ci)
            json_left_out(f, &first, "\"roc_auc_ci95\"", WHY_NO_AUC_CI);
        fputc(']', f);
    }
    fputc('}', f);
}

void cli_json_metrics(FILE *f, const wlr_metrics *m)
{
    cli_json_metrics_shown(f, m, 1);
}

/* The train JSON object (without a trailing newline). */
/* The fields of a run's JSON object, without the braces. */
static void json_run_fields(FILE *f, const wlr_train_options *o,
                            const wlr_dataset *train, const wlr_dataset *test,
                            const cli_run *r)
{
    size_t ctr[2], cte[2];
    wlr_class_counts(train, ctr);
    wlr_class_counts(test, cte);
    fprintf(f, "\"data\": {\"n_features\": %zu, \"train_counts\": [%zu, %zu], "
            "\"test_counts\": [%zu, %zu]}, \"class_weights\": ", train->n_features,
            ctr[0], ctr[1], cte[0], cte[1]);
    cli_json_array(f, r->cw, 2);
    fputs(", \"model\": {\"coef\": ", f);
    cli_json_array(f, r->model.coef, r->model.n_features);
    fputs(", \"intercept\": ", f);
    cli_json_double(f, r->model.intercept);
    if (r->calibrated) {
        fputs(", \"calibration\": \"prior\", \"intercept_uncalibrated\": ", f);
        cli_json_double(f, r->intercept_uncalibrated);
    }
    fprintf(f, "}, \"train\": {\"solver\": \"%s\", \"epochs\": %d, \"loss\": ",
            o->solver == WLR_SOLVER_NEWTON ? "newton" : "gd", r->info.iterations);
    cli_json_double(f, r->info.loss);
    if (r->exact == CLI_EXACT_OK && r->exact_loss > 0) {
        fputs(", \"exact_loss\": ", f);
        cli_json_double(f, r->exact_loss);
        fputs(", \"gap\": ", f);
        cli_json_double(f, (r->info.loss - r->exact_loss) / r->exact_loss);
    }
    fputs(", \"seconds\": ", f);
    cli_json_double(f, r->info.seconds);
    fputs("}, \"test\": ", f);
    cli_json_metrics(f, &r->met);
}

void cli_json_run(FILE *f, const wlr_train_options *o,
                  const wlr_dataset *train, const wlr_dataset *test,
                  const cli_run *r)
{
    fputc('{', f);
    json_run_fields(f, o, train, test, r);
    fputc('}', f);
}

void cli_json_run_named(FILE *f, const wlr_train_options *o,
                        const wlr_dataset *train, const wlr_dataset *test,
                        const cli_run *r)
{
    fputs("{\"name\": ", f);
    cli_json_string(f, r->name);
    fputs(", ", f);
    json_run_fields(f, o, train, test, r);
    fputc('}', f);
}

