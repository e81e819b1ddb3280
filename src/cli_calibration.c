/*
 * cli_calibration.c - `wlr experiment`'s calibration section: are a
 * weighted model's probabilities rates, and what does the prior correction
 * do to them?
 *
 * Weights c0, c1 multiply the odds a model learns by c1/c0, so a 1:200
 * model says p > 0.5 for rows whose true rate is a few percent. The prior
 * correction (King & Zeng 2001) subtracts log(c1/c0) from the intercept
 * (wlr_model_calibrate_prior). For a well-specified model it is exact: the
 * weighted maximum-likelihood fit has the unweighted one's slopes and an
 * intercept larger by log(c1/c0) (the lesson's table shows how near the
 * data at hand come). The section gives, per weighting, on the test rows
 * and as trained and corrected: the Brier score (mean (p - y)^2), the
 * expected calibration error over 10 bins of p (wlr_reliability_compute),
 * and minority recall at the threshold, which falls back toward the
 * unweighted model's as the correction lowers every p. With --plots DIR,
 * reliability.svg draws the bins (observed rate of class 1 against mean p)
 * and reliability.csv lists the same points (the plots' CSV form);
 * reliability_bins.csv every bin, with its rows.
 */
#include "cli_experiment.h"

#include <stdlib.h>
#include <string.h>

/* A square plot box at the default width: both axes run 0..1 and the
 * diagonal of perfect calibration should sit at 45 degrees (as roc.svg). */
#define RELIABILITY_HEIGHT 580
/* Room for "DIR/reliability.csv". */
#define MAX_PATH 4096

double cli_trained_intercept(const cli_run *r)
{
    return r->calibrated ? r->intercept_uncalibrated : r->model.intercept;
}

/* The run's model as trained ([0]) or corrected ([1]) on the test rows. */
static int score_version(const cli_run *r, const wlr_dataset *test,
                         double threshold, int corrected, double *p,
                         cli_calibration *c)
{
    wlr_model m = r->model; /* the coefficients shared, not copied */
    m.intercept = cli_trained_intercept(r);
    if (corrected) wlr_model_calibrate_prior(&m, r->cw);
    wlr_predict_proba(&m, test, p);
    wlr_error err;
    if (wlr_evaluate(test->y, p, test->n_rows, threshold, &c->met[corrected], &err) ||
        wlr_reliability_compute(test->y, p, NULL, test->n_rows, &c->rel[corrected],
                                &err))
        return cli_errorf("%s: calibration: %s", r->name, err.message);
    return 0;
}

int cli_calibration_compute(const cli_run *r, const wlr_dataset *test,
                            double threshold, cli_calibration *c)
{
    memset(c, 0, sizeof *c);
    wlr_model shifted = {0, NULL, 0.0};
    wlr_model_calibrate_prior(&shifted, r->cw);
    c->shift = 0.0 - shifted.intercept; /* (+0 for c0 = c1, not -0) */
    double *p = malloc((test->n_rows + 1) * sizeof *p);
    if (!p) return cli_errorf("out of memory for %zu test rows", test->n_rows);
    int rc = score_version(r, test, threshold, 0, p, c);
    if (rc == 0) rc = score_version(r, test, threshold, 1, p, c);
    free(p);
    return rc;
}

void cli_calibration_print(FILE *f, const cli_run *runs,
                           const cli_calibration *c, int n, double threshold)
{
    fprintf(f, "\nCalibration: are the p's rates? On the test split, as trained "
            "and after the prior\ncorrection b - log(c1/c0) (--calibrate "
            "prior):\n\n");
    char recall[32];
    snprintf(recall, sizeof recall, "recall1 at p > %g", threshold);
    fprintf(f, "    %-10s %10s   %-17s   %-17s   %s\n", "", "", "  Brier score",
            "  ECE (10 bins)", recall);
    fprintf(f, "    %-10s %10s %9s %9s %9s %9s %9s %9s\n", "weighting", "log(c1/c0)",
            "trained", "corrected", "trained", "corrected", "trained", "corrected");
    for (int k = 0; k < n; k++)
        fprintf(f, "    %-10s %10.4f %9.4f %9.4f %9.4f %9.4f %9.3f %9.3f\n",
                runs[k].name, c[k].shift, c[k].met[0].brier, c[k].met[1].brier,
                c[k].rel[0].ece, c[k].rel[1].ece, c[k].met[0].recall[1],
                c[k].met[1].recall[1]);
    fprintf(f, "\n  Brier score: mean (p - y)^2; ECE: the mean gap between p and "
            "the share of class 1\n  among rows of similar p (0 for "
            "probabilities that are rates). The correction is\n  exact for a "
            "well-specified model, whose weights move only the intercept, by\n"
            "  log(c1/c0) (King & Zeng 2001); it leaves the ranking, and ROC AUC, "
            "as they are.\n");
}

/* {"brier": ..., "ece": ..., "recall1": ...} of one version. */
static void json_version(FILE *f, const cli_calibration *c, int v)
{
    fputs("{\"brier\": ", f);
    cli_json_double(f, c->met[v].brier);
    fputs(", \"ece\": ", f);
    cli_json_double(f, c->rel[v].ece);
    fputs(", \"recall1\": ", f);
    cli_json_double(f, c->met[v].recall[1]);
    fputc('}', f);
}

void cli_calibration_json(FILE *f, const cli_calibration *c)
{
    fputs("{\"log_c1_c0\": ", f);
    cli_json_double(f, c->shift);
    fputs(", \"trained\": ", f);
    json_version(f, c, 0);
    fputs(", \"corrected\": ", f);
    json_version(f, c, 1);
    fputc('}', f);
}

/* ------------------------------------------------------------ plots */

