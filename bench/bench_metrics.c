/*
 * bench_metrics.c - how fast wlr_evaluate scores a test set, which is mostly
 * the radix sort behind ROC AUC and average precision, plus one log() a row
 * for the log-loss; the same for the curve and the recall threshold; and
 * wlr_predict_proba, which makes the scores. Each on one thread and on all
 * (the library's own choice, the online cores up to 8), with the ratio.
 *
 * Usage: bench_metrics [--big | --threshold]
 *   10 million rows by default; --big adds 100 million (about 6.4 GB at
 *   peak: 0.9 GB of rows, 1.6 GB for the sort, and 4.8 GB for the curve's
 *   48 bytes a distinct score). --threshold instead times 1 thread against
 *   2 for wlr_evaluate and wlr_predict_proba from 16k to 4M rows: where the
 *   second thread starts to pay (PARALLEL_MIN_ROWS in metrics.c,
 *   PREDICT_MIN_ROWS in train.c).
 * The scores are a model's kind: sigma(z), z normal around -5 (about 1%
 * positives, labels drawn from the scores), either every score distinct or
 * rounded to 3 decimals (heavy ties). Prints the best of BENCH_REPEATS wall
 * times and nanoseconds per row.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The sizes measured: the everyday one, and the --big one. */
#define BENCH_ROWS 10000000UL
#define BENCH_BIG_ROWS 100000000UL
/* 2 pi, for Box-Muller (M_PI is not in C11). */
#define TWO_PI 6.283185307179586
/* Each timing is the best of this many runs (the first warms the pages);
 * BENCH_BIG_REPEATS at 1e8 rows, where one run takes seconds. */
#define BENCH_REPEATS 5
#define BENCH_BIG_REPEATS 2

