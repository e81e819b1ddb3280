/*
 * cli_repeats.c - `wlr experiment --repeats R`: the whole experiment on R
 * train/test resplits, and how far its numbers move.
 *
 * Why: the tutorial's test split holds about 213 minority rows, so one
 * row is half a point of recall, and another split moves recall by more
 * than the gap between two weightings. Repeating the experiment on split
 * seeds S, S + 1, ..., S + R - 1 (S = --split-seed; with --resample the
 * generated data's seed moves too: s0, s0 + 1, ...) gives each metric's
 * mean, sample sd and the 2.5th and 97.5th percentiles of its R values
 * (spread.c), and, split by split, each weighting's metric minus the
 * unweighted one's (without an unweighted run, the first one's): a paired
 * difference, far steadier than either metric, because both models meet
 * the same test rows.
 *
 * Repeat r depends only on its seeds: the repeats are cut into contiguous
 * ranges, one job per core (wlr__run_jobs), and each writes only its own
 * rows of the results, so the output is the same bits on any number of
 * cores. The repeats skip the exact-optimum check (Newton) that the
 * experiment's own split gets: the repeats use the same options on data of
 * the same size and class balance, where gradient descent ends as close to
 * the optimum as the table's gap shows, and the check would double the
 * time.
 */
#include "cli_experiment.h"

#include <stdlib.h>
#include <string.h>

/* The metrics, their names in JSON and in the text, and their decimals
 * there (the experiment table's). */
static double get_recall1(const wlr_metrics *m) { return m->recall[1]; }
static double get_precision1(const wlr_metrics *m) { return m->precision[1]; }
static double get_f1_1(const wlr_metrics *m) { return m->f1[1]; }
static double get_auc(const wlr_metrics *m) { return m->roc_auc; }
static double get_ap(const wlr_metrics *m) { return m->average_precision; }
static double get_bal_acc(const wlr_metrics *m) { return m->balanced_accuracy; }

static const struct {
    const char *key, *label;
    int decimals;
    double (*get)(const wlr_metrics *m);
} metrics[CLI_REP_METRICS] = {
    [CLI_REP_RECALL1] = {"recall1", "recall1", 3, get_recall1},
    [CLI_REP_PRECISION1] = {"precision1", "prec1", 3, get_precision1},
    [CLI_REP_F1_1] = {"f1_1", "f1_1", 3, get_f1_1},
    [CLI_REP_ROC_AUC] = {"roc_auc", "ROC AUC", 4, get_auc},
    [CLI_REP_AVERAGE_PRECISION] = {"average_precision", "avgprec", 4, get_ap},
    [CLI_REP_BALANCED_ACCURACY] = {"balanced_accuracy", "bal. acc.", 4,
                                   get_bal_acc},
};

/* The largest seed (seeds are 32-bit, as numpy's). */
#define MAX_SEED 4294967295ULL

int cli_repeats_check(const cli_args *a)
{
    if (a->repeats == CLI_NOT_GIVEN) {
        if (a->resample) return cli_errorf("--resample needs --repeats R");
        if (a->jobs)
            return cli_errorf("--jobs needs --repeats R (it shares the "
                              "repeats among the cores)");
        return 0;
    }
    if (a->repeats < 1 || a->repeats > CLI_MAX_REPEATS)
        return cli_errorf("--repeats: %d is not in 1..%d", a->repeats,
                          CLI_MAX_REPEATS);
    if (a->jobs > WLR__MAX_THREADS) /* (as sweep's --jobs) */
        return cli_errorf("--jobs: %zu is more than %d", a->jobs,
                          WLR__MAX_THREADS);
    unsigned long long last = (unsigned long long)a->split_seed + (unsigned)a->repeats - 1;
    if (last > MAX_SEED)
        return cli_errorf("--repeats: split seeds %u to %llu go past %llu; give "
                          "a smaller --split-seed", (unsigned)a->split_seed, last,
                          MAX_SEED);
    if (!a->resample) return 0;
    if (a->n_pos > 0)
        return cli_errorf("--resample draws new data from the generator; %s is a "
                          "file (--repeats alone resplits it)", a->pos[0]);
    last = (unsigned long long)a->gen.seed + (unsigned)a->repeats - 1;
    if (last > MAX_SEED)
        return cli_errorf("--resample: data seeds %u to %llu go past %llu; give "
                          "a smaller --seed", (unsigned)a->gen.seed, last, MAX_SEED);
    return 0;
}

/* ------------------------------------------------------------ the work */

/* What every repeat shares. */
typedef struct {
    const cli_args *a;
    const wlr_train_options *o;
    const char *const *names;
    int n_runs, n;
    const wlr_dataset *all;  /* the data, or NULL: generated per repeat */
    wlr_gen_params gen;      /* with resample: the generator's, seed s0 */
    double *values;          /* [(r * n_runs + k) * CLI_REP_METRICS + j] */
} plan;

