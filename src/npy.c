/*
 * npy.c - reading and writing datasets as numpy .npy files: X as a 2-D
 * float array, y as a 1-D array of 0/1 labels, the way numpy.save writes
 * them and numpy.load reads them.
 *
 * The format (numpy's NEP 1): the magic bytes "\x93NUMPY", a version byte
 * pair (1.0, 2.0 or 3.0), the header's length (2 bytes little-endian in 1.0,
 * 4 in 2.0 and 3.0), then the header: a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (100, 2), }
 * padded with spaces and a final newline so that the data starts at a
 * multiple of 64 bytes, then the raw elements. 'descr' is the element type:
 * byte order ('<' little, '>' big, '|' not applicable), kind (f float,
 * i signed, u unsigned, b bool) and size in bytes.
 *
 * Accepted here: X '<f8' or '<f4' (converted to double), 2-D, C order
 * (rows one after another); y '|b1', '|i1', '|u1', '<i2', '<u2', '<i4',
 * '<u4', '<i8', '<u8', '<f4' or '<f8' holding only 0 and 1, 1-D (or 2-D
 * with one column). Written: X as '<f8', y as '<i8' (numpy's default
 * integer, what scikit-learn's make_classification returns).
 *
 * X is read in blocks of rows that stay in cache and transposed into the
 * dataset's column-major layout as each block arrives, so loading runs at
 * close to the speed of copying the file.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* "\x93NUMPY" then major and minor version bytes. */
static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
/* numpy pads the header so that the data starts at a multiple of this. */
#define NPY_ALIGN 64
/* No real header comes near this; a bigger length is a damaged file, and
 * refusing it avoids a huge allocation. */
#define NPY_MAX_HEADER (1u << 20)
/* numpy allows at most 64 dimensions. */
#define NPY_MAX_DIMS 64
/* Bytes of X converted per block: fits in a core's L2 cache with the
 * destination lines it touches. */
#define NPY_BLOCK (1u << 18)

/* What a header says. */
typedef struct {
    char descr[16];  /* e.g. "<f8" */
    int fortran;
    int ndim;
    size_t shape[NPY_MAX_DIMS];
    size_t elem;     /* element size in bytes, from descr */
    char kind;       /* 'f', 'i', 'u', 'b' */
    long data_start; /* file offset of the first element */
} npy_header;

/* ------------------------------------------------------- byte order */

static int host_little_endian(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* An unsigned little-endian integer of n bytes. */
static uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t k = n; k-- > 0;) v = (v << 8) | p[k];
    return v;
}

static void store_le(unsigned char *p, uint64_t v, size_t n)
{
    for (size_t k = 0; k < n; k++, v >>= 8) p[k] = (unsigned char)v;
}

/* Element i of a little-endian float array (8 or 4 bytes) as a double. */
static double load_float(const unsigned char *p, size_t elem)
{
    if (elem == 8) {
        uint64_t u = load_le(p, 8);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    uint32_t u = (uint32_t)load_le(p, 4);
    float f;
    memcpy(&f, &u, 4);
    return (double)f;
}

/* ------------------------------------------------- the header's dict */

/* A cursor over the header text, for the little Python-literal parser. */
typedef struct {
    const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' ||
                             *c->p == '\r'))
        c->p++;
}

static int accept(cursor *c, char ch)
{
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* A quoted string ('...' or "...", no escapes) into buf. */
static int parse_string(cursor *c, char *buf, size_t cap)
{
    skip_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"')) return 0;
    char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || n + 1 >= cap) return 0;
        buf[n++] = *c->p++;
    }
    if (c->p >= c->end) return 0;
    c->p++;
    buf[n] = '\0';
    return 1;
}

static int parse_word(cursor *c, const char *w)
{
    skip_space(c);
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
        c->p += n;
        return 1;
    }
    return 0;
}

/* A tuple of non-negative integers: (), (5,), (5, 2); Python 2 wrote 5L. */
static int parse_shape(cursor *c, npy_header *h)
{
    if (!accept(c, '(')) return 0;
    h->ndim = 0;
    for (;;) {
        if (accept(c, ')')) return 1;
        if (h->ndim == NPY_MAX_DIMS) return 0;
        skip_space(c);
        if (c->p >= c->end || (unsigned)(*c->p - '0') >= 10) return 0;
        size_t v = 0;
        for (; c->p < c->end && (unsigned)(*c->p - '0') < 10; c->p++) {
            if (v > (SIZE_MAX - 9) / 10) return 0;
            v = v * 10 + (size_t)(*c->p - '0');
        }
        if (c->p < c->end && *c->p == 'L') c->p++;
        h->shape[h->ndim++] = v;
        if (!accept(c, ',')) return accept(c, ')');
    }
}

