/*
 * cli_experiment.h - what `wlr experiment`'s own files share: the repeats
 * over resplits (cli_repeats.c) and the calibration section with its
 * reliability diagram (cli_calibration.c).
 */
#ifndef WLR_CLI_EXPERIMENT_H
#define WLR_CLI_EXPERIMENT_H

#include "cli.h"

/* ------------------------------------------------ repeats (cli_repeats.c) */

/* The metrics summed up over the repeats, in this order. */
enum {
    CLI_REP_RECALL1, CLI_REP_PRECISION1, CLI_REP_F1_1, CLI_REP_ROC_AUC,
    CLI_REP_AVERAGE_PRECISION, CLI_REP_BALANCED_ACCURACY, CLI_REP_METRICS
};
/* The most repeats: 100,000 resplits of the tutorial data are hours of
 * work, and far more than percentiles of 2.5 and 97.5 need (at 1,000 the
 * 25 values beyond each end already fix them to a few thousandths). */
#define CLI_MAX_REPEATS 100000

/* experiment --repeats R: every weighting on R train/test splits. */
typedef struct {
    int n;                   /* R */
    int n_runs;
    int base;                /* the run differences are from (the
                                unweighted one, else the first), or -1 */
    /* [run * CLI_REP_METRICS + metric]: the values' spread, and that of
     * run's value minus base's on the same split */
    wlr__spread *value, *diff;
} cli_repeats;

/* --repeats, --resample and --jobs checked before any work (range,
 * seeds that fit, generated data for --resample); 0 or the exit status. */
int cli_repeats_check(const cli_args *a);
/* Runs the repeats: split seed a->split_seed + r (and with a->resample,
 * data generated with seed a->gen.seed + r; else all, the loaded data),
 * each weighting of names fitted with o (no exact-optimum check) and scored
 * at a->threshold, r = 0 .. R - 1, on the cores; the same bits for any
 * number of them. 0, or the exit status of the error printed. */
int cli_repeats_run(const cli_args *a, const wlr_train_options *o,
                    const char *const *names, int n_runs, int base,
                    const wlr_dataset *all, cli_repeats *rp);
void cli_repeats_free(cli_repeats *rp);
/* The text section, and the JSON object of run k (runs[k].repeats). */
void cli_repeats_print(FILE *f, const cli_args *a, const cli_run *runs,
                       const cli_repeats *rp);
void cli_repeats_json(FILE *f, const cli_run *runs, const cli_repeats *rp,
                      int k);
/* The JSON object of what was repeated: n and the seeds. */
void cli_repeats_json_plan(FILE *f, const cli_args *a, const cli_repeats *rp);

/* ------------------------------------ calibration (cli_calibration.c) */

/* One run's probabilities on the test rows as trained and after the prior
 * correction b - log(c1/c0): [0] trained, [1] corrected. */
typedef struct {
    double shift;            /* log(c1/c0), what the correction subtracts */
    wlr_metrics met[2];      /* at a->threshold: Brier score, recall */
    wlr_reliability rel[2];  /* reliability bins and ECE */
} cli_calibration;

/* The intercept training found (before any --calibrate). */
double cli_trained_intercept(const cli_run *r);
int cli_calibration_compute(const cli_run *r, const wlr_dataset *test,
                            double threshold, cli_calibration *c);
void cli_calibration_print(FILE *f, const cli_run *runs,
                           const cli_calibration *c, int n, double threshold);
/* runs[k].prior_correction's object. */
void cli_calibration_json(FILE *f, const cli_calibration *c);
/* --plots DIR: reliability.svg and reliability.csv, the names listed in
 * cli_reliability_files (for cli_check_files). Exit status. */
extern const char *const cli_reliability_files[];
int cli_write_reliability(const char *dir, const cli_run *runs,
                          const cli_calibration *c, int n);

#endif
