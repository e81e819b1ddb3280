/*
 * cli.h - the command line's shared pieces: every option of every command in
 * one struct, the option tables, and the steps commands share (get the data,
 * split it, print errors). The command line is thin: it parses, calls the
 * library and prints.
 */
#ifndef WLR_CLI_H
#define WLR_CLI_H

#include "internal.h"

#include <stddef.h>

/* Everything a command can be told. Defaults are set by cli_args_init. */
typedef struct {
    const char *command;
    const char *pos[4];      /* positional arguments */
    int n_pos;

    /* data: a file, or generated from gen */
    const char *labels;      /* y .npy beside an X .npy */
    wlr_csv_options csv;
    const char *header;      /* yes | no | auto */
    wlr_gen_params gen;
    const char *gen_weights; /* "W0[,W1]" */
    const char *format;      /* generate: csv | npy */

    /* split */
    double test_size;
    uint32_t split_seed;
    int stratify;
    const char *train_out, *test_out;

    /* training */
    wlr_train_options train;
    const char *class_weight;
    const char *solver;
    const char *optimizer;
    int standardize, no_standardize; /* --standardize, --no-standardize */

    /* evaluation and output */
    double threshold;
    int digits;
    int json;
    const char *out;
    int help;
    int track_classes;       /* record per-class terms every epoch (not an option) */
    double w_start, w_stop, w_step; /* weights: conversion rates */
    const char *plot;        /* weights: --plot FILE.svg */
    const char *plots;       /* experiment: --plots DIR */
    /* model files, threshold tuning, cross-validation (cli_train.c,
     * cli_predict.c) */
    const char *save;        /* train --save FILE */
    const char *tune;        /* --tune-threshold f1 | recall=R | cost=FN:FP */
    double val_size;         /* share of the training split for tuning (0.2) */
    size_t cv;               /* --cv K; 0 = none */
    const char *model;       /* predict --model FILE */
    const char *score_col;   /* report --score-col NAME|INDEX (cli_report.c) */
    /* train --stream (cli_stream.c) */
    const char *stream;      /* X .npy trained on a window at a time */
    const char *window;      /* --window ROWS, parsed there */
    const char *test_x, *test_y; /* --test X.npy --test-labels Y.npy */
    /* sweep (cli_sweep.c): the grid of class-1 weights, its scoring */
    double sweep_from, sweep_to;
    size_t sweep_points, jobs;
    const char *cost;        /* --cost FN:FP */
    /* --calibrate none|prior (train, experiment, sweep), parsed into
     * calibration by cli_parse_calibrate */
    const char *calibrate;
    wlr_calibration calibration;
    /* experiment --repeats R [--resample] [--jobs N] (cli_repeats.c):
     * experiment sets repeats to CLI_NOT_GIVEN before parsing */
    int repeats;
    int resample;
} cli_args;

/* One option: --name VALUE (or --name=VALUE), or a flag. */
typedef enum { OPT_FLAG, OPT_STRING, OPT_DOUBLE, OPT_SIZE, OPT_INT, OPT_SEED }
    cli_opt_kind;

typedef struct {
    const char *name;    /* without the leading "--" */
    cli_opt_kind kind;
    size_t offset;       /* offsetof(cli_args, field) */
    const char *metavar;
    const char *help;
} cli_opt;

/* Option groups, each ended by an entry with name NULL. */
extern const cli_opt cli_data_opts[], cli_gen_opts[], cli_split_opts[],
    cli_train_opts[], cli_eval_opts[], cli_output_opts[], cli_stream_opts[];
/* --calibrate none|prior: for every command that fits a model whose
 * probabilities matter (cli_run.c); cli_parse_calibrate checks it into
 * a->calibration (0, or the exit status of the error it printed), and
 * cli_fit_run applies it. */
extern const cli_opt cli_calibrate_opts[];
int cli_parse_calibrate(cli_args *a);
/* An int option's value before parsing, which no value given can be
 * (OPT_INT's smallest is -2147483647). */
#define CLI_NOT_GIVEN (-2147483647 - 1)

void cli_args_init(cli_args *a);
/* Parses argv[first..] against the NULL-terminated list of groups.
 * Returns 0, or prints the problem and returns 2. */
int cli_parse(cli_args *a, int argc, char **argv, int first,
              const cli_opt *const *groups, int max_pos);
/* Help for a command: its usage line, what it does, and its options. */
void cli_help(const char *usage, const char *what,
              const cli_opt *const *groups);

/* Progress on stderr when it is a terminal (cli_progress.c): start installs
 * the library's progress hook; label names what is trained next ("balanced");
 * clear wipes a progress line before a message. */
void cli_progress_start(void);
void cli_progress_label(const char *label);
void cli_progress_clear(void);
/* Draws progress of the CLI's own work ("sweep": fits done of total;
 * "repeats": experiment --repeats' splits done) as the hook draws the
 * library's; callers on several threads serialise. */
void cli_progress_show(const char *what, double done, double total);

