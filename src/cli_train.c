/*
 * cli_train.c - `wlr train`: fit one model and report its test metrics.
 * The test rows are DATA's test split, or with --test a file of their own
 * (then all of DATA trains).
 */
#include "cli.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- wlr train */

#define OFF(field) offsetof(cli_args, field)

/* What users do with a model once it trains: keep it, choose its operating
 * threshold, and see how much its metrics vary. */
static const cli_opt model_opts[] = {
    {"save", OPT_STRING, OFF(save), "FILE",
     "write the model to FILE (text, atomically) for wlr predict"},
    {"tune-threshold", OPT_STRING, OFF(tune), "f1|recall=R|cost=FN:FP",
     "choose the threshold on validation rows of the training split"},
    {"val-size", OPT_DOUBLE, OFF(val_size), "V",
     "share of the training split held out for tuning, stratified (0.2)"},
    {"cv", OPT_SIZE, OFF(cv), "K",
     "also report stratified K-fold metrics on the training split"},
    {NULL, 0, 0, NULL, NULL}};

static const cli_opt *const train_groups[] = {
    cli_data_opts, cli_gen_opts, cli_split_opts, cli_train_opts,
    cli_calibrate_opts, cli_eval_opts, model_opts, cli_stream_opts,
    cli_output_opts, NULL};

/* The share of the training split --tune-threshold holds out by default:
 * scikit-learn's usual 80/20, enough class 1 rows to place a threshold
 * while leaving most for the fit. */
#define DEFAULT_VAL_SIZE 0.2

/* --cv: each fold's test metrics, at --threshold. */
typedef struct {
    size_t k;
    wlr_metrics *fold;
    size_t *fold_rows;
} cv_result;

/* A metric of wlr_metrics that can be averaged, for the mean and sd. */
typedef struct {
    const char *name;
    double (*get)(const wlr_metrics *m);
} cv_metric;

static double get_recall1(const wlr_metrics *m) { return m->recall[1]; }
static double get_precision1(const wlr_metrics *m) { return m->precision[1]; }
static double get_f1_1(const wlr_metrics *m) { return m->f1[1]; }
static double get_recall0(const wlr_metrics *m) { return m->recall[0]; }
static double get_precision0(const wlr_metrics *m) { return m->precision[0]; }
static double get_f1_0(const wlr_metrics *m) { return m->f1[0]; }
static double get_accuracy(const wlr_metrics *m) { return m->accuracy; }
static double get_auc(const wlr_metrics *m) { return m->roc_auc; }
static double get_ap(const wlr_metrics *m) { return m->average_precision; }
static double get_log_loss(const wlr_metrics *m) { return m->log_loss; }
static double get_bal_acc(const wlr_metrics *m) { return m->balanced_accuracy; }
static double get_mcc(const wlr_metrics *m) { return m->mcc; }

static const cv_metric cv_metrics[] = {
    {"recall_1", get_recall1}, {"precision_1", get_precision1},
    {"f1_1", get_f1_1}, {"recall_0", get_recall0},
    {"precision_0", get_precision0}, {"f1_0", get_f1_0},
    {"accuracy", get_accuracy}, {"roc_auc", get_auc},
    {"average_precision", get_ap}, {"log_loss", get_log_loss},
    {"balanced_accuracy", get_bal_acc}, {"mcc", get_mcc}};
#define N_CV_METRICS (sizeof cv_metrics / sizeof cv_metrics[0])

/* Mean and standard deviation over the folds: sd = sqrt((1/K) sum (v -
 * mean)^2), the population sd as numpy.std gives it (what scikit-learn's
 * examples print beside cross_val_score's mean). */
static void cv_mean_sd(const cv_result *cv, const cv_metric *m, double *mean,
                       double *sd)
{
    double sum = 0, ss = 0;
    for (size_t j = 0; j < cv->k; j++) sum += m->get(&cv->fold[j]);
    *mean = sum / (double)cv->k;
    for (size_t j = 0; j < cv->k; j++) {
        double d = m->get(&cv->fold[j]) - *mean;
        ss += d * d;
    }
    *sd = sqrt(ss / (double)cv->k);
}

static void cv_free(cv_result *cv)
{
    free(cv->fold);
    free(cv->fold_rows);
    memset(cv, 0, sizeof *cv);
}

/* Stratified K-fold on the training rows: fit on K - 1 folds, score the
 * held-out fold at --threshold, K times. */
