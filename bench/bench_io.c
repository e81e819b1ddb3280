/*
 * bench_io.c - how fast datasets load: CSV text in MB/s, and .npy in GB/s
 * against the memory-speed reference of plain fread/memcpy of the same bytes.
 *
 * Usage: bench_io [ROWS]     (default 10 million rows, 2 features)
 * Writes its files to a fresh directory under /tmp and removes them. The
 * files have just been written, so they are read from the page cache: these
 * are parsing and copying speeds, not disk speeds. Each figure is the best
 * of BENCH_REPEATS runs.
 *
 * The CSV holds what `wlr generate` writes: two features printed with 17
 * significant digits (e.g. -1.2364966060660394) and a 0/1 label. The digits
 * come from a fixed pseudo-random sequence, so every run reads the same file.
 * For scale, the same text is also converted with a plain loop over glibc's
 * strtod, the approach the fast parser replaces.
 */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define BENCH_ROWS 10000000UL
#define BENCH_REPEATS 3
/* The strtod comparison reads only this much of the file: it is the slow
 * one, and a rate needs no more. */
#define STRTOD_SAMPLE_BYTES (64u << 20)

/* splitmix64: fixed, fast pseudo-random digits. */
static uint64_t mix_state = 42;
static uint64_t next_u64(void)
{
    uint64_t z = (mix_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Writes "[-]D.DDDDDDDDDDDDDDDD" (17 significant digits, D in 0..3) at p. */
static char *put_decimal(char *p)
{
    uint64_t r = next_u64();
    if (r & 1) *p++ = '-';
    *p++ = (char)('0' + (r >> 1) % 4);
    *p++ = '.';
    uint64_t digits = next_u64() % 10000000000000000ULL; /* 16 digits */
    for (int k = 15; k >= 0; k--) {
        p[k] = (char)('0' + digits % 10);
        digits /= 10;
    }
    return p + 16;
}

static long long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long long n = ftell(f);
    fclose(f);
    return n;
}

/* Peak resident set size of this process so far, in MB (Linux reports
 * ru_maxrss in kilobytes). */
static double peak_rss_mb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0.0;
}

static int write_csv_file(const char *path, size_t rows)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t cap = 1 << 20;
    char *buf = malloc(cap), *p = buf;
    fputs("x1,x2,y\n", f);
    for (size_t i = 0; i < rows; i++) {
        p = put_decimal(p);
        *p++ = ',';
        p = put_decimal(p);
        *p++ = ',';
        *p++ = next_u64() % 200 ? '0' : '1';
        *p++ = '\n';
        if ((size_t)(p - buf) > cap - 64) {
            fwrite(buf, 1, (size_t)(p - buf), f);
            p = buf;
        }
    }
    fwrite(buf, 1, (size_t)(p - buf), f);
    free(buf);
    return fclose(f);
}

/* glibc strtod over the first STRTOD_SAMPLE_BYTES of the file: returns
 * MB/s, summing the values so that the work cannot be skipped. */
static double strtod_rate(const char *path, double *sink)
{
    FILE *f = fopen(path, "rb");
    char *text = malloc(STRTOD_SAMPLE_BYTES + 1);
    size_t n = fread(text, 1, STRTOD_SAMPLE_BYTES, f);
    fclose(f);
    while (n > 0 && text[n - 1] != '\n') n--; /* whole lines only */
    text[n] = '\0';
    double t0 = wlr__now(), sum = 0;
    char *p = strchr(text, '\n') + 1; /* skip the header */
    while (*p) {
        char *end;
        sum += strtod(p, &end); /* x1 */
        sum += strtod(end + 1, &end); /* x2 */
        sum += (double)(end[1] - '0'); /* y */
        p = end + 3;
    }
    double t = wlr__now() - t0;
    *sink += sum;
    free(text);
    return (double)n / t / 1e6;
}

