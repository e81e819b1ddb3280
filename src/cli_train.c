/*
 * cli_train.c - `wlr train`, `wlr report` and `wlr experiment`: fit, score
 * on the test split, print the metrics as text or JSON.
 *
 * One fit is a "run": a named weighting, the model, how training went and
 * the test metrics. `train` prints one run, `experiment` several side by
 * side, `report` only the metrics of scores made elsewhere.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;        /* the class-weight spec, e.g. "balanced" */
    double cw[2];
    wlr_model model;
    wlr_train_info info;
    wlr_metrics met;
    double exact_loss;       /* the optimum of the same objective (experiment) */
} run;

static void run_free(run *r)
{
    wlr_model_free(&r->model);
    wlr_train_info_free(&r->info);
}

/* --solver and --optimizer into the training options. */
static int parse_solver(const cli_args *a, wlr_train_options *o)
{
    if (strcmp(a->solver, "gd") == 0) o->solver = WLR_SOLVER_GD;
    else if (strcmp(a->solver, "newton") == 0) o->solver = WLR_SOLVER_NEWTON;
    else return cli_errorf("--solver: '%s' is not gd or newton", a->solver);
    if (strcmp(a->optimizer, "sgd") == 0) o->optimizer = WLR_OPT_SGD;
    else if (strcmp(a->optimizer, "momentum") == 0) o->optimizer = WLR_OPT_MOMENTUM;
    else if (strcmp(a->optimizer, "adam") == 0) o->optimizer = WLR_OPT_ADAM;
    else return cli_errorf("--optimizer: '%s' is not sgd, momentum or adam",
                           a->optimizer);
    return 0;
}

static int check_eval_options(const cli_args *a)
{
    if (!(a->threshold >= 0 && a->threshold <= 1))
        return cli_errorf("--threshold: %g is not in [0, 1]", a->threshold);
    if (a->digits < 0 || a->digits > 15)
        return cli_errorf("--digits: %d is not in 0..15", a->digits);
    return 0;
}

/* Test metrics of a model: p = sigma(w.x + b) on the test rows. */
static int score_model(const wlr_model *m, const wlr_dataset *test,
                       double threshold, wlr_metrics *met)
{
    wlr_error err;
    double *p = malloc((test->n_rows + 1) * sizeof *p);
    if (!p) return cli_errorf("out of memory for %zu test rows", test->n_rows);
    wlr_predict_proba(m, test, p);
    wlr_status st = wlr_evaluate(test->y, p, test->n_rows, threshold, met, &err);
    free(p);
    return st ? cli_error(&err) : 0;
}

/* Fits one weighting with options o and scores it on the test rows. */
static int fit_run(const cli_args *a, const wlr_train_options *base,
                   const char *spec, const wlr_dataset *train,
                   const wlr_dataset *test, run *r)
{
    wlr_error err;
    wlr_train_options o = *base;
    memset(r, 0, sizeof *r);
    r->name = spec;
    if (wlr_class_weights_parse(spec, train, o.class_weight, &err))
        return cli_error(&err);
    r->cw[0] = o.class_weight[0];
    r->cw[1] = o.class_weight[1];
    if (wlr_train(train, &o, &r->model, &r->info, &err)) return cli_error(&err);
    return score_model(&r->model, test, a->threshold, &r->met);
}

/* ------------------------------------------------------------ text */

static void print_metrics_text(FILE *f, const wlr_metrics *m, int digits)
{
    size_t pos = m->support[1], found = m->confusion[1][1];
    fprintf(f, "test, class 1 iff p > %g:\n\n", m->threshold);
    fprintf(f, "  MINORITY RECALL  %.3f   (%zu of %zu class-1 rows found)\n\n",
           m->recall[1], found, pos);
    fprintf(f, "                predicted 0  predicted 1\n");
    fprintf(f, "  true 0   %16zu %12zu\n", m->confusion[0][0], m->confusion[0][1]);
    fprintf(f, "  true 1   %16zu %12zu\n\n", m->confusion[1][0], m->confusion[1][1]);
    int need = wlr_classification_report(m, digits, NULL, 0);
    char *rep = malloc((size_t)need + 1);
    if (rep) {
        wlr_classification_report(m, digits, rep, (size_t)need + 1);
        fputs(rep, f);
        free(rep);
    }
    fprintf(f, "\n  ROC AUC            %.4f\n", m->roc_auc);
    fprintf(f, "  average precision  %.4f\n", m->average_precision);
    fprintf(f, "  log loss           %.4f\n", m->log_loss);
    fprintf(f, "  balanced accuracy  %.4f\n", m->balanced_accuracy);
    fprintf(f, "  MCC                %.4f\n", m->mcc);
}