static int run_cv(const cli_args *a, const wlr_train_options *o,
                  const wlr_dataset *train, cv_result *cv)
{
    wlr_error err;
    wlr_folds folds;
    memset(cv, 0, sizeof *cv);
    if (wlr_folds_make(train->y, train->n_rows, a->cv, a->split_seed, &folds, &err))
        return cli_errorf("--cv: %s (of the training split's %zu rows)",
                          err.message, train->n_rows);
    cv->k = a->cv;
    cv->fold = calloc(cv->k, sizeof *cv->fold);
    cv->fold_rows = calloc(cv->k, sizeof *cv->fold_rows);
    int rc = cv->fold && cv->fold_rows ? 0 : cli_errorf("out of memory");
    for (size_t j = 0; j < cv->k && rc == 0; j++) {
        wlr_dataset ftrain, ftest;
        if (wlr_folds_split(&folds, j, train, &ftrain, &ftest, &err)) {
            rc = cli_error(&err);
            break;
        }
        cli_run r;
        rc = cli_fit_run(a, o, a->class_weight, &ftrain, &ftest, &r);
        if (rc == 0) {
            cv->fold[j] = r.met;
            cv->fold_rows[j] = ftest.n_rows;
        }
        cli_run_free(&r);
        wlr_dataset_free(&ftrain);
        wlr_dataset_free(&ftest);
    }
    wlr_folds_free(&folds);
    if (rc) cv_free(cv);
    return rc;
}

static void print_cv(FILE *f, const cli_args *a, const cv_result *cv)
{
    fprintf(f, "\ncross-validation: %zu stratified folds of the training split "
            "(seed %u), class 1 iff p > %g\n\n", cv->k, (unsigned)a->split_seed,
            a->threshold);
    fprintf(f, "  fold    rows  recall_1  precision_1      f1_1   roc_auc  "
            "avg_prec  log_loss\n");
    for (size_t j = 0; j < cv->k; j++) {
        const wlr_metrics *m = &cv->fold[j];
        fprintf(f, "  %4zu %7zu %9.4f %12.4f %9.4f %9.4f %9.4f %9.4f\n", j + 1,
                cv->fold_rows[j], m->recall[1], m->precision[1], m->f1[1],
                m->roc_auc, m->average_precision, m->log_loss);
    }
    fprintf(f, "\n  mean +- sd over the folds (sd as numpy.std):\n");
    for (size_t k = 0; k < N_CV_METRICS; k++) {
        double mean, sd;
        cv_mean_sd(cv, &cv_metrics[k], &mean, &sd);
        fprintf(f, "    %-18s %.4f +- %.4f\n", cv_metrics[k].name, mean, sd);
    }
}

static void json_cv(FILE *f, const cli_args *a, const cv_result *cv)
{
    fprintf(f, "\"cv\": {\"k\": %zu, \"seed\": %u, \"folds\": [", cv->k,
            (unsigned)a->split_seed);
    for (size_t j = 0; j < cv->k; j++) {
        if (j) fputs(", ", f);
        cli_json_metrics(f, &cv->fold[j]);
    }
    for (int part = 0; part < 2; part++) {
        fputs(part ? "}, \"std\": {" : "], \"mean\": {", f);
        for (size_t k = 0; k < N_CV_METRICS; k++) {
            double v[2];
            cv_mean_sd(cv, &cv_metrics[k], &v[0], &v[1]);
            fprintf(f, "%s\"%s\": ", k ? ", " : "", cv_metrics[k].name);
            cli_json_double(f, v[part]);
        }
    }
    fputs("}}", f);
}

/* --tune-threshold: what was chosen, and where. */
typedef struct {
    wlr_tune_spec spec;
    wlr_tune_result val;        /* on the validation rows */
    size_t val_counts[2], fit_counts[2];
    /* the cost rule on the test rows, per 1,000: at the chosen threshold and
     * at 0.5 */
    double test_cost, test_cost_default;
} tuning;

static const char *rule_text(const wlr_tune_spec *t)
{
    switch (t->rule) {
    case WLR_TUNE_F1: return "maximises F1 of class 1";
    case WLR_TUNE_RECALL: return "the largest reaching recall_1";
    case WLR_TUNE_COST: return "minimises cost_fn * fn + cost_fp * fp";
    }
    return "";
}