/* descr -> kind and element size; 0 if it is no simple type we know. */
static int parse_descr(npy_header *h)
{
    const char *d = h->descr;
    if (strlen(d) < 3 || !strchr("<>|", d[0]) || !strchr("fiub", d[1]))
        return 0;
    char *end;
    long size = strtol(d + 2, &end, 10);
    if (*end || (size != 1 && size != 2 && size != 4 && size != 8)) return 0;
    h->kind = d[1];
    h->elem = (size_t)size;
    return 1;
}

/*
 * Reads the preamble and header of an open .npy file. Returns 0 and fills h,
 * or fails with a message about `path`.
 */
static wlr_status read_header(FILE *f, const char *path, npy_header *h,
                              wlr_error *err)
{
    unsigned char pre[12];
    memset(h, 0, sizeof *h);
    if (fread(pre, 1, 8, f) != 8 || memcmp(pre, npy_magic, 6) != 0)
        return wlr__fail(err, WLR_ERR_DATA, "%s: not a .npy file (it does "
                        "not start with \\x93NUMPY)", path);
    int major = pre[6], minor = pre[7];
    size_t len_bytes = major == 1 ? 2 : 4;
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        return wlr__fail(err, WLR_ERR_DATA, "%s: .npy format version %d.%d is "
                        "not supported (1.0, 2.0 and 3.0 are)", path, major, minor);
    if (fread(pre + 8, 1, len_bytes, f) != len_bytes)
        return wlr__fail(err, WLR_ERR_DATA, "%s: truncated in the header", path);
    size_t hlen = (size_t)load_le(pre + 8, len_bytes);
    if (hlen > NPY_MAX_HEADER)
        return wlr__fail(err, WLR_ERR_DATA, "%s: header length %zu is "
                        "implausible (damaged file?)", path, hlen);
    char *text = malloc(hlen + 1);
    if (!text) return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", path);
    if (fread(text, 1, hlen, f) != hlen) {
        free(text);
        return wlr__fail(err, WLR_ERR_DATA, "%s: truncated in the header", path);
    }
    text[hlen] = '\0';
    h->data_start = (long)(8 + len_bytes + hlen);

    /* The dict: exactly the keys descr, fortran_order and shape. */
    cursor c = {text, text + hlen};
    int have_descr = 0, have_fortran = 0, have_shape = 0, ok = accept(&c, '{');
    while (ok && !accept(&c, '}')) {
        char key[32];
        if (!parse_string(&c, key, sizeof key) || !accept(&c, ':')) { ok = 0; break; }
        if (strcmp(key, "descr") == 0) {
            skip_space(&c);
            if (c.p < c.end && *c.p == '[') {
                free(text);
                return wlr__fail(err, WLR_ERR_DATA, "%s: a structured dtype "
                                "(record array) is not supported", path);
            }
            ok = parse_string(&c, h->descr, sizeof h->descr);
            have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (parse_word(&c, "True")) h->fortran = 1;
            else ok = parse_word(&c, "False");
            have_fortran = 1;
        } else if (strcmp(key, "shape") == 0) {
            ok = parse_shape(&c, h);
            have_shape = 1;
        } else {
            ok = 0;
        }
        if (ok && !accept(&c, ',')) {
            ok = accept(&c, '}');
            break;
        }
    }
    free(text);
    if (!ok || !have_descr || !have_fortran || !have_shape)
        return wlr__fail(err, WLR_ERR_DATA, "%s: the header is not the dict "
                        "{'descr': ..., 'fortran_order': ..., 'shape': (...)} "
                        "that numpy writes", path);
    if (!parse_descr(h))
        return wlr__fail(err, WLR_ERR_DATA, "%s: element type '%s' is not "
                        "supported", path, h->descr);
    if (h->descr[0] == '>' && h->elem > 1)
        return wlr__fail(err, WLR_ERR_DATA, "%s: big-endian data ('%s') is not "
                        "supported; save with a.astype(a.dtype.newbyteorder('<'))",
                        path, h->descr);
    if (h->fortran)
        return wlr__fail(err, WLR_ERR_DATA, "%s: fortran_order True is not "
                        "supported; save with np.ascontiguousarray(a)", path);
    return WLR_OK;
}

