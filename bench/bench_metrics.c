/*
 * bench_metrics.c - how fast wlr_evaluate scores a test set, which is mostly
 * the radix sort behind ROC AUC and average precision, plus one log() a row
 * for the log-loss; and the same for the curve and the recall threshold.
 *
 * Usage: bench_metrics [--big]
 *   10 million rows by default; --big adds 100 million (about 6.4 GB at
 *   peak: 0.9 GB of rows, 1.6 GB for the sort, and 4.8 GB for the curve's
 *   48 bytes a distinct score).
 * The scores are a model's kind: sigma(z), z normal around -5 (about 1%
 * positives, labels drawn from the scores), either every score distinct or
 * rounded to 3 decimals (heavy ties). Prints the best of BENCH_REPEATS wall
 * times and nanoseconds per row.
 */
#include "wlr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The sizes measured: the everyday one, and the --big one. */
#define BENCH_ROWS 10000000UL
#define BENCH_BIG_ROWS 100000000UL
/* 2 pi, for Box-Muller (M_PI is not in C11). */
#define TWO_PI 6.283185307179586
/* Each timing is the best of this many runs (the first warms the pages). */
#define BENCH_REPEATS 3

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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

typedef struct {
    const uint8_t *y;
    const double *score;
    size_t n;
    double result;
} job;

static int run_evaluate(job *j, wlr_error *err)
{
    wlr_metrics m;
    wlr_status st = wlr_evaluate(j->y, j->score, j->n, 0.5, &m, err);
    j->result = m.roc_auc;
    return st;
}

static int run_curve(job *j, wlr_error *err)
{
    wlr_curve c;
    wlr_status st = wlr_curve_compute(j->y, j->score, j->n, &c, err);
    j->result = (double)c.n_points;
    wlr_curve_free(&c);
    return st;
}

static int run_recall(job *j, wlr_error *err)
{
    return wlr_threshold_for_recall(j->y, j->score, j->n, 0.8, &j->result, err);
}

/* Best wall time of BENCH_REPEATS runs of fn, or a negative on failure. */
static double best_time(int (*fn)(job *, wlr_error *), job *j)
{
    double best = INFINITY;
    wlr_error err;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_seconds();
        if (fn(j, &err)) {
            fprintf(stderr, "bench_metrics: %s\n", err.message);
            return -1;
        }
        double t = now_seconds() - t0;
        if (t < best) best = t;
    }
    return best;
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

    static const struct {
        const char *name;
        int (*fn)(job *, wlr_error *);
    } what[] = {{"wlr_evaluate", run_evaluate},
                {"wlr_curve_compute", run_curve},
                {"wlr_threshold_for_recall(0.8)", run_recall}};
    job j = {y, score, n, 0};
    int failed = 0;
    for (size_t k = 0; k < sizeof what / sizeof *what; k++) {
        double t = best_time(what[k].fn, &j);
        if (t < 0) {
            failed = 1;
            break;
        }
        printf("  %-30s %7.3f s  %6.1f ns/row  (result %.6g)\n", what[k].name,
               t, t * 1e9 / (double)n, j.result);
    }
    free(y);
    free(score);
    return failed;
}

int main(int argc, char **argv)
{
    int big = argc > 1 && strcmp(argv[1], "--big") == 0;
    if (bench(BENCH_ROWS, 0) || bench(BENCH_ROWS, 3)) return 1;
    if (big && bench(BENCH_BIG_ROWS, 0)) return 1;
    return 0;
}