/* One job: repeats first .. last - 1; the first error stops it. */
typedef struct {
    const plan *p;
    int first, last;
    int job0;                /* on the calling thread: reports progress */
    int failed_at;           /* the repeat that failed, or -1 */
    wlr_error err;
} range_job;

/* Weighting k fitted on train and scored on test: its metrics into v. */
static wlr_status fit_score(const plan *p, int k, const wlr_dataset *train,
                            const wlr_dataset *test, double *p_test, double *v,
                            wlr_error *err)
{
    wlr_train_options o = *p->o;
    o.on_epoch = NULL;
    o.epoch_loss = 0;
    wlr_status st = wlr_class_weights_parse(p->names[k], train, o.class_weight, err);
    if (st) return st;
    wlr_model m;
    wlr_train_info info;
    if ((st = wlr_train(train, &o, &m, &info, err))) return st;
    if (p->a->calibration == WLR_CALIBRATION_PRIOR)
        wlr_model_calibrate_prior(&m, o.class_weight);
    wlr_predict_proba(&m, test, p_test);
    wlr_metrics met;
    wlr_error why;
    st = wlr_evaluate(test->y, p_test, test->n_rows, p->a->threshold, &met, &why);
    wlr_model_free(&m);
    wlr_train_info_free(&info);
    if (st)
        return wlr__fail(err, st, "test split (%zu rows): %s; try --stratify or "
                         "a larger --test-size", test->n_rows, why.message);
    for (int j = 0; j < CLI_REP_METRICS; j++) v[j] = metrics[j].get(&met);
    return WLR_OK;
}

/* Repeat r: its data and split, then every weighting. */
static wlr_status one_repeat(const plan *p, int r, wlr_error *err)
{
    const cli_args *a = p->a;
    uint32_t split_seed = a->split_seed + (uint32_t)r;
    wlr_dataset made = {0}, train = {0}, test = {0};
    wlr_status st;
    if (p->all) {
        st = wlr_split(p->all, a->test_size, split_seed, a->stratify, &train,
                       &test, err);
    } else {
        wlr_gen_params g = p->gen;
        g.seed = p->gen.seed + (uint32_t)r;
        st = wlr_generate(&g, &made, err);
        /* (made is consumed: its memory becomes train's) */
        if (!st) st = wlr_split_inplace(&made, a->test_size, split_seed,
                                        a->stratify, &train, &test, err);
    }
    double *p_test = st ? NULL : malloc((test.n_rows + 1) * sizeof *p_test);
    if (!st && !p_test) st = wlr__fail(err, WLR_ERR_NOMEM, "out of memory");
    for (int k = 0; !st && k < p->n_runs; k++)
        st = fit_score(p, k, &train, &test, p_test,
                       &p->values[((size_t)r * (size_t)p->n_runs + (size_t)k) *
                                  CLI_REP_METRICS], err);
    free(p_test);
    wlr_dataset_free(&made);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return st;
}

static void run_range(void *arg)
{
    range_job *j = arg;
    const plan *p = j->p;
    j->failed_at = -1;
    if (j->job0) cli_progress_show("repeats", 0, p->n); /* the clock starts */
    for (int r = j->first; r < j->last; r++) {
        if (one_repeat(p, r, &j->err)) {
            j->failed_at = r;
            return;
        }
        /* job 0's share of its range stands for all: the ranges are
         * equal to within one repeat */
        if (j->job0)
            cli_progress_show("repeats", (double)p->n * (r - j->first + 1) /
                              (j->last - j->first), p->n);
    }
}

/* Jobs: --jobs, else the cores, but one when the data are big enough for
 * each fit to use the cores itself (WLR__PARALLEL_MIN_ROWS rows). */
static int job_count(const cli_args *a, const wlr_dataset *all)
{
    if (a->jobs) return a->jobs < (size_t)a->repeats ? (int)a->jobs : a->repeats;
    size_t rows = all ? all->n_rows : a->gen.n_samples;
    if (rows >= WLR__PARALLEL_MIN_ROWS) return 1;
    size_t cores = wlr__threads_for(WLR__PARALLEL_MIN_ROWS); /* the cores */
    return cores < (size_t)a->repeats ? (int)cores : a->repeats;
}

/* The error of the earliest repeat that failed (the same whatever the
 * number of jobs: each range stops at its first failure), with its seeds. */