/* Opens path and reads its header. */
static wlr_status open_npy(const char *path, FILE **f, npy_header *h,
                           wlr_error *err)
{
    *f = fopen(path, "rb");
    if (!*f)
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open (%s)", path,
                        strerror(errno));
    struct stat st;
    if (fstat(fileno(*f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(*f);
        *f = NULL;
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open (%s)", path,
                        strerror(EISDIR));
    }
    wlr_status s = read_header(*f, path, h, err);
    if (s) {
        fclose(*f);
        *f = NULL;
    }
    return s;
}

/* Fails if the file is shorter than its header promises (checked before any
 * big allocation, so a damaged shape cannot ask for terabytes). */
static wlr_status check_size(FILE *f, const char *path, const npy_header *h,
                             size_t count, wlr_error *err)
{
    if (count > SIZE_MAX / h->elem)
        return wlr__fail(err, WLR_ERR_DATA, "%s: shape too large", path);
    size_t need = count * h->elem;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (uint64_t)st.st_size - (uint64_t)h->data_start < (uint64_t)need)
        return wlr__fail(err, WLR_ERR_DATA, "%s: truncated: the header promises "
                        "%zu bytes of data, the file holds %lld", path, need,
                        (long long)st.st_size - h->data_start);
    return WLR_OK;
}

static wlr_status short_read(FILE *f, const char *path, wlr_error *err)
{
    if (ferror(f))
        return wlr__fail(err, WLR_ERR_IO, "%s: read error (%s)", path,
                        strerror(errno));
    return wlr__fail(err, WLR_ERR_DATA, "%s: truncated: the data ends before "
                    "the shape in the header says", path);
}

/* ----------------------------------------------------------- reading */

static wlr_status check_x_header(const char *path, const npy_header *h,
                                 wlr_error *err)
{
    if (h->kind != 'f' || (h->elem != 8 && h->elem != 4))
        return wlr__fail(err, WLR_ERR_DATA, "%s: X must be float64 ('<f8') or "
                        "float32 ('<f4'), not '%s'", path, h->descr);
    if (h->ndim != 2)
        return wlr__fail(err, WLR_ERR_DATA, "%s: X must be 2-D (rows, "
                        "features), not %d-D", path, h->ndim);
    if (h->shape[1] == 0)
        return wlr__fail(err, WLR_ERR_DATA, "%s: X has no features", path);
    if (h->shape[0] == 0)
        return wlr__fail(err, WLR_ERR_DATA, "%s: X has no rows", path);
    return WLR_OK;
}

static wlr_status check_y_header(const char *path, const npy_header *h,
                                 wlr_error *err)
{
    if (h->kind == 'f' ? h->elem < 4 : h->kind == 'b' ? h->elem != 1 : 0)
        return wlr__fail(err, WLR_ERR_DATA, "%s: y type '%s' is not supported",
                        path, h->descr);
    if (!(h->ndim == 1 || (h->ndim == 2 && h->shape[1] == 1)))
        return wlr__fail(err, WLR_ERR_DATA, "%s: y must be 1-D (one label per "
                        "row), not %d-D", path, h->ndim);
    return WLR_OK;
}