static double test_cost(const wlr_tune_spec *t, const wlr_metrics *m)
{
    size_t n = m->support[0] + m->support[1];
    return 1000.0 * (t->cost_fn * (double)m->confusion[1][0] +
                     t->cost_fp * (double)m->confusion[0][1]) / (double)n;
}

/* Chooses the threshold on val with r's model, then rescores test there. */
static int tune_threshold(const wlr_dataset *val,
                          const wlr_dataset *test, cli_run *r, tuning *t)
{
    wlr_error err;
    double *p = malloc((val->n_rows + 1) * sizeof *p);
    if (!p) return cli_errorf("out of memory for %zu validation rows", val->n_rows);
    wlr_predict_proba(&r->model, val, p);
    wlr_status st = wlr_tune_threshold(val->y, p, val->n_rows, &t->spec, &t->val,
                                       &err);
    free(p);
    if (st)
        return cli_errorf("--tune-threshold: validation part (%zu rows): %s; "
                          "try a larger --val-size", val->n_rows, err.message);
    wlr_class_counts(val, t->val_counts);
    if (t->spec.rule == WLR_TUNE_COST) {
        /* the test rows' cost at 0.5 first, then at the chosen threshold */
        wlr_metrics at_half;
        if (cli_score_model(&r->model, test, 0.5, &at_half)) return 1;
        t->test_cost_default = test_cost(&t->spec, &at_half);
    }
    if (cli_score_model(&r->model, test, t->val.threshold, &r->met)) return 1;
    if (t->spec.rule == WLR_TUNE_COST) t->test_cost = test_cost(&t->spec, &r->met);
    return 0;
}

static void print_tuning(FILE *f, const cli_args *a, const tuning *t)
{
    fprintf(f, "tuning   %s on a validation part of the training split "
            "(val-size %g, seed %u, stratified): fit on %zu rows (%zu / %zu), "
            "validation %zu rows (%zu / %zu)\n", a->tune, a->val_size,
            (unsigned)a->split_seed, t->fit_counts[0] + t->fit_counts[1],
            t->fit_counts[0], t->fit_counts[1],
            t->val_counts[0] + t->val_counts[1], t->val_counts[0],
            t->val_counts[1]);
    fprintf(f, "threshold %.6g: %s on validation (F1 %.4f, precision %.4f, "
            "recall %.4f there)\n", t->val.threshold, rule_text(&t->spec),
            t->val.f1, t->val.precision, t->val.recall);
    if (t->spec.rule == WLR_TUNE_COST)
        fprintf(f, "cost     %g per missed class 1, %g per false alarm; per "
                "1,000 cases: validation %.2f at %.6g, %.2f at 0.5; test %.2f "
                "at %.6g, %.2f at 0.5\n", t->spec.cost_fn, t->spec.cost_fp,
                t->val.cost_per_1000, t->val.threshold,
                t->val.cost_per_1000_default, t->test_cost, t->val.threshold,
                t->test_cost_default);
}

static void json_tuning(FILE *f, const cli_args *a, const tuning *t)
{
    fputs("\"tuning\": {\"rule\": ", f);
    cli_json_string(f, a->tune);
    fputs(", \"val_size\": ", f);
    cli_json_double(f, a->val_size);
    fprintf(f, ", \"fit_counts\": [%zu, %zu], \"val_counts\": [%zu, %zu], "
            "\"threshold\": ", t->fit_counts[0], t->fit_counts[1],
            t->val_counts[0], t->val_counts[1]);
    cli_json_double(f, t->val.threshold);
    fputs(", \"val_f1\": ", f);
    cli_json_double(f, t->val.f1);
    fputs(", \"val_precision\": ", f);
    cli_json_double(f, t->val.precision);
    fputs(", \"val_recall\": ", f);
    cli_json_double(f, t->val.recall);
    if (t->spec.rule == WLR_TUNE_COST) {
        const struct { const char *k; double v; } c[] = {
            {"cost_fn", t->spec.cost_fn}, {"cost_fp", t->spec.cost_fp},
            {"val_cost_per_1000", t->val.cost_per_1000},
            {"val_cost_per_1000_default", t->val.cost_per_1000_default},
            {"test_cost_per_1000", t->test_cost},
            {"test_cost_per_1000_default", t->test_cost_default}};
        for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
            fprintf(f, ", \"%s\": ", c[k].k);
            cli_json_double(f, c[k].v);
        }
    }
    fputc('}', f);
}

