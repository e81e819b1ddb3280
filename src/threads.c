/*
 * threads.c - the library's one way to run work on several cores, and its
 * one clock.
 *
 * (And the progress hook, wlr_set_progress, which long work calls.)
 *
 * Everything that uses a second core goes through wlr__run_jobs: the
 * loss and gradient passes over big data (kernel.c), prediction
 * (predict.c), the metrics' sort (metrics.c), the streaming trainer's
 * read-ahead (stream.c). Each job writes only its own results, and
 * whatever is combined afterwards is combined in job order, so results
 * never depend on the number of threads or on which thread ran what.
 */
#include "internal.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static void *job_thread(void *arg)
{
    const wlr__job *job = arg;
    job->run(job->arg);
    return NULL;
}

void wlr__run_jobs(const wlr__job *jobs, size_t n)
{
    pthread_t tid[WLR__MAX_THREADS];
    int started[WLR__MAX_THREADS] = {0};
    size_t threaded = n < WLR__MAX_THREADS ? n : WLR__MAX_THREADS;
    for (size_t t = 1; t < threaded; t++)
        started[t] = pthread_create(&tid[t], NULL, job_thread, (void *)&jobs[t]) == 0;
    if (n > 0) jobs[0].run(jobs[0].arg);
    /* jobs past the thread limit, and those whose thread did not start */
    for (size_t t = threaded; t < n; t++) jobs[t].run(jobs[t].arg);
    for (size_t t = 1; t < threaded; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else jobs[t].run(jobs[t].arg);
    }
}

size_t wlr__threads_for(size_t n_rows)
{
    if (n_rows < WLR__PARALLEL_MIN_ROWS) return 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) return 1;
    return cores > WLR__MAX_THREADS ? WLR__MAX_THREADS : (size_t)cores;
}

/* The progress hook (wlr.h): set by the program, called by the library. */
static wlr_progress_fn progress_fn;
static void *progress_ctx;

void wlr_set_progress(wlr_progress_fn fn, void *ctx)
{
    progress_fn = fn;
    progress_ctx = ctx;
}

void wlr__progress(const char *what, double done, double total)
{
    if (progress_fn) progress_fn(progress_ctx, what, done, total);
}

double wlr__now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