static int report_failure(const cli_args *a, const range_job *jobs, int n_jobs)
{
    for (int t = 0; t < n_jobs; t++) {
        if (jobs[t].failed_at < 0) continue;
        int r = jobs[t].failed_at;
        char data_seed[48] = "";
        if (a->resample)
            snprintf(data_seed, sizeof data_seed, ", data seed %u",
                     (unsigned)(a->gen.seed + (uint32_t)r));
        return cli_errorf("--repeats: repeat %d (split seed %u%s): %s", r + 1,
                          (unsigned)(a->split_seed + (uint32_t)r), data_seed,
                          jobs[t].err.message);
    }
    return 0;
}

/* The spreads of the values and of the paired differences. */
static int summarize(const plan *p, cli_repeats *rp)
{
    size_t cells = (size_t)p->n_runs * CLI_REP_METRICS;
    double *v = malloc((size_t)p->n * sizeof *v);
    rp->value = calloc(cells, sizeof *rp->value);
    rp->diff = calloc(cells, sizeof *rp->diff);
    if (!v || !rp->value || !rp->diff) {
        free(v);
        return cli_errorf("out of memory");
    }
    wlr_error err;
    int rc = 0;
    for (size_t c = 0; c < cells && rc == 0; c++) {
        size_t k = c / CLI_REP_METRICS, j = c % CLI_REP_METRICS;
        for (int pass = 0; pass < 2 && rc == 0; pass++) {
            if (pass == 1 && (rp->base < 0 || (int)k == rp->base)) break;
            for (int r = 0; r < p->n; r++) {
                const double *row = &p->values[(size_t)r * cells];
                v[r] = row[c] - (pass ? row[(size_t)rp->base * CLI_REP_METRICS + j]
                                      : 0.0);
            }
            if (wlr__spread_compute(v, (size_t)p->n,
                                    pass ? &rp->diff[c] : &rp->value[c], &err))
                rc = cli_errorf("--repeats: %s", err.message);
        }
    }
    free(v);
    return rc;
}

int cli_repeats_run(const cli_args *a, const wlr_train_options *o,
                    const char *const *names, int n_runs, int base,
                    const wlr_dataset *all, cli_repeats *rp)
{
    memset(rp, 0, sizeof *rp);
    rp->n = a->repeats;
    rp->n_runs = n_runs;
    rp->base = base;
    plan p = {a, o, names, n_runs, a->repeats, a->resample ? NULL : all, a->gen,
              NULL};
    if (a->resample && cli_gen_params(a, &p.gen)) return 1;
    p.values = malloc((size_t)a->repeats * (size_t)n_runs * CLI_REP_METRICS *
                      sizeof *p.values);
    int n_jobs = job_count(a, p.all);
    range_job *jobs = calloc((size_t)n_jobs, sizeof *jobs);
    wlr__job *run = calloc((size_t)n_jobs, sizeof *run);
    int rc = 0;
    if (!p.values || !jobs || !run) {
        rc = cli_errorf("out of memory for %d repeats", a->repeats);
    } else {
        for (int t = 0; t < n_jobs; t++) {
            jobs[t] = (range_job){&p, (int)((long long)a->repeats * t / n_jobs),
                                  (int)((long long)a->repeats * (t + 1) / n_jobs),
                                  t == 0, -1, {{0}}};
            run[t] = (wlr__job){run_range, &jobs[t]};
        }
        /* the library's progress hook is not for several threads at once:
         * off while the jobs run, job 0 reporting the repeats instead */
        wlr_set_progress(NULL, NULL);
        wlr__run_jobs(run, (size_t)n_jobs);
        cli_progress_start();
        rc = report_failure(a, jobs, n_jobs);
    }
    if (rc == 0) rc = summarize(&p, rp);
    free(p.values);
    free(jobs);
    free(run);
    if (rc) cli_repeats_free(rp);
    return rc;
}

void cli_repeats_free(cli_repeats *rp)
{
    free(rp->value);
    free(rp->diff);
    memset(rp, 0, sizeof *rp);
}

/* ------------------------------------------------------------ output */

/* "mean ± sd [lo, hi]" with d decimals (sd "n/a" for one repeat); signed
 * for a difference. */
static void spread_text(char *buf, size_t cap, const wlr__spread *s, int d,
                        int sign)
{
    char sd[32];
    if (s->n > 1) snprintf(sd, sizeof sd, "%.*f", d, s->sd);
    else snprintf(sd, sizeof sd, "n/a");
    snprintf(buf, cap, sign ? "%+.*f \xc2\xb1 %s [%+.*f, %+.*f]"
                            : "%.*f \xc2\xb1 %s [%.*f, %.*f]",
             d, s->mean, sd, d, s->lo, d, s->hi);
}

/* s left-aligned in width columns: "±" is two bytes but one column. */
static void put_padded(FILE *f, const char *s, int width)
{
    int columns = 0;
    for (const char *c = s; *c; c++) columns += ((unsigned char)*c & 0xc0) != 0x80;
    fputs(s, f);
    for (; columns < width; columns++) fputc(' ', f);
}