const char *const cli_reliability_files[] = {"reliability.svg", "reliability.csv",
                                             "reliability_bins.csv", NULL};

/* A weighting whose correction changes nothing (c0 = c1) is drawn once. */
static int corrects(const cli_run *r)
{
    return r->cw[0] != r->cw[1];
}

/* The non-empty bins of one version as x = mean p, y = rate. */
static size_t bin_points(const wlr_reliability *rel, double *x, double *y)
{
    size_t n = 0;
    for (int b = 0; b < WLR_RELIABILITY_BINS; b++)
        if (rel->count[b] > 0) {
            x[n] = rel->mean_p[b];
            y[n++] = rel->rate[b];
        }
    return n;
}

/* The picture, or (csv) its points as CSV (wlr_plot_lines_csv: the very
 * points drawn, a line each, as every picture's CSV has them). */
static wlr_status draw(FILE *f, int csv, const cli_run *runs,
                       const cli_calibration *c, int n, wlr_error *err)
{
    /* two lines a run (trained solid, corrected dashed, one colour) and
     * the diagonal */
    size_t cap = 2 * (size_t)n + 1;
    wlr_plot_series *s = calloc(cap, sizeof *s);
    double *xy = calloc(cap * 2 * WLR_RELIABILITY_BINS, sizeof *xy);
    char (*names)[96] = calloc(cap, sizeof *names);
    if (!s || !xy || !names) {
        free(s);
        free(xy);
        free(names);
        return wlr__fail(err, WLR_ERR_NOMEM, "out of memory");
    }
    static const double diagonal[2] = {0, 1};
    size_t m = 0;
    for (int k = 0; k < n; k++)
        for (int v = 0; v < 1 + corrects(&runs[k]); v++) {
            double *x = xy + m * 2 * WLR_RELIABILITY_BINS, *y = x + WLR_RELIABILITY_BINS;
            snprintf(names[m], sizeof names[m], "%s%s, ECE %.3f", runs[k].name,
                     v ? " corrected" : "", c[k].rel[v].ece);
            s[m] = (wlr_plot_series){names[m], x, y, bin_points(&c[k].rel[v], x, y),
                                     0, k + 1, v};
            m++;
        }
    s[m++] = (wlr_plot_series){"perfectly calibrated", diagonal, diagonal, 2, 1, 0, 0};
    wlr_plot_options o;
    wlr_plot_defaults(&o);
    o.title = "Reliability on the test rows";
    o.subtitle = "share of class 1 against mean p, in 10 bins of p; dashed: "
                 "after the prior correction";
    o.x_label = "mean predicted p";
    o.y_label = "observed share of class 1";
    o.x_column = "mean_p";
    o.y_column = "rate";
    o.x_min = o.y_min = 0;
    o.x_max = o.y_max = 1;
    o.height = RELIABILITY_HEIGHT;
    wlr_status st = csv ? wlr_plot_lines_csv(f, &o, s, m, err)
                        : wlr_plot_lines(f, &o, s, m, err);
    free(s);
    free(xy);
    free(names);
    return st;
}

/* One line per run, version and bin: the bin's nominal edges, its rows,
 * mean p and share of class 1 (empty for an empty bin). */
static wlr_status write_csv(FILE *f, const cli_run *runs,
                            const cli_calibration *c, int n, wlr_error *err)
{
    fputs("weighting,calibration,bin_lo,bin_hi,rows,mean_p,rate\n", f);
    for (int k = 0; k < n; k++)
        for (int v = 0; v < 2; v++)
            for (int b = 0; b < WLR_RELIABILITY_BINS; b++) {
                const wlr_reliability *rel = &c[k].rel[v];
                fprintf(f, "%s,%s,", runs[k].name, v ? "prior" : "none");
                wlr__put_double(f, (double)b / WLR_RELIABILITY_BINS);
                fputc(',', f);
                wlr__put_double(f, (double)(b + 1) / WLR_RELIABILITY_BINS);
                fprintf(f, ",%.0f,", rel->count[b]);
                if (rel->count[b] > 0) {
                    wlr__put_double(f, rel->mean_p[b]);
                    fputc(',', f);
                    wlr__put_double(f, rel->rate[b]);
                } else {
                    fputc(',', f);
                }
                fputc('\n', f);
            }
    if (ferror(f)) return wlr__fail(err, WLR_ERR_IO, "write failed");
    return WLR_OK;
}

/* DIR/name written by the one writer, atomically. */
/* What each file holds: the picture, its points, every bin. */
enum { PICTURE, POINTS, BINS };

static int write_one(const char *dir, const char *name, int what,
                     const cli_run *runs, const cli_calibration *c, int n)
{
    char path[MAX_PATH];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || len >= (int)sizeof path)
        return cli_errorf("%s: path too long", dir);
    wlr__out out = {0};
    wlr_error err;
    int rc = 0;
    if (wlr__out_open(&out, path, &err)) rc = cli_error(&err);
    else if (what == BINS ? write_csv(out.f, runs, c, n, &err)
                          : draw(out.f, what == POINTS, runs, c, n, &err))
        rc = cli_errorf("%s: %s", path, err.message);
    else if (wlr__out_commit(&out, &err)) rc = cli_error(&err);
    wlr__out_abort(&out);
    return rc;
}

int cli_write_reliability(const char *dir, const cli_run *runs,
                          const cli_calibration *c, int n)
{
    if (cli_make_dirs("--plots", dir)) return 1;
    int rc = write_one(dir, cli_reliability_files[0], PICTURE, runs, c, n);
    if (rc == 0) rc = write_one(dir, cli_reliability_files[1], POINTS, runs, c, n);
    if (rc == 0) rc = write_one(dir, cli_reliability_files[2], BINS, runs, c, n);
    return rc;
}