/* Prints "wlr: <message>" on stderr; returns 1 (the exit status). */
int cli_error(const wlr_error *err);
/* Prints "wlr: <formatted message>" on stderr; returns 1. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
int cli_errorf(const char *fmt, ...);

/* The data a command works on: the file in a->pos[0] (CSV, read with a->csv,
 * or .npy with --labels, or without them when a->csv.no_label is set, as
 * predict sets it), or the generator's output when no file is given.
 * Describes its source in `what` for the report. */
int cli_load_data(const cli_args *a, wlr_dataset *d, char *what, size_t cap);
/* The same for any file: path (CSV, read with a->csv, the id column into
 * ids when ids != NULL; or .npy with y_path) - DATA, or train's --test. */
int cli_load_file(const cli_args *a, const char *path, const char *y_path,
                  wlr_dataset *d, wlr_text_column *ids, char *what, size_t cap);
/* Is path read as .npy (its name ends in .npy)? */
int cli_is_npy(const char *path);
/* Refuses the options only a CSV file can use (--label, --positive,
 * --sample-weight-col, --columns, --drop, --id-col, --header) for the .npy
 * file path; returns the exit status. */
int cli_check_npy_options(const cli_args *a, const char *path);
/* The generator's parameters from the options (--weights parsed),
 * checked; 0 or the exit status of the error printed. */
int cli_gen_params(const cli_args *a, wlr_gen_params *p);
/* Load, then split into train and test by --test-size/--split-seed. */
int cli_load_split(const cli_args *a, wlr_dataset *train, wlr_dataset *test,
                   char *what, size_t cap);

/* Where a command's output goes: -o FILE, written to a temporary and renamed
 * by cli_out_close if rc == 0 (else removed), or stdout. Both return the
 * exit status. */
int cli_out_open(const cli_args *a, wlr__out *o);
int cli_out_close(wlr__out *o, int rc);

/* One file a command reads or writes, and what names it on the command line
 * ("DATA", "--labels", "-o"). path NULL (not given) or "-" (standard input
 * or output) is no file and is skipped. within, for an output directory
 * (--plots DIR), lists the names of the files written in it, NULL-ended;
 * NULL for a file. */
typedef struct {
    const char *name;
    const char *path;
    const char *const *within;
} cli_file;

/* Every command calls this once, before it reads or writes anything: an
 * output that is the same file as an input, or as another output, is
 * refused with a message naming both (the same device and inode, or where
 * an output not there yet would be created: links followed, "." and ".."
 * resolved); so is an output directory that exists as something else.
 * Devices and pipes may be named twice. Prints the message and returns 1,
 * else returns 0 (cli_files.c). */
int cli_check_files(const cli_file *in, size_t n_in, const cli_file *out,
                    size_t n_out);
/* The number of entries of a cli_file array. */
#define CLI_N_FILES(list) (sizeof(list) / sizeof((list)[0]))
/* Makes dir and every missing directory above it, as mkdir -p; option names
 * it in messages. Returns 0, or prints why not and returns 1. */
int cli_make_dirs(const char *option, const char *dir);

/* Writes a double to f in JSON: the shortest round-trip decimal, or null
 * for a value JSON cannot hold (inf, nan). */
void cli_json_double(FILE *f, double v);

/* One fit: a named weighting, the model, how training went, test metrics
 * (cli_run.c). */
typedef struct {
    const char *name;        /* the class-weight spec, e.g. "balanced" */
    double cw[2];
    wlr_model model;
    wlr_train_info info;
    wlr_metrics met;
    double exact_loss;       /* the optimum of the same objective, when */
    int exact;               /* CLI_EXACT_*: how it stands */
    /* --calibrate prior: model.intercept is corrected, this was trained */
    int calibrated;
    double intercept_uncalibrated;
    /* with a->track_classes: each class's loss and pull after every epoch
     * (terms[e] for epoch e + 1), for explain and the plots */
    wlr_class_terms *terms;
    int n_terms;
} cli_run;

/* How a run's exact optimum stands. */
enum {
    CLI_EXACT_NONE = 0,        /* not computed */
    CLI_EXACT_OK,              /* Newton converged: exact_loss is the optimum */
    CLI_EXACT_NOT_CONVERGED,   /* Newton stopped short: no optimum to compare */
    CLI_EXACT_TOO_WIDE         /* more features than the check solves */
};
/* The exact solve gradient descent is checked against takes at most this
 * many features (its steps grow as D^3; at 200, milliseconds a step). */
#define CLI_EXACT_MAX_FEATURES 200
/* A model more than this far above the optimum (relative) is reported. */
#define CLI_GAP_WARN 0.01

void cli_run_free(cli_run *r);
/* The exact optimum of the objective base defines with class weights cw on
 * train, for comparison: *loss and the CLI_EXACT_* state; 0, or the exit
 * status of an error it printed. */
int cli_exact_optimum(const wlr_train_options *base, const double cw[2],
                      const wlr_dataset *train, double *loss, int *state);
