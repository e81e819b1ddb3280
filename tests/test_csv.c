/*
 * test_csv.c - tests src/csv.c: the decimal parser against strtod (bit for
 * bit, on random and tricky input), the shortest round-trip formatter,
 * CSV round trips, the reader's options (the columns chosen, dropped, kept
 * as ids, found by name), its bounds, and every error message.
 *
 * Test files are written to a fresh directory under /tmp and removed.
 */
#include "internal.h"
#include "check.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Internal to csv.c (no header declares it): the decimal parser. */
char *wlr_csv_parse_number(char *p, char *end, double *out);

static char tmpdir[64];

/* splitmix64: a tiny deterministic generator for test data. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t bits_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Parses s with both parsers; returns 1 if they agree on the value's bits
 * and on where the number ends. */
static int agrees(const char *s)
{
    char buf[2048];
    size_t n = strlen(s);
    if (n >= sizeof buf) return 0;
    memcpy(buf, s, n + 1);
    char *stop;
    double want = strtod(s, &stop);
    double got = 0;
    char *end = wlr_csv_parse_number(buf, buf + n, &got);
    if (!end) return stop == s; /* both found no number */
    if (end - buf != stop - s) return 0;
    return bits_of(got) == bits_of(want);
}

static int n_mismatch;
static void expect_agrees(const char *s)
{
    if (!agrees(s) && n_mismatch++ < 10) {
        char buf[2048];
        double got = 0;
        snprintf(buf, sizeof buf, "%s", s);
        wlr_csv_parse_number(buf, buf + strlen(buf), &got);
        CHECK(0, "parse \"%s\": got %a, strtod %a", s, got, strtod(s, NULL));
    }
}

static void test_parse_tricky(void)
{
    static const char *cases[] = {
        "0", "-0", "+0", "0.0", "-0.0", "00000", "0e0", "0e-999", "-0e999",
        "1", "-1", "+1", "1.", ".5", "-.5", "+.5", "1.5", "007", "0.007",
        "1e10", "1E10", "1e+10", "1e-10", "1.5e300", "1.5e-300",
        "123456789012345678", "1234567890123456789", "12345678901234567890",
        "123456789012345678901234567890", "0.1", "0.2", "0.3", "3.14159",
        "9007199254740992", "9007199254740993", "9007199254740994",
        "9007199254740995", "9007199254740993e3", "9007199254740993e-3",
        "18014398509481985", "18014398509481987", "4503599627370497.5",
        "1.7976931348623157e308", "1.7976931348623158e308",
        "1.7976931348623159e308", "1.8e308", "1e309", "-1e309",
        "2.2250738585072014e-308", "2.2250738585072011e-308",
        "2.2250738585072012e-308", "4.9406564584124654e-324", "5e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-324",
        "1e-400", "1e-342", "1e-343", "1e308", "1e22", "1e23", "1e-22",
        "1e-23", "8.98846567431158e307", "0.000000000000000000000000001",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "7.2057594037927933e16", "3.0517578125e-05", "1.2364966060660394",
        "0.579271536192912", "-1.2364966060660394e-17",
        "9999999999999999999", "99999999999999999999", "1e", "1e+", "1e-",
        "1ex", "1.5x", "--1", "+-1", "-", "+", ".", "e5", "-e5", "1..2",
        "1.2.3", "1,5",
        "123456789012345678901234567890e-40", "1e2147483648",
        "1e-2147483649", "0.00000000000000000000000000000000000001e38",
    };
    n_mismatch = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) expect_agrees(cases[i]);
    /* By design only decimals: hex is read up to the x, and words are no
     * number (the CSV reader reports inf and nan as not finite itself). */
    char hex[] = "0x10", inf[] = "inf", nan[] = "nan";
    double v = 1;
    CHECK(wlr_csv_parse_number(hex, hex + 4, &v) == hex + 1 && v == 0, "0x10");
    CHECK(wlr_csv_parse_number(inf, inf + 3, &v) == NULL, "inf");
    CHECK(wlr_csv_parse_number(nan, nan + 3, &v) == NULL, "nan");
    /* Long runs of digits and zeros. */
    char big[1200];
    memset(big, '9', 800);
    big[800] = '\0';
    expect_agrees(big);
    memcpy(big, "0.", 2);
    memset(big + 2, '0', 700);
    strcpy(big + 702, "123e600");
    expect_agrees(big);
}

/* Random doubles, printed every way a CSV file might hold them. */
static void test_parse_random(void)
{
    /* Enough to exercise every path; bench-scale runs are in the report. */
    const int count = 60000;
    char s[64];
    n_mismatch = 0;
    rng_state = 1;
    for (int i = 0; i < count; i++) {
        double v;
        switch (i % 4) {
        case 0: /* any finite double, any exponent */
            do v = from_bits(next_u64()); while (!isfinite(v));
            break;
        case 1: /* the generated data's typical range */
            v = ((double)(next_u64() >> 11) / 9007199254740992.0 - 0.5) * 8;
            break;
        case 2: /* subnormals */
            v = from_bits(next_u64() >> 12);
            break;
        default: /* integers and short decimals */
            v = (double)(int64_t)(next_u64() >> 20) / 1000.0;
            break;
        }
        static const char *fmts[] = {"%.17g", "%.15g", "%.16g", "%.17e", "%.21e",
                                     "%.10g", "%.3e", "%.19g"};
        for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++) {
            snprintf(s, sizeof s, fmts[f], v);
            expect_agrees(s);
        }
        wlr__format_double(s, sizeof s, v);
        expect_agrees(s);
        /* Random digit strings with random exponents, signs and zeros. */
        int nd = 1 + (int)(next_u64() % 22), k = 0;
        uint64_t r = next_u64();
        if (r & 1) s[k++] = (r & 2) ? '-' : '+';
        for (int j = 0; j < nd; j++) {
            if (j == (int)((r >> 8) % 24)) s[k++] = '.';
            s[k++] = (char)('0' + next_u64() % 10);
        }
        if (r & 4) k += snprintf(s + k, sizeof s - (size_t)k, "e%d",
                                 (int)((r >> 16) % 700) - 350);
        s[k] = '\0';
        expect_agrees(s);
    }
}

/* Exact midpoints between neighbouring doubles (ties, decided by the even
 * rule) and decimals just beside them: the hardest inputs for any fast path.
 * A midpoint has 54 significant bits, which long double holds exactly where
 * it has a 64-bit mantissa; printf then gives its exact decimal. */
static void test_parse_halfway(void)
{
#if LDBL_MANT_DIG >= 64
    char s[256];
    n_mismatch = 0;
    rng_state = 2;
    for (int i = 0; i < 20000; i++) {
        double v;
        if (i % 2) do v = from_bits(next_u64() >> 1); while (!isfinite(v) || v == 0);
        else v = ldexp((double)((next_u64() >> 11) | 1), (int)(next_u64() % 200) - 100 - 52);
        double up = nextafter(v, INFINITY);
        if (!isfinite(up)) continue;
        long double mid = ((long double)v + (long double)up) / 2;
        static const char *fmts[] = {"%.60Le", "%.18Le", "%.17Le", "%.16Le", "%.40Lg"};
        for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++) {
            snprintf(s, sizeof s, fmts[f], mid);
            expect_agrees(s);
        }
    }
#endif
}

