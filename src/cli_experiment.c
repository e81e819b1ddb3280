/*
 * cli_experiment.c - `wlr experiment`: the classic rare-event experiment.
 * One model per weighting (none, balanced, 1:200 by default) on the same
 * split, side by side, each with its gap to the exact optimum, and the
 * lesson the numbers teach: class weights mostly move the threshold.
 *
 * Why: weighting class 1 by c1/c0 multiplies the odds of class 1 in the
 * weighted likelihood by c1/c0. A logistic model that fits the data exactly
 * absorbs that in its intercept alone, b -> b + log(c1/c0), and then the
 * weighted model at threshold 0.5 is the unweighted model at threshold
 * c0 / (c0 + c1). Ranking (ROC AUC) barely changes; recall jumps because the
 * cut moved. The lesson section measures both effects on the data at hand.
 * Then the calibration section (cli_calibration.c): the weighted models'
 * probabilities, inflated by c1/c0 in the odds, and the prior correction
 * that undoes it; and with --repeats R, the whole experiment on R resplits
 * (cli_repeats.c), so that each number comes with how far a resplit moves
 * it.
 */
#include "cli_experiment.h"
#include "elementary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RUNS 16

/* The comparison behind the lesson: the unweighted run, the run whose recall
 * it is asked to reach, and the unweighted model's metrics at the threshold
 * that reaches it. */
typedef struct {
    int base, target;        /* run indexes, -1 when absent */
    double threshold;
    wlr_metrics at;
} lesson;

/* Splits "none,balanced,1:200" in place; returns the count or -1. */
static int parse_weightings(char *list, const char **names)
{
    int n = 0;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        if (n == MAX_RUNS) {
            cli_errorf("--class-weight: at most %d weightings", MAX_RUNS);
            return -1;
        }
        names[n++] = tok;
    }
    if (n == 0) cli_errorf("--class-weight: no weighting given");
    return n ? n : -1;
}

/* The exact optima of every weighting's objective (Newton), computed on a
 * second core while the first runs gradient descent: each solve is
 * independent of the rest, so the results are the same bits either way. */
typedef struct {
    const wlr_dataset *train;
    const wlr_train_options *o;
    const char **names;
    int n;
    double exact[MAX_RUNS];
    int state[MAX_RUNS], rc[MAX_RUNS];
} optima_job;

static void solve_optima(void *arg)
{
    optima_job *j = arg;
    for (int k = 0; k < j->n; k++) {
        double cw[2];
        wlr_error err;
        j->state[k] = CLI_EXACT_NONE;
        /* (a bad weighting: the gradient-descent run reports it) */
        if (wlr_class_weights_parse(j->names[k], j->train, cw, &err)) continue;
        j->rc[k] = cli_exact_optimum(j->o, cw, j->train, &j->exact[k], &j->state[k]);
    }
}

/* The gradient-descent fits, one after another. */
typedef struct {
    const cli_args *a;
    const wlr_train_options *o;
    const char **names;
    int n;
    const wlr_dataset *train, *test;
    cli_run *runs;
    int done, rc;
} fits_job;

static void fit_runs(void *arg)
{
    fits_job *j = arg;
    for (j->done = 0; j->done < j->n && j->rc == 0; j->done++)
        j->rc = cli_fit_run(j->a, j->o, j->names[j->done], j->train, j->test,
                            &j->runs[j->done]);
}

/* Fits every weighting and, for each, the exact optimum of its objective. */
static int fit_all(const cli_args *a, const wlr_train_options *o,
                   const char **names, int n, const wlr_dataset *train,
                   const wlr_dataset *test, cli_run *runs, int *done)
{
    /* the fits here, the optima on a second core (bench/README.md,
     * "The experiment's second thread") */
    optima_job job = {.train = train, .o = o, .names = names, .n = n};
    fits_job fits = {a, o, names, n, train, test, runs, 0, 0};
    wlr__job both[2] = {{fit_runs, &fits}, {solve_optima, &job}};
    wlr__run_jobs(both, 2);
    *done = fits.done;
    if (fits.rc) return fits.rc;
    for (int k = 0; k < n; k++) {
        if (job.rc[k]) return job.rc[k];
        if (o->solver == WLR_SOLVER_GD) {
            runs[k].exact_loss = job.exact[k];
            runs[k].exact = job.state[k];
        }
        cli_warn_fit(o, train, &runs[k]);
    }
    return 0;
}

/* The unweighted run (c0 == c1) and the one to compare it with: "balanced"
 * if present, else the first weighted run. Then the threshold at which the
 * unweighted model reaches that run's minority recall. */