void cli_repeats_print(FILE *f, const cli_args *a, const cli_run *runs,
                       const cli_repeats *rp)
{
    unsigned s0 = (unsigned)a->split_seed, s1 = s0 + (unsigned)rp->n - 1;
    int one = rp->n == 1;
    if (one) fprintf(f, "\nOver 1 train/test split (split seed %u", s0);
    else fprintf(f, "\nOver %d train/test splits (split seeds %u to %u", rp->n, s0, s1);
    if (a->resample && one) fprintf(f, ", data seed %u", (unsigned)a->gen.seed);
    else if (a->resample)
        fprintf(f, ", data seeds %u to %u: new data each time",
                (unsigned)a->gen.seed, (unsigned)a->gen.seed + (unsigned)rp->n - 1);
    fprintf(f, "):\n  each figure is the mean \xc2\xb1 sd [2.5th, 97.5th percentile] "
            "of the %d value%s", rp->n, one ? "" : "s");
    if (rp->base >= 0)
        fprintf(f, ";\n  \"minus %s\": the same of the weighting's value minus "
                "%s's on each split", runs[rp->base].name, runs[rp->base].name);
    fputs("\n\n", f);
    int name_width = 9;
    for (int k = 0; k < rp->n_runs; k++) {
        int len = (int)strlen(runs[k].name);
        if (len > name_width) name_width = len;
    }
    fprintf(f, "  %-9s  %-*s  ", "metric", name_width, "weighting");
    put_padded(f, "over the splits", 32);
    if (rp->base >= 0) fprintf(f, "  minus %s", runs[rp->base].name);
    fputc('\n', f);
    for (int j = 0; j < CLI_REP_METRICS; j++) {
        for (int k = 0; k < rp->n_runs; k++) {
            const wlr__spread *v = &rp->value[k * CLI_REP_METRICS + j];
            char cell[128];
            fprintf(f, "  %-9s  %-*s  ", k == 0 ? metrics[j].label : "",
                    name_width, runs[k].name);
            spread_text(cell, sizeof cell, v, metrics[j].decimals, 0);
            if (rp->base < 0 || k == rp->base) {
                fprintf(f, "%s\n", cell);
                continue;
            }
            put_padded(f, cell, 32);
            spread_text(cell, sizeof cell, &rp->diff[k * CLI_REP_METRICS + j],
                        metrics[j].decimals, 1);
            fprintf(f, "  %s\n", cell);
        }
    }
    fprintf(f, "\n  recall1, prec1, f1_1 at p > %g. The gaps above were checked "
            "against the exact\n  optimum on the first split only.\n",
            a->threshold);
}

/* {"mean": m, "sd": s, "ci95": [lo, hi]} (sd null for one repeat). */
static void json_spread(FILE *f, const wlr__spread *s)
{
    fputs("{\"mean\": ", f);
    cli_json_double(f, s->mean);
    fputs(", \"sd\": ", f);
    cli_json_double(f, s->sd);
    fputs(", \"ci95\": ", f);
    double ci[2] = {s->lo, s->hi};
    cli_json_array(f, ci, 2);
    fputc('}', f);
}

void cli_repeats_json(FILE *f, const cli_run *runs, const cli_repeats *rp, int k)
{
    fprintf(f, "{\"n\": %d", rp->n);
    for (int j = 0; j < CLI_REP_METRICS; j++) {
        fprintf(f, ", \"%s\": ", metrics[j].key);
        json_spread(f, &rp->value[k * CLI_REP_METRICS + j]);
    }
    if (rp->base >= 0 && k != rp->base) {
        fputs(", \"difference\": {\"minus\": ", f);
        cli_json_string(f, runs[rp->base].name);
        for (int j = 0; j < CLI_REP_METRICS; j++) {
            fprintf(f, ", \"%s\": ", metrics[j].key);
            json_spread(f, &rp->diff[k * CLI_REP_METRICS + j]);
        }
        fputc('}', f);
    }
    fputc('}', f);
}

void cli_repeats_json_plan(FILE *f, const cli_args *a, const cli_repeats *rp)
{
    fprintf(f, "{\"n\": %d, \"split_seeds\": [%u, %u]", rp->n,
            (unsigned)a->split_seed, (unsigned)a->split_seed + (unsigned)rp->n - 1);
    if (a->resample)
        fprintf(f, ", \"data_seeds\": [%u, %u]", (unsigned)a->gen.seed,
                (unsigned)a->gen.seed + (unsigned)rp->n - 1);
    fputs(", \"exact_optimum_checked\": \"first split only\"}", f);
}
