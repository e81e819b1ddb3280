/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader (src/csv.c).
 *
 * The first byte picks the options (header yes/no/auto, a --positive value,
 * a label column by name or index, a weight column, or no label column:
 * no_label 1, or -1 for two features, by count or by the names x1, x2); the
 * rest is the file.
 * Whatever the bytes, wlr_read_csv must return a status, leave a failed
 * dataset empty, and a loaded one consistent (finite x, labels 0/1).
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "fuzz_common.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    const char *path = fuzz_file(0, data + 1, size - 1);
    if (!path) return 0;

    wlr_csv_options o;
    wlr_csv_defaults(&o);
    o.header = (int)(sel & 3) - 1;          /* -1, 0, 1, (2 -> 1) */
    if (o.header > 1) o.header = 1;
    static const char *labels[] = {NULL, "y", "1", "2", "label", "0", "99", NULL};
    static const char *positives[] = {NULL, "1", "yes", NULL};
    static const char *weights[] = {NULL, "w", "2", NULL};
    o.label = labels[(sel >> 2) & 7];
    o.positive = positives[(sel >> 5) & 3];
    o.weight = weights[(sel >> 7) & 1 ? 1 + ((sel >> 2) & 1) : 0];
    static char *const names[] = {"x1", "x2"};
    if (((sel >> 2) & 7) == 7) {            /* the second NULL label: none */
        o.no_label = (sel >> 5) & 1 ? -1 : 1;
        o.expect_features = 2;
        o.expect_names = (sel >> 6) & 1 ? names : NULL;
        o.positive = NULL;
    }

    wlr_dataset d;
    wlr_error err;
    memset(&d, 0xA5, sizeof d);  /* the reader must set every field */
    wlr_status s = wlr_read_csv(path, &o, &d, &err);
    if (s == WLR_OK) {
        if (d.n_rows == 0 || d.n_features == 0) abort();
        for (size_t i = 0; i < d.n_rows * d.n_features; i++)
            if (!isfinite(d.x[i])) abort();
        for (size_t i = 0; i < d.n_rows; i++)
            if (d.y[i] > 1) abort();
        if (d.unlabelled)
            for (size_t i = 0; i < d.n_rows; i++)
                if (d.y[i] != 0) abort();
        if (d.weight)
            for (size_t i = 0; i < d.n_rows; i++)
                if (!isfinite(d.weight[i])) abort();
        char buf[32];
        for (size_t j = 0; j < d.n_features; j++)
            if (!wlr_feature_name(&d, j, buf, sizeof buf)) abort();
    } else {
        if (d.x || d.y || d.weight || d.names || d.n_rows) abort();
        if (strlen(err.message) == 0) abort();
    }
    wlr_dataset_free(&d);
    return 0;
}