static int find_lesson(const cli_run *runs, int n, const wlr_dataset *test,
                       lesson *l)
{
    l->base = l->target = -1;
    for (int k = 0; k < n; k++)
        if (l->base < 0 && runs[k].cw[0] == runs[k].cw[1]) l->base = k;
    for (int k = 0; k < n; k++)
        if (runs[k].cw[0] != runs[k].cw[1] &&
            (l->target < 0 || strcmp(runs[k].name, "balanced") == 0))
            l->target = k;
    if (l->base < 0 || l->target < 0 || runs[l->target].met.recall[1] <= 0) {
        l->target = -1;
        return 0;
    }
    wlr_error err;
    double *p = malloc((test->n_rows + 1) * sizeof *p);
    if (!p) return cli_errorf("out of memory");
    wlr_predict_proba(&runs[l->base].model, test, p);
    wlr_status st = wlr_threshold_for_recall(test->y, p, test->n_rows,
                                             runs[l->target].met.recall[1],
                                             &l->threshold, &err);
    if (st == WLR_OK)
        st = wlr_evaluate(test->y, p, test->n_rows, l->threshold, &l->at, &err);
    free(p);
    return st ? cli_error(&err) : 0;
}

static void print_table(FILE *f, const cli_run *runs, int n)
{
    fprintf(f, "%-10s %8s %8s %7s %7s %7s %7s %7s %7s %9s %8s\n", "weighting",
            "c0", "c1", "recall1", "prec1", "f1_1", "ROC AUC", "avgprec",
            "logloss", "trainloss", "gap");
    for (int k = 0; k < n; k++) {
        const cli_run *r = &runs[k];
        /* a gap only to an optimum that was reached: "n/a" where Newton
         * did not converge or was not run (too wide), "-" for an optimum
         * of loss 0 (separable data, l2 = 0), as the JSON leaves it out */
        double gap = (r->info.loss - r->exact_loss) / r->exact_loss;
        char gap_text[16] = "-";
        if (r->exact != CLI_EXACT_OK) snprintf(gap_text, sizeof gap_text, "n/a");
        else if (r->exact_loss > 0 && isfinite(gap))
            snprintf(gap_text, sizeof gap_text, "%.1e", gap);
        fprintf(f, "%-10s %8.4g %8.4g %7.3f %7.3f %7.3f %7.4f %7.4f %7.4f "
                "%9.6f %8s\n", r->name, r->cw[0], r->cw[1], r->met.recall[1],
                r->met.precision[1], r->met.f1[1], r->met.roc_auc,
                r->met.average_precision, r->met.log_loss, r->info.loss,
                gap_text);
    }
    fprintf(f, "\nrecall1, prec1, f1_1: of the minority class 1 on the test split; "
            "gap: (train loss -\nexact optimum) / exact optimum, the optimum "
            "from the Newton solver.\n");
    int wide = 0, short_of = 0;
    for (int k = 0; k < n; k++) {
        wide |= runs[k].exact == CLI_EXACT_TOO_WIDE;
        short_of |= runs[k].exact == CLI_EXACT_NOT_CONVERGED;
    }
    if (wide)
        fprintf(f, "gap n/a: no exact optimum for more than %d features (Newton's "
                "steps grow as D^3).\n", CLI_EXACT_MAX_FEATURES);
    if (short_of)
        fprintf(f, "gap n/a: Newton's method did not converge, so there is no "
                "optimum to measure against.\n");
}

static void print_lesson(FILE *f, const cli_run *runs, int n, const lesson *l,
                         double threshold)
{
    if (l->base < 0) return;
    const cli_run *b = &runs[l->base];
    fprintf(f, "\nWhat the weights did\n");
    if (l->target >= 0) {
        const cli_run *t = &runs[l->target];
        fprintf(f, "  Weights mostly move the threshold. The unweighted model "
                "reaches %s's recall\n  if its threshold drops from %g to %.4g:\n\n",
                t->name, threshold, l->threshold);
        fprintf(f, "    %-24s %7s %7s %7s %7s\n", "", "recall1", "prec1", "f1_1",
                "ROC AUC");
        char label[64];
        snprintf(label, sizeof label, "%s, p > %.4g", b->name, l->threshold);
        fprintf(f, "    %-24s %7.3f %7.3f %7.3f %7.4f\n", label, l->at.recall[1],
                l->at.precision[1], l->at.f1[1], b->met.roc_auc);
        snprintf(label, sizeof label, "%s, p > %g", t->name, threshold);
        fprintf(f, "    %-24s %7.3f %7.3f %7.3f %7.4f\n\n", label, t->met.recall[1],
                t->met.precision[1], t->met.f1[1], t->met.roc_auc);
        fprintf(f, "  ROC AUC, which ranks the rows without any threshold, moved "
                "by %+.4f.\n", t->met.roc_auc - b->met.roc_auc);
    }
    fprintf(f, "\n  A model that fitted the data exactly would absorb the weights "
            "in its intercept alone,\n  moving it by log(c1/c0). Here:\n\n");
    char head[64];
    snprintf(head, sizeof head, "b - b(%s)", b->name);
    fprintf(f, "    %-10s %14s %12s\n", "weighting", head, "log(c1/c0)");
    /* (the intercepts as trained, before any --calibrate) */
    for (int k = 0; k < n; k++) {
        if (k == l->base) continue;
        fprintf(f, "    %-10s %14.4f %12.4f\n", runs[k].name,
                cli_trained_intercept(&runs[k]) - cli_trained_intercept(b),
                wlr__log(runs[k].cw[1] / runs[k].cw[0]) - wlr__log(b->cw[1] / b->cw[0]));
    }
    fprintf(f, "\n  (b(%s) = %.4f; what the intercept does not absorb goes into "
            "the coefficients.)\n", b->name, cli_trained_intercept(b));
}