/* Prints on stderr what is wrong with run r's fit, if anything: Newton that
 * did not converge, gradient descent more than CLI_GAP_WARN above the
 * optimum, separable classes without l2, with what to do. */
void cli_warn_fit(const wlr_train_options *o, const wlr_dataset *train,
                  const cli_run *r);
/* --solver and --optimizer into o; --threshold and --digits checked. */
int cli_parse_solver(const cli_args *a, wlr_train_options *o);
int cli_check_eval(const cli_args *a);
/* Test metrics of a model at a->threshold. */
int cli_score_model(const wlr_model *m, const wlr_dataset *test,
                    double threshold, wlr_metrics *met);
/* Fits the weighting `spec` with options base, applies a->calibration
 * (the prior correction: r->calibrated, r->intercept_uncalibrated) and
 * scores it on test. */
int cli_fit_run(const cli_args *a, const wlr_train_options *base,
                const char *spec, const wlr_dataset *train,
                const wlr_dataset *test, cli_run *r);
void cli_print_metrics(FILE *f, const wlr_metrics *m, int digits);
/* The same, text or JSON, leaving out the metrics at the threshold unless
 * at_threshold (report, for scores that are not probabilities without a
 * --threshold); the log loss is left out for such scores, the intervals
 * with sample weights, and the output says what was left out and why.
 * cli_print_metrics and cli_json_metrics are these with at_threshold 1. */
void cli_print_metrics_shown(FILE *f, const wlr_metrics *m, int digits,
                             int at_threshold);
void cli_json_metrics_shown(FILE *f, const wlr_metrics *m, int at_threshold);
void cli_print_split(FILE *f, const char *what, const cli_args *a,
                     const wlr_dataset *train, const wlr_dataset *test);
void cli_print_model(FILE *f, const wlr_dataset *d, const wlr_model *m);
void cli_print_solver(FILE *f, const cli_args *a, const wlr_train_options *o,
                      const cli_run *r);
void cli_json_array(FILE *f, const double *v, size_t n);
void cli_json_metrics(FILE *f, const wlr_metrics *m);
/* The same object with "name" first (experiment's runs). */
void cli_json_run_named(FILE *f, const wlr_train_options *o,
                        const wlr_dataset *train, const wlr_dataset *test,
                        const cli_run *r);
/* A JSON string, escaped. */
void cli_json_string(FILE *f, const char *s);
/* The train JSON object of a run (no trailing newline). */
void cli_json_run(FILE *f, const wlr_train_options *o, const wlr_dataset *train,
                  const wlr_dataset *test, const cli_run *r);

/* train --stream: the whole of it once the options are parsed and o checked
 * (cli_stream.c). Returns the exit status. */
int cli_train_stream(const cli_args *a, const wlr_train_options *o);
/* Refuses --window without --stream. */
int cli_check_no_stream(const cli_args *a);

/* The commands. Each returns the process's exit status. */
int cmd_generate(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_experiment(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

int cmd_weights(int argc, char **argv);
/* experiment --plots DIR: roc, pr, boundary, loss, gradient_share .svg,
 * each with its .csv, and index.html (cli_plots.c). Returns the exit
 * status. */
/* The files cli_write_plots writes in DIR, NULL-ended. */
extern const char *const cli_plot_files[];
int cli_write_plots(const char *dir, const cli_args *a, const cli_run *runs,
                    int n_runs, const wlr_dataset *train,
                    const wlr_dataset *test);
/* explain --plots DIR: gradient_share and loss, .svg and .csv, of runs[0]
 * (the run explained) and the others (its unweighted twin). */
extern const char *const cli_explain_plot_files[];
int cli_write_explain_plots(const char *dir, const cli_args *a,
                            const cli_run *runs, int n_runs,
                            const wlr_dataset *train);
/* The model training starts from: w = 0, b = the weighted log-odds of the
 * classes (train.c). */
int cli_start_model(const wlr_dataset *train, const double cw[2], wlr_model *m);
/* Each class's pull at model m, unweighted, into t (explain.c's terms). */
int cli_share_terms(const wlr_dataset *train, const wlr_model *m,
                    wlr_class_terms *t);
/* Rows as the pictures draw them: the class spread by a fixed jitter (one
 * feature), and the boundary p = threshold of m as wx x + wy y + c = 0 in
 * the first two features (the others at the rows' means). */
double *cli_class_jitter(const wlr_dataset *t);
void cli_boundary_line(const wlr_dataset *t, const wlr_model *m,
                       double threshold, double *wx, double *wy, double *c);
/* One picture the page shows: its file's base name, what it shows, its
 * SVG text. */
typedef struct {
    const char *file, *alt, *svg;
} cli_figure;
/* The explorable page DIR/FILE (cli_page.c). */
int cli_write_page(const char *dir, const char *file, const cli_args *a,
                   const cli_run *runs, int n_runs, const wlr_dataset *train,
                   const wlr_dataset *test, const cli_figure *figures,
                   size_t n_figures);

#endif
