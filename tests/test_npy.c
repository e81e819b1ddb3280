/*
 * test_npy.c - tests src/npy.c: round trips bit for bit, the exact header
 * numpy writes, every element type y may have, header versions 1.0 to 3.0,
 * and every error (with the file named in the message).
 *
 * Input files are built byte by byte here, the way numpy.save lays them out,
 * in a fresh directory under /tmp.
 */
#include "internal.h"
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

/* The path of a file in the test directory; the same name always gives the
 * same (stable) pointer. */
static char *path_in_tmp(const char *name)
{
    static char paths[32][256];
    static int used;
    char want[256];
    snprintf(want, sizeof want, "%s/%s", tmpdir, name);
    for (int k = 0; k < used; k++)
        if (strcmp(paths[k], want) == 0) return paths[k];
    if (used == 32) abort();
    return strcpy(paths[used++], want);
}

/* Writes a .npy file: version major.0, the dict text padded to 64 bytes as
 * numpy pads it, then `len` bytes of data. */
static const char *make_npy(const char *name, int major, const char *dict,
                            const void *data, size_t len)
{
    const char *path = path_in_tmp(name);
    FILE *f = fopen(path, "wb");
    size_t pre = major == 1 ? 10 : 12, n = strlen(dict);
    size_t pad = (64 - (pre + n + 1) % 64) % 64, hlen = n + pad + 1;
    unsigned char head[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', (unsigned char)major, 0};
    for (size_t k = 0; k < pre - 8; k++) head[8 + k] = (unsigned char)(hlen >> (8 * k));
    fwrite(head, 1, pre, f);
    fwrite(dict, 1, n, f);
    for (size_t k = 0; k < pad; k++) fputc(' ', f);
    fputc('\n', f);
    if (len) fwrite(data, 1, len, f);
    fclose(f);
    return path;
}

static const char *make_raw(const char *name, const void *data, size_t len)
{
    const char *path = path_in_tmp(name);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    return path;
}

/* X = [[1, 2], [3, 4], [5, 6]] as '<f8' (this host is little-endian; the
 * library checks that itself). */
static const double x3[] = {1, 2, 3, 4, 5, 6};
#define X3_DICT "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }"

static const char *good_x(void)
{
    return make_npy("x.npy", 1, X3_DICT, x3, sizeof x3);
}

static void expect_error(const char *xp, const char *yp, const char *f1,
                         const char *f2)
{
    wlr_dataset d;
    wlr_error err;
    err.message[0] = '\0';
    wlr_status st = wlr_read_npy(xp, yp, &d, &err);
    CHECK(st != WLR_OK, "should fail (%s)", f1);
    CHECK(strstr(err.message, f1) != NULL, "message \"%s\" lacks \"%s\"", err.message, f1);
    if (f2) CHECK(strstr(err.message, f2) != NULL, "message \"%s\" lacks \"%s\"", err.message, f2);
    CHECK(d.x == NULL && d.y == NULL && d.n_rows == 0, "output not emptied");
    wlr_dataset_free(&d);
}

static uint64_t rng_state = 7;
static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void roundtrip(size_t n, size_t dim)
{
    wlr_dataset d, back;
    wlr_error err;
    wlr_dataset_alloc(&d, n, dim, &err);
    for (size_t k = 0; k < n * dim; k++) {
        uint64_t u = next_u64();
        if (k % 3 == 0) u >>= 12; /* subnormals too */
        memcpy(&d.x[k], &u, 8);
        if (!isfinite(d.x[k])) d.x[k] = -0.0;
    }
    for (size_t i = 0; i < n; i++) d.y[i] = (uint8_t)(next_u64() % 3 == 0);
    FILE *fx = fopen(path_in_tmp("rx.npy"), "wb"), *fy = fopen(path_in_tmp("ry.npy"), "wb");
    CHECK(wlr_write_npy(fx, fy, &d, &err) == WLR_OK, "write: %s", err.message);
    fclose(fx);
    fclose(fy);
    wlr_status st = wlr_read_npy(path_in_tmp("rx.npy"), path_in_tmp("ry.npy"), &back, &err);
    CHECK(st == WLR_OK, "read back: %s", err.message);
    if (st == WLR_OK) {
        CHECK(back.n_rows == n && back.n_features == dim, "shape");
        CHECK(memcmp(back.x, d.x, n * dim * 8) == 0, "x differs (%zu x %zu)", n, dim);
        CHECK(memcmp(back.y, d.y, n) == 0, "y differs");
    }
    wlr_dataset_free(&back);
    wlr_dataset_free(&d);
}

static void test_roundtrip(void)
{
    roundtrip(1, 1);
    roundtrip(5, 3);
    roundtrip(100000, 2);   /* several blocks */
    roundtrip(7, 40000);    /* rows wider than a block */
}

/* The bytes numpy 1.24's np.save writes for a (3, 2) float64 and a (3,)
 * int64 array. */
static void test_written_header(void)
{
    wlr_dataset d;
    wlr_error err;
    wlr_dataset_alloc(&d, 3, 2, &err);
    for (int i = 0; i < 3; i++) { d.x[i] = x3[2 * i]; d.x[3 + i] = x3[2 * i + 1]; }
    d.y[1] = 1;
    FILE *fx = fopen(path_in_tmp("hx.npy"), "wb"), *fy = fopen(path_in_tmp("hy.npy"), "wb");
    CHECK(wlr_write_npy(fx, fy, &d, &err) == WLR_OK, "write: %s", err.message);
    fclose(fx);
    fclose(fy);
    unsigned char buf[512];
    FILE *f = fopen(path_in_tmp("hx.npy"), "rb");
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    CHECK(n == 128 + 48, "X file is %zu bytes", n);
    CHECK(memcmp(buf, "\x93NUMPY\x01\x00\x76\x00", 10) == 0, "X preamble");
    CHECK(memcmp(buf + 10, X3_DICT, strlen(X3_DICT)) == 0 && buf[127] == '\n' &&
          buf[126] == ' ', "X header \"%.60s\"", (char *)buf + 10);
    CHECK(memcmp(buf + 128, x3, sizeof x3) == 0, "X data row-major");
    f = fopen(path_in_tmp("hy.npy"), "rb");
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *ydict = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
    CHECK(n == 128 + 24 && memcmp(buf + 10, ydict, strlen(ydict)) == 0, "y header");
    int64_t want[3] = {0, 1, 0};
    CHECK(memcmp(buf + 128, want, sizeof want) == 0, "y data");
    wlr_dataset_free(&d);

    /* a failed write is reported */
    f = fopen("/dev/full", "wb");
    if (f) {
        wlr_dataset_alloc(&d, 100000, 2, &err);
        CHECK(wlr_write_npy(f, NULL, &d, &err) == WLR_ERR_IO &&
              strstr(err.message, "fx: write failed (No space left"), "dev/full: %s", err.message);
        fclose(f);
        wlr_dataset_free(&d);
    }
}

/* y in every supported type, with X '<f8' and '<f4', header versions 1-3. */
static void test_types(void)
{
    struct { const char *descr; size_t size; int is_float; } types[] = {
        {"|b1", 1, 0}, {"|i1", 1, 0}, {"|u1", 1, 0}, {"<i2", 2, 0}, {"<u2", 2, 0},
        {"<i4", 4, 0}, {"<u4", 4, 0}, {"<i8", 8, 0}, {"<u8", 8, 0},
        {"<f4", 4, 1}, {"<f8", 8, 1},
    };
    const char *xp = good_x();
    for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
        unsigned char data[24] = {0};
        int labels[3] = {1, 0, 1};
        for (int i = 0; i < 3; i++) {
            if (types[t].is_float && types[t].size == 4) {
                float v = (float)labels[i];
                memcpy(data + 4 * i, &v, 4);
            } else if (types[t].is_float) {
                double v = labels[i];
                memcpy(data + 8 * i, &v, 8);
            } else {
                data[types[t].size * (size_t)i] = (unsigned char)labels[i];
            }
        }
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (3,), }",
                 types[t].descr);
        const char *yp = make_npy("y.npy", 1 + (int)(t % 3), dict, data, 3 * types[t].size);
        wlr_dataset d;
        wlr_error err;
        wlr_status st = wlr_read_npy(xp, yp, &d, &err);
        CHECK(st == WLR_OK, "y %s: %s", types[t].descr, err.message);
        if (st == WLR_OK) {
            CHECK(d.n_rows == 3 && d.n_features == 2 && d.y[0] == 1 && d.y[1] == 0 && d.y[2] == 1,
                  "y %s values", types[t].descr);
            double want[] = {1, 3, 5, 2, 4, 6};
            CHECK(memcmp(d.x, want, sizeof want) == 0, "x transposed");
        }
        wlr_dataset_free(&d);
    }

    /* float32 X, version 3 header, Python 2 'L' shapes, y as a column */
    float xf[] = {0.1f, -2.5f, 1e30f, 3.0f};
    const char *xp4 = make_npy("x4.npy", 3, "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2L,2L)}", xf, sizeof xf);
    uint8_t yb[] = {0, 1};
    const char *yp = make_npy("y.npy", 2, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1), }", yb, 2);
    wlr_dataset d;
    wlr_error err;
    wlr_status st = wlr_read_npy(xp4, yp, &d, &err);
    CHECK(st == WLR_OK, "float32: %s", err.message);
    if (st == WLR_OK)
        CHECK(d.x[0] == (double)0.1f && d.x[1] == (double)1e30f && d.x[2] == -2.5 && d.x[3] == 3.0,
              "float32 values");
    wlr_dataset_free(&d);
}