static void print_split_text(FILE *f, const char *what, const cli_args *a,
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

static void print_model_text(FILE *f, const wlr_dataset *d, const wlr_model *m)
{
    char buf[32];
    fprintf(f, "model    ");
    for (size_t j = 0; j < m->n_features; j++)
        fprintf(f, "%s %.6g  ", wlr_feature_name(d, j, buf, sizeof buf), m->coef[j]);
    fprintf(f, "intercept %.6g\n", m->intercept);
}

static void print_solver_text(FILE *f, const cli_args *a, const wlr_train_options *o,
                              const run *r)
{
    if (o->solver == WLR_SOLVER_NEWTON)
        fprintf(f, "solver   newton (tol %g), l2 %g: %d steps, %s, loss %.10f\n",
               o->tol, o->l2, r->info.iterations,
               r->info.converged ? "converged" : "NOT converged", r->info.loss);
    else
        fprintf(f, "solver   gd: %s, batch %zu, %d epochs, lr %g, l2 %g%s: "
               "loss %.10f\n", a->optimizer, o->batch_size, o->epochs, o->lr,
               o->l2, o->standardize ? ", standardized" : "", r->info.loss);
}

/* ------------------------------------------------------------ JSON */

static void json_array(FILE *f, const double *v, size_t n)
{
    fputc('[', f);
    for (size_t j = 0; j < n; j++) {
        if (j) fputs(", ", f);
        cli_json_double(f, v[j]);
    }
    fputc(']', f);
}

static void json_metrics(FILE *f, const wlr_metrics *m)
{
    fputs("{\"threshold\": ", f);
    cli_json_double(f, m->threshold);
    fprintf(f, ", \"confusion\": [[%zu, %zu], [%zu, %zu]]", m->confusion[0][0],
            m->confusion[0][1], m->confusion[1][0], m->confusion[1][1]);
    fputs(", \"precision\": ", f);
    json_array(f, m->precision, 2);
    fputs(", \"recall\": ", f);
    json_array(f, m->recall, 2);
    fputs(", \"f1\": ", f);
    json_array(f, m->f1, 2);
    fprintf(f, ", \"support\": [%zu, %zu]", m->support[0], m->support[1]);
    const struct { const char *k; double v; } s[] = {
        {"accuracy", m->accuracy}, {"roc_auc", m->roc_auc},
        {"average_precision", m->average_precision}, {"log_loss", m->log_loss},
        {"balanced_accuracy", m->balanced_accuracy}, {"mcc", m->mcc}};
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
        fprintf(f, ", \"%s\": ", s[k].k);
        cli_json_double(f, s[k].v);
    }
    fputc('}', f);
}

/* The train JSON object (without a trailing newline). */
static void json_run(FILE *f, const wlr_train_options *o,
                     const wlr_dataset *train, const wlr_dataset *test,
                     const run *r)
{
    size_t ctr[2], cte[2];
    wlr_class_counts(train, ctr);
    wlr_class_counts(test, cte);
    fprintf(f, "{\"data\": {\"n_features\": %zu, \"train_counts\": [%zu, %zu], "
            "\"test_counts\": [%zu, %zu]}, \"class_weights\": ", train->n_features,
            ctr[0], ctr[1], cte[0], cte[1]);
    json_array(f, r->cw, 2);
    fputs(", \"model\": {\"coef\": ", f);
    json_array(f, r->model.coef, r->model.n_features);
    fputs(", \"intercept\": ", f);
    cli_json_double(f, r->model.intercept);
    fprintf(f, "}, \"train\": {\"solver\": \"%s\", \"epochs\": %d, \"loss\": ",
            o->solver == WLR_SOLVER_NEWTON ? "newton" : "gd", r->info.iterations);
    cli_json_double(f, r->info.loss);
    fputs(", \"seconds\": ", f);
    cli_json_double(f, r->info.seconds);
    fputs("}, \"test\": ", f);
    json_metrics(f, &r->met);
    fputc('}', f);
}

