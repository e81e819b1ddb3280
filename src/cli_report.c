/*
 * cli_report.c - `wlr report`: the metrics of scores made by another tool.
 */
#include "cli.h"

#include <stdio.h>

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
    wlr__out out = {0};
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