/* Rows on demand (what the streaming trainer reads): any range of rows, in
 * any order, lands at any place of a window exactly as wlr_read_npy puts
 * them, float64 and float32; a range past the end is refused. */
static void test_rows_on_demand(void)
{
    size_t n = 1000, dim = 3;
    wlr_dataset d, all, win;
    wlr_error err;
    wlr_dataset_alloc(&d, n, dim, &err);
    for (size_t k = 0; k < n * dim; k++) d.x[k] = (double)(next_u64() >> 11) / 9e15 - 500;
    for (size_t i = 0; i < n; i++) d.y[i] = (uint8_t)(next_u64() & 1);
    FILE *fx = fopen(path_in_tmp("ox.npy"), "wb"), *fy = fopen(path_in_tmp("oy.npy"), "wb");
    wlr_write_npy(fx, fy, &d, &err);
    fclose(fx);
    fclose(fy);
    wlr_dataset_free(&d);
    /* the same values as float32 */
    float xf[12] = {1.5f, -2, 3, 4e-3f, 5, 6, 7, 8, 9, 10, 11, 12e20f};
    const char *x4 = make_npy("o4.npy", 1, "{'descr': '<f4', 'fortran_order': False, "
                              "'shape': (4, 3), }", xf, sizeof xf);
    long long y4[4] = {1, 0, 0, 1};
    const char *y4p = make_npy("o4y.npy", 1, "{'descr': '<i8', 'fortran_order': False, "
                               "'shape': (4,), }", y4, sizeof y4);
    const char *xs[2] = {path_in_tmp("ox.npy"), x4}, *ys[2] = {path_in_tmp("oy.npy"), y4p};
    for (int f = 0; f < 2; f++) {
        if (wlr_read_npy(xs[f], ys[f], &all, &err)) {
            CHECK(0, "read: %s", err.message);
            continue;
        }
        wlr__npy_rows *r;
        wlr_status st = wlr__npy_rows_open(xs[f], ys[f], &r, &err);
        CHECK(st == WLR_OK, "open: %s", err.message);
        if (st) { wlr_dataset_free(&all); continue; }
        size_t rows, cols;
        wlr__npy_rows_shape(r, &rows, &cols);
        CHECK(rows == all.n_rows && cols == dim, "shape %zu x %zu", rows, cols);
        wlr_dataset_alloc(&win, 300, dim, &err);
        for (int t = 0; t < 40; t++) {
            size_t count = 1 + next_u64() % (rows < 200 ? rows : 200);
            size_t first = next_u64() % (rows - count + 1);
            size_t at = next_u64() % (win.n_rows - count + 1);
            st = wlr__npy_rows_read(r, first, count, &win, at, &err);
            CHECK(st == WLR_OK, "rows %zu + %zu at %zu: %s", first, count, at, err.message);
            for (size_t i = 0; i < count && st == WLR_OK; i++) {
                for (size_t j = 0; j < dim; j++)
                    CHECK(win.x[j * win.n_rows + at + i] == all.x[j * rows + first + i],
                          "x[%zu, %zu]", first + i, j);
                CHECK(win.y[at + i] == all.y[first + i], "y[%zu]", first + i);
            }
        }
        CHECK(wlr__npy_rows_read(r, rows - 1, 2, &win, 0, &err) == WLR_ERR_ARG,
              "a range past the end is refused");
        CHECK(wlr__npy_rows_read(r, 0, 2, &win, win.n_rows - 1, &err) == WLR_ERR_ARG,
              "a range past the window is refused");
        wlr__npy_rows_close(r);
        wlr_dataset_free(&win);
        wlr_dataset_free(&all);
    }
}