/* The run's JSON object with "tuning" and "cv" added before its closing
 * brace. */
static int json_train(FILE *f, const cli_args *a, const wlr_train_options *o,
                      const wlr_dataset *fit, const wlr_dataset *test,
                      const cli_run *r, const tuning *t, const cv_result *cv)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return cli_errorf("out of memory");
    cli_json_run(mem, o, fit, test, r);
    if (fclose(mem) != 0 || len == 0 || buf[len - 1] != '}') {
        free(buf);
        return cli_errorf("out of memory");
    }
    fwrite(buf, 1, len - 1, f);
    free(buf);
    if (a->test_x) {
        fputs(", \"test_file\": ", f);
        cli_json_string(f, a->test_x);
    }
    if (a->tune) {
        fputs(", ", f);
        json_tuning(f, a, t);
    }
    if (cv->k) {
        fputs(", ", f);
        json_cv(f, a, cv);
    }
    fputs("}\n", f);
    return 0;
}

/* --save: the model with its threshold, how it was chosen, and how it was
 * trained, written to mo's temporary file; the caller commits it once the
 * report is complete too, so a failed run changes neither file. */
static int save_model(const cli_args *a, const wlr_train_options *o,
                      const wlr_dataset *fit, const cli_run *r, double threshold,
                      wlr__out *mo)
{
    char rule[128];
    if (a->tune)
        snprintf(rule, sizeof rule, "%s on validation (val-size %g, seed %u)",
                 a->tune, a->val_size, (unsigned)a->split_seed);
    else if (threshold != 0.5)
        snprintf(rule, sizeof rule, "given (--threshold)");
    else
        snprintf(rule, sizeof rule, "default");
    wlr_train_options used = *o;
    used.class_weight[0] = r->cw[0];
    used.class_weight[1] = r->cw[1];
    wlr_model_file mf;
    wlr_error err;
    if (wlr_model_file_make(&mf, fit, &used, &r->model, &r->info, threshold, rule,
                            &err))
        return cli_error(&err);
    /* saved as it predicts: the corrected intercept, the trained one beside
     * it (wlr.h, "model files") */
    if (r->calibrated) {
        mf.calibration = WLR_CALIBRATION_PRIOR;
        mf.intercept_uncalibrated = r->intercept_uncalibrated;
    }
    /* predict reads the label column the way training did */
    if (a->csv.positive && !(mf.positive = strdup(a->csv.positive))) {
        wlr_model_file_free(&mf);
        return cli_errorf("out of memory");
    }
    wlr_status st = wlr__out_open(mo, a->save, &err);
    if (st == WLR_OK) st = wlr_model_write(mo->f, &mf, &err);
    wlr_model_file_free(&mf);
    return st ? cli_error(&err) : 0;
}

/* --tune-threshold, --val-size and --cv checked before any work. */
static int check_model_opts(const cli_args *a, tuning *t)
{
    wlr_error err;
    if (a->tune) {
        if (wlr_tune_parse(a->tune, &t->spec, &err))
            return cli_errorf("--tune-threshold: %s", err.message);
        if (!(a->val_size > 0 && a->val_size < 1))
            return cli_errorf("--val-size: %g is not in (0, 1)", a->val_size);
    }
    if (a->cv == 1) return cli_errorf("--cv: K = 1 is not cross-validation; "
                                      "give K >= 2 (or 0 for none)");
    return 0;
}

/* --test and --test-labels checked before any work: with a test file of
 * its own there is no split to size or stratify. */
static int check_test_opts(const cli_args *a)
{
    if (!a->test_x)
        return a->test_y ? cli_errorf("--test-labels needs --test X.npy") : 0;
    cli_args d;
    cli_args_init(&d);
    if (a->test_size != d.test_size || a->stratify)
        return cli_errorf("--test gives the test rows: no split is made (drop "
                          "%s)", a->stratify ? "--stratify" : "--test-size");
    if (a->split_seed != d.split_seed && !a->tune && !a->cv)
        return cli_errorf("--split-seed: no split is made with --test (the seed "
                          "is for --tune-threshold and --cv)");
    if (cli_is_npy(a->test_x) && !a->test_y)
        return cli_errorf("--test %s needs --test-labels Y.npy", a->test_x);
    if (!cli_is_npy(a->test_x) && a->test_y)
        return cli_errorf("--test-labels is for a .npy --test; %s is read as CSV "
                          "(its labels are a column)", a->test_x);
    return 0;
}