/* wlr__format_double: shortest text that reads back as the same bits. */
static int round_trips_at(double v, int prec)
{
    char s[400];
    snprintf(s, sizeof s, "%.*g", prec, v);
    return bits_of(strtod(s, NULL)) == bits_of(v);
}

static void test_format_shortest(void)
{
    char s[64];
    struct { double v; const char *text; } known[] = {
        {0.0, "0"}, {-0.0, "-0"}, {1.0, "1"}, {-2.5, "-2.5"}, {0.1, "0.1"},
        {1e23, "1e+23"}, {5e-324, "5e-324"}, {DBL_MAX, "1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"}, {1.0 / 3, "0.3333333333333333"},
        {123456.0, "123456"}, {1e-7, "1e-07"}, {0.30000000000000004, "0.30000000000000004"},
        {INFINITY, "inf"}, {-INFINITY, "-inf"},
        /* whole numbers positional up to 10^16, as a person writes them */
        {50.0, "50"}, {-1200.0, "-1200"}, {1e15, "1000000000000000"},
        {9.5e15, "9500000000000000"}, {1e16, "1e+16"}, {1.5e16, "1.5e+16"},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        int n = wlr__format_double(s, sizeof s, known[i].v);
        CHECK(strcmp(s, known[i].text) == 0 && n == (int)strlen(s),
              "format %a: \"%s\", want \"%s\"", known[i].v, s, known[i].text);
    }
    /* Truncation behaves like snprintf. */
    char small[4];
    int n = wlr__format_double(small, sizeof small, 0.125);
    CHECK(n == 5 && strcmp(small, "0.1") == 0, "truncated: %d \"%s\"", n, small);

    /* Against the definition: the first precision 1, 2, ... 17 whose "%.*g"
     * strtod reads back as the same bits, character for character, but for
     * an exponent of 0 to 15, written out positionally ("5e+01" as "50"). */
    rng_state = 3;
    int bad = 0;
    for (int i = 0; i < 30000 && bad < 5; i++) {
        double v;
        switch (i % 6) {
        case 0: do v = from_bits(next_u64()); while (!isfinite(v)); break;
        case 1: v = ldexp(1.0, (int)(next_u64() % 2098) - 1074); break; /* powers of 2 */
        case 2: v = (double)(next_u64() % 100000) / 1000.0; break;
        case 3: v = from_bits(next_u64() >> 12); break; /* subnormals */
        case 4: v = (double)(next_u64() % 100000000) * pow(10, (double)(int)(next_u64() % 44) - 22); break;
        default: v = ((double)(next_u64() >> 11) / 9007199254740992.0 - 0.5) * 8;
        }
        char want[400];
        int p = 1;
        while (p < 17 && !round_trips_at(v, p)) p++;
        snprintf(want, sizeof want, "%.*g", p, v);
        int e10 = strchr(want, 'e') ? atoi(strchr(want, 'e') + 1) : -1;
        if (e10 >= 0 && e10 <= 15) snprintf(want, sizeof want, "%.0f", v);
        if (v == 0) snprintf(want, sizeof want, "%s", signbit(v) ? "-0" : "0");
        int len = wlr__format_double(s, sizeof s, v);
        if (strcmp(s, want) != 0 || len != (int)strlen(want)) {
            bad++;
            CHECK(0, "format %a gave \"%s\", want \"%s\"", v, s, want);
        }
    }
}

/* ------------------------------------------------------------ files */

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

static const char *write_file(const char *name, const char *data, size_t len)
{
    const char *path = path_in_tmp(name);
    FILE *f = fopen(path, "wb");
    if (!f) return path;
    fwrite(data, 1, len, f);
    fclose(f);
    return path;
}

static const char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

/* Reads text as a CSV with options o (NULL = defaults); returns the status
 * and leaves the dataset in d. */
static wlr_status read_text(const char *text, const wlr_csv_options *o,
                            wlr_dataset *d, wlr_error *err)
{
    const char *path = write_text("t.csv", text);
    err->message[0] = '\0';
    return wlr_read_csv(path, o, d, err);
}

/* Expects reading text to fail with a message containing each of the given
 * fragments, and the output to be left empty. */
static void expect_error(const char *text, const wlr_csv_options *o,
                         const char *frag1, const char *frag2)
{
    wlr_dataset d;
    wlr_error err;
    wlr_status st = read_text(text, o, &d, &err);
    CHECK(st != WLR_OK, "reading %s should fail", text);
    CHECK(strstr(err.message, frag1) != NULL, "message \"%s\" lacks \"%s\"",
          err.message, frag1);
    if (frag2)
        CHECK(strstr(err.message, frag2) != NULL, "message \"%s\" lacks \"%s\"",
              err.message, frag2);
    CHECK(d.x == NULL && d.y == NULL && d.n_rows == 0 && d.names == NULL,
          "output not emptied after an error");
    wlr_dataset_free(&d);
}

static int same_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* A dataset of awkward doubles: every magnitude, subnormals, -0. */
static void make_dataset(wlr_dataset *d, size_t n, size_t dim, int weights)
{
    wlr_error err;
    wlr_dataset_alloc(d, n, dim, &err);
    for (size_t k = 0; k < n * dim; k++) {
        double v;
        switch (k % 5) {
        case 0: do v = from_bits(next_u64()); while (!isfinite(v)); break;
        case 1: v = from_bits(next_u64() >> 12); break; /* subnormal */
        case 2: v = k % 2 ? -0.0 : 0.0; break;
        default: v = ((double)(next_u64() >> 11) / 9007199254740992.0 - 0.5) * 6;
        }
        d->x[k] = v;
    }
    for (size_t i = 0; i < n; i++) d->y[i] = (uint8_t)(next_u64() % 7 == 0);
    if (weights) {
        d->weight = malloc(n * sizeof *d->weight);
        for (size_t i = 0; i < n; i++)
            d->weight[i] = (double)(1 + next_u64() % 1000) / 7.0;
    }
}

static void roundtrip(wlr_dataset *d, const wlr_csv_options *o)
{
    const char *path = path_in_tmp("rt.csv");
    FILE *f = fopen(path, "wb");
    wlr_error err;
    CHECK(wlr_write_csv(f, d, &err) == WLR_OK, "write: %s", err.message);
    fclose(f);
    wlr_dataset back;
    wlr_status st = wlr_read_csv(path, o, &back, &err);
    CHECK(st == WLR_OK, "read back: %s", err.message);
    if (st) return;
    CHECK(back.n_rows == d->n_rows && back.n_features == d->n_features,
          "shape %zu x %zu, want %zu x %zu", back.n_rows, back.n_features,
          d->n_rows, d->n_features);
    if (back.n_rows == d->n_rows && back.n_features == d->n_features) {
        CHECK(same_bits(back.x, d->x, d->n_rows * d->n_features), "x differs");
        CHECK(memcmp(back.y, d->y, d->n_rows) == 0, "y differs");
        CHECK((back.weight == NULL) == (d->weight == NULL), "weights lost");
        CHECK(back.unlabelled == d->unlabelled, "unlabelled mark lost");
        if (back.weight && d->weight)
            CHECK(same_bits(back.weight, d->weight, d->n_rows), "weights differ");
        for (size_t j = 0; j < d->n_features; j++) {
            char b1[32], b2[32];
            const char *n1 = wlr_feature_name(d, j, b1, sizeof b1);
            const char *n2 = wlr_feature_name(&back, j, b2, sizeof b2);
            CHECK(strcmp(n1, n2) == 0, "name %zu: \"%s\" back as \"%s\"", j, n1, n2);
        }
    }
    wlr_dataset_free(&back);
}

