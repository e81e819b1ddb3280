/*
 * bench_generate.c - how fast wlr_generate makes the tutorial's kind of data
 * (2 features, 0.5% minority, scikit-learn's exact draws), and how much
 * memory it takes beyond the data itself.
 *
 * Usage: bench_generate [--big] [--no-prefault]
 *   10 million rows by default; --big adds 100 million (about 1.7 GB);
 *   --no-prefault turns off the second thread that faults the dataset's
 *   pages in (dataset.c), to measure what it pays.
 * Prints, per size: wall time, rows per second, peak resident memory and
 * its ratio to the raw data (16 bytes of X + 1 byte of y per row).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* The sizes measured: the everyday one, and the --big one. */
#define BENCH_ROWS 10000000UL
#define BENCH_BIG_ROWS 100000000UL

/* Peak resident set size of this process so far, in bytes (Linux reports
 * ru_maxrss in kilobytes). */
static double peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0.0;
    return (double)ru.ru_maxrss * 1024.0;
}

static int bench(size_t rows)
{
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    p.n_samples = rows;
    wlr_dataset d;
    wlr_error err;
    double t0 = wlr__now();
    if (wlr_generate(&p, &d, &err)) {
        fprintf(stderr, "bench_generate: %s\n", err.message);
        return 1;
    }
    double secs = wlr__now() - t0;
    size_t counts[2];
    wlr_class_counts(&d, counts);
    double raw = (double)rows * (2 * sizeof(double) + 1);
    double peak = peak_rss_bytes();
    printf("generate %zu rows x 2 features: %.2f s, %.1f M rows/s; "
           "classes %zu / %zu\n", rows, secs, (double)rows / secs / 1e6,
           counts[0], counts[1]);
    printf("  raw data %.0f MB, peak resident %.0f MB (%.2fx the data)\n",
           raw / 1e6, peak / 1e6, peak / raw);
    wlr_dataset_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    int big = 0;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--big") == 0) big = 1;
        else if (strcmp(argv[k], "--no-prefault") == 0) wlr__prefault_on = 0;
        else {
            fprintf(stderr, "usage: bench_generate [--big] [--no-prefault]\n");
            return 2;
        }
    }
    if (bench(BENCH_ROWS)) return 1;
    if (big && bench(BENCH_BIG_ROWS)) return 1;
    return 0;
}