static int bench_csv(const char *dir, size_t rows)
{
    char path[256];
    snprintf(path, sizeof path, "%s/bench.csv", dir);
    double t0 = wlr__now();
    if (write_csv_file(path, rows)) { perror(path); return 1; }
    long long bytes = file_size(path);
    printf("csv: %zu rows x 2 features, %.1f MB (made in %.2f s)\n", rows,
           (double)bytes / 1e6, wlr__now() - t0);

    double best = 1e300;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        wlr_dataset d;
        wlr_error err;
        t0 = wlr__now();
        if (wlr_read_csv(path, NULL, &d, &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double t = wlr__now() - t0;
        if (t < best) best = t;
        if (d.n_rows != rows) { fprintf(stderr, "read %zu rows\n", d.n_rows); return 1; }
        if (r == 0)
            printf("csv: peak memory while reading %.0f MB (the dataset itself: %.0f MB)\n",
                   peak_rss_mb(), (double)rows * (2 * sizeof(double) + 1) / 1048576.0);
        wlr_dataset_free(&d);
    }
    double sink = 0;
    double glibc = strtod_rate(path, &sink);
    printf("csv: wlr_read_csv %.3f s = %.0f MB/s, %.1f M rows/s (one core)\n",
           best, (double)bytes / best / 1e6, (double)rows / best / 1e6);
    printf("csv: glibc strtod loop alone: %.0f MB/s (%s)\n", glibc,
           sink == 0.5 ? "!" : "for scale");

    /* Writing, for the record (shortest round-trip text for every double). */
    wlr_dataset d;
    wlr_error err;
    wlr_read_csv(path, NULL, &d, &err);
    snprintf(path + strlen(path) - 4, 8, "2.csv");
    FILE *f = fopen(path, "wb");
    t0 = wlr__now();
    int st = wlr_write_csv(f, &d, &err);
    fclose(f);
    double t = wlr__now() - t0;
    if (st) { fprintf(stderr, "%s\n", err.message); return 1; }
    printf("csv: wlr_write_csv %.2f s = %.0f MB/s\n", t, (double)file_size(path) / t / 1e6);
    remove(path);
    snprintf(path, sizeof path, "%s/bench.csv", dir);
    remove(path);
    wlr_dataset_free(&d);
    return 0;
}

/* Plain fread of a whole file into a new buffer, and a memcpy of it: what
 * "memory speed" means for the .npy loader. Returns seconds. */
static double fread_seconds(const char *path, long long bytes)
{
    double t0 = wlr__now();
    FILE *f = fopen(path, "rb");
    char *buf = malloc((size_t)bytes);
    size_t got = fread(buf, 1, (size_t)bytes, f);
    fclose(f);
    double t = wlr__now() - t0;
    if (got != (size_t)bytes) t = 1e300;
    free(buf);
    return t;
}

static double memcpy_seconds(size_t bytes)
{
    char *a = malloc(bytes), *b = malloc(bytes);
    memset(a, 1, bytes);
    memset(b, 2, bytes); /* both touched: no page faults in the timing */
    double t0 = wlr__now();
    memcpy(b, a, bytes);
    double t = wlr__now() - t0;
    volatile char keep = b[bytes / 2];
    (void)keep;
    free(a);
    free(b);
    return t;
}

static int bench_npy(const char *dir, size_t rows)
{
    char xp[256], yp[256];
    snprintf(xp, sizeof xp, "%s/X.npy", dir);
    snprintf(yp, sizeof yp, "%s/y.npy", dir);
    wlr_dataset d;
    wlr_error err;
    if (wlr_dataset_alloc(&d, rows, 2, &err)) { fprintf(stderr, "%s\n", err.message); return 1; }
    for (size_t k = 0; k < 2 * rows; k++) d.x[k] = (double)(next_u64() >> 11) * 0x1p-50 - 4;
    for (size_t i = 0; i < rows; i++) d.y[i] = next_u64() % 200 == 0;
    FILE *fx = fopen(xp, "wb"), *fy = fopen(yp, "wb");
    double t0 = wlr__now();
    int st = wlr_write_npy(fx, fy, &d, &err);
    fclose(fx);
    fclose(fy);
    double tw = wlr__now() - t0;
    wlr_dataset_free(&d);
    if (st) { fprintf(stderr, "%s\n", err.message); return 1; }
    long long bytes = file_size(xp) + file_size(yp);
    printf("npy: %zu rows x 2 features, X + y = %.1f MB; wlr_write_npy %.3f s = %.2f GB/s\n",
           rows, (double)bytes / 1e6, tw, (double)bytes / tw / 1e9);

    double best = 1e300, best_fread = 1e300, best_memcpy = 1e300;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        t0 = wlr__now();
        if (wlr_read_npy(xp, yp, &d, &err)) { fprintf(stderr, "%s\n", err.message); return 1; }
        double t = wlr__now() - t0;
        if (t < best) best = t;
        wlr_dataset_free(&d);
        t = fread_seconds(xp, file_size(xp)) + fread_seconds(yp, file_size(yp));
        if (t < best_fread) best_fread = t;
        t = memcpy_seconds((size_t)bytes);
        if (t < best_memcpy) best_memcpy = t;
    }
    printf("npy: wlr_read_npy %.3f s = %.2f GB/s (parse, transpose, check finite, y to bytes)\n",
           best, (double)bytes / best / 1e9);
    printf("npy: plain fread of both files into new buffers %.3f s = %.2f GB/s\n",
           best_fread, (double)bytes / best_fread / 1e9);
    printf("npy: memcpy of as many bytes (warm buffers) %.3f s = %.2f GB/s\n",
           best_memcpy, (double)bytes / best_memcpy / 1e9);
    printf("npy: wlr_read_npy runs at %.0f%% of the plain fread\n", 100 * best_fread / best);
    remove(xp);
    remove(yp);
    return 0;
}

int main(int argc, char **argv)
{
    size_t rows = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : BENCH_ROWS;
    char dir[] = "/tmp/wlr_bench_io.XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    int rc = bench_csv(dir, rows) || bench_npy(dir, rows);
    rmdir(dir);
    return rc;
}