static void test_roundtrip(void)
{
    wlr_dataset d;
    rng_state = 4;
    make_dataset(&d, 3000, 3, 0);
    roundtrip(&d, NULL);
    wlr_dataset_free(&d);

    /* names that need quoting, and per-row weights */
    make_dataset(&d, 500, 4, 1);
    d.names = calloc(4, sizeof *d.names);
    const char *names[] = {"a,b", "say \"hi\"", " padded ", "plain"};
    for (int j = 0; j < 4; j++) d.names[j] = strcpy(malloc(strlen(names[j]) + 1), names[j]);
    wlr_csv_options o;
    wlr_csv_defaults(&o);
    o.weight = "weight";
    roundtrip(&d, &o);
    wlr_dataset_free(&d);

    /* one row, one feature */
    make_dataset(&d, 1, 1, 0);
    roundtrip(&d, NULL);
    wlr_dataset_free(&d);
}

/* What wlr_write_csv writes for d, read back from a file into text (cap
 * bytes with the terminating 0). */
static wlr_status written_text(const wlr_dataset *d, char *text, size_t cap)
{
    wlr_error err;
    const char *path = path_in_tmp("w.csv");
    FILE *f = fopen(path, "wb");
    wlr_status st = wlr_write_csv(f, d, &err);
    fclose(f);
    f = fopen(path, "rb");
    size_t n = fread(text, 1, cap - 1, f);
    fclose(f);
    text[n] = '\0';
    return st;
}

static void test_write_text(void)
{
    wlr_dataset d;
    wlr_error err;
    wlr_dataset_alloc(&d, 2, 2, &err);
    double x[] = {0.1, -0.0, 1e300, 2.5}; /* column-major: x1 = 0.1, -0; x2 = 1e300, 2.5 */
    memcpy(d.x, x, sizeof x);
    d.y[1] = 1;
    char text[256];
    CHECK(written_text(&d, text, sizeof text) == WLR_OK, "write failed");
    CHECK(strcmp(text, "x1,x2,y\n0.1,1e+300,0\n-0,2.5,1\n") == 0, "wrote \"%s\"", text);

    d.x[2] = NAN;
    FILE *f = fopen(path_in_tmp("w.csv"), "wb");
    CHECK(wlr_write_csv(f, &d, &err) == WLR_ERR_ARG && strstr(err.message, "row 1, feature 2"),
          "NaN accepted: %s", err.message);
    fclose(f);
    wlr_dataset_free(&d);
}

/* CRLF, no final newline, blank lines, BOM, spaces, quotes. */
static void test_read_forms(void)
{
    const char *texts[] = {
        "a,b,y\n1,2,0\n3,4,1\n",
        "a,b,y\r\n1,2,0\r\n3,4,1\r\n",
        "a,b,y\n1,2,0\n3,4,1",
        "a,b,y\r\n1,2,0\r\n3,4,1",
        "a,b,y\n1,2,0\n\n3,4,1\n\n\n  \n",
        ("\xef\xbb\xbf" "a,b,y\n1,2,0\n3,4,1\n"),
        "\"a\", \"b\" ,y\n 1 ,\"2\",0\n3,4e0, 1.0 \n",
        "\n\na,b,y\n1,2,0\n3,4,1\n",
    };
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        wlr_dataset d;
        wlr_error err;
        wlr_status st = read_text(texts[t], NULL, &d, &err);
        CHECK(st == WLR_OK, "text %zu: %s", t, err.message);
        if (st) continue;
        CHECK(d.n_rows == 2 && d.n_features == 2, "text %zu: %zu x %zu", t,
              d.n_rows, d.n_features);
        double want[] = {1, 3, 2, 4};
        CHECK(d.n_rows == 2 && memcmp(d.x, want, sizeof want) == 0, "text %zu: x", t);
        CHECK(d.y[0] == 0 && d.y[1] == 1, "text %zu: y", t);
        CHECK(d.names && strcmp(d.names[0], "a") == 0 && strcmp(d.names[1], "b") == 0,
              "text %zu: names", t);
        wlr_dataset_free(&d);
    }
}

static void test_read_options(void)
{
    wlr_dataset d;
    wlr_error err;
    wlr_csv_options o;

    /* no header: guessed, and forced */
    wlr_csv_defaults(&o);
    CHECK(read_text("1,2,0\n3,4,1\n", &o, &d, &err) == WLR_OK && d.n_rows == 2 &&
          d.names == NULL, "headerless: %s", err.message);
    wlr_dataset_free(&d);
    o.header = 1;
    CHECK(read_text("1,2,0\n3,4,1\n", &o, &d, &err) == WLR_OK && d.n_rows == 1 &&
          d.names && strcmp(d.names[0], "1") == 0, "forced header: %s", err.message);
    wlr_dataset_free(&d);
    o.header = 0;
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: cell 1 \"a\" is not a number", NULL);

    /* label by name, by index; weight column; feature order kept */
    wlr_csv_defaults(&o);
    o.label = "y";
    o.weight = "w";
    CHECK(read_text("y,a,w,b\n1,2,0.5,3\n0,4,2,5\n", &o, &d, &err) == WLR_OK,
          "label by name: %s", err.message);
    if (d.n_rows == 2) {
        double want[] = {2, 4, 3, 5}, ww[] = {0.5, 2};
        CHECK(d.n_features == 2 && memcmp(d.x, want, sizeof want) == 0, "x");
        CHECK(d.y[0] == 1 && d.y[1] == 0, "y");
        CHECK(d.weight && memcmp(d.weight, ww, sizeof ww) == 0, "weights");
        CHECK(strcmp(d.names[0], "a") == 0 && strcmp(d.names[1], "b") == 0, "names");
    }
    wlr_dataset_free(&d);
    o.label = "1";
    o.weight = "3";
    CHECK(read_text("1,2,0.5,3\n0,4,2,5\n", &o, &d, &err) == WLR_OK &&
          d.n_features == 2 && d.y[0] == 1 && d.weight[1] == 2,
          "by index: %s", err.message);
    wlr_dataset_free(&d);

    /* positive: any two values; words in the label column are no header */
    wlr_csv_defaults(&o);
    o.positive = "yes";
    CHECK(read_text("1,no\n2,yes\n3,no\n", &o, &d, &err) == WLR_OK &&
          d.n_rows == 3 && d.y[0] == 0 && d.y[1] == 1 && d.y[2] == 0,
          "positive: %s", err.message);
    wlr_dataset_free(&d);
    o.positive = "0"; /* classes swapped */
    CHECK(read_text("x,y\n1,1\n2,0\n", &o, &d, &err) == WLR_OK &&
          d.y[0] == 0 && d.y[1] == 1, "positive 0: %s", err.message);
    wlr_dataset_free(&d);
    /* all one class is fine without positive */
    CHECK(read_text("x,y\n1,0\n2,0\n", NULL, &d, &err) == WLR_OK && d.n_rows == 2,
          "one class: %s", err.message);
    wlr_dataset_free(&d);
    /* a column named like an index: the name first */
    wlr_csv_defaults(&o);
    o.label = "2";
    o.header = 1;
    CHECK(read_text("a,1,2\n7,8,0\n", &o, &d, &err) == WLR_OK && d.n_features == 2 &&
          strcmp(d.names[0], "a") == 0 && strcmp(d.names[1], "1") == 0 &&
          d.x[1] == 8 && strcmp(d.label_name, "2") == 0,
          "name before index: %s", err.message);
    wlr_dataset_free(&d);
    /* subnormal and tiny values read as strtod reads them */
    CHECK(read_text("4.9e-324,1e-400,0\n", NULL, &d, &err) == WLR_OK &&
          d.x[0] == 4.9e-324 && d.x[1] == 0, "tiny: %s", err.message);
    wlr_dataset_free(&d);
}