/* Why X[i, j] is unusable: the first non-finite value in the block. */
static wlr_status nonfinite_x(const char *path, const unsigned char *block,
                              size_t rows, size_t dim, size_t elem,
                              size_t first_row, wlr_error *err)
{
    for (size_t k = 0; k < rows * dim; k++) {
        double v = load_float(block + k * elem, elem);
        if (!isfinite(v))
            return wlr__fail(err, WLR_ERR_DATA, "%s: X[%zu, %zu] is %s; the "
                            "data must be finite", path, first_row + k / dim,
                            k % dim, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    }
    return WLR_OK; /* not reached: the caller saw one */
}

/* A float64 is finite iff its exponent bits are not all ones. */
#define F64_EXP_MASK 0x7ff0000000000000ULL

/*
 * Transposes `rows` rows of little-endian float64 X (row-major, dim per row)
 * into columns: x[j * n + i0 + r]. Returns nonzero if a value is not finite.
 * Columns outer, rows inner: each column is written as one sequential
 * stream, and the strided reads come from a block that sits in cache.
 */
static int transpose_f8(const unsigned char *block, size_t rows, size_t dim,
                        double *x, size_t n, size_t i0, int native)
{
    uint64_t special = 0;
    for (size_t j = 0; j < dim; j++) {
        double *col = x + j * n + i0;
        if (native) {
            for (size_t r = 0; r < rows; r++) {
                uint64_t u;
                memcpy(&u, block + (r * dim + j) * 8, 8);
                special |= (u & F64_EXP_MASK) == F64_EXP_MASK;
                memcpy(&col[r], &u, 8);
            }
        } else {
            for (size_t r = 0; r < rows; r++) {
                uint64_t u = load_le(block + (r * dim + j) * 8, 8);
                special |= (u & F64_EXP_MASK) == F64_EXP_MASK;
                memcpy(&col[r], &u, 8);
            }
        }
    }
    return special != 0;
}

/* The same for float32, widened to double (exactly). */
static int transpose_f4(const unsigned char *block, size_t rows, size_t dim,
                        double *x, size_t n, size_t i0)
{
    int special = 0;
    for (size_t j = 0; j < dim; j++) {
        double *col = x + j * n + i0;
        for (size_t r = 0; r < rows; r++) {
            double v = load_float(block + (r * dim + j) * 4, 4);
            special |= !isfinite(v);
            col[r] = v;
        }
    }
    return special;
}

/* Moves f to element `first` of the data (rows of row_bytes), unless it is
 * there already (*next): a pipe read front to back never seeks. */
static wlr_status seek_row(FILE *f, const char *path, const npy_header *h,
                           size_t row_bytes, size_t first, size_t *next,
                           wlr_error *err)
{
    if (first == *next) return WLR_OK;
    if (fseeko(f, (off_t)h->data_start + (off_t)first * (off_t)row_bytes,
               SEEK_SET) != 0)
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot seek (%s)", path,
                        strerror(errno));
    *next = first;
    return WLR_OK;
}

/* X's rows first .. first + count - 1 (f is at row first) into rows
 * at .. at + count - 1 of d's columns (column j at d->x + j * d->n_rows),
 * through the block. */
static wlr_status read_x_rows(FILE *f, const char *path, const npy_header *h,
                              size_t first, size_t count, wlr_dataset *d,
                              size_t at, unsigned char *block, wlr_error *err)
{
    size_t n = d->n_rows, dim = d->n_features, row_bytes = dim * h->elem;
    size_t block_rows = NPY_BLOCK / row_bytes ? NPY_BLOCK / row_bytes : 1;
    int native = host_little_endian();
    for (size_t k = 0; k < count; k += block_rows) {
        size_t rows = count - k < block_rows ? count - k : block_rows;
        if (fread(block, row_bytes, rows, f) != rows) return short_read(f, path, err);
        int special = h->elem == 8
                          ? transpose_f8(block, rows, dim, d->x, n, at + k, native)
                          : transpose_f4(block, rows, dim, d->x, n, at + k);
        if (special)
            return nonfinite_x(path, block, rows, dim, h->elem, first + k, err);
    }
    return WLR_OK;
}

/* y[i] from its bytes; 1 if it is 0 or 1 (into *label), else 0 with the
 * value written into text for the message. */
static int label_value(const unsigned char *p, const npy_header *h,
                       uint8_t *label, char *text, size_t cap)
{
    if (h->kind == 'f') {
        double v = load_float(p, h->elem);
        if (v == 0 || v == 1) { *label = (uint8_t)(v == 1); return 1; }
        snprintf(text, cap, "%.17g", v);
        return 0;
    }
    uint64_t u = h->elem == 1 ? p[0] : load_le(p, h->elem);
    if (u <= 1) { *label = (uint8_t)u; return 1; }
    if (h->kind == 'i' && (u >> (8 * h->elem - 1)) & 1) { /* negative */
        int64_t neg = (int64_t)(u | (h->elem == 8 ? 0 : ~0ULL << (8 * h->elem)));
        snprintf(text, cap, "%lld", (long long)neg);
    } else {
        snprintf(text, cap, "%llu", (unsigned long long)u);
    }
    return 0;
}