/* TEST's features are DATA's: as many, and the same names where both files
 * name them. */
static int check_same_features(const cli_args *a, const wlr_dataset *train,
                               const wlr_dataset *test)
{
    if (test->n_features != train->n_features)
        return cli_errorf("%s:1: %zu feature columns; DATA has %zu", a->test_x,
                          test->n_features, train->n_features);
    for (size_t j = 0; train->names && test->names && j < test->n_features; j++) {
        char b1[32], b2[32];
        const char *want = wlr_feature_name(train, j, b1, sizeof b1);
        const char *got = wlr_feature_name(test, j, b2, sizeof b2);
        if (strcmp(want, got) != 0)
            return cli_errorf("%s:1: feature column %zu is '%s'; DATA's is '%s' "
                              "(choose the same columns with --columns)",
                              a->test_x, j + 1, got, want);
    }
    return 0;
}

/* --test: all of DATA to train on, the test file (read with the same
 * column options) to score. */
static int load_train_test(const cli_args *a, wlr_dataset *train,
                           wlr_dataset *test, char *what, size_t cap)
{
    char test_what[512];
    memset(test, 0, sizeof *test);
    if (cli_load_data(a, train, what, cap)) return 1;
    if (cli_load_file(a, a->test_x, a->test_y, test, NULL, test_what,
                      sizeof test_what) ||
        check_same_features(a, train, test)) {
        wlr_dataset_free(train);
        wlr_dataset_free(test);
        return 1;
    }
    return 0;
}

/* The report's first lines with --test: where the rows came from. */
static void print_train_test(FILE *f, const char *what, const cli_args *a,
                             const wlr_dataset *train, const wlr_dataset *test)
{
    size_t ctr[2], cte[2];
    wlr_class_counts(train, ctr);
    wlr_class_counts(test, cte);
    fprintf(f, "data     %s: %zu rows (%zu / %zu), all for training\n", what,
            train->n_rows, ctr[0], ctr[1]);
    fprintf(f, "test     %s%s%s: %zu rows (%zu / %zu), given by --test (no "
            "split)\n", a->test_x, a->test_y ? " with labels " : "",
            a->test_y ? a->test_y : "", test->n_rows, cte[0], cte[1]);
}