static void test_read_errors(void)
{
    wlr_csv_options o;
    expect_error("", NULL, "t.csv: empty file", NULL);
    expect_error("\n\n  \n", NULL, "t.csv: empty file", NULL);
    expect_error("a,b,y\n", NULL, "t.csv:1: header but no rows", NULL);
    expect_error("a,b,y\n1,2,0\n1,2\n", NULL, "t.csv:3: expected 3 cells, found 2", NULL);
    expect_error("a,b,y\n1,2,0\n1,2,0,4,5\n", NULL, "t.csv:3: expected 3 cells, found 5", NULL);
    expect_error("a,b,y\n1,2,0,\n", NULL, "t.csv:2: expected 3 cells, found 4", NULL);
    expect_error("1,2,0\n5,abc,1\n", NULL, "t.csv:2: cell 2 \"abc\" is not a number", NULL);
    expect_error("1,2,0\n5,1.5.2,1\n", NULL, "t.csv:2: cell 2 \"1.5.2\" is not a number", NULL);
    expect_error("1,2,0\ninf,2,1\n", NULL, "t.csv:2: cell 1 is not finite (inf)", NULL);
    expect_error("1,2,0\n1e999,2,1\n", NULL, "t.csv:2: cell 1 is not finite (1e999)", NULL);
    expect_error("1,2,0\n-nan,2,1\n", NULL, "t.csv:2: cell 1 is not finite (-nan)", NULL);
    expect_error("1,2,0\n1,,1\n", NULL, "t.csv:2: cell 2 is empty", NULL);
    expect_error("a,b,y\n1,2,2\n", NULL, "t.csv:2: label \"2\" in cell 3 is not 0 or 1",
                 "give positive");
    expect_error("a,b,y\n1,2,0\n1,2,\"q\"\"\"\n", NULL, "t.csv:3: label \"q\\x22\" in cell 3", NULL);
    expect_error("a,b,y\n1,\"2,0\n", NULL, "t.csv:2: cell 2: a quote is not closed", NULL);
    expect_error("a,\"b\nc\",y\n1,2,0\n", NULL, "t.csv:1: a quote is not closed", NULL);
    expect_error("y\n1\n", NULL, "t.csv:1: no feature columns", NULL);

    wlr_csv_defaults(&o);
    o.positive = "a";
    expect_error("1,a\n2,b\n3,c\n", &o, "t.csv:3: a third label value \"c\"",
                 "positive is \"a\", the other value is \"b\"");
    expect_error("1,b\n2,b\n", &o, "t.csv:1: the positive label \"a\" never occurs",
                 "every label is \"b\"");
    o.positive = "";
    expect_error("1,b\n", &o, "positive: empty", NULL);

    wlr_csv_defaults(&o);
    o.label = "target";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: no column named \"target\" for the label", NULL);
    o.header = 0;
    expect_error("1,2,0\n", &o, "t.csv:1: label column \"target\" is a name, but the file has no header", NULL);
    wlr_csv_defaults(&o);
    o.label = "4";
    expect_error("1,2,0\n", &o, "t.csv:1: label column 4 is out of range (the file has 3 columns)", NULL);
    o.label = "0";
    expect_error("1,2,0\n", &o, "label column 0 is out of range", NULL);
    wlr_csv_defaults(&o);
    o.weight = "3";
    expect_error("1,2,0\n", &o, "t.csv:1: the weight column is the label column (column 3)", NULL);
    o.weight = "1";
    expect_error("1,2\n", &o, "t.csv:1: no feature columns", NULL);
    expect_error("1,2,0\n0,2,1\n", &o, "t.csv:2: cell 1: weight 0 is not positive", NULL);
    expect_error("1,2,0\n-1,2,1\n", &o, "t.csv:2: cell 1: weight -1 is not positive", NULL);
    expect_error("1,2,0\nnan,2,1\n", &o, "t.csv:2: cell 1 is not finite (nan)", NULL);

    /* binary junk: a clear message, never a crash */
    static const char bin1[] = "1,2,0\n1,\0\0\x01,0\n";
    wlr_dataset d;
    wlr_error err;
    wlr_status st = wlr_read_csv(write_file("t.csv", bin1, sizeof bin1 - 1), NULL, &d, &err);
    CHECK(st == WLR_ERR_DATA && strstr(err.message, "t.csv:2: a NUL byte"), "NUL: %s", err.message);
    static const char bin2[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0";
    st = wlr_read_csv(write_file("t.csv", bin2, sizeof bin2 - 1), NULL, &d, &err);
    CHECK(st == WLR_ERR_DATA, "PNG read as CSV: %s", err.message);
    rng_state = 5;
    for (int k = 0; k < 200; k++) { /* random bytes */
        char junk[300];
        for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)(next_u64() % (k % 2 ? 256 : 16) + (k % 2 ? 0 : 40));
        st = wlr_read_csv(write_file("t.csv", junk, sizeof junk), NULL, &d, &err);
        wlr_dataset_free(&d);
    }

    st = wlr_read_csv(path_in_tmp("missing.csv"), NULL, &d, &err);
    CHECK(st == WLR_ERR_IO && strstr(err.message, "missing.csv: cannot open (No such file"),
          "missing: %s", err.message);
    st = wlr_read_csv(tmpdir, NULL, &d, &err);
    CHECK(st == WLR_ERR_IO && strstr(err.message, ": cannot open (Is a directory)") != NULL, "directory: %s", err.message);
}

/* A line far longer than the read block, and many rows (the arrays grow). */
static void test_read_big(void)
{
    size_t dim = 150000; /* ~1.2 MB on one line */
    size_t cap = dim * 12 + 64;
    char *text = malloc(cap * 2);
    size_t k = 0;
    for (int row = 0; row < 2; row++) {
        for (size_t j = 0; j < dim; j++) k += (size_t)sprintf(text + k, "%zu.5,", j + (size_t)row);
        k += (size_t)sprintf(text + k, "%d\n", row);
    }
    wlr_dataset d;
    wlr_error err;
    wlr_status st = wlr_read_csv(write_file("big.csv", text, k), NULL, &d, &err);
    CHECK(st == WLR_OK && d.n_rows == 2 && d.n_features == dim, "long line: %s", err.message);
    if (st == WLR_OK)
        CHECK(d.x[(dim - 1) * 2 + 1] == (double)dim + 0.5 && d.y[1] == 1, "long line values");
    wlr_dataset_free(&d);
    free(text);

    size_t rows = 50000;
    text = malloc(rows * 16);
    k = 0;
    for (size_t i = 0; i < rows; i++) k += (size_t)sprintf(text + k, "%zu,%zu,%zu\n", i, 2 * i, i % 2);
    st = wlr_read_csv(write_file("rows.csv", text, k), NULL, &d, &err);
    CHECK(st == WLR_OK && d.n_rows == rows, "rows: %s", err.message);
    int ok = st == WLR_OK;
    for (size_t i = 0; ok && i < rows; i++)
        ok = d.x[i] == (double)i && d.x[rows + i] == 2.0 * (double)i && d.y[i] == i % 2;
    CHECK(ok, "rows: values");
    wlr_dataset_free(&d);
    free(text);
}