/* Run k's object with its prior_correction and, with --repeats, repeats,
 * added before its closing brace. */
static int json_run(FILE *f, const wlr_train_options *o, const cli_run *runs,
                    int k, const cli_calibration *cal, const cli_repeats *rp,
                    const wlr_dataset *train, const wlr_dataset *test)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) return cli_errorf("out of memory");
    cli_json_run_named(mem, o, train, test, &runs[k]);
    if (fclose(mem) != 0 || len == 0 || buf[len - 1] != '}') {
        free(buf);
        return cli_errorf("out of memory");
    }
    fwrite(buf, 1, len - 1, f);
    free(buf);
    fputs(", \"prior_correction\": ", f);
    cli_calibration_json(f, &cal[k]);
    if (rp->n) {
        fputs(", \"repeats\": ", f);
        cli_repeats_json(f, runs, rp, k);
    }
    fputc('}', f);
    return 0;
}

static int print_json(FILE *f, const cli_args *a, const wlr_train_options *o,
                      const cli_run *runs, int n, const lesson *l,
                      const cli_calibration *cal, const cli_repeats *rp,
                      const wlr_dataset *train, const wlr_dataset *test)
{
    fputs("{\"runs\": [", f);
    for (int k = 0; k < n; k++) {
        if (k) fputs(", ", f);
        if (json_run(f, o, runs, k, cal, rp, train, test)) return 1;
    }
    fputs("]", f);
    if (rp->n) {
        fputs(", \"repeats\": ", f);
        cli_repeats_json_plan(f, a, rp);
    }
    if (l->base >= 0 && l->target >= 0) {
        fputs(", \"lesson\": {\"base\": ", f);
        cli_json_string(f, runs[l->base].name);
        fputs(", \"target\": ", f);
        cli_json_string(f, runs[l->target].name);
        fputs(", \"base_threshold_for_target_recall\": ", f);
        cli_json_double(f, l->threshold);
        fputs(", \"base_at_that_threshold\": ", f);
        cli_json_metrics(f, &l->at);
        fputc('}', f);
    }
    fputs("}\n", f);
    return 0;
}

/* The data and the experiment's split. With --repeats on the same data,
 * all keeps the data for the resplits (the split is then a copy);
 * otherwise the data are split in place and all is left empty. */
static int load_split(const cli_args *a, wlr_dataset *all, wlr_dataset *train,
                      wlr_dataset *test, char *what, size_t cap)
{
    if (a->repeats == CLI_NOT_GIVEN || a->resample)
        return cli_load_split(a, train, test, what, cap);
    wlr_error err;
    if (cli_load_data(a, all, what, cap)) return 1;
    if (wlr_split(all, a->test_size, a->split_seed, a->stratify, train, test, &err))
        return cli_error(&err);
    return 0;
}

static const cli_opt experiment_opts[] = {
    {"plots", OPT_STRING, offsetof(cli_args, plots), "DIR",
     "also write ROC, PR, boundary, loss, gradient-share and reliability "
     "SVGs, their CSVs and index.html (a page to explore) to DIR (mkdir -p)"},
    {"repeats", OPT_INT, offsetof(cli_args, repeats), "R",
     "also run it all on R splits, seeds S..S+R-1 (S = --split-seed): "
     "mean, sd, 95 % range; 1..100000"},
    {"resample", OPT_FLAG, offsetof(cli_args, resample), NULL,
     "with --repeats: new generated data each time too (seeds from --seed)"},
    {"jobs", OPT_SIZE, offsetof(cli_args, jobs), "N",
     "with --repeats: repeats at once, 1..8; 0 = one per core (0); the same "
     "output"},
    {NULL, 0, 0, NULL, NULL}};