int cmd_train(int argc, char **argv)
{
    cli_args a;
    cli_args_init(&a);
    a.command = "train";
    a.val_size = DEFAULT_VAL_SIZE;
    int rc = cli_parse(&a, argc, argv, 2, train_groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr train [DATA] [OPTIONS]\n       wlr train DATA --test TEST "
                 "[OPTIONS]\n       wlr train --stream X.npy "
                 "--labels Y.npy [--window ROWS] [OPTIONS]",
                 "Fits weighted logistic regression on the training split and "
                 "reports the test split's\nmetrics: minority recall, confusion "
                 "matrix, classification report, ROC AUC and more.\nWithout "
                 "DATA it uses the generated rare-event tutorial data. "
                 "--save keeps the model for\n`wlr predict`; --tune-threshold "
                 "chooses the threshold on validation rows carved out\nof the "
                 "training split (never the test split); --cv K adds stratified "
                 "K-fold metrics.\n--stream trains on every row of a .npy "
                 "file too big for memory, a window of rows at\na time (the "
                 "windows come in a new random order each epoch; with one "
                 "window the\nmodel is the in-memory one, bit for bit); test "
                 "metrics then come from --test.\n--test TEST trains in memory "
                 "on all of DATA and scores TEST (read with the same\ncolumn "
                 "options; a .npy TEST with --test-labels): no split is made.\n"
                 "--calibrate prior subtracts log(c1/c0) from the intercept after "
                 "training, so that a\nweighted model's p is a rate on the data's "
                 "scale again (exact for a well-specified\nmodel; the ranking "
                 "and ROC AUC do not change); --save records it.",
                 train_groups);
        return 0;
    }
    wlr_train_options o = a.train;
    tuning t;
    memset(&t, 0, sizeof t);
    if (cli_parse_solver(&a, &o) || cli_check_eval(&a) || check_model_opts(&a, &t) ||
        cli_parse_calibrate(&a))
        return 1;
    wlr_error err;
    if (wlr_train_check(&o, &err)) return cli_error(&err);
    const cli_file ins[] = {{"DATA", a.pos[0], NULL}, {"--labels", a.labels, NULL},
                            {"--stream", a.stream, NULL}, {"--test", a.test_x, NULL},
                            {"--test-labels", a.test_y, NULL}};
    const cli_file outs[] = {{"-o", a.out, NULL}, {"--save", a.save, NULL}};
    if (cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs))) return 1;
    if (a.stream && a.calibration != WLR_CALIBRATION_NONE)
        return cli_errorf("--calibrate: not with --stream (correct the saved "
                          "model's intercept by log(c1/c0) by hand)");
    if (a.stream) return cli_train_stream(&a, &o);
    if (cli_check_no_stream(&a) || check_test_opts(&a)) return 1;

    wlr_dataset train, test, fit = {0}, val = {0};
    char what[512];
    if (a.test_x ? load_train_test(&a, &train, &test, what, sizeof what)
                 : cli_load_split(&a, &train, &test, what, sizeof what))
        return 1;
    cv_result cv = {0};
    cli_run r;
    memset(&r, 0, sizeof r);
    wlr__out out = {0};
    const wlr_dataset *fit_rows = &train;
    rc = a.cv ? run_cv(&a, &o, &train, &cv) : 0;
    if (rc == 0 && a.tune) {
        if (wlr_split(&train, a.val_size, a.split_seed, 1, &fit, &val, &err))
            rc = cli_errorf("--val-size: %s", err.message);
        fit_rows = &fit;
        wlr_class_counts(&fit, t.fit_counts);
    }
    if (rc == 0) rc = cli_fit_run(&a, &o, a.class_weight, fit_rows, &test, &r);
    /* gradient descent checked against the exact optimum */
    if (rc == 0 && o.solver == WLR_SOLVER_GD)
        rc = cli_exact_optimum(&o, r.cw, fit_rows, &r.exact_loss, &r.exact);
    if (rc == 0) cli_warn_fit(&o, fit_rows, &r);
    if (rc == 0 && a.tune) rc = tune_threshold(&val, &test, &r, &t);
    double threshold = a.tune ? t.val.threshold : a.threshold;
    wlr__out model_out = {0};
    if (rc == 0 && a.save)
        rc = save_model(&a, &o, fit_rows, &r, threshold, &model_out);
    if (rc == 0) rc = cli_out_open(&a, &out);
    if (rc == 0) {
        FILE *f = out.f;
        if (a.json) {
            rc = json_train(f, &a, &o, fit_rows, &test, &r, &t, &cv);
        } else {
            if (a.test_x) print_train_test(f, what, &a, &train, &test);
            else cli_print_split(f, what, &a, &train, &test);
            if (a.tune) print_tuning(f, &a, &t);
            fprintf(f, "weights  c0 = %g, c1 = %g  (%s)\n", r.cw[0], r.cw[1], r.name);
            cli_print_solver(f, &a, &o, &r);
            cli_print_model(f, &train, &r.model);
            if (r.calibrated)
                fprintf(f, "         calibrated (--calibrate prior): intercept "
                        "%.6g = %.6g - log(c1/c0), log(c1/c0) = %.6g\n",
                        r.model.intercept, r.intercept_uncalibrated,
                        r.intercept_uncalibrated - r.model.intercept);
            if (a.save) fprintf(f, "saved    %s\n", a.save);
            fprintf(f, "\n");
            cli_print_metrics(f, &r.met, a.digits);
            if (cv.k) print_cv(f, &a, &cv);
            /* the one number that differs between runs goes to stderr, so
             * stdout is byte-identical for the same arguments */
            fprintf(stderr, "wlr: fit took %.3f s\n", r.info.seconds);
        }
        /* the report complete on disk before the model replaces anything */
        if (rc == 0 && a.save && (fflush(out.f) != 0 || ferror(out.f)))
            rc = cli_out_close(&out, 0) ? 1 : cli_errorf("%s: write failed", a.out ? a.out : "stdout");
        if (rc == 0 && a.save && wlr__out_commit(&model_out, &err))
            rc = cli_error(&err);
        if (out.f) rc = cli_out_close(&out, rc);
    }
    wlr__out_abort(&model_out);
    cli_run_free(&r);
    cv_free(&cv);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    wlr_dataset_free(&fit);
    wlr_dataset_free(&val);
    return rc;
}