/* y's labels first .. first + count - 1 (f is at label first) into
 * y[0 .. count - 1], through the block; a value other than 0 or 1 is named by its row in the file. */
/* The common case in one tight loop: integer or bool labels on a
 * little-endian host, all 0 or 1 (a value's bits above the lowest are
 * or-ed together). Returns 0, leaving y to the careful loop, if it is not
 * that case or a value is not 0 or 1. */
static int labels_fast(const unsigned char *block, size_t cnt,
                       const npy_header *h, uint8_t *y)
{
    if (h->kind == 'f' || !host_little_endian()) return 0;
    uint64_t high = 0;
    switch (h->elem) {
    case 1:
        for (size_t k = 0; k < cnt; k++) {
            high |= block[k] >> 1;
            y[k] = (uint8_t)(block[k] & 1);
        }
        break;
    case 2:
        for (size_t k = 0; k < cnt; k++) {
            uint16_t u;
            memcpy(&u, block + 2 * k, 2);
            high |= (uint64_t)(u >> 1);
            y[k] = (uint8_t)(u & 1);
        }
        break;
    case 4:
        for (size_t k = 0; k < cnt; k++) {
            uint32_t u;
            memcpy(&u, block + 4 * k, 4);
            high |= (uint64_t)(u >> 1);
            y[k] = (uint8_t)(u & 1);
        }
        break;
    case 8:
        for (size_t k = 0; k < cnt; k++) {
            uint64_t u;
            memcpy(&u, block + 8 * k, 8);
            high |= u >> 1;
            y[k] = (uint8_t)(u & 1);
        }
        break;
    }
    return high == 0;
}

static wlr_status read_y_rows(FILE *f, const char *path, const npy_header *h,
                              size_t first, size_t count, uint8_t *y,
                              unsigned char *block, wlr_error *err)
{
    size_t per_block = NPY_BLOCK / h->elem;
    for (size_t i0 = 0; i0 < count; i0 += per_block) {
        size_t cnt = count - i0 < per_block ? count - i0 : per_block;
        if (fread(block, h->elem, cnt, f) != cnt) return short_read(f, path, err);
        if (labels_fast(block, cnt, h, y + i0)) continue;
        for (size_t k = 0; k < cnt; k++) {
            char text[40];
            if (!label_value(block + k * h->elem, h, &y[i0 + k], text, sizeof text))
                return wlr__fail(err, WLR_ERR_DATA, "%s: y[%zu] = %s is not 0 "
                                "or 1", path, first + i0 + k, text);
        }
    }
    return WLR_OK;
}

/* ------------------------------------------------- rows on demand */

/* The open pair behind wlr_read_npy and the streaming trainer (stream.c):
 * both headers read and checked, sizes checked against the files, and one
 * conversion block of NPY_BLOCK bytes. */
struct wlr__npy_rows {
    FILE *fx, *fy;
    const char *x_path, *y_path;   /* the caller's strings */
    npy_header hx, hy;
    size_t x_next, y_next;   /* the row each file is positioned at */
    unsigned char *block;
};

void wlr__npy_rows_close(wlr__npy_rows *r)
{
    if (!r) return;
    if (r->fx) fclose(r->fx);
    if (r->fy) fclose(r->fy);
    free(r->block);
    free(r);
}