/* no_label = 1: rows to score, every column but the weight a feature, y all
 * 0 and the dataset marked unlabelled; -1 decides by the column count. */
static void test_read_no_label(void)
{
    wlr_csv_options o;
    wlr_dataset d;
    wlr_error err;
    wlr_csv_defaults(&o);
    o.no_label = 1;
    CHECK(read_text("a,b\n1.5,2\n3,1\n", &o, &d, &err) == WLR_OK &&
          d.n_rows == 2 && d.n_features == 2 && d.unlabelled && d.names &&
          strcmp(d.names[1], "b") == 0 && d.x[1] == 3 && d.x[3] == 1 &&
          d.y[0] == 0 && d.y[1] == 0 && d.weight == NULL,
          "header, no label: %s", err.message);
    wlr_dataset_free(&d);
    /* headerless: the last column (the label's usual place) is a feature */
    CHECK(read_text("1,2,1\n4,5,0\n", &o, &d, &err) == WLR_OK &&
          d.n_features == 3 && d.names == NULL && d.unlabelled &&
          d.x[4] == 1 && d.y[0] == 0, "headerless, no label: %s", err.message);
    wlr_dataset_free(&d);
    o.weight = "w";
    CHECK(read_text("a,w,b\n1,2,3\n4,0.5,6\n", &o, &d, &err) == WLR_OK &&
          d.n_features == 2 && d.weight && d.weight[1] == 0.5 &&
          d.x[2] == 3 && strcmp(d.names[1], "b") == 0, "weight, no label: %s",
          err.message);
    wlr_dataset_free(&d);

    /* -1: no label column iff expect_features columns besides the weight */
    wlr_csv_defaults(&o);
    o.no_label = -1;
    o.expect_features = 2;
    CHECK(read_text("a,b\n1,2\n", &o, &d, &err) == WLR_OK && d.unlabelled &&
          d.n_features == 2, "auto, 2 columns: %s", err.message);
    wlr_dataset_free(&d);
    CHECK(read_text("a,b,y\n1,2,1\n", &o, &d, &err) == WLR_OK && !d.unlabelled &&
          d.n_features == 2 && d.y[0] == 1, "auto, 3 columns: %s", err.message);
    wlr_dataset_free(&d);
    o.weight = "3";
    CHECK(read_text("1,2,7\n", &o, &d, &err) == WLR_OK && d.unlabelled &&
          d.n_features == 2 && d.weight[0] == 7, "auto with weight: %s", err.message);
    wlr_dataset_free(&d);
    o.weight = NULL;
    /* with the names expected and a header: the features by name, anywhere;
     * the label by its name if the file has it; other columns ignored */
    char *want[] = {"a", "b"};
    o.expect_names = want;
    o.expect_label = "y";
    CHECK(read_text("y,b,id,a\n1,2,x,3\n0,4,z,5\n", &o, &d, &err) == WLR_OK &&
          !d.unlabelled && d.n_features == 2 && d.y[0] == 1 && d.y[1] == 0 &&
          d.x[0] == 3 && d.x[3] == 4 && strcmp(d.names[0], "a") == 0 &&
          strcmp(d.label_name, "y") == 0, "label by name: %s", err.message);
    wlr_dataset_free(&d);
    /* no column of the label's name: no label, whatever else is there */
    CHECK(read_text("c,b,a\n7,2,0\n", &o, &d, &err) == WLR_OK && d.unlabelled &&
          d.n_features == 2 && d.x[0] == 0 && d.label_name == NULL,
          "label name absent: %s", err.message);
    wlr_dataset_free(&d);
    expect_error("y,c,a\n1,2,0\n", &o, "t.csv:1: no column named \"b\" "
                 "(expected feature 2 of 2)", NULL);
    expect_error("a,b,a\n1,2,0\n", &o, "t.csv:1: \"a\" names columns 1 and 3 "
                 "(expected feature 1)", NULL);
    /* no header: no names to go by, the count decides */
    CHECK(read_text("1,2,0\n", &o, &d, &err) == WLR_OK && d.n_features == 2 &&
          d.x[0] == 1 && d.y[0] == 0, "headerless: %s", err.message);
    wlr_dataset_free(&d);
    /* the label as training read it: positive, and no row of it is fine */
    o.positive = "yes";
    o.allow_no_positive = 1;
    CHECK(read_text("a,b,y\n1,2,no\n3,4,no\n", &o, &d, &err) == WLR_OK &&
          !d.unlabelled && d.y[0] == 0 && d.y[1] == 0, "no positive row: %s",
          err.message);
    wlr_dataset_free(&d);
    o.allow_no_positive = 0;
    expect_error("a,b,y\n1,2,no\n", &o, "t.csv:1: the positive label \"yes\" never occurs", NULL);
    o.positive = NULL;
    o.expect_names = NULL;
    o.expect_label = NULL;
    /* no_label = 0, a label said to be there: the column of the label's
     * name, wherever it is; without one, the last column left */
    o.no_label = 0;
    o.expect_names = want;
    o.expect_label = "y";
    CHECK(read_text("y,b,a,note\n1,2,3,x\n", &o, &d, &err) == WLR_OK &&
          !d.unlabelled && d.y[0] == 1 && strcmp(d.label_name, "y") == 0 &&
          d.x[0] == 3, "no_label 0, label by name: %s", err.message);
    wlr_dataset_free(&d);
    o.expect_label = "target";
    expect_error("y,b,a,note\n1,2,3,x\n", &o, "t.csv:2: label \"x\" in cell 4", NULL);
    o.no_label = -1;
    o.expect_names = NULL;
    o.expect_label = NULL;
    /* any other count is an error, whatever the last column holds */
    expect_error("a,b,c,d\n1,2,3,0.5\n", &o, "t.csv:1: 4 columns; expected 2 "
                 "feature columns, or 3 with a label column", NULL);
    expect_error("7\n", &o, "t.csv:1: 1 column; expected 2", NULL);
    o.weight = "w";
    expect_error("a,w,b,c,d\n1,1,2,3,4\n", &o, "t.csv:1: 4 columns besides the "
                 "weight; expected 2", NULL);
    o.weight = NULL;

    /* what the no-label reader refuses */
    wlr_csv_defaults(&o);
    o.no_label = 1;
    expect_error("a,b\n1,2\n1,2,3\n", &o, "t.csv:3: expected 2 cells, found 3", NULL);
    expect_error("a,b\n1,2\n1\n", &o, "t.csv:3: expected 2 cells, found 1", NULL);
    expect_error("1,2\n1,yes\n", &o, "t.csv:2: cell 2 \"yes\" is not a number", NULL);
    expect_error("1,2\n1,\n", &o, "t.csv:2: cell 2 is empty", NULL);
    expect_error("a,b\n", &o, "t.csv:1: header but no rows", NULL);
    expect_error("", &o, "t.csv: empty file", NULL);
    o.weight = "w";
    expect_error("w\n1\n", &o, "t.csv:1: no feature columns (1 column, all weight)", NULL);
    expect_error("a,w\n1,0\n", &o, "t.csv:2: cell 2: weight 0 is not positive", NULL);
    o.weight = NULL;
    o.label = "y";
    expect_error("a,y\n1,0\n", &o, "no_label: the file has no label column, yet "
                 "label is given", NULL);
    o.label = NULL;
    o.positive = "yes";
    expect_error("a,y\n1,yes\n", &o, "yet positive is given", NULL);
    o.positive = NULL;
    o.no_label = 2;
    expect_error("a\n1\n", &o, "no_label: 2 is not 0, 1 or -1", NULL);
    o.no_label = -1;
    expect_error("a\n1\n", &o, "expect_features: 0", NULL);
    o.expect_features = 1;
    o.label = "a";
    expect_error("a,b\n1,0\n", &o, "no_label: -1 finds the label column itself", NULL);
    o.label = NULL;
    o.no_label = 0;
    o.expect_features = 0;
    o.expect_names = want;
    expect_error("a,b\n1,0\n", &o, "expect_features: 0", NULL);
}