/* ----------------------------------------------------------- wlr train */

static const cli_opt *const train_groups[] = {
    cli_data_opts, cli_gen_opts, cli_split_opts, cli_train_opts,
    cli_eval_opts, cli_output_opts, NULL};

int cmd_train(int argc, char **argv)
{
    cli_args a;
    cli_args_init(&a);
    a.command = "train";
    int rc = cli_parse(&a, argc, argv, 2, train_groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr train [DATA] [OPTIONS]",
                 "Fits weighted logistic regression on the training split and "
                 "reports the test split's\nmetrics: minority recall, confusion "
                 "matrix, classification report, ROC AUC and more.\nWithout "
                 "DATA it uses the generated rare-event tutorial data.",
                 train_groups);
        return 0;
    }
    wlr_train_options o = a.train;
    if (parse_solver(&a, &o) || check_eval_options(&a)) return 1;
    wlr_error err;
    if (wlr_train_check(&o, &err)) return cli_error(&err);

    wlr_dataset train, test;
    char what[512];
    if (cli_load_split(&a, &train, &test, what, sizeof what)) return 1;
    run r;
    wlr_out out = {0};
    rc = fit_run(&a, &o, a.class_weight, &train, &test, &r);
    if (rc == 0) rc = cli_out_open(&a, &out);
    if (rc == 0) {
        FILE *f = out.f;
        if (a.json) {
            json_run(f, &o, &train, &test, &r);
            fputc('\n', f);
        } else {
            print_split_text(f, what, &a, &train, &test);
            fprintf(f, "weights  c0 = %g, c1 = %g  (%s)\n", r.cw[0], r.cw[1], r.name);
            print_solver_text(f, &a, &o, &r);
            print_model_text(f, &train, &r.model);
            fprintf(f, "\n");
            print_metrics_text(f, &r.met, a.digits);
            /* the one number that differs between runs goes to stderr, so
             * stdout is byte-identical for the same arguments */
            fprintf(stderr, "wlr: fit took %.3f s\n", r.info.seconds);
        }
        rc = cli_out_close(&out, rc);
    }
    run_free(&r);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}

/* ---------------------------------------------------------- wlr report */

int cmd_report(int argc, char **argv)
{
    static const cli_opt *const groups[] = {cli_data_opts, cli_eval_opts,
                                            cli_output_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "report";
    a.csv.label = "1";
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr report FILE [OPTIONS]",
                 "Metrics of scores made by any tool: FILE is a CSV of y,score "
                 "(label first unless\n--label says otherwise; scores are "
                 "probabilities of class 1 in [0, 1]).",
                 groups);
        return 0;
    }
    if (a.n_pos != 1) return cli_errorf("report needs a FILE of y,score rows");
    if (check_eval_options(&a)) return 1;
    wlr_dataset d;
    char what[512];
    if (cli_load_data(&a, &d, what, sizeof what)) return 1;
    rc = 0;
    wlr_out out = {0};
    if (d.n_features != 1) {
        rc = cli_errorf("%s:1: expected two columns, y and score; found %zu "
                        "besides the label", a.pos[0], d.n_features);
    } else {
        wlr_metrics m;
        wlr_error err;
        if (wlr_evaluate(d.y, d.x, d.n_rows, a.threshold, &m, &err)) {
            rc = cli_errorf("%s:0: %s", a.pos[0], err.message);
        } else if ((rc = cli_out_open(&a, &out)) == 0) {
            if (a.json) {
                json_metrics(out.f, &m);
                fputc('\n', out.f);
            } else {
                fprintf(out.f, "data     %s: %zu rows\n\n", what, d.n_rows);
                print_metrics_text(out.f, &m, a.digits);
            }
            rc = cli_out_close(&out, rc);
        }
    }
    wlr_dataset_free(&d);
    return rc;
}

/* ------------------------------------------------------ wlr experiment */

#define MAX_RUNS 16

