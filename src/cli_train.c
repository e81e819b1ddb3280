/*
 * cli_train.c - `wlr train` and `wlr report`: fit one model and report its
 * test metrics, or report the metrics of scores made by another tool.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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
    if (cli_parse_solver(&a, &o) || cli_check_eval(&a)) return 1;
    wlr_error err;
    if (wlr_train_check(&o, &err)) return cli_error(&err);

    wlr_dataset train, test;
    char what[512];
    if (cli_load_split(&a, &train, &test, what, sizeof what)) return 1;
    cli_run r;
    wlr_out out = {0};
    rc = cli_fit_run(&a, &o, a.class_weight, &train, &test, &r);
    if (rc == 0) rc = cli_out_open(&a, &out);
    if (rc == 0) {
        FILE *f = out.f;
        if (a.json) {
            cli_json_run(f, &o, &train, &test, &r);
            fputc('\n', f);
        } else {
            cli_print_split(f, what, &a, &train, &test);
            fprintf(f, "weights  c0 = %g, c1 = %g  (%s)\n", r.cw[0], r.cw[1], r.name);
            cli_print_solver(f, &a, &o, &r);
            cli_print_model(f, &train, &r.model);
            fprintf(f, "\n");
            cli_print_metrics(f, &r.met, a.digits);
            /* the one number that differs between runs goes to stderr, so
             * stdout is byte-identical for the same arguments */
            fprintf(stderr, "wlr: fit took %.3f s\n", r.info.seconds);
        }
        rc = cli_out_close(&out, rc);
    }
    cli_run_free(&r);
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
    if (cli_check_eval(&a)) return 1;
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
                cli_json_metrics(out.f, &m);
                fputc('\n', out.f);
            } else {
                fprintf(out.f, "data     %s: %zu rows\n\n", what, d.n_rows);
                cli_print_metrics(out.f, &m, a.digits);
            }
            rc = cli_out_close(&out, rc);
        }
    }
    wlr_dataset_free(&d);
    return rc;
}