/* Unlabelled data is written without a y column and reads back the same
 * with no_label = 1. */
static void test_write_unlabelled(void)
{
    wlr_dataset d;
    wlr_error err;
    wlr_dataset_alloc(&d, 2, 2, &err);
    double x[] = {0.1, -0.0, 1e300, 2.5};
    memcpy(d.x, x, sizeof x);
    d.unlabelled = 1;
    char text[256];
    CHECK(written_text(&d, text, sizeof text) == WLR_OK, "write failed");
    CHECK(strcmp(text, "x1,x2\n0.1,1e+300\n-0,2.5\n") == 0, "wrote \"%s\"", text);
    wlr_dataset_free(&d);

    wlr_csv_options o;
    wlr_csv_defaults(&o);
    o.no_label = 1;
    rng_state = 9;
    make_dataset(&d, 300, 3, 0);
    memset(d.y, 0, d.n_rows);
    d.unlabelled = 1;
    roundtrip(&d, &o);
    wlr_dataset_free(&d);
    make_dataset(&d, 200, 2, 1);
    memset(d.y, 0, d.n_rows);
    d.unlabelled = 1;
    o.weight = "weight";
    roundtrip(&d, &o);
    wlr_dataset_free(&d);
}

/* columns: the features listed, in that order; the other columns ignored
 * (text there is fine); the label by default the last column not listed. */
static void test_read_columns(void)
{
    wlr_csv_options o;
    wlr_dataset d;
    wlr_error err;
    wlr_csv_defaults(&o);
    o.columns = "c, 1";
    CHECK(read_text("a,id,c,y\n1,x7,3,0\n4,\"q,r\",6,1\n", &o, &d, &err) == WLR_OK &&
          d.n_features == 2 && d.x[0] == 3 && d.x[1] == 6 && d.x[2] == 1 &&
          d.x[3] == 4 && strcmp(d.names[0], "c") == 0 &&
          strcmp(d.names[1], "a") == 0 && d.y[1] == 1 &&
          strcmp(d.label_name, "y") == 0, "columns c,1: %s", err.message);
    wlr_dataset_free(&d);
    /* the label is the last column not listed: here the first */
    o.columns = "2,3";
    CHECK(read_text("1,2,3\n0,5,6\n", &o, &d, &err) == WLR_OK && d.n_features == 2 &&
          d.y[0] == 1 && d.y[1] == 0 && d.x[0] == 2 && d.names == NULL,
          "label before the columns: %s", err.message);
    wlr_dataset_free(&d);
    /* header-less with a text column not listed: no header guessed */
    o.columns = "1";
    CHECK(read_text("1,abc,0\n2,def,1\n", &o, &d, &err) == WLR_OK && d.n_rows == 2 &&
          d.names == NULL, "text outside the columns: %s", err.message);
    wlr_dataset_free(&d);

    /* a feature listed at the end: the label is the last column not listed */
    o.columns = "a,y";
    CHECK(read_text("a,b,y\n1,0,5\n2,1,6\n", &o, &d, &err) == WLR_OK &&
          d.y[1] == 1 && strcmp(d.label_name, "b") == 0 && d.x[3] == 6,
          "label not listed: %s", err.message);
    wlr_dataset_free(&d);
    o.label = "y";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: columns: column 3 (\"y\") is the "
                 "label column", NULL);
    o.label = NULL;
    o.weight = "w";
    o.columns = "a,w";
    expect_error("a,w,y\n1,2,0\n", &o, "t.csv:1: columns: column 2 (\"w\") is the "
                 "weight column", NULL);
    o.weight = NULL;
    o.columns = "a,1";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: columns: column 1 (\"a\") is "
                 "listed twice", NULL);
    o.columns = "a,zz";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: columns: no column named \"zz\"", NULL);
    o.columns = "5";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: columns: column 5 is out of range "
                 "(the file has 3 columns)", NULL);
    o.columns = "a";
    o.header = 0;
    expect_error("1,2,0\n", &o, "t.csv:1: columns: column \"a\" is a name, but the "
                 "file has no header", NULL);
    o.header = -1;
    expect_error("a,b,a,y\n1,2,3,0\n", &o, "t.csv:1: columns: \"a\" names columns 1 "
                 "and 3; give it by index", NULL);
    o.columns = "a,,b";
    expect_error("a,b,y\n1,2,0\n", &o, "columns: an empty item in \"a,,b\"", NULL);
    o.columns = "a,";
    expect_error("a,b,y\n1,2,0\n", &o, "columns: an empty item", NULL);
    o.columns = "a";
    o.drop = "b";
    expect_error("a,b,y\n1,2,0\n", &o, "columns, drop: give one, not both", NULL);
    o.drop = NULL;
    /* every column a feature: none is left for the label */
    o.columns = "a,b";
    expect_error("a,b\n1,2\n", &o, "t.csv:1: no column is left for the label", NULL);
    /* a list longer than any file is wide */
    size_t n = WLR_CSV_MAX_COLUMNS + 1;
    char *list = malloc(2 * n);
    for (size_t i = 0; i < n; i++) {
        list[2 * i] = 'a';
        list[2 * i + 1] = i + 1 < n ? ',' : '\0';
    }
    o.columns = list;
    expect_error("a,b,y\n1,2,0\n", &o, "columns: 1000001 items; a file has at most "
                 "1000000 columns", NULL);
    free(list);
}

/* drop: those columns ignored, every other one a feature (or the label,
 * weight, id). */
