/*
 * cli_progress.c - progress on stderr for work that takes a while: rows or
 * epochs done, the rate, the time left. Only when stderr is a terminal (a
 * log file or a pipe gets nothing), and only once the work has run for
 * PROGRESS_AFTER seconds, so that quick commands print nothing. The library
 * reports through its progress hook (wlr_set_progress); this is the hook.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Seconds before the first line, and between redraws. */
#define PROGRESS_AFTER 1.0
#define PROGRESS_EVERY 0.2

static struct {
    int tty;
    char what[32];          /* the work under way */
    char label[48];         /* e.g. the weighting being trained */
    double started, drawn;  /* when it started, when last drawn */
    int shown;              /* a line is on the terminal */
} bar;

/* The unit of each kind of work. */
static const char *unit_of(const char *what)
{
    if (strcmp(what, "train") == 0) return "epochs";
    if (strcmp(what, "read") == 0) return "MB";
    if (strcmp(what, "sweep") == 0) return "fits";
    if (strcmp(what, "repeats") == 0) return "splits";
    return "rows";
}

void cli_progress_clear(void)
{
    if (!bar.shown) return;
    fprintf(stderr, "\r%78s\r", "");
    fflush(stderr);
    bar.shown = 0;
}

static void progress(void *ctx, const char *what, double done, double total)
{
    (void)ctx;
    double now = wlr__now();
    if (strcmp(what, bar.what) != 0 || done < 1 || (bar.shown == 0 && done == total && now - bar.started < PROGRESS_AFTER)) {
        if (strcmp(what, bar.what) != 0) {
            cli_progress_clear();
            snprintf(bar.what, sizeof bar.what, "%s", what);
            bar.started = now;
        }
        if (done < 1) return;
    }
    if (total > 0 && done >= total) {
        cli_progress_clear();
        bar.what[0] = '\0';
        return;
    }
    if (now - bar.started < PROGRESS_AFTER || now - bar.drawn < PROGRESS_EVERY) return;
    bar.drawn = now;
    int mb = strcmp(what, "read") == 0;
    double scale = mb ? 1e-6 : 1.0, rate = done / (now - bar.started);
    char line[160];
    int n = snprintf(line, sizeof line, "wlr: %s%s%s %.0f", what, *bar.label ? " " : "",
                     bar.label, done * scale);
    if (total > 0) n += snprintf(line + n, sizeof line - (size_t)n, " of %.0f", total * scale);
    n += snprintf(line + n, sizeof line - (size_t)n, " %s, %.3g %s/s", unit_of(what),
                  rate * scale, unit_of(what));
    if (total > 0 && rate > 0)
        snprintf(line + n, sizeof line - (size_t)n, ", %.0f s left", (total - done) / rate);
    fprintf(stderr, "\r%-78.78s", line);
    fflush(stderr);
    bar.shown = 1;
}

void cli_progress_start(void)
{
    bar.tty = isatty(STDERR_FILENO);
    if (bar.tty) wlr_set_progress(progress, NULL);
}

void cli_progress_show(const char *what, double done, double total)
{
    if (bar.tty) progress(NULL, what, done, total);
}

void cli_progress_label(const char *label)
{
    snprintf(bar.label, sizeof bar.label, "%s", label ? label : "");
}