int cmd_experiment(int argc, char **argv)
{
    static const cli_opt *const groups[] = {
        cli_data_opts, cli_gen_opts, cli_split_opts,
        cli_train_opts, cli_eval_opts, cli_output_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "experiment";
    a.class_weight = "none,balanced,1:200";
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr experiment [DATA] [OPTIONS]",
                 "Trains one model per weighting on the same split and prints "
                 "them side by side, with\neach one's gap to the exact optimum "
                 "of its objective. --class-weight takes a comma-\nseparated "
                 "list here (default none,balanced,1:200).",
                 groups);
        return 0;
    }
    wlr_train_options o = a.train;
    if (parse_solver(&a, &o) || check_eval_options(&a)) return 1;
    wlr_error err;
    if (wlr_train_check(&o, &err)) return cli_error(&err);

    /* the list of weightings, split at commas */
    char *list = strdup(a.class_weight);
    const char *names[MAX_RUNS];
    int n = 0;
    if (!list) return cli_errorf("out of memory");
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        if (n == MAX_RUNS) {
            free(list);
            return cli_errorf("--class-weight: at most %d weightings", MAX_RUNS);
        }
        names[n++] = tok;
    }
    if (n == 0) {
        free(list);
        return cli_errorf("--class-weight: no weighting given");
    }

    wlr_dataset train, test;
    char what[512];
    run runs[MAX_RUNS];
    int done = 0;
    rc = cli_load_split(&a, &train, &test, what, sizeof what);
    for (; rc == 0 && done < n; done++) {
        rc = fit_run(&a, &o, names[done], &train, &test, &runs[done]);
        if (rc) {
            run_free(&runs[done]);
            break;
        }
        /* the exact optimum of the same objective, for the gap */
        wlr_train_options ex = o;
        ex.solver = WLR_SOLVER_NEWTON;
        ex.class_weight[0] = runs[done].cw[0];
        ex.class_weight[1] = runs[done].cw[1];
        wlr_model m;
        wlr_train_info info;
        if (wlr_train(&train, &ex, &m, &info, &err)) {
            rc = cli_error(&err);
            done++;
            break;
        }
        runs[done].exact_loss = info.loss;
        wlr_model_free(&m);
        wlr_train_info_free(&info);
    }
    wlr_out out = {0};
    if (rc == 0) rc = cli_out_open(&a, &out);
    FILE *f = out.f;
    if (rc == 0 && a.json) {
        fputs("{\"runs\": [", f);
        for (int k = 0; k < done; k++) {
            fprintf(f, "%s{\"name\": \"%s\", \"run\": ", k ? ", " : "", runs[k].name);
            json_run(f, &o, &train, &test, &runs[k]);
            fputs(", \"exact_loss\": ", f);
            cli_json_double(f, runs[k].exact_loss);
            fputc('}', f);
        }
        fputs("]}\n", f);
    } else if (rc == 0) {
        print_split_text(f, what, &a, &train, &test);
        fprintf(f, "solver   gd: %s, batch %zu, %d epochs, lr %g, l2 %g; threshold %g\n\n",
               a.optimizer, o.batch_size, o.epochs, o.lr, o.l2, a.threshold);
        fprintf(f, "%-12s %9s %9s %8s %8s %8s %8s %8s %11s %9s\n", "weighting", "c0",
               "c1", "recall1", "prec1", "f1_1", "ROC AUC", "avg prec",
               "train loss", "gap");
        for (int k = 0; k < done; k++) {
            const run *r = &runs[k];
            fprintf(f, "%-12s %9.4g %9.4g %8.3f %8.3f %8.3f %8.4f %8.4f %11.6f %8.2e\n",
                   r->name, r->cw[0], r->cw[1], r->met.recall[1],
                   r->met.precision[1], r->met.f1[1], r->met.roc_auc,
                   r->met.average_precision, r->info.loss,
                   (r->info.loss - r->exact_loss) / r->exact_loss);
        }
        fprintf(f, "\nrecall1 = minority recall; gap = (train loss - exact optimum) "
               "/ exact optimum\n");
    }
    if (f) rc = cli_out_close(&out, rc);
    for (int k = 0; k < done; k++) run_free(&runs[k]);
    free(list);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}