/* splitmix64 and a uniform double in (0, 1). */
static uint64_t rand_state = 12345;
static double rand_open_unit(void)
{
    uint64_t z = (rand_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1p-53;
}

/* Scores sigma(z), z = -5 + 2 * normal (Box-Muller), and labels drawn as
 * y ~ Bernoulli(score); decimals > 0 rounds the scores. */
static void make_scores(size_t n, int decimals, uint8_t *y, double *score)
{
    double scale = pow(10, decimals);
    for (size_t i = 0; i < n; i++) {
        double normal = sqrt(-2 * log(rand_open_unit())) *
                        cos(TWO_PI * rand_open_unit());
        double s = 1 / (1 + exp(5 - 2 * normal));
        if (decimals > 0) s = round(s * scale) / scale;
        score[i] = s;
        y[i] = rand_open_unit() < s;
    }
}

/* What one timed call needs: the rows, or the dataset and model to score
 * with p as output; threads as the *_threads functions take it (0: the
 * library's choice). */
typedef struct {
    const uint8_t *y;
    const double *score;
    size_t n;
    size_t threads;
    const wlr_dataset *d;
    const wlr_model *model;
    double *p;
    double result;
} job;

static int run_evaluate(job *j, wlr_error *err)
{
    wlr_metrics m;
    wlr_status st = wlr__evaluate_threads(j->y, j->score, j->n, 0.5, &m,
                                         j->threads, err);
    j->result = m.roc_auc;
    return st;
}

static int run_curve(job *j, wlr_error *err)
{
    wlr_curve c;
    wlr_status st = wlr__curve_compute_threads(j->y, j->score, j->n, &c,
                                              j->threads, err);
    j->result = (double)c.n_points;
    wlr_curve_free(&c);
    return st;
}

static int run_recall(job *j, wlr_error *err)
{
    return wlr__threshold_for_recall_threads(j->y, j->score, j->n, 0.8,
                                            &j->result, j->threads, err);
}

static int run_predict(job *j, wlr_error *err)
{
    (void)err;
    wlr__predict_proba_threads(j->model, j->d, j->p, j->threads);
    j->result = j->p[j->d->n_rows / 2];
    return 0;
}

/* Best wall time of BENCH_REPEATS (or BENCH_BIG_REPEATS) runs of fn, or a
 * negative on failure. */
static double best_time(int (*fn)(job *, wlr_error *), job *j)
{
    double best = INFINITY;
    wlr_error err;
    int repeats = j->n >= BENCH_BIG_ROWS ? BENCH_BIG_REPEATS : BENCH_REPEATS;
    for (int r = 0; r < repeats; r++) {
        double t0 = wlr__now();
        if (fn(j, &err)) {
            fprintf(stderr, "bench_metrics: %s\n", err.message);
            return -1;
        }
        double t = wlr__now() - t0;
        if (t < best) best = t;
    }
    return best;
}

/* A model's view of n rows: 2 features, x uniform in [-1, 1]. */
static int make_dataset(size_t n, wlr_dataset *d)
{
    wlr_error err;
    if (wlr_dataset_alloc(d, n, 2, &err)) {
        fprintf(stderr, "bench_metrics: %s\n", err.message);
        return 1;
    }
    for (size_t i = 0; i < 2 * n; i++) d->x[i] = 2 * rand_open_unit() - 1;
    return 0;
}

/* Best time of fn on 1 thread, then on `threads` (0: the library's
 * choice); prints both, the ratio 1-thread time / other time, and checks
 * that the result is the same bits. Returns nonzero on failure. */
static int compare(const char *name, int (*fn)(job *, wlr_error *), job *j,
                   size_t threads)
{
    j->threads = 1;
    double one = best_time(fn, j);
    double r1 = j->result;
    j->threads = threads;
    double all = best_time(fn, j);
    if (one < 0 || all < 0) return 1;
    if (memcmp(&r1, &j->result, sizeof r1) != 0) {
        fprintf(stderr, "bench_metrics: %s: %.17g on 1 thread, %.17g on "
                "more\n", name, r1, j->result);
        return 1;
    }
    printf("  %-30s %7.3f s %6.1f ns/row | %7.3f s %6.1f ns/row | %4.2fx"
           "  (result %.6g)\n", name, one, one * 1e9 / (double)j->n, all,
           all * 1e9 / (double)j->n, one / all, j->result);
    return 0;
}

static int bench(size_t n, int decimals)
{
    uint8_t *y = malloc(n);
    double *score = malloc(n * sizeof *score);
    if (!y || !score) {
        fprintf(stderr, "bench_metrics: out of memory for %zu rows\n", n);
        free(y);
        free(score);
        return 1;
    }
    make_scores(n, decimals, y, score);
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++) n1 += y[i];
    printf("%zu rows, %zu of class 1, scores %s:\n", n, n1,
           decimals ? "rounded to 3 decimals" : "all distinct");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("  %-30s %23s | %23s | ratio\n", "", "1 thread",
           "library's choice");

    static const struct {
        const char *name;
        int (*fn)(job *, wlr_error *);
    } what[] = {{"wlr_evaluate", run_evaluate},
                {"wlr_curve_compute", run_curve},
                {"wlr_threshold_for_recall(0.8)", run_recall}};
    job j = {y, score, n, 0, NULL, NULL, NULL, 0};
    int failed = 0;
    for (size_t k = 0; k < sizeof what / sizeof *what && !failed; k++)
        failed = compare(what[k].name, what[k].fn, &j, 0);
    /* what the library does not choose: the sort itself shared out */
    printf("  %-30s %23s | %23s |\n", "", "1 thread", "sort on all cores");
    for (size_t k = 0; k < sizeof what / sizeof *what && !failed; k++)
        failed = compare(what[k].name, what[k].fn, &j,
                         cores < 1 ? 1 : cores > 8 ? 8 : (size_t)cores);
    free(y);
    free(score);
    if (failed || decimals) return failed;

    /* the scoring that comes before: the scores array is reused as p */
    wlr_dataset d;
    double coef[2] = {0.8, -0.3};
    wlr_model model = {2, coef, -2.5};
    double *p = malloc(n * sizeof *p);
    if (!p || make_dataset(n, &d)) {
        free(p);
        return 1;
    }
    j.d = &d;
    j.model = &model;
    j.p = p;
    failed = compare("wlr_predict_proba (2 features)", run_predict, &j, 0);
    wlr_dataset_free(&d);
    free(p);
    return failed;
}

/* 1 thread against 2 from 16k to 4M rows, distinct scores. */
static int threshold_table(void)
{
    for (size_t n = 1u << 14; n <= 1u << 22; n *= 2) {
        uint8_t *y = malloc(n);
        double *score = malloc(n * sizeof *score), *p = malloc(n * sizeof *p);
        wlr_dataset d;
        double coef[2] = {0.8, -0.3};
        wlr_model model = {2, coef, -2.5};
        if (!y || !score || !p || make_dataset(n, &d)) return 1;
        make_scores(n, 0, y, score);
        job j = {y, score, n, 0, &d, &model, p, 0};
        printf("%zu rows           %23s | %23s | ratio\n", n, "1 thread",
               "2 threads");
        int failed = compare("wlr_evaluate", run_evaluate, &j, 2) ||
                     compare("wlr_predict_proba", run_predict, &j, 2);
        wlr_dataset_free(&d);
        free(y);
        free(score);
        free(p);
        if (failed) return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int big = argc > 1 && strcmp(argv[1], "--big") == 0;
    setvbuf(stdout, NULL, _IOLBF, 0);   /* each line as soon as measured */
    if (argc > 1 && strcmp(argv[1], "--threshold") == 0)
        return threshold_table();
    printf("(%ld online cores; best of %d runs each, %d at 1e8 rows)\n",
           sysconf(_SC_NPROCESSORS_ONLN), BENCH_REPEATS, BENCH_BIG_REPEATS);
    if (bench(BENCH_ROWS, 0) || bench(BENCH_ROWS, 3)) return 1;
    if (big && bench(BENCH_BIG_ROWS, 0)) return 1;
    return 0;
}