static void test_errors(void)
{
    const char *xp = good_x();
    int64_t y3[] = {0, 1, 0};
    const char *ydict = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
    const char *yp = make_npy("y.npy", 1, ydict, y3, sizeof y3);
    char want[300];

    /* the good pair reads */
    wlr_dataset d;
    wlr_error err;
    CHECK(wlr_read_npy(xp, yp, &d, &err) == WLR_OK, "good pair: %s", err.message);
    wlr_dataset_free(&d);

    expect_error(path_in_tmp("nope.npy"), yp, "nope.npy: cannot open (No such file", NULL);
    expect_error(tmpdir, yp, ": cannot open (Is a directory)", NULL);
    expect_error(make_raw("bad.npy", "PK\x03\x04 zip", 8), yp, "bad.npy: not a .npy file", NULL);
    expect_error(make_raw("bad.npy", "\x93NUM", 4), yp, "bad.npy: not a .npy file", NULL);
    expect_error(make_raw("bad.npy", "\x93NUMPY\x04\x00\x10\x00", 10), yp,
                 "bad.npy: .npy format version 4.0 is not supported", NULL);
    expect_error(make_raw("bad.npy", "\x93NUMPY\x01\x00\x76\x00{'descr'", 17), yp,
                 "bad.npy: truncated in the header", NULL);
    expect_error(make_raw("bad.npy", "\x93NUMPY\x02\x00\xff\xff\xff\x7f", 12), yp,
                 "bad.npy: header length 2147483647 is implausible", NULL);

    struct { const char *dict; const char *frag; } bad_x[] = {
        {"{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }",
         "fortran_order True is not supported; save with np.ascontiguousarray"},
        {"{'descr': '>f8', 'fortran_order': False, 'shape': (3, 2), }",
         "big-endian data ('>f8') is not supported"},
        {"{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }",
         "X must be float64 ('<f8') or float32 ('<f4'), not '<i8'"},
        {"{'descr': '<f2', 'fortran_order': False, 'shape': (3, 2), }", "not '<f2'"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", "X must be 2-D"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3, 2), }", "not 3-D"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0), }", "X has no features"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }", "X has no rows"},
        {"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }",
         "a structured dtype"},
        {"{'descr': '<c16', 'fortran_order': False, 'shape': (3, 2), }",
         "element type '<c16' is not supported"},
        {"{'descr': '<f8', 'shape': (3, 2), }", "the header is not the dict"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'x': 1}", "the header is not"},
        {"{'descr': '<f8', 'fortran_order': Maybe, 'shape': (3, 2), }", "the header is not"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2 }", "the header is not"},
        {"['descr', '<f8']", "the header is not"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 2), }",
         "the header is not"},
    };
    for (size_t k = 0; k < sizeof bad_x / sizeof *bad_x; k++) {
        const char *p = make_npy("bx.npy", 1, bad_x[k].dict, x3, sizeof x3);
        expect_error(p, yp, "bx.npy: ", bad_x[k].frag);
    }

    /* data problems */
    expect_error(make_npy("bx.npy", 1, X3_DICT, x3, sizeof x3 - 8), yp,
                 "bx.npy: truncated: the header promises 48 bytes of data, the file holds 40", NULL);
    double xn[] = {1, 2, 3, NAN, 5, 6};
    expect_error(make_npy("bx.npy", 1, X3_DICT, xn, sizeof xn), yp,
                 "bx.npy: X[1, 1] is nan; the data must be finite", NULL);
    xn[3] = 4;
    xn[4] = -INFINITY;
    expect_error(make_npy("bx.npy", 1, X3_DICT, xn, sizeof xn), yp, "X[2, 0] is -inf", NULL);

    /* y problems */
    const char *y2 = make_npy("by.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", y3, 16);
    snprintf(want, sizeof want, "by.npy: y has 2 labels but X (%s) has 3 rows", xp);
    expect_error(xp, y2, want, NULL);
    expect_error(xp, make_npy("by.npy", 1, ydict, y3, 16), "by.npy: truncated", NULL);
    int64_t yv[] = {0, 2, 1};
    expect_error(xp, make_npy("by.npy", 1, ydict, yv, sizeof yv), "by.npy: y[1] = 2 is not 0 or 1", NULL);
    int16_t yneg[] = {0, 1, -1};
    expect_error(xp, make_npy("by.npy", 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", yneg, 6),
                 "y[2] = -1 is not 0 or 1", NULL);
    double yf[] = {0, 0.5, 1};
    expect_error(xp, make_npy("by.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", yf, 24),
                 "y[1] = 0.5 is not 0 or 1", NULL);
    uint8_t ybool[] = {0, 1, 2};
    expect_error(xp, make_npy("by.npy", 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", ybool, 3),
                 "y[2] = 2 is not 0 or 1", NULL);
    expect_error(xp, make_npy("by.npy", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", y3, 6),
                 "by.npy: y type '<f2' is not supported", NULL);
    expect_error(xp, make_npy("by.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 2), }", y3, 24),
                 "by.npy: y must be 1-D", NULL);
    expect_error(xp, make_npy("by.npy", 1, "{'descr': '>i8', 'fortran_order': False, 'shape': (3,), }", y3, 24),
                 "by.npy: big-endian data ('>i8')", NULL);
}

/* Without a y file the rows are read to be scored: y all 0, marked
 * unlabelled; such data has no y to write. */
static void test_no_labels(void)
{
    wlr_dataset d;
    wlr_error err;
    CHECK(wlr_read_npy(good_x(), NULL, &d, &err) == WLR_OK && d.n_rows == 3 &&
          d.n_features == 2 && d.unlabelled && d.x[1] == 3 && d.x[3] == 2 &&
          d.y[0] == 0 && d.y[2] == 0, "X alone: %s", err.message);
    FILE *f = fopen(path_in_tmp("out.npy"), "wb");
    CHECK(wlr_write_npy(NULL, f, &d, &err) == WLR_ERR_ARG &&
          strstr(err.message, "fy: the data has no labels"), "y of unlabelled "
          "data written: %s", err.message);
    CHECK(ftell(f) == 0, "bytes written before the refusal");
    fclose(f);
    remove(path_in_tmp("out.npy"));
    wlr_dataset_free(&d);
    expect_error(NULL, NULL, "x_path: missing", NULL);
    expect_error(make_raw("bad.npy", "not npy", 7), NULL, "not a .npy file", NULL);
}

int main(void)
{
    strcpy(tmpdir, "/tmp/wlr_test_npy.XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    RUN(test_roundtrip);
    RUN(test_written_header);
    RUN(test_types);
    RUN(test_errors);
    RUN(test_no_labels);
    RUN(test_rows_on_demand);
    const char *names[] = {"x.npy", "y.npy", "x4.npy", "rx.npy", "ry.npy", "hx.npy",
                           "hy.npy", "bad.npy", "bx.npy", "by.npy", "ox.npy", "oy.npy",
                           "o4.npy", "o4y.npy"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) remove(path_in_tmp(names[i]));
    rmdir(tmpdir);
    return check_summary();
}
