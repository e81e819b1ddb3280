/*
 * fuzz_columns.c - libFuzzer harness for the CSV reader's header and column
 * selection (src/csv.c: columns, drop, label, weight, id, expect_names).
 *
 * The input is: one byte of switches (header yes/no/guess, no_label 0/1/-1,
 * ids wanted, expect_names, a positive value), then five option strings
 * ended by NUL bytes - columns, drop, label, weight, id (an empty string is
 * NULL) - then the file. Whatever the bytes, wlr_read_csv_ids must return a
 * status and leave a failed read empty; a read that succeeds must keep its
 * promises: the features are the columns listed (by name where a name was
 * given), every name read is non-empty and its own, one id per row, and
 * what wlr_write_csv writes of it reads back as the same data.
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "fuzz_common.h"

#include <math.h>

/* The next option string of the input: up to a NUL, NULL if empty. */
static const char *columns_option(const uint8_t **p, const uint8_t *end,
                                  char *buf, size_t cap)
{
    size_t n = 0;
    while (*p < end && **p != 0 && n + 1 < cap) buf[n++] = (char)*(*p)++;
    while (*p < end && **p != 0) (*p)++; /* the rest of a long one */
    if (*p < end) (*p)++;                 /* the NUL */
    buf[n] = 0;
    return n ? buf : NULL;
}

/* Items of a comma-separated list (what the reader makes of it). */
static size_t columns_items(const char *list)
{
    size_t n = 1;
    for (; *list; list++) n += *list == ',';
    return n;
}

/* The j-th item of list, trimmed of blanks, into buf. */
static const char *columns_item(const char *list, size_t j, char *buf, size_t cap)
{
    for (; j > 0; list++)
        if (*list == ',') j--;
    while (*list == ' ' || *list == '\t') list++;
    size_t n = strcspn(list, ",");
    while (n && (list[n - 1] == ' ' || list[n - 1] == '\t')) n--;
    snprintf(buf, cap, "%.*s", (int)n, list);
    return buf;
}