static void test_read_drop(void)
{
    wlr_csv_options o;
    wlr_dataset d;
    wlr_error err;
    wlr_csv_defaults(&o);
    o.drop = "name,4";
    CHECK(read_text("name,a,b,when,y\nann,1,2,2024-01-01,0\nbob,3,4,x,1\n", &o,
                    &d, &err) == WLR_OK && d.n_features == 2 &&
          strcmp(d.names[0], "a") == 0 && strcmp(d.names[1], "b") == 0 &&
          d.x[1] == 3 && d.x[2] == 2 && d.y[1] == 1, "drop: %s", err.message);
    wlr_dataset_free(&d);
    /* the label by default: the last column not dropped */
    o.drop = "3";
    CHECK(read_text("1,0,junk\n2,1,junk\n", &o, &d, &err) == WLR_OK &&
          d.n_features == 1 && d.y[1] == 1 && d.names == NULL,
          "drop the last column: %s", err.message);
    wlr_dataset_free(&d);

    o.drop = "y";
    CHECK(read_text("a,b,y\n1,0,x\n", &o, &d, &err) == WLR_OK && d.n_features == 1 &&
          strcmp(d.label_name, "b") == 0, "label not dropped: %s", err.message);
    wlr_dataset_free(&d);
    o.label = "y";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: drop: column 3 (\"y\") is the "
                 "label column", NULL);
    o.label = NULL;
    o.weight = "2";
    o.drop = "b";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: drop: column 2 (\"b\") is the "
                 "weight column", NULL);
    o.weight = NULL;
    o.drop = "a,1";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: drop: column 1 (\"a\") is listed "
                 "twice", NULL);
    o.drop = "a,b";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: no feature columns (3 columns, "
                 "all label or dropped)", NULL);
    o.drop = "zz";
    expect_error("a,b,y\n1,2,0\n", &o, "t.csv:1: drop: no column named \"zz\"", NULL);
}

/* In a file with a header every column read has a name of its own; a
 * column left out needs none (pandas' unnamed index column). */
static void test_read_header_names(void)
{
    wlr_csv_options o;
    wlr_dataset d;
    wlr_error err;
    const char *pandas = ",x1,x2,y\n0,1.5,2,0\n1,3,4,1\n";
    expect_error(pandas, NULL, "t.csv:1: column 1 has an empty name; name it in "
                 "the header, or leave it out with --drop 1", NULL);
    wlr_csv_defaults(&o);
    o.drop = "1";
    CHECK(read_text(pandas, &o, &d, &err) == WLR_OK && d.n_features == 2 &&
          strcmp(d.names[0], "x1") == 0 && d.x[1] == 3, "pandas index dropped: %s",
          err.message);
    wlr_dataset_free(&d);
    expect_error("x1,x2,x1,y\n1,2,3,0\n", NULL, "t.csv:1: \"x1\" appears in columns 1 "
                 "and 3; rename one, or leave one out with --drop 3", NULL);
    expect_error("a,x2,b,c,x2,y\n1,2,3,4,5,0\n", NULL, "\"x2\" appears in columns 2 and 5",
                 NULL);
    /* two columns of one name, one of them not read: fine */
    o.drop = "3";
    CHECK(read_text("x1,x2,x1,y\n1,2,3,0\n", &o, &d, &err) == WLR_OK &&
          d.n_features == 2 && strcmp(d.names[0], "x1") == 0 && d.x[0] == 1,
          "duplicate dropped: %s", err.message);
    wlr_dataset_free(&d);
    /* the label or weight with a repeated or empty name */
    o.drop = NULL;
    expect_error("y,x2,y\n1,2,0\n", NULL, "t.csv:1: \"y\" appears in columns 1 and 3; "
                 "rename one, or leave one out with --drop 1", NULL);
    expect_error("x1,x2,\n1,2,0\n", NULL, "t.csv:1: column 3, the label column, has an "
                 "empty name; name it in the header", NULL);
    /* the label and the weight of one name: no feature to leave out */
    o.weight = "2";
    o.label = "3";
    err.message[0] = '\0';
    CHECK(read_text("a,w,w\n1,2,0\n", &o, &d, &err) == WLR_ERR_DATA &&
          strstr(err.message, "t.csv:1: \"w\" appears in columns 2 and 3; rename "
                 "one") && !strstr(err.message, "--drop"),
          "label and weight of one name: %s", err.message);
    o.label = NULL;
    o.weight = "y";
    expect_error("a,y,y\n1,2,0\n", &o, "t.csv:1: \"y\" names columns 2 and 3; give the "
                 "weight column by index", NULL);
}

/* A feature that is not a number names its column and the way out. */
static void test_read_text_column(void)
{
    wlr_csv_options o;
    expect_error("id,a,y\nA7,1,0\n", NULL, "t.csv:2: cell 1 \"A7\" is not a number "
                 "(column 1 (\"id\"); not a feature? leave it out with --drop id)", NULL);
    expect_error("1,2,0\n3,B,1\n", NULL, "t.csv:2: cell 2 \"B\" is not a number "
                 "(column 2; not a feature? leave it out with --drop 2)", NULL);
    /* a name that is not one plain word is given by index */
    expect_error("\"x, y\",a,y\nA7,1,0\n", NULL, "leave it out with --drop 1)", NULL);
    wlr_csv_defaults(&o);
    o.weight = "w";
    expect_error("a,w,y\n1,heavy,0\n", &o, "t.csv:2: cell 2 \"heavy\" is not a number "
                 "(the weight column)", NULL);
}

/* The id column: kept as text, row by row, or read past. */
static void test_read_ids(void)
{
    wlr_csv_options o;
    wlr_dataset d;
    wlr_text_column ids;
    wlr_error err;
    wlr_csv_defaults(&o);
    o.id = "key";
    const char *path = write_text("t.csv", "a,key,y\n1, \"k,1\" ,0\n2,k 2,1\n3,,0\n");
    CHECK(wlr_read_csv_ids(path, &o, &d, &ids, &err) == WLR_OK && d.n_features == 1 &&
          ids.n == 3 && strcmp(ids.cell[0], "k,1") == 0 &&
          strcmp(ids.cell[1], "k 2") == 0 && strcmp(ids.cell[2], "") == 0 &&
          strcmp(ids.name, "key") == 0 && d.x[2] == 3, "ids: %s", err.message);
    wlr_dataset_free(&d);
    wlr_text_column_free(&ids);
    CHECK(wlr_read_csv(path, &o, &d, &err) == WLR_OK && d.n_features == 1 &&
          strcmp(d.names[0], "a") == 0, "id read past: %s", err.message);
    wlr_dataset_free(&d);
    /* by index without a header, over many rows (the offsets grow) */
    size_t rows = 5000;
    char *text = malloc(rows * 32);
    size_t k = 0;
    for (size_t i = 0; i < rows; i++) k += (size_t)sprintf(text + k, "r%zu,%zu,%zu\n", i, i, i % 2);
    path = write_file("t.csv", text, k);
    free(text);
    o.id = "1";
    wlr_status st = wlr_read_csv_ids(path, &o, &d, &ids, &err);
    CHECK(st == WLR_OK && ids.n == rows && ids.name == NULL, "ids by index: %s", err.message);
    int ok = st == WLR_OK;
    for (size_t i = 0; ok && i < rows; i++) {
        char want[32];
        snprintf(want, sizeof want, "r%zu", i);
        ok = strcmp(ids.cell[i], want) == 0 && d.x[i] == (double)i;
    }
    CHECK(ok, "ids by index: values");
    wlr_dataset_free(&d);
    wlr_text_column_free(&ids);

    o.id = "y";
    expect_error("a,y\n1,0\n", &o, "t.csv:1: no feature columns (2 columns, all "
                 "label or id)", NULL);
    o.label = "y";
    expect_error("a,y\n1,0\n", &o, "t.csv:1: the id column is the label column (column 2)", NULL);
    o.label = NULL;
    o.id = NULL;
    path = write_text("t.csv", "a,y\n1,0\n");
    st = wlr_read_csv_ids(path, &o, &d, &ids, &err);
    CHECK(st == WLR_ERR_ARG && strstr(err.message, "id: no id column given") &&
          ids.cell == NULL && d.x == NULL, "ids without id: %s", err.message);
    o.id = "a";
    path = write_text("t.csv", "a,b,y\n1,2,0\n3,4\n");
    st = wlr_read_csv_ids(path, &o, &d, &ids, &err);
    CHECK(st == WLR_ERR_DATA && ids.cell == NULL && ids.text == NULL && d.x == NULL,
          "failed read left ids: %s", err.message);
}