wlr_status wlr__npy_rows_open(const char *x_path, const char *y_path,
                             wlr__npy_rows **out, wlr_error *err)
{
    *out = NULL;
    if (!x_path) return wlr__fail(err, WLR_ERR_ARG, "x_path: missing");
    wlr__npy_rows *r = calloc(1, sizeof *r);
    if (!r) return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", x_path);
    r->x_path = x_path;
    r->y_path = y_path;
    wlr_status st;
    /* Both headers first, so that a mismatch fails before any big read. */
    if ((st = open_npy(x_path, &r->fx, &r->hx, err))) goto fail;
    if ((st = check_x_header(x_path, &r->hx, err))) goto fail;
    if (y_path && (st = open_npy(y_path, &r->fy, &r->hy, err))) goto fail;
    if (y_path && (st = check_y_header(y_path, &r->hy, err))) goto fail;
    size_t n = r->hx.shape[0], dim = r->hx.shape[1];
    if (y_path && r->hy.shape[0] != n) {
        st = wlr__fail(err, WLR_ERR_DATA, "%s: y has %zu labels but X (%s) has "
                      "%zu rows", y_path, r->hy.shape[0], x_path, n);
        goto fail;
    }
    if (n > SIZE_MAX / dim) {
        st = wlr__fail(err, WLR_ERR_DATA, "%s: shape too large", x_path);
        goto fail;
    }
    if ((st = check_size(r->fx, x_path, &r->hx, n * dim, err))) goto fail;
    if (y_path && (st = check_size(r->fy, y_path, &r->hy, n, err))) goto fail;
    /* one block holds at least one row of X */
    size_t row_bytes = dim * r->hx.elem;
    r->block = malloc(row_bytes > NPY_BLOCK ? row_bytes : NPY_BLOCK);
    if (!r->block) {
        st = wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", x_path);
        goto fail;
    }
    *out = r;
    return WLR_OK;
fail:
    wlr__npy_rows_close(r);
    return st;
}

void wlr__npy_rows_shape(const wlr__npy_rows *r, size_t *n_rows,
                        size_t *n_features)
{
    *n_rows = r->hx.shape[0];
    *n_features = r->hx.shape[1];
}

wlr_status wlr__npy_rows_read(wlr__npy_rows *r, size_t first, size_t count,
                             wlr_dataset *d, size_t at, wlr_error *err)
{
    if (first > r->hx.shape[0] || count > r->hx.shape[0] - first ||
        d->n_features != r->hx.shape[1] || at > d->n_rows ||
        count > d->n_rows - at)
        return wlr__fail(err, WLR_ERR_ARG, "npy rows: rows %zu + %zu of %zu do "
                        "not fit rows %zu.. of %zu", first, count,
                        r->hx.shape[0], at, d->n_rows);
    /* the files' positions are unknown after a failed read */
    size_t x_row = d->n_features * r->hx.elem;
    wlr_status st = seek_row(r->fx, r->x_path, &r->hx, x_row, first, &r->x_next, err);
    if (st == WLR_OK) {
        r->x_next = SIZE_MAX;
        st = read_x_rows(r->fx, r->x_path, &r->hx, first, count, d, at,
                         r->block, err);
        if (st == WLR_OK) r->x_next = first + count;
    }
    if (st || !r->fy) return st;
    return wlr__npy_rows_read_labels(r, first, count, d->y + at, err);
}

wlr_status wlr__npy_rows_read_labels(wlr__npy_rows *r, size_t first,
                                    size_t count, uint8_t *y, wlr_error *err)
{
    if (!r->fy || first > r->hy.shape[0] || count > r->hy.shape[0] - first)
        return wlr__fail(err, WLR_ERR_ARG, "npy rows: labels %zu + %zu of %zu",
                        first, count, r->fy ? r->hy.shape[0] : 0);
    wlr_status st = seek_row(r->fy, r->y_path, &r->hy, r->hy.elem, first,
                             &r->y_next, err);
    if (st) return st;
    r->y_next = SIZE_MAX;
    st = read_y_rows(r->fy, r->y_path, &r->hy, first, count, y, r->block, err);
    if (st == WLR_OK) r->y_next = first + count;
    return st;
}

wlr_status wlr_read_npy(const char *x_path, const char *y_path,
                        wlr_dataset *out, wlr_error *err)
{
    memset(out, 0, sizeof *out);
    wlr__npy_rows *r;
    wlr_status st = wlr__npy_rows_open(x_path, y_path, &r, err);
    if (st) return st;
    size_t n, dim;
    wlr__npy_rows_shape(r, &n, &dim);
    st = wlr_dataset_alloc(out, n, dim, err);
    if (st == WLR_OK) st = wlr__npy_rows_read(r, 0, n, out, 0, err);
    /* no labels: y stays all 0 (wlr_dataset_alloc zeroed it) */
    if (st == WLR_OK && !y_path) out->unlabelled = 1;
    wlr__npy_rows_close(r);
    if (st) wlr_dataset_free(out);
    return st;
}

/* ----------------------------------------------------------- writing */

/* Writes the preamble and a header for descr and shape (dims, ndim values),
 * padded as numpy pads it. Returns 0 on success. */
