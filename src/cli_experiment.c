/*
 * cli_experiment.c - `wlr experiment`: one model per weighting on the same
 * split, side by side, each with its gap to the exact optimum.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

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
    if (cli_parse_solver(&a, &o) || cli_check_eval(&a)) return 1;
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
    cli_run runs[MAX_RUNS];
    int done = 0;
    rc = cli_load_split(&a, &train, &test, what, sizeof what);
    for (; rc == 0 && done < n; done++) {
        rc = cli_fit_run(&a, &o, names[done], &train, &test, &runs[done]);
        if (rc) {
            cli_run_free(&runs[done]);
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
            cli_json_run(f, &o, &train, &test, &runs[k]);
            fputs(", \"exact_loss\": ", f);
            cli_json_double(f, runs[k].exact_loss);
            fputc('}', f);
        }
        fputs("]}\n", f);
    } else if (rc == 0) {
        cli_print_split(f, what, &a, &train, &test);
        fprintf(f, "solver   gd: %s, batch %zu, %d epochs, lr %g, l2 %g; threshold %g\n\n",
               a.optimizer, o.batch_size, o.epochs, o.lr, o.l2, a.threshold);
        fprintf(f, "%-12s %9s %9s %8s %8s %8s %8s %8s %11s %9s\n", "weighting", "c0",
               "c1", "recall1", "prec1", "f1_1", "ROC AUC", "avg prec",
               "train loss", "gap");
        for (int k = 0; k < done; k++) {
            const cli_run *r = &runs[k];
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
    for (int k = 0; k < done; k++) cli_run_free(&runs[k]);
    free(list);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}