static int columns_is_index(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

static int columns_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every name read (features, label, weight, id) non-empty, none twice
 * (sorted, a repeat would stand beside its twin). */
static void columns_check_names(const wlr_dataset *d, const wlr_text_column *ids)
{
    size_t n = d->n_features + 3, k = 0;
    const char **all = malloc(n * sizeof *all);
    if (!all) abort();
    for (size_t j = 0; d->names && j < d->n_features; j++) all[k++] = d->names[j];
    if (d->label_name) all[k++] = d->label_name;
    if (d->weight_name) all[k++] = d->weight_name;
    if (ids && ids->name) all[k++] = ids->name;
    for (size_t a = 0; a < k; a++)
        if (!all[a] || !all[a][0]) abort();
    qsort(all, k, sizeof *all, columns_cmp);
    for (size_t a = 1; a < k; a++)
        if (strcmp(all[a - 1], all[a]) == 0) abort();
    free(all);
}

/* What wlr_write_csv writes of d reads back as d. */
static void columns_round_trip(const wlr_dataset *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) abort();
    wlr_error err;
    wlr_status st = wlr_write_csv(f, d, &err);
    fclose(f);
    if (st != WLR_OK) abort(); /* the reader's names are always writable */
    const char *path = fuzz_file(1, (const uint8_t *)buf, len);
    free(buf);
    if (!path) return;
    wlr_csv_options o;
    wlr_csv_defaults(&o);
    o.header = 1;
    o.no_label = d->unlabelled;
    if (!d->unlabelled) o.label = d->label_name ? d->label_name : "y";
    if (d->weight) o.weight = d->weight_name ? d->weight_name : "weight";
    wlr_dataset back;
    if (wlr_read_csv(path, &o, &back, &err) != WLR_OK) abort();
    size_t n = d->n_rows, D = d->n_features;
    if (back.n_rows != n || back.n_features != D) abort();
    if (memcmp(back.x, d->x, n * D * sizeof *d->x) != 0) abort();
    if (memcmp(back.y, d->y, n) != 0) abort();
    if (d->weight && memcmp(back.weight, d->weight, n * sizeof *d->weight) != 0)
        abort();
    for (size_t j = 0; j < D; j++) {
        char b1[32], b2[32];
        if (strcmp(wlr_feature_name(d, j, b1, sizeof b1),
                   wlr_feature_name(&back, j, b2, sizeof b2)) != 0)
            abort();
    }
    wlr_dataset_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    const uint8_t *p = data + 1, *end = data + size;
    char cols[256], drop[256], label[64], weight[64], id[64];
    wlr_csv_options o;
    wlr_csv_defaults(&o);
    o.columns = columns_option(&p, end, cols, sizeof cols);
    o.drop = columns_option(&p, end, drop, sizeof drop);
    o.label = columns_option(&p, end, label, sizeof label);
    o.weight = columns_option(&p, end, weight, sizeof weight);
    o.id = columns_option(&p, end, id, sizeof id);
    o.header = (int)(sel & 3) - 1;            /* -1, 0, 1, (2 -> 1) */
    if (o.header > 1) o.header = 1;
    static const int no_label[4] = {0, 1, -1, 0};
    o.no_label = no_label[(sel >> 2) & 3];
    int want_ids = (sel >> 4) & 1;
    static char *const names[] = {"x1", "x2"};
    if ((sel >> 5) & 1) {
        o.expect_names = names;
        o.expect_features = 2;
        o.expect_label = "y";
    } else if (o.no_label == -1) {
        o.expect_features = 2;
    }
    if ((sel >> 6) & 1) {
        o.positive = "yes";
        o.allow_no_positive = (sel >> 7) & 1;
    }
    const char *path = fuzz_file(0, p, (size_t)(end - p));
    if (!path) return 0;

    wlr_dataset d;
    wlr_text_column ids;
    wlr_error err;
    memset(&d, 0xA5, sizeof d);  /* the reader must set every field */
    memset(&ids, 0xA5, sizeof ids);
    wlr_status s = want_ids ? wlr_read_csv_ids(path, &o, &d, &ids, &err)
                            : wlr_read_csv(path, &o, &d, &err);
    if (s != WLR_OK) {
        if (d.x || d.y || d.weight || d.names || d.n_rows || d.label_name ||
            d.weight_name)
            abort();
        if (want_ids && (ids.cell || ids.text || ids.name || ids.n)) abort();
        if (strlen(err.message) == 0) abort();
        return 0;
    }
    if (d.n_rows == 0 || d.n_features == 0) abort();
    for (size_t i = 0; i < d.n_rows * d.n_features; i++)
        if (!isfinite(d.x[i])) abort();
    for (size_t i = 0; i < d.n_rows; i++)
        if (d.y[i] > 1 || (d.unlabelled && d.y[i] != 0) ||
            (d.weight && !(isfinite(d.weight[i]) && d.weight[i] > 0)))
            abort();
    if ((d.weight != NULL) != (o.weight != NULL)) abort();
    if (o.no_label == 1 && !d.unlabelled) abort();
    if (o.no_label == 0 && d.unlabelled) abort();
    /* the columns listed, in order; by name where a name found them */
    if (o.columns) {
        if (d.n_features != columns_items(o.columns)) abort();
        for (size_t j = 0; d.names && j < d.n_features; j++) {
            char item[256];
            columns_item(o.columns, j, item, sizeof item);
            if (!columns_is_index(item) && strcmp(d.names[j], item) != 0) abort();
        }
    } else if (o.expect_names && d.names) {
        if (d.n_features != 2 || strcmp(d.names[0], "x1") != 0 ||
            strcmp(d.names[1], "x2") != 0)
            abort();
    }
    if (d.names || d.label_name || d.weight_name) columns_check_names(&d, want_ids ? &ids : NULL);
    if (want_ids) {
        if (ids.n != d.n_rows) abort();
        for (size_t i = 0; i < ids.n; i++)
            if (!ids.cell[i]) abort();
    }
    columns_round_trip(&d);
    if (want_ids) wlr_text_column_free(&ids);
    wlr_dataset_free(&d);
    return 0;
}