int cmd_experiment(int argc, char **argv)
{
    static const cli_opt *const groups[] = {
        experiment_opts, cli_data_opts, cli_gen_opts, cli_split_opts, cli_train_opts,
        cli_calibrate_opts, cli_eval_opts, cli_output_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "experiment";
    a.class_weight = "none,balanced,1:200";
    a.repeats = CLI_NOT_GIVEN;
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr experiment [DATA] [OPTIONS]",
                 "Trains one model per weighting on the same split and prints "
                 "them side by side, each\nwith its gap to the exact optimum of "
                 "its objective, then what the weights did and how\ncalibrated "
                 "the probabilities are, as trained and after the prior "
                 "correction b - log(c1/c0).\n--class-weight takes "
                 "a comma-separated list here (default none,balanced,1:200).\n"
                 "--repeats R runs it all again on R train/test splits (split "
                 "seeds S..S+R-1) and\nsums each metric up over them: mean, "
                 "sd and the 2.5th and 97.5th percentiles, and\nthe paired "
                 "difference from the unweighted run (without one, from the "
                 "first listed).\nThe exact-optimum check runs on the first "
                 "split only.",
                 groups);
        return 0;
    }
    wlr_train_options o = a.train;
    if (cli_parse_solver(&a, &o) || cli_check_eval(&a) || cli_parse_calibrate(&a) ||
        cli_repeats_check(&a))
        return 1;
    wlr_error err;
    if (wlr_train_check(&o, &err)) return cli_error(&err);
    const cli_file ins[] = {{"DATA", a.pos[0], NULL}, {"--labels", a.labels, NULL}};
    const cli_file outs[] = {{"-o", a.out, NULL}, {"--plots", a.plots, cli_plot_files},
                             {"--plots", a.plots, cli_reliability_files}};
    if (cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs))) return 1;
    char *list = strdup(a.class_weight);
    if (!list) return cli_errorf("out of memory");
    const char *names[MAX_RUNS];
    int n = parse_weightings(list, names);
    if (n < 0) {
        free(list);
        return 1;
    }

    wlr_dataset all = {0}, train = {0}, test = {0};
    char what[512];
    cli_run runs[MAX_RUNS];
    cli_calibration cal[MAX_RUNS];
    cli_repeats rp = {0};
    int done = 0;
    lesson l;
    memset(&l, 0, sizeof l);
    l.base = l.target = -1;
    a.track_classes = a.plots != NULL; /* the loss picture: every epoch's loss */
    rc = load_split(&a, &all, &train, &test, what, sizeof what);
    if (rc == 0) rc = fit_all(&a, &o, names, n, &train, &test, runs, &done);
    if (rc == 0) rc = find_lesson(runs, done, &test, &l);
    for (int k = 0; rc == 0 && k < done; k++)
        rc = cli_calibration_compute(&runs[k], &test, a.threshold, &cal[k]);
    if (rc == 0 && a.plots)
        rc = cli_write_plots(a.plots, &a, runs, done, &train, &test);
    if (rc == 0 && a.plots) rc = cli_write_reliability(a.plots, runs, cal, done);
    /* differences from the unweighted run, or else from the first listed
     * (--class-weight balanced,1:200: is 1:200 really different?) */
    int base = l.base >= 0 ? l.base : done > 1 ? 0 : -1;
    if (rc == 0 && a.repeats != CLI_NOT_GIVEN)
        rc = cli_repeats_run(&a, &o, names, done, base, &all, &rp);
    wlr_dataset_free(&all);
    wlr__out out = {0};
    if (rc == 0) rc = cli_out_open(&a, &out);
    if (rc == 0 && a.json) {
        rc = print_json(out.f, &a, &o, runs, done, &l, cal, &rp, &train, &test);
    } else if (rc == 0) {
        cli_print_split(out.f, what, &a, &train, &test);
        fprintf(out.f, "solver   gd: %s, batch %zu, %d epochs, lr %g, l2 %g; "
                "class 1 iff p > %g%s\n\n", a.optimizer, o.batch_size,
                wlr_gd_epochs(&o, train.n_rows),
                o.lr, o.l2, a.threshold,
                a.calibration == WLR_CALIBRATION_PRIOR
                    ? "; --calibrate prior: b - log(c1/c0)" : "");
        print_table(out.f, runs, done);
        print_lesson(out.f, runs, done, &l, a.threshold);
        cli_calibration_print(out.f, runs, cal, done, a.threshold);
        if (rp.n) cli_repeats_print(out.f, &a, runs, &rp);
    }
    if (out.f) rc = cli_out_close(&out, rc);
    for (int k = 0; k < done; k++) cli_run_free(&runs[k]);
    cli_repeats_free(&rp);
    free(list);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}