/* A binary file is refused at its first NUL, a runaway line at the bound,
 * a header at the column bound, each with the line it is on. */
static void test_read_bounds(void)
{
    /* the NUL in the second block, on line 3 */
    size_t n = (1u << 20) + 100;
    char *text = malloc(n + 16);
    memcpy(text, "a,y\n1,0\n", 8);
    memset(text + 8, '7', n - 8);
    text[n - 50] = '\0';
    wlr_dataset d;
    wlr_error err;
    wlr_status st = wlr_read_csv(write_file("big.csv", text, n), NULL, &d, &err);
    CHECK(st == WLR_ERR_DATA && strstr(err.message, "big.csv:3: a NUL byte"),
          "late NUL: %s", err.message);
    free(text);

    n = WLR_CSV_MAX_LINE + 10;
    text = malloc(n);
    memset(text, '1', n);
    st = wlr_read_csv(write_file("big.csv", text, n), NULL, &d, &err);
    CHECK(st == WLR_ERR_DATA && strstr(err.message, "big.csv:1: a line longer than 32 MiB"),
          "long line: %s", err.message);
    /* just under the bound is read */
    memcpy(text, "y\n", 2);
    memset(text + 2, '1', WLR_CSV_MAX_LINE - 1);
    text[WLR_CSV_MAX_LINE + 1] = '\n';
    st = wlr_read_csv(write_file("big.csv", text, WLR_CSV_MAX_LINE + 2), NULL, &d, &err);
    CHECK(st == WLR_ERR_DATA && strstr(err.message, "big.csv:1: no feature columns"),
          "a line within the bound is read: %s", err.message);
    free(text);

    n = WLR_CSV_MAX_COLUMNS + 1;
    text = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        text[2 * i] = '1';
        text[2 * i + 1] = i + 1 < n ? ',' : '\n';
    }
    st = wlr_read_csv(write_file("big.csv", text, 2 * n), NULL, &d, &err);
    CHECK(st == WLR_ERR_DATA && strstr(err.message, "big.csv:1: 1000001 columns; at "
                                       "most 1000000"), "wide: %s", err.message);
    free(text);
    remove(path_in_tmp("big.csv"));
}

/* The writer keeps the label's and weight's names, and never writes two
 * columns of one name. */
static void test_write_names(void)
{
    wlr_dataset d;
    wlr_error err;
    char text[256];
    wlr_dataset_alloc(&d, 1, 2, &err);
    d.x[0] = 1;
    d.x[1] = 2;
    d.weight = malloc(sizeof *d.weight);
    d.weight[0] = 3;
    d.names = calloc(2, sizeof *d.names);
    d.names[0] = strcpy(malloc(8), "weight");
    CHECK(written_text(&d, text, sizeof text) == WLR_ERR_ARG, "duplicate written");
    FILE *f = fopen(path_in_tmp("w.csv"), "wb");
    CHECK(wlr_write_csv(f, &d, &err) == WLR_ERR_ARG &&
          strstr(err.message, "d: feature 1 and the weight column are both named \"weight\""),
          "duplicate: %s", err.message);
    d.weight_name = strcpy(malloc(8), "w");
    d.label_name = strcpy(malloc(8), "x2");
    CHECK(wlr_write_csv(f, &d, &err) == WLR_ERR_ARG &&
          strstr(err.message, "d: feature 2 and the label column are both named \"x2\""),
          "nameless feature vs label: %s", err.message);
    fclose(f);
    free(d.label_name);
    d.label_name = strcpy(malloc(8), "target");
    CHECK(written_text(&d, text, sizeof text) == WLR_OK &&
          strcmp(text, "weight,x2,w,target\n1,2,3,0\n") == 0, "wrote \"%s\"", text);
    /* and read back with the same options, the same names */
    wlr_csv_options o;
    wlr_csv_defaults(&o);
    o.weight = "w";
    wlr_dataset back;
    CHECK(wlr_read_csv(path_in_tmp("w.csv"), &o, &back, &err) == WLR_OK &&
          strcmp(back.weight_name, "w") == 0 && strcmp(back.label_name, "target") == 0 &&
          strcmp(back.names[0], "weight") == 0 && back.weight[0] == 3,
          "read back: %s", err.message);
    wlr_dataset_free(&back);
    /* a first name that starts as a byte-order mark does is quoted, or the
     * reader would drop those bytes */
    free(d.names[0]);
    d.names[0] = strcpy(malloc(8), "\xef\xbb\xbf" "a");
    CHECK(written_text(&d, text, sizeof text) == WLR_OK &&
          strncmp(text, "\"\xef\xbb\xbf" "a\",", 7) == 0, "wrote \"%s\"", text);
    CHECK(wlr_read_csv(path_in_tmp("w.csv"), &o, &back, &err) == WLR_OK &&
          strcmp(back.names[0], "\xef\xbb\xbf" "a") == 0, "BOM name read back: %s",
          err.message);
    wlr_dataset_free(&back);
    wlr_dataset_free(&d);
}

/* "-" reads standard input; messages call it <stdin>. */
static void test_read_stdin(void)
{
    wlr_dataset d;
    wlr_error err;
    const char *path = write_text("in.csv", "a,y\n1.5,1\n2.5,0\n");
    if (!freopen(path, "rb", stdin)) { CHECK(0, "freopen"); return; }
    CHECK(wlr_read_csv("-", NULL, &d, &err) == WLR_OK && d.n_rows == 2 &&
          d.x[1] == 2.5 && d.y[0] == 1, "stdin: %s", err.message);
    wlr_dataset_free(&d);
    path = write_text("in.csv", "a,y\n1.5,7\n");
    if (!freopen(path, "rb", stdin)) { CHECK(0, "freopen"); return; }
    CHECK(wlr_read_csv("-", NULL, &d, &err) == WLR_ERR_DATA &&
          strstr(err.message, "<stdin>:2: label \"7\" in cell 2") == err.message, "stdin error: %s", err.message);
}

int main(void)
{
    strcpy(tmpdir, "/tmp/wlr_test_csv.XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    RUN(test_parse_tricky);
    RUN(test_parse_random);
    RUN(test_parse_halfway);
    RUN(test_format_shortest);
    RUN(test_roundtrip);
    RUN(test_write_text);
    RUN(test_read_forms);
    RUN(test_read_options);
    RUN(test_read_errors);
    RUN(test_read_no_label);
    RUN(test_write_unlabelled);
    RUN(test_read_big);
    RUN(test_read_stdin);
    RUN(test_read_columns);
    RUN(test_read_drop);
    RUN(test_read_header_names);
    RUN(test_read_text_column);
    RUN(test_read_ids);
    RUN(test_read_bounds);
    RUN(test_write_names);
    const char *names[] = {"t.csv", "rt.csv", "w.csv", "big.csv", "rows.csv", "in.csv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) remove(path_in_tmp(names[i]));
    rmdir(tmpdir);
    return check_summary();
}