static int write_header(FILE *f, const char *descr, const size_t *dims, int ndim)
{
    char dict[256];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': "
                     "False, 'shape': (", descr);
    for (int k = 0; k < ndim; k++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, k ? ", %zu" : "%zu", dims[k]);
    n += snprintf(dict + n, sizeof dict - (size_t)n, "%s), }", ndim == 1 ? "," : "");
    /* Version 1.0: 10 bytes of preamble; pad with spaces so that preamble +
     * header + '\n' is a multiple of NPY_ALIGN. */
    size_t total = 10 + (size_t)n + 1;
    size_t pad = (NPY_ALIGN - total % NPY_ALIGN) % NPY_ALIGN;
    size_t hlen = (size_t)n + pad + 1;
    unsigned char pre[10];
    memcpy(pre, npy_magic, 6);
    pre[6] = 1;
    pre[7] = 0;
    store_le(pre + 8, hlen, 2);
    if (fwrite(pre, 1, 10, f) != 10 || fwrite(dict, 1, (size_t)n, f) != (size_t)n)
        return -1;
    for (size_t k = 0; k < pad; k++)
        if (putc(' ', f) == EOF) return -1;
    return putc('\n', f) == EOF ? -1 : 0;
}

/* X row by row, as little-endian float64, from the column-major dataset. */
static int write_x(FILE *f, const wlr_dataset *d)
{
    size_t n = d->n_rows, dim = d->n_features, row_bytes = dim * 8;
    size_t block_rows = NPY_BLOCK / row_bytes ? NPY_BLOCK / row_bytes : 1;
    unsigned char *block = malloc(block_rows * row_bytes);
    if (!block) return -2;
    int rc = 0;
    for (size_t i0 = 0; i0 < n && !rc; i0 += block_rows) {
        size_t rows = n - i0 < block_rows ? n - i0 : block_rows;
        for (size_t j = 0; j < dim; j++) {
            const double *col = d->x + j * n + i0;
            for (size_t r = 0; r < rows; r++) {
                uint64_t u;
                memcpy(&u, &col[r], 8);
                store_le(block + (r * dim + j) * 8, u, 8);
            }
        }
        if (fwrite(block, row_bytes, rows, f) != rows) rc = -1;
    }
    free(block);
    return rc;
}

/* y as little-endian int64. */
static int write_y(FILE *f, const wlr_dataset *d)
{
    size_t n = d->n_rows, per_block = NPY_BLOCK / 8;
    unsigned char *block = malloc(per_block * 8);
    if (!block) return -2;
    int rc = 0;
    for (size_t i0 = 0; i0 < n && !rc; i0 += per_block) {
        size_t cnt = n - i0 < per_block ? n - i0 : per_block;
        for (size_t k = 0; k < cnt; k++) store_le(block + 8 * k, d->y[i0 + k] != 0, 8);
        if (fwrite(block, 8, cnt, f) != cnt) rc = -1;
    }
    free(block);
    return rc;
}

static wlr_status write_result(int rc, FILE *f, const char *which,
                               wlr_error *err)
{
    if (rc == -2) return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", which);
    if (rc || ferror(f))
        return wlr__fail(err, WLR_ERR_IO, "%s: write failed (%s)", which,
                        strerror(errno));
    return WLR_OK;
}

wlr_status wlr_write_npy(FILE *fx, FILE *fy, const wlr_dataset *d,
                         wlr_error *err)
{
    if (fy && d->unlabelled)
        return wlr__fail(err, WLR_ERR_ARG, "fy: the data has no labels to write");
    size_t n = d->n_rows, dim = d->n_features;
    for (size_t k = 0; k < n * dim; k++)
        if (!isfinite(d->x[k]))
            return wlr__fail(err, WLR_ERR_ARG, "d: row %zu, feature %zu is not "
                            "finite", k % n + 1, k / n + 1);
    if (fx) {
        size_t dims[2] = {n, dim};
        int rc = write_header(fx, "<f8", dims, 2);
        if (!rc) rc = write_x(fx, d);
        wlr_status st = write_result(rc, fx, "fx", err);
        if (st) return st;
    }
    if (fy) {
        int rc = write_header(fy, "<i8", &n, 1);
        if (!rc) rc = write_y(fy, d);
        wlr_status st = write_result(rc, fy, "fy", err);
        if (st) return st;
    }
    return WLR_OK;
}
