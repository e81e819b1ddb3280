/*
 * csv.c - reading and writing datasets as CSV text, and turning decimal text
 * into doubles (and back) exactly.
 *
 * A CSV file here is one row per line, cells separated by commas, an optional
 * header line of column names, one label column (0/1, or any two values with
 * `positive` naming class 1), an optional per-row weight column, and every
 * other column a feature. Quoted cells ("a,b" with "" for a quote) are
 * understood, but a quoted cell may not span lines. Blank lines are skipped,
 * CRLF line endings and a missing final newline are accepted, and a UTF-8
 * byte-order mark at the start is ignored.
 *
 * Why not just strtod: the numbers in a generated file are 17-digit decimals,
 * and glibc's strtod spends most of a CSV load on them. This file converts
 * decimals itself, correctly rounded (the same double strtod returns, bit for
 * bit), and calls strtod only for the rare input it cannot be sure about:
 *   1. Clinger's fast path: a decimal w * 10^q with w <= 2^53 and |q| <= 22
 *      is one exactly-representable double times or divided by another
 *      exactly-representable power of ten, and IEEE arithmetic rounds that
 *      single operation correctly.
 *   2. Otherwise, with at most 19 significant digits (w < 2^64): multiply w
 *      by a 128-bit approximation of 5^q (the idea of Eisel and Lemire) and
 *      read the double's 53 bits and the rounding direction off the top of
 *      the 192-bit product. The approximation's error is bounded, so when the
 *      product is too close to a rounding boundary to tell, we say so and
 *      fall back to strtod.
 *   3. More than 19 significant digits: the exact value lies strictly
 *      between w and w+1 (times 10^q) for the first 19 digits w; if both ends
 *      convert to the same double, so does every value between them.
 * The table of powers of five is computed at first use with exact big-integer
 * arithmetic (no table is copied from anywhere).
 *
 * Writing prints each double with the fewest significant digits p for which
 * "%.{p}g" reads back as the same double. printf is exact but slow, so the
 * digits are found with the same table (a 192-bit product gives the value's
 * first 17 digits and where the rest lies) and checked with the parser; only
 * when the product is too close to a rounding boundary does printf decide.
 *
 * Reading streams the file through a large buffer (fread blocks of
 * CSV_BLOCK bytes), so memory holds the dataset and one block, not the text.
 */
#include "internal.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
#endif

/* ====================================================== decimal -> double */

/* 10^0 .. 10^22 are exactly representable (10^22 = 5^22 * 2^22 and
 * 5^22 < 2^53), which is what Clinger's fast path needs. */
#define CLINGER_MAX_Q 22
static const double exact_pow10[CLINGER_MAX_Q + 1] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
/* Integers up to 2^53 convert to double exactly. */
#define CLINGER_MAX_W (1ULL << 53)

/* At most 19 decimal digits fit in a uint64_t (10^19 - 1 < 2^64). */
#define MAX_KEPT_DIGITS 19

/* The table covers 10^q for q in [POW5_MIN_Q, POW5_MAX_Q]. Outside it the
 * answer is 0 or infinity (a 19-digit w times 10^-343 is below half the
 * smallest subnormal; any w >= 1 times 10^309 overflows), and strtod is left
 * to say so. */
#define POW5_MIN_Q (-342)
#define POW5_MAX_Q 308
#define POW5_COUNT (POW5_MAX_Q - POW5_MIN_Q + 1)

/*
 * One table entry: 5^q = (T + theta) * 2^e with T = hi * 2^64 + lo,
 * 2^127 <= T < 2^128, and 0 <= theta < 1 (T is 5^q's top 128 bits, rounded
 * down). theta = 0 ("exact") exactly when 5^q fits in 128 bits, q in 0..55.
 */
typedef struct {
    uint64_t hi, lo;
    int32_t e;
    int32_t exact;
} pow5_entry;

/* ---- a minimal big unsigned integer, only to build the table once ---- */

/* 5^342 < 2^795, and the division's remainder stays below 2 * 5^342: 26
 * 32-bit limbs suffice; 28 leaves room. */
#define BIG_LIMBS 28
typedef struct {
    uint32_t v[BIG_LIMBS]; /* least significant limb first */
    int n;                 /* limbs in use; v[n-1] != 0 unless n == 0 */
} bignum;

static void big_set_u32(bignum *a, uint32_t x)
{
    memset(a, 0, sizeof *a);
    a->v[0] = x;
    a->n = x != 0;
}

static void big_mul_small(bignum *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->v[i] * m + carry;
        a->v[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry) a->v[a->n++] = (uint32_t)carry;
}

static int big_bitlen(const bignum *a)
{
    if (a->n == 0) return 0;
    int bits = 32 * (a->n - 1);
    for (uint32_t top = a->v[a->n - 1]; top; top >>= 1) bits++;
    return bits;
}

static int big_bit(const bignum *a, int i)
{
    if (i < 0 || i >= 32 * a->n) return 0;
    return (int)((a->v[i / 32] >> (i % 32)) & 1);
}

static void big_shl1(bignum *a)
{
    uint32_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint32_t next = a->v[i] >> 31;
        a->v[i] = (a->v[i] << 1) | carry;
        carry = next;
    }
    if (carry) a->v[a->n++] = carry;
}

static int big_cmp(const bignum *a, const bignum *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->v[i] != b->v[i]) return a->v[i] < b->v[i] ? -1 : 1;
    return 0;
}

/* a -= b, given a >= b. */
static void big_sub(bignum *a, const bignum *b)
{
    int64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t t = (int64_t)a->v[i] - (i < b->n ? b->v[i] : 0) - borrow;
        borrow = t < 0;
        a->v[i] = (uint32_t)(t + (borrow ? (int64_t)1 << 32 : 0));
    }
    while (a->n > 0 && a->v[a->n - 1] == 0) a->n--;
}

/* Positive q: T = the 128 bits of 5^q from its leading one down, e = L - 128
 * for a bit length L (so T * 2^e = 5^q with the bits below cut off). */
static void pow5_entry_positive(const bignum *p5, int q, pow5_entry *t)
{
    int len = big_bitlen(p5);
    uint64_t hi = 0, lo = 0;
    for (int k = 0; k < 128; k++) {
        hi = (hi << 1) | (lo >> 63);
        lo = (lo << 1) | (uint64_t)big_bit(p5, len - 1 - k);
    }
    t->hi = hi;
    t->lo = lo;
    t->e = len - 128;
    t->exact = len <= 128;
    (void)q;
}

/* Negative q = -n: 5^q = 1 / 5^n. With L the bit length of D = 5^n,
 * 2^(L+127) / D lies strictly between 2^127 and 2^128, so
 * T = floor(2^(L+127) / D) and e = -(L + 127). Long division, one quotient
 * bit at a time: start from the remainder 2^(L-1) (< D, no quotient bits
 * yet), then 128 times double the remainder and subtract D if it fits. */
static void pow5_entry_negative(const bignum *d5, pow5_entry *t)
{
    int len = big_bitlen(d5);
    bignum r;
    big_set_u32(&r, 1);
    for (int k = 0; k < len - 1; k++) big_shl1(&r);
    uint64_t hi = 0, lo = 0;
    for (int k = 0; k < 128; k++) {
        big_shl1(&r);
        int bit = big_cmp(&r, d5) >= 0;
        if (bit) big_sub(&r, d5);
        hi = (hi << 1) | (lo >> 63);
        lo = (lo << 1) | (uint64_t)bit;
    }
    t->hi = hi;
    t->lo = lo;
    t->e = -(len + 127);
    t->exact = 0;
}

static pow5_entry *pow5_build(void)
{
    pow5_entry *tab = malloc(POW5_COUNT * sizeof *tab);
    if (!tab) return NULL;
    bignum p;
    big_set_u32(&p, 1);
    for (int q = 0; q <= POW5_MAX_Q; q++) {
        pow5_entry_positive(&p, q, &tab[q - POW5_MIN_Q]);
        big_mul_small(&p, 5);
    }
    big_set_u32(&p, 1);
    for (int n = 1; n <= -POW5_MIN_Q; n++) {
        big_mul_small(&p, 5);
        pow5_entry_negative(&p, &tab[-n - POW5_MIN_Q]);
    }
    return tab;
}

/* The table, built on first use. Threads racing to build it each build one
 * and the loser frees its copy, so no thread ever sees a half-built table.
 * It lives until the process exits (10 KB). */
#if !defined(__STDC_NO_ATOMICS__)
static _Atomic(pow5_entry *) pow5_table;
static const pow5_entry *pow5_get(void)
{
    pow5_entry *t = atomic_load_explicit(&pow5_table, memory_order_acquire);
    if (t) return t;
    pow5_entry *mine = pow5_build();
    if (!mine) return NULL; /* out of memory: strtod does all the work */
    pow5_entry *expected = NULL;
    if (atomic_compare_exchange_strong(&pow5_table, &expected, mine))
        return mine;
    free(mine);
    return expected;
}
#else
static pow5_entry *pow5_table;
static const pow5_entry *pow5_get(void)
{
    if (!pow5_table) pow5_table = pow5_build();
    return pow5_table;
}
#endif

/* ---- the conversion itself ---- */

/* hi:lo = a * b, the full 128-bit product. */
static inline void mul_64x64(uint64_t a, uint64_t b, uint64_t *hi,
                             uint64_t *lo)
{
#if defined(__SIZEOF_INT128__)
    unsigned __int128 p = (unsigned __int128)a * b;
    *hi = (uint64_t)(p >> 64);
    *lo = (uint64_t)p;
#else
    /* Schoolbook on 32-bit halves. */
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

static inline int leading_zeros64(uint64_t x) /* x != 0 */
{
#if defined(__GNUC__)
    return __builtin_clzll(x);
#else
    int n = 0;
    while (!(x >> 63)) { x <<= 1; n++; }
    return n;
#endif
}

static inline double double_from_bits(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline uint64_t bits_from_double(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

/* IEEE double layout. */
#define MANTISSA_BITS 52
#define EXP_BIAS 1075 /* 1023 + 52: value = m * 2^(be - EXP_BIAS), m 53 bits */
#define EXP_INF 2047

/*
 * w * 10^q (w > 0) correctly rounded to a double, through the 128-bit
 * power-of-five table. Returns 1 and the bits in *out when sure, 0 when the
 * caller must ask strtod (too close to call, subnormal, overflow, no table).
 *
 * With w normalised to w' = w << lz (top bit set) and 5^q = (T + theta) 2^e:
 *   w 10^q = w' (T + theta) 2^(e + q - lz) = N 2^E,
 *   N = P + w' theta,  P = w' T  (an exact 192-bit product, 2^190 <= P < 2^192),
 * so the true N lies in [P, P + 2^64). The double is N's top 53 bits m, plus
 * one if the rest R (the bits below them, as a fraction of one unit of m) is
 * above one half, or exactly one half with m odd. We decide from P:
 *   exact entry (theta = 0): N = P, decide exactly;
 *   otherwise: R_P > 1/2 means R_N > 1/2 too: round up (even if N carried
 *   into m, the result is the same); R_P + 2^64 <= 1/2 means R_N < 1/2: round
 *   down; anything between is too close to call.
 */
static int decimal_to_bits(uint64_t w, int q, uint64_t *out)
{
    const pow5_entry *tab = pow5_get();
    if (!tab || q < POW5_MIN_Q || q > POW5_MAX_Q) return 0;
    const pow5_entry *t = &tab[q - POW5_MIN_Q];

    int lz = leading_zeros64(w);
    uint64_t wn = w << lz;
    uint64_t a_hi, a_lo, b_hi, b_lo;
    mul_64x64(wn, t->lo, &a_hi, &a_lo);
    mul_64x64(wn, t->hi, &b_hi, &b_lo);
    uint64_t p0 = a_lo, p1 = a_hi + b_lo;
    uint64_t p2 = b_hi + (p1 < a_hi); /* carry from the middle word */

    /* P's leading one is bit 191 or 190; m = P >> s has 53 bits. The bits
     * below m occupy the low `sh` bits of p2, then all of p1 and p0. */
    int top = (p2 >> 63) ? 191 : 190;
    int s = top - MANTISSA_BITS;
    int sh = s - 128; /* 11 or 10 */
    uint64_t m = p2 >> sh;
    uint64_t rem_hi = p2 & ((1ULL << sh) - 1);
    uint64_t half_hi = 1ULL << (sh - 1);

    int up;
    if (t->exact) {
        if (rem_hi != half_hi) up = rem_hi > half_hi;
        else if (p1 | p0) up = 1;
        else up = (int)(m & 1); /* a tie: round half to even */
    } else {
        if (rem_hi > half_hi || (rem_hi == half_hi && (p1 | p0)))
            up = 1;
        else if (rem_hi + 1 < half_hi ||
                 (rem_hi + 1 == half_hi && p1 != UINT64_MAX))
            up = 0;
        else
            return 0;
    }

    int64_t be = (int64_t)s + t->e + q - lz + EXP_BIAS;
    if (be <= 0) return 0; /* subnormal: rounds at another bit; strtod */
    m += (uint64_t)up;
    if (m >> (MANTISSA_BITS + 1)) { /* rounded up to 2^53 */
        m >>= 1;
        be++;
    }
    if (be >= EXP_INF) return 0; /* overflow to infinity: strtod */
    *out = ((uint64_t)be << MANTISSA_BITS) |
           (m & ((1ULL << MANTISSA_BITS) - 1));
    return 1;
}

/*
 * w * 10^q for w > 0, or for a decimal whose digits after the first
 * MAX_KEPT_DIGITS were dropped (truncated: the value lies strictly between
 * w * 10^q and (w + 1) * 10^q). Returns 1 with the correctly rounded double,
 * or 0 when only strtod can tell.
 */
static int decimal_to_double(uint64_t w, int q, int truncated, double *out)
{
#if FLT_EVAL_METHOD == 0
    /* Clinger: both operands exact, one correctly rounded operation. Only
     * valid where double arithmetic is not done in extended precision. */
    if (!truncated && w <= CLINGER_MAX_W && q >= -CLINGER_MAX_Q &&
        q <= CLINGER_MAX_Q) {
        *out = q < 0 ? (double)w / exact_pow10[-q] : (double)w * exact_pow10[q];
        return 1;
    }
#endif
    uint64_t bits, bits_up;
    if (decimal_to_bits(w, q, &bits) &&
        (!truncated || (decimal_to_bits(w + 1, q, &bits_up) && bits_up == bits))) {
        *out = double_from_bits(bits);
        return 1;
    }
    return 0;
}

/* The locale's decimal point if it is one character other than '.', else 0.
 * The library promises C-locale numbers whatever the program's locale. */
static char locale_decimal_point(void)
{
    const char *dp = localeconv()->decimal_point;
    return (dp && dp[0] && !dp[1] && dp[0] != '.') ? dp[0] : 0;
}

/* strtod on the text [b, e), which the caller has checked is a plain
 * decimal. *e must be writable: it is set to NUL for the call and restored.
 * Returns 0 if strtod does not read exactly [b, e). */
static int strtod_span(char *b, char *e, double *out)
{
    char saved = *e, *dot = NULL, *stop;
    char dp = locale_decimal_point();
    *e = '\0';
    if (dp && (dot = memchr(b, '.', (size_t)(e - b)))) *dot = dp;
    *out = strtod(b, &stop);
    if (dot) *dot = '.';
    *e = saved;
    return stop == e;
}

/* Exponents beyond this are saturated while parsing: they are far outside
 * the double range either way, and saturation keeps the sum in range. */
#define EXP_SATURATE 100000000

/*
 * Parses the longest plain decimal at the start of [p, end):
 *   [+-] (digits [. [digits]] | . digits) [(e|E) [+-] digits]
 * (no spaces, no hex, no inf or nan words) into *out, exactly as strtod
 * would. Returns the end of the number, or NULL if there is none. *end must
 * be writable (see strtod_span); it is left as it was.
 */
char *wlr_csv_parse_number(char *p, char *end, double *out);
char *wlr_csv_parse_number(char *p, char *end, double *out)
{
    char *start = p;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
    }
    uint64_t w = 0;  /* the first MAX_KEPT_DIGITS significant digits */
    int kept = 0;    /* how many are in w */
    int64_t dexp = 0; /* value = (w + dropped digits) * 10^(dexp + exponent) */
    int truncated = 0; /* a nonzero digit was dropped */
    int digits = 0;  /* any digit at all */

    while (p < end && *p == '0') { p++; digits = 1; } /* leading zeros */
    for (; p < end && (unsigned)(*p - '0') < 10; p++) {
        digits = 1;
        if (kept < MAX_KEPT_DIGITS) {
            w = w * 10 + (uint64_t)(*p - '0');
            kept++;
        } else {
            dexp++; /* a dropped integer digit still scales the value */
            truncated |= *p != '0';
        }
    }
    if (p < end && *p == '.') {
        p++;
        if (kept == 0) /* zeros right after the point only move it */
            for (; p < end && *p == '0'; p++) { dexp--; digits = 1; }
        for (; p < end && (unsigned)(*p - '0') < 10; p++) {
            digits = 1;
            if (kept < MAX_KEPT_DIGITS) {
                w = w * 10 + (uint64_t)(*p - '0');
                kept++;
                dexp--;
            } else {
                truncated |= *p != '0';
            }
        }
    }
    if (!digits) return NULL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        char *e = p + 1;
        int eneg = 0;
        if (e < end && (*e == '+' || *e == '-')) {
            eneg = *e == '-';
            e++;
        }
        if (e < end && (unsigned)(*e - '0') < 10) { /* else "1e" is just 1 */
            int64_t ev = 0;
            for (; e < end && (unsigned)(*e - '0') < 10; e++)
                if (ev < EXP_SATURATE) ev = ev * 10 + (*e - '0');
            dexp += eneg ? -ev : ev;
            p = e;
        }
    }

    if (w == 0) { /* all digits zero (truncation needs a nonzero digit) */
        *out = neg ? -0.0 : 0.0;
        return p;
    }
    if (dexp < -2 * EXP_SATURATE) dexp = -2 * EXP_SATURATE;
    if (dexp > 2 * EXP_SATURATE) dexp = 2 * EXP_SATURATE;
    double v;
    if (decimal_to_double(w, (int)dexp, truncated, &v)) {
        *out = neg ? -v : v;
        return p;
    }
    if (!strtod_span(start, p, out)) return NULL; /* cannot happen */
    return p;
}

/* ====================================================== double -> decimal */

/* 17 significant digits always read back as the same double
 * (DBL_DECIMAL_DIG); fewer often do. */
#define MAX_ROUND_TRIP_DIGITS 17

/* printf's %g writes the locale's decimal point; put '.' back. Every other
 * character %g writes is a digit, a sign or the 'e'. */
static void c_locale_point(char *s)
{
    for (; *s; s++)
        if (!((unsigned)(*s - '0') < 10 || *s == '-' || *s == '+' || *s == 'e'))
            *s = '.';
}

/* Writes v with `prec` significant digits; returns 1 if strtod reads the
 * text back as exactly v (compared as bits, so -0 and 0 differ). */
static int round_trips(char *buf, size_t cap, double v, int prec, int *len)
{
    *len = snprintf(buf, cap, "%.*g", prec, v);
    c_locale_point(buf);
    double back;
    char *end = buf + *len;
    return wlr_csv_parse_number(buf, end, &back) == end &&
           bits_from_double(back) == bits_from_double(v);
}

/*
 * The fewest significant digits p such that "%.*g" of v reads back as v.
 * If p digits round-trip, so do p+1: the (p+1)-digit rounding is at least as
 * close to v as the p-digit one. That makes a binary search valid, except
 * when v is a power of two: the doubles below it are twice as close as those
 * above, the round-trip interval is lopsided, and a closer decimal on the
 * near side can fail where a farther one on the far side succeeded. Powers
 * of two are rare, and for them we simply try every p in order.
 * Most doubles in practice need 16 or 17 digits, so we start there.
 */
static int shortest_text(char *buf, size_t cap, double v)
{
    int len;
    int power_of_two = (bits_from_double(v) & ((1ULL << MANTISSA_BITS) - 1)) == 0;
    if (power_of_two) {
        for (int p = 1; p < MAX_ROUND_TRIP_DIGITS; p++)
            if (round_trips(buf, cap, v, p, &len)) return len;
        round_trips(buf, cap, v, MAX_ROUND_TRIP_DIGITS, &len);
        return len;
    }
    int lo = 1, hi = MAX_ROUND_TRIP_DIGITS; /* the answer is in [lo, hi] */
    if (!round_trips(buf, cap, v, 16, &len)) lo = 17;
    else if (!round_trips(buf, cap, v, 15, &len)) lo = hi = 16;
    else hi = 15;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (round_trips(buf, cap, v, mid, &len)) hi = mid;
        else lo = mid + 1;
    }
    round_trips(buf, cap, v, lo, &len); /* leave the answer in buf */
    return len;
}

/*
 * The same answer without printf. printf is exact but slow (it works with
 * big numbers); almost always 128 bits of precision decide every digit.
 *
 * Scale: with k the decimal exponent of a = |v| (10^k <= a < 10^(k+1)),
 * X = a * 10^(16-k) lies in [10^16, 10^17). a = m 2^e exactly, so
 * X = m 5^s 2^(e+s) with s = 16 - k, and the power-of-five table gives it as
 * a 192-bit product N 2^E, known to within 2^64 units (see decimal_to_bits).
 * That fixes X's integer part I (17 digits) and whether its fraction F is 0,
 * below, at or above one half, unless the product lies too close to an
 * integer or to one half, in which case we give up and printf decides.
 *
 * Round: the p-digit rounding of a (what "%.{p}e" prints) is I with its last
 * r = 17 - p digits rounded off: with I = Q 10^r + R and H = 10^r / 2, up iff
 * R > H, or R = H and F > 0, or R = H, F = 0 and Q is odd (half to even).
 * Rounding I + F directly, never a rounded I, avoids double rounding.
 *
 * Check: the candidate Q 10^(k-p+1) converts back with decimal_to_double.
 */

/* 10^0 .. 10^19: every power of ten in a uint64_t. */
static const uint64_t pow10_u64[20] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL,
    10000000000000000000ULL};

/* log10(2), for a first guess at the decimal exponent (corrected after). */
#define LOG10_OF_2 0.30102999566398119521

/* Where the fraction F of X lies. */
typedef enum { FRAC_ZERO, FRAC_LOW, FRAC_HALF, FRAC_HIGH, FRAC_ABOVE_ZERO } frac_class;

typedef struct {
    uint64_t i;      /* X's integer part, 10^16 <= i < 10^17 */
    int k;           /* the decimal exponent of a's first digit */
    frac_class frac; /* FRAC_ABOVE_ZERO: 0 < F < 1, side of 1/2 unknown */
} scaled17;

static int scale17(double a, scaled17 *sc)
{
    const pow5_entry *tab = pow5_get();
    if (!tab) return 0;
    uint64_t bits = bits_from_double(a), m = bits & ((1ULL << MANTISSA_BITS) - 1);
    int be = (int)(bits >> MANTISSA_BITS), e;
    if (be == 0) {
        e = 1 - EXP_BIAS; /* subnormal: no hidden bit */
    } else {
        m |= 1ULL << MANTISSA_BITS;
        e = be - EXP_BIAS;
    }
    int lz = leading_zeros64(m);
    int k = (int)floor((double)(e + 63 - lz) * LOG10_OF_2);
    /* The guess is right or one too small; a third try is never needed. */
    for (int attempt = 0; attempt < 3; attempt++) {
        int s = 16 - k;
        if (s < POW5_MIN_Q || s > POW5_MAX_Q) return 0;
        const pow5_entry *t = &tab[s - POW5_MIN_Q];
        uint64_t a_hi, a_lo, b_hi, b_lo;
        mul_64x64(m << lz, t->lo, &a_hi, &a_lo);
        mul_64x64(m << lz, t->hi, &b_hi, &b_lo);
        uint64_t p0 = a_lo, p1 = a_hi + b_lo, p2 = b_hi + (p1 < a_hi);
        /* X = N 2^-sh: the integer part is in p2 above bit tb. */
        int sh = -(t->e + e + s - lz), tb = sh - 128;
        if (tb < 1 || tb > 63) return 0;
        uint64_t ip = p2 >> tb, fr = p2 & ((1ULL << tb) - 1);
        uint64_t half = 1ULL << (tb - 1), all = (1ULL << tb) - 1;
        if (!t->exact && fr == all && p1 == UINT64_MAX)
            return 0; /* N may carry into the integer part */
        if (ip >= pow10_u64[17]) { k++; continue; }
        if (ip < pow10_u64[16]) { k--; continue; }
        sc->i = ip;
        sc->k = k;
        if (t->exact) {
            int rest = (p1 | p0) != 0;
            sc->frac = fr == 0 && !rest ? FRAC_ZERO
                     : fr < half ? FRAC_LOW
                     : fr == half && !rest ? FRAC_HALF : FRAC_HIGH;
        } else {
            /* N lies in [P, P + 2^64), and N > P strictly. */
            sc->frac = fr >= half ? FRAC_HIGH
                     : (fr + 1 < half || (fr + 1 == half && p1 != UINT64_MAX))
                         ? FRAC_LOW : FRAC_ABOVE_ZERO;
        }
        return 1;
    }
    return 0;
}

/* The p-digit rounding of a: *d (p digits) times 10^(*k - p + 1).
 * Returns 0 if F's side of one half is needed and unknown. */
static int round_digits(const scaled17 *sc, int p, uint64_t *d, int *k)
{
    int r = MAX_ROUND_TRIP_DIGITS - p;
    uint64_t q = sc->i / pow10_u64[r], rem = sc->i % pow10_u64[r], up;
    if (r == 0) {
        if (sc->frac == FRAC_ABOVE_ZERO) return 0;
        up = sc->frac == FRAC_HIGH || (sc->frac == FRAC_HALF && (q & 1));
    } else {
        uint64_t h = pow10_u64[r] / 2;
        up = rem != h ? rem > h : sc->frac != FRAC_ZERO ? 1 : (q & 1);
    }
    q += up;
    *k = sc->k;
    if (q == pow10_u64[p]) { /* 9.99 rounded up to 10.0 */
        q = pow10_u64[p - 1];
        (*k)++;
    }
    *d = q;
    return 1;
}

/* 1 if p digits round-trip, 0 if not, -1 if this method cannot tell. */
static int digits_round_trip(const scaled17 *sc, double a, int p, uint64_t *d,
                             int *k)
{
    double back;
    if (!round_digits(sc, p, d, k) ||
        !decimal_to_double(*d, *k - p + 1, 0, &back))
        return -1;
    return bits_from_double(back) == bits_from_double(a);
}

/* "%.{p}g" of the decimal d (p digits) times 10^(k - p + 1), with a sign:
 * scientific notation if k < -4 or k >= p, else plain; trailing zeros of
 * the fraction and a bare point dropped; exponents with two digits at
 * least. */
static int format_g(char *out, int neg, uint64_t d, int p, int k)
{
    char dig[20];
    for (int j = p - 1; j >= 0; j--, d /= 10) dig[j] = (char)('0' + d % 10);
    int nd = p;
    while (nd > 1 && dig[nd - 1] == '0') nd--;
    int n = 0;
    if (neg) out[n++] = '-';
    if (k < -4 || k >= p) {
        out[n++] = dig[0];
        if (nd > 1) {
            out[n++] = '.';
            memcpy(out + n, dig + 1, (size_t)nd - 1);
            n += nd - 1;
        }
        n += sprintf(out + n, "e%c%02d", k < 0 ? '-' : '+', k < 0 ? -k : k);
    } else if (k < 0) {
        memcpy(out + n, "0.", 2);
        n += 2;
        for (int z = 0; z < -k - 1; z++) out[n++] = '0';
        memcpy(out + n, dig, (size_t)nd);
        n += nd;
    } else {
        for (int j = 0; j <= k; j++) out[n++] = j < nd ? dig[j] : '0';
        if (nd > k + 1) {
            out[n++] = '.';
            memcpy(out + n, dig + k + 1, (size_t)(nd - k - 1));
            n += nd - k - 1;
        }
    }
    out[n] = '\0';
    return n;
}

/* shortest_text's search done with scale17; returns the length, or -1 to
 * leave the value to printf. */
static int shortest_text_fast(char *buf, double v)
{
    double a = fabs(v);
    scaled17 sc;
    if (!scale17(a, &sc)) return -1;
    uint64_t d;
    int k, ok;
    int lo = 1, hi = MAX_ROUND_TRIP_DIGITS;
    if ((bits_from_double(a) & ((1ULL << MANTISSA_BITS) - 1)) == 0) {
        for (lo = 1; lo < MAX_ROUND_TRIP_DIGITS; lo++) { /* power of two */
            if ((ok = digits_round_trip(&sc, a, lo, &d, &k)) < 0) return -1;
            if (ok) break;
        }
    } else {
        if ((ok = digits_round_trip(&sc, a, 16, &d, &k)) < 0) return -1;
        if (!ok) lo = 17;
        else if ((ok = digits_round_trip(&sc, a, 15, &d, &k)) < 0) return -1;
        else if (!ok) lo = hi = 16;
        else hi = 15;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if ((ok = digits_round_trip(&sc, a, mid, &d, &k)) < 0) return -1;
            if (ok) hi = mid;
            else lo = mid + 1;
        }
    }
    if (digits_round_trip(&sc, a, lo, &d, &k) != 1) return -1;
    return format_g(buf, signbit(v) != 0, d, lo, k);
}

/* "%g"'s exponent form of a whole number of few digits, such as "5e+01"
 * for 50 or "1.2e+03", as the plain "50" and "1200" that a person (and
 * Python's repr) writes: positional whenever the exponent is 0..15, as
 * "%g" already is for -4..-1. text holds len characters and room for 40;
 * returns the new length. */
static int positional(char *text, int len)
{
    char *e = strchr(text, 'e');
    if (!e) return len;
    int exp10 = atoi(e + 1);
    if (exp10 < 0 || exp10 > 15) return len;
    char digits[24];
    int neg = text[0] == '-', nd = 0;
    for (const char *p = text + neg; p < e; p++)
        if (*p != '.') digits[nd++] = *p;
    /* digits d0.d1d2... x 10^exp10, nd - 1 <= exp10 here: %g would have
     * written the point otherwise */
    int n = neg ? 1 : 0;
    for (int k = 0; k <= exp10; k++) text[n++] = k < nd ? digits[k] : '0';
    text[n] = '\0';
    (void)len;
    return n;
}

int wlr__format_double(char *buf, size_t cap, double v)
{
    char tmp[40]; /* "-1.2345678901234567e-308" is 24 characters */
    int len;
    if (!isfinite(v)) len = snprintf(tmp, sizeof tmp, "%s%s", signbit(v) ? "-" : "",
                                     isnan(v) ? "nan" : "inf");
    else if (v == 0) len = snprintf(tmp, sizeof tmp, "%s", signbit(v) ? "-0" : "0");
    else if ((len = shortest_text_fast(tmp, v)) < 0) len = shortest_text(tmp, sizeof tmp, v);
    len = positional(tmp, len);
    if (cap > 0) {
        size_t n = (size_t)len < cap - 1 ? (size_t)len : cap - 1;
        memcpy(buf, tmp, n);
        buf[n] = '\0';
    }
    return len;
}

void wlr__put_double(FILE *f, double v)
{
    char buf[40];
    wlr__format_double(buf, sizeof buf, v);
    fputs(buf, f);
}

void wlr__put_csv_cell(FILE *f, const char *s)
{
    size_t n = strlen(s);
    int blank_end = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                              s[n - 1] == '\t');
    if (!blank_end && !strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* ========================================================= reading lines */

/* Bytes read per fread: large enough that the per-call cost vanishes, small
 * enough to stay in cache while the block is parsed. Grows (doubling) only
 * for a line longer than the buffer, up to WLR_CSV_MAX_LINE. */
#define CSV_BLOCK (1u << 20)

/* r->nul when no NUL byte waits in the buffer. */
#define NO_NUL SIZE_MAX

/* Lines of a stream, from a buffer refilled with large freads. A returned
 * line [b, e) excludes its "\n" or "\r\n"; *e is writable (the buffer keeps
 * one spare byte) and the line stays valid until the next call. Every block
 * is searched for a NUL byte as it arrives, so that a binary file (or
 * /dev/zero) is refused at its first block, not after a whole "line" of
 * it; a returned line never holds a NUL. */
typedef struct {
    FILE *f;
    char *buf;
    size_t cap;   /* bytes of data buf can hold (it has cap + 1) */
    size_t start; /* the unread bytes are buf[start .. len) */
    size_t len;
    size_t scan;  /* no '\n' in buf[start .. scan) */
    size_t nul;   /* where the first NUL in buf[start .. len) is, or NO_NUL */
    int eof;
    size_t line;  /* 1-based number of the line last returned */
    double done, total; /* bytes read, and the file's size (0: unknown) */
} line_reader;

typedef enum { LINE_OK, LINE_END, LINE_READ_ERROR, LINE_NOMEM, LINE_NUL,
               LINE_TOO_LONG } line_result;

/* Keeps the partial line, moved to the front, and reads more after it
 * (doubling the buffer if the line fills it). Only reached with no NUL
 * waiting: next_line reports one before it reads on. */
static line_result refill(line_reader *r)
{
    size_t keep = r->len - r->start;
    memmove(r->buf, r->buf + r->start, keep);
    r->len = keep;
    r->start = 0;
    r->scan = keep;
    if (r->len == r->cap) {
        if (keep >= WLR_CSV_MAX_LINE) return LINE_TOO_LONG;
        char *nb = realloc(r->buf, 2 * r->cap + 1);
        if (!nb) return LINE_NOMEM;
        r->buf = nb;
        r->cap *= 2;
    }
    size_t want = r->cap - r->len;
    size_t got = fread(r->buf + r->len, 1, want, r->f);
    if (r->nul == NO_NUL) {
        char *z = memchr(r->buf + r->len, '\0', got);
        if (z) r->nul = (size_t)(z - r->buf);
    }
    r->len += got;
    r->done += (double)got;
    wlr__progress("read", r->done, r->total);
    if (got < want) {
        if (ferror(r->f)) return LINE_READ_ERROR;
        r->eof = 1;
    }
    return LINE_OK;
}

static line_result next_line(line_reader *r, char **b, char **e)
{
    for (;;) {
        char *nl = memchr(r->buf + r->scan, '\n', r->len - r->scan);
        /* a NUL before this line's end: in this line (earlier ones had none) */
        size_t end = nl ? (size_t)(nl - r->buf) : r->len;
        if (r->nul < end) return LINE_NUL;
        char *lb = r->buf + r->start, *le;
        if (nl) {
            le = nl;
            r->start = r->scan = (size_t)(nl - r->buf) + 1;
        } else if (r->eof) {
            if (r->start == r->len) return LINE_END;
            le = r->buf + r->len; /* a last line without its newline */
            r->start = r->scan = r->len;
        } else {
            line_result lr = refill(r);
            if (lr != LINE_OK) return lr;
            continue;
        }
        if (le > lb && le[-1] == '\r') le--;
        r->line++;
        *b = lb;
        *e = le;
        return LINE_OK;
    }
}

/* ============================================================ cells */

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* A line with nothing but spaces and tabs. */
static int blank_line(const char *b, const char *e)
{
    while (b < e && is_blank(*b)) b++;
    return b == e;
}

/*
 * Where the cell starting at p ends. Spaces and tabs around a cell are not
 * part of it; a cell whose first other character is '"' is quoted: it runs
 * to the matching quote, reading "" as one quote, and may contain commas.
 * Returns the end of the cell's text (for a quoted cell, just past its
 * closing quote) and sets *next past the cell's comma, or to e with *more = 0
 * after the last cell. Returns NULL for a quote not closed on this line or
 * text after a closing quote.
 */
static const char *skip_cell(const char *p, const char *e, const char **next,
                             int *more)
{
    while (p < e && is_blank(*p)) p++;
    const char *stop;
    if (p < e && *p == '"') {
        for (p++;; p++) {
            if (p >= e) return NULL;
            if (*p == '"') {
                if (p + 1 < e && p[1] == '"') { p++; continue; }
                break;
            }
        }
        stop = ++p;
        while (p < e && is_blank(*p)) p++;
        if (p < e && *p != ',') return NULL;
    } else {
        const char *comma = memchr(p, ',', (size_t)(e - p));
        stop = p = comma ? comma : e;
    }
    *more = p < e;
    *next = p < e ? p + 1 : e;
    return stop;
}

/*
 * Reads the cell at *p as skip_cell does, and gives its content [*cb, *ce):
 * without the surrounding spaces, and for a quoted cell without the quotes
 * and with "" unescaped in place (the line's bytes are overwritten there).
 * Advances *p and sets *more as skip_cell. Returns 0, or -1 for a bad quote.
 */
static int next_cell(char **p, char *e, char **cb, char **ce, int *more)
{
    const char *next;
    const char *stop = skip_cell(*p, e, &next, more);
    if (!stop) return -1;
    char *s = *p;
    while (s < stop && is_blank(*s)) s++;
    if (s < stop && *s == '"') {
        char *out = s + 1, *in = s + 1, *last = (char *)stop - 1;
        *cb = out;
        while (in < last) {
            if (*in == '"') in++; /* the first of a "" pair */
            *out++ = *in++;
        }
        *ce = out;
    } else {
        char *end = (char *)stop;
        while (end > s && is_blank(end[-1])) end--;
        *cb = s;
        *ce = end;
    }
    *p = (char *)next;
    return 0;
}

/* Cells from p to the end of the line, for "expected N cells, found M"
 * (a line ending in a comma has an empty last cell). */
static size_t count_cells(const char *p, const char *e)
{
    size_t n = 0;
    int more = 1;
    while (more) {
        n++;
        if (!skip_cell(p, e, &p, &more)) break;
    }
    return n;
}

/* Longest cell text an error message quotes; the rest becomes "...". */
#define QUOTE_MAX 40

/* Cell text for an error message: printable ASCII as is, anything else as
 * \xNN, at most QUOTE_MAX characters of it. */
static const char *quote_text(char *out, size_t cap, const char *b,
                              const char *e)
{
    size_t n = 0, shown = 0;
    for (; b < e && n + 8 < cap; b++, shown++) {
        unsigned char c = (unsigned char)*b;
        if (shown == QUOTE_MAX) break;
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out[n++] = (char)c;
        else n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
    }
    if (b < e) n += (size_t)snprintf(out + n, cap - n, "...");
    out[n] = '\0';
    return out;
}

/* Case-insensitive: does [b, e) equal the lower-case word w? */
static int word_is(const char *b, const char *e, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(e - b) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != w[i]) return 0;
    }
    return 1;
}

/* inf, infinity, nan with an optional sign: a number, but not a finite one. */
static int nonfinite_word(const char *b, const char *e)
{
    if (b < e && (*b == '+' || *b == '-')) b++;
    return word_is(b, e, "inf") || word_is(b, e, "infinity") ||
           word_is(b, e, "nan");
}

/* The whole of [b, e) as a number. 1 = a finite number in *v, 0 = not a
 * number, -1 = a number that is not finite (inf, nan, or overflowing). */
static int cell_number(char *b, char *e, double *v)
{
    if (b < e && wlr_csv_parse_number(b, e, v) == e) return isfinite(*v) ? 1 : -1;
    return nonfinite_word(b, e) ? -1 : 0;
}

/* ============================================================== names */

typedef struct {
    const char *name;
    size_t at;
} name_at;

/* By name, then by place. */
static int name_at_cmp(const void *a, const void *b)
{
    const name_at *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Sorting the names puts each name's places side by side, in order: a
 * repeated name shows as two neighbours, its first two places. Of those,
 * the one whose second place comes first is reported, so that the answer
 * does not depend on the sort. O(n log n): a header may be wide. */
int wlr__find_duplicate(const char *const *names, size_t n, size_t *first,
                        size_t *second)
{
    name_at *v = malloc((n + 1) * sizeof *v);
    if (!v) return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (names[i]) v[m++] = (name_at){names[i], i};
    qsort(v, m, sizeof *v, name_at_cmp);
    int found = 0;
    for (size_t k = 1; k < m; k++) {
        if (strcmp(v[k - 1].name, v[k].name) != 0) continue;
        /* only a name's first two places: skip its later repeats */
        if (k >= 2 && strcmp(v[k - 2].name, v[k].name) == 0) continue;
        if (!found || v[k].at < *second) {
            *first = v[k - 1].at;
            *second = v[k].at;
            found = 1;
        }
    }
    free(v);
    return found;
}

/* ============================================================ columns */

/* What a column holds: a feature (its index, >= 0), or one of these. */
#define ROLE_LABEL (-1)
#define ROLE_WEIGHT (-2)
#define ROLE_ID (-3)    /* text, kept for wlr_read_csv_ids */
#define ROLE_SKIP (-4)  /* ignored: dropped, or not among the columns listed */
#define ROLE_OPEN (-5)  /* not decided yet (only while the roles are set) */

/* The cells of the first line, copied (a header, or the first row). */
typedef struct {
    char **cell;
    size_t n;
} cell_list;

static void cell_list_free(cell_list *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->cell[i]);
    free(c->cell);
    c->cell = NULL;
    c->n = 0;
}

/* Splits a copy of [b, e) into cells. Returns 0, -1 for a bad quote, -2 for
 * out of memory, -3 for more than WLR_CSV_MAX_COLUMNS cells (counted before
 * anything is allocated for them). */
static int split_line(const char *b, const char *e, cell_list *out)
{
    memset(out, 0, sizeof *out);
    size_t len = (size_t)(e - b);
    size_t n = count_cells(b, e);
    if (n > WLR_CSV_MAX_COLUMNS) return -3;
    char *copy = malloc(len + 1);
    out->cell = calloc(n, sizeof *out->cell);
    if (!copy || !out->cell) {
        free(copy);
        free(out->cell);
        out->cell = NULL;
        return -2;
    }
    memcpy(copy, b, len);
    copy[len] = '\0';
    char *p = copy, *cb, *ce;
    int rc = 0, more = 1;
    while (rc == 0 && more && out->n < n) {
        if (next_cell(&p, copy + len, &cb, &ce, &more)) { rc = -1; break; }
        char *s = malloc((size_t)(ce - cb) + 1);
        if (!s) { rc = -2; break; }
        memcpy(s, cb, (size_t)(ce - cb));
        s[ce - cb] = '\0';
        out->cell[out->n++] = s;
    }
    free(copy);
    if (rc) cell_list_free(out);
    return rc;
}

/* A 1-based column number: digits only. */
static int is_index(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if ((unsigned)(*s - '0') >= 10) return 0;
    return 1;
}

/* Parses the text as a 1-based column number; 0 if too large to be one. */
static size_t parse_index(const char *s)
{
    size_t v = 0;
    for (; *s; s++) {
        if (v > (SIZE_MAX - 9) / 10) return 0;
        v = v * 10 + (size_t)(*s - '0');
    }
    return v;
}

/* How many cells are `name` (counting to 2), and the first two places. */
static size_t find_name(const cell_list *cells, const char *name, size_t at[2])
{
    size_t k = 0;
    for (size_t i = 0; i < cells->n && k < 2; i++)
        if (strcmp(cells->cell[i], name) == 0) at[k++] = i;
    return k;
}

/* A list option, "age,3,income", split into its items (blanks around an
 * item trimmed, as around a cell). */
typedef struct {
    char **item;
    size_t n;
} spec_list;

static void spec_list_free(spec_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->item[i]);
    free(l->item);
    l->item = NULL;
    l->n = 0;
}

static wlr_status spec_list_parse(const char *what, const char *text,
                                  spec_list *l, wlr_error *err)
{
    char q[4 * QUOTE_MAX + 16];
    memset(l, 0, sizeof *l);
    if (!text) return WLR_OK;
    size_t n = 1;
    for (const char *p = text; *p; p++) n += *p == ',';
    if (n > WLR_CSV_MAX_COLUMNS)
        return wlr__fail(err, WLR_ERR_ARG, "%s: %zu items; a file has at most "
                        "%d columns", what, n, WLR_CSV_MAX_COLUMNS);
    l->item = calloc(n, sizeof *l->item);
    if (!l->item) return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", what);
    for (const char *p = text;; p++) {
        const char *e = strchr(p, ',');
        if (!e) e = p + strlen(p);
        while (p < e && is_blank(*p)) p++;
        const char *t = e;
        while (t > p && is_blank(t[-1])) t--;
        if (t == p) {
            spec_list_free(l);
            return wlr__fail(err, WLR_ERR_ARG, "%s: an empty item in \"%s\"",
                            what, quote_text(q, sizeof q, text, text + strlen(text)));
        }
        char *item = malloc((size_t)(t - p) + 1);
        if (!item) {
            spec_list_free(l);
            return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", what);
        }
        memcpy(item, p, (size_t)(t - p));
        item[t - p] = '\0';
        l->item[l->n++] = item;
        if (!*e) return WLR_OK;
        p = e;
    }
}

/* Does the list give column c (0-based) by its index? */
static int listed_by_index(const spec_list *l, size_t c)
{
    for (size_t i = 0; i < l->n; i++)
        if (is_index(l->item[i]) && parse_index(l->item[i]) == c + 1) return 1;
    return 0;
}

/* =========================================================== the reader */

/* The first reservation for rows when the file size gives no hint (a pipe):
 * this many bytes' worth, so that narrow data does not start with a string
 * of tiny reallocations and wide data does not reserve gigabytes. */
#define FIRST_RESERVE_BYTES (1u << 20)
/* Rows reserved at the very least. */
#define MIN_ROW_CAPACITY 16

typedef struct {
    const char *name;        /* the path, for messages */
    const char *positive;    /* the option, or NULL */
    size_t positive_len;
    spec_list columns, drop; /* the options' lists */
    cell_list head;          /* the first line's cells */
    int header;              /* head is a header (names) */
    size_t n_cols, n_features;
    int *role;               /* per column: feature index, or ROLE_* */
    int has_weight;
    int no_label;            /* no label column: every y stays 0 */
    char *label_name, *weight_name, *id_name; /* header names, or NULL */
    /* Rows so far. Feature j of row i is x[j * cap + i]: columns sit `cap`
     * apart while reading and are packed to n apart at the end. */
    double *x;
    uint8_t *y;
    double *w;
    size_t n, cap;
    size_t cap_hint;         /* first reservation, from the file size */
    /* With `positive`: the other label value once seen. */
    char *other;
    int positive_seen;
    /* wlr_read_csv_ids: row i's id is id_text + id_off[i], NUL-ended */
    int want_ids;
    char *id_text;
    size_t id_len, id_cap;
    size_t *id_off;
} csv_state;

static void csv_state_free(csv_state *s)
{
    spec_list_free(&s->columns);
    spec_list_free(&s->drop);
    cell_list_free(&s->head);
    free(s->role);
    free(s->label_name);
    free(s->weight_name);
    free(s->id_name);
    free(s->x);
    free(s->y);
    free(s->w);
    free(s->other);
    free(s->id_text);
    free(s->id_off);
}

/* Doubles the room for rows, moving each column to its new place (last
 * column first, so that nothing is overwritten before it is moved). */
static wlr_status grow_rows(csv_state *s, wlr_error *err)
{
    size_t d = s->n_features;
    size_t cap = s->cap ? 2 * s->cap
               : s->cap_hint ? s->cap_hint
               : FIRST_RESERVE_BYTES / (sizeof(double) * (d + 1));
    if (cap < MIN_ROW_CAPACITY) cap = MIN_ROW_CAPACITY;
    if (cap > SIZE_MAX / sizeof(double) / d)
        return wlr__fail(err, WLR_ERR_NOMEM, "%s: too many rows", s->name);
    double *x = realloc(s->x, d * cap * sizeof *x);
    if (!x) goto nomem;
    s->x = x;
    for (size_t j = d; j-- > 1;)
        memmove(x + j * cap, x + j * s->cap, s->n * sizeof *x);
    uint8_t *y = realloc(s->y, cap);
    if (!y) goto nomem;
    s->y = y;
    if (s->has_weight) {
        double *w = realloc(s->w, cap * sizeof *w);
        if (!w) goto nomem;
        s->w = w;
    }
    if (s->want_ids) {
        size_t *off = realloc(s->id_off, cap * sizeof *off);
        if (!off) goto nomem;
        s->id_off = off;
    }
    s->cap = cap;
    return WLR_OK;
nomem:
    /* The rows read so far are lost (x may already be laid out for the new
     * stride); the caller frees everything and reports this. */
    return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory after %zu rows",
                    s->name, s->n);
}

static wlr_status cell_count_error(const csv_state *s, size_t line,
                                   size_t found, wlr_error *err)
{
    return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: expected %zu cells, found %zu",
                    s->name, line, s->n_cols, found);
}

/* Column c as messages name it: `column 3 ("age")` with a header,
 * `column 3` without. */
static const char *column_text(const csv_state *s, size_t c, char *out,
                               size_t cap)
{
    char q[4 * QUOTE_MAX + 16];
    if (!s->header) snprintf(out, cap, "column %zu", c + 1);
    else snprintf(out, cap, "column %zu (\"%s\")", c + 1,
                  quote_text(q, sizeof q, s->head.cell[c],
                             s->head.cell[c] + strlen(s->head.cell[c])));
    return out;
}

/* How to name column c in a hint such as "--drop age": its header name if
 * that is one plain word naming this column only, else its index. */
static const char *column_spec(const csv_state *s, size_t c, char *out,
                               size_t cap)
{
    const char *nm = s->header ? s->head.cell[c] : "";
    int plain = nm[0] != '\0' && strlen(nm) <= QUOTE_MAX;
    for (const char *p = nm; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-';
    size_t at[2];
    if (plain && find_name(&s->head, nm, at) == 1) snprintf(out, cap, "%s", nm);
    else snprintf(out, cap, "%zu", c + 1);
    return out;
}

/* Why a feature or weight cell is not usable. A feature that is not a
 * number is most often a column that is no feature (an id, a text, a date):
 * the message names the column and how to leave it out. */
static wlr_status bad_number(const csv_state *s, size_t line, size_t c,
                             char *cb, char *ce, int kind, wlr_error *err)
{
    char q[4 * QUOTE_MAX + 16], col[4 * QUOTE_MAX + 64], spec[4 * QUOTE_MAX + 16];
    quote_text(q, sizeof q, cb, ce);
    if (cb == ce)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: cell %zu is empty",
                        s->name, line, c + 1);
    if (kind < 0)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: cell %zu is not finite (%s)",
                        s->name, line, c + 1, q);
    if (s->role[c] == ROLE_WEIGHT)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: cell %zu \"%s\" is not a "
                        "number (the weight column)", s->name, line, c + 1, q);
    return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: cell %zu \"%s\" is not a number "
                    "(%s; not a feature? leave it out with --drop %s)", s->name,
                    line, c + 1, q, column_text(s, c, col, sizeof col),
                    column_spec(s, c, spec, sizeof spec));
}

/* The label cell [cb, ce) of row i, when `positive` names class 1: that
 * value is 1, one other value is 0, and a third value is an error. */
static wlr_status positive_label(csv_state *s, size_t line, size_t i,
                                 const char *cb, const char *ce,
                                 wlr_error *err)
{
    size_t len = (size_t)(ce - cb);
    if (len == s->positive_len && memcmp(cb, s->positive, len) == 0) {
        s->y[i] = 1;
        s->positive_seen = 1;
        return WLR_OK;
    }
    s->y[i] = 0;
    if (s->other) {
        if (strlen(s->other) == len && memcmp(cb, s->other, len) == 0)
            return WLR_OK;
        char q[4 * QUOTE_MAX + 16], p[4 * QUOTE_MAX + 16], o[4 * QUOTE_MAX + 16];
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: a third label value \"%s\" "
                        "(positive is \"%s\", the other value is \"%s\")",
                        s->name, line, quote_text(q, sizeof q, cb, ce),
                        quote_text(p, sizeof p, s->positive,
                                   s->positive + s->positive_len),
                        quote_text(o, sizeof o, s->other,
                                   s->other + strlen(s->other)));
    }
    s->other = malloc(len + 1);
    if (!s->other)
        return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory", s->name, line);
    memcpy(s->other, cb, len);
    s->other[len] = '\0';
    return WLR_OK;
}

/* Row i's id: [cb, ce) appended to id_text, NUL-ended. */
static wlr_status keep_id(csv_state *s, size_t line, size_t i, const char *cb,
                          const char *ce, wlr_error *err)
{
    size_t len = (size_t)(ce - cb);
    if (s->id_len + len + 1 > s->id_cap) {
        size_t cap = s->id_cap ? s->id_cap : FIRST_RESERVE_BYTES;
        while (cap < s->id_len + len + 1) cap *= 2;
        char *t = realloc(s->id_text, cap);
        if (!t)
            return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory for the "
                            "ids", s->name, line);
        s->id_text = t;
        s->id_cap = cap;
    }
    s->id_off[i] = s->id_len;
    memcpy(s->id_text + s->id_len, cb, len);
    s->id_text[s->id_len + len] = '\0';
    s->id_len += len + 1;
    return WLR_OK;
}

/* One cell the fast path in parse_row did not take: anything quoted, padded,
 * malformed, ignored, an id, or a label when `positive` is given. */
static wlr_status slow_cell(csv_state *s, size_t line, size_t c, char *le,
                            char **p, int *more, wlr_error *err)
{
    size_t i = s->n;
    int role = s->role[c];
    char *cb, *ce;
    int bad_quote;
    if (role == ROLE_SKIP || (role == ROLE_ID && !s->want_ids)) {
        const char *next;
        bad_quote = skip_cell(*p, le, &next, more) == NULL;
        if (!bad_quote) *p = (char *)next;
    } else {
        bad_quote = next_cell(p, le, &cb, &ce, more) != 0;
    }
    if (bad_quote)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: cell %zu: a quote is not "
                        "closed, or text follows the closing quote (quoted cells "
                        "may not span lines)", s->name, line, c + 1);
    if (role == ROLE_SKIP || (role == ROLE_ID && !s->want_ids)) return WLR_OK;
    if (role == ROLE_ID) return keep_id(s, line, i, cb, ce, err);
    if (role == ROLE_LABEL && s->positive)
        return positive_label(s, line, i, cb, ce, err);

    double v;
    int kind = cell_number(cb, ce, &v);
    if (role == ROLE_LABEL) {
        if (kind == 1 && (v == 0 || v == 1)) {
            s->y[i] = (uint8_t)(v == 1);
            return WLR_OK;
        }
        char q[4 * QUOTE_MAX + 16];
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: label \"%s\" in cell %zu is "
                        "not 0 or 1 (labels must be 0/1, or give positive)",
                        s->name, line, quote_text(q, sizeof q, cb, ce), c + 1);
    }
    if (kind != 1) return bad_number(s, line, c, cb, ce, kind, err);
    if (role == ROLE_WEIGHT) {
        if (!(v > 0)) {
            char q[4 * QUOTE_MAX + 16];
            return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: cell %zu: weight %s is "
                            "not positive", s->name, line, c + 1,
                            quote_text(q, sizeof q, cb, ce));
        }
        s->w[i] = v;
        return WLR_OK;
    }
    s->x[(size_t)role * s->cap + i] = v;
    return WLR_OK;
}

/*
 * One data line [lb, le). The fast path takes the common cell: a plain
 * number (or a bare 0/1 label) followed directly by the comma or the end of
 * the line, and converts it without looking at it twice. Anything else goes
 * through slow_cell, which also finds what is wrong.
 */
static wlr_status parse_row(csv_state *s, size_t line, char *lb, char *le,
                            wlr_error *err)
{
    if (s->n == s->cap) {
        wlr_status st = grow_rows(s, err);
        if (st) return st;
    }
    size_t i = s->n, last = s->n_cols - 1;
    char *p = lb;
    int more = 1; /* is there a cell at p? */
    for (size_t c = 0; c <= last; c++) {
        if (!more) return cell_count_error(s, line, c, err);
        int role = s->role[c];
        if (role >= 0) {
            double v;
            char *q = wlr_csv_parse_number(p, le, &v);
            if (q && (c == last ? q == le : (q < le && *q == ',')) && isfinite(v)) {
                s->x[(size_t)role * s->cap + i] = v;
                p = q + (c != last);
                more = c != last;
                continue;
            }
        } else if (role == ROLE_LABEL && !s->positive && p < le &&
                   (*p == '0' || *p == '1') &&
                   (c == last ? p + 1 == le : (p + 1 < le && p[1] == ','))) {
            s->y[i] = (uint8_t)(*p - '0');
            p += 1 + (c != last);
            more = c != last;
            continue;
        }
        wlr_status st = slow_cell(s, line, c, le, &p, &more, err);
        if (st) return st;
    }
    if (more) return cell_count_error(s, line, s->n_cols + count_cells(p, le), err);
    s->n++;
    return WLR_OK;
}

/* The guess for header = -1: the first line is a header iff a column given
 * by name (in any option) is one of its cells, or one of its cells is not a
 * number in a column that would be read as numbers. Empty cells say nothing
 * (a data row with a missing value is still a data row, and is then
 * reported as such); neither does the label cell when `positive` is given
 * (labels may then be words), nor a column given by index as the id,
 * dropped, or left out of the columns listed. */
static int guess_header(const csv_state *s, const cell_list *cells,
                        const wlr_csv_options *o)
{
    size_t at[2];
    const char *single[] = {o->label, o->weight, o->id, o->expect_label};
    for (size_t k = 0; k < sizeof single / sizeof *single; k++)
        if (single[k] && !is_index(single[k]) && find_name(cells, single[k], at))
            return 1;
    const spec_list *lists[] = {&s->columns, &s->drop};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < lists[k]->n; i++)
            if (!is_index(lists[k]->item[i]) && find_name(cells, lists[k]->item[i], at))
                return 1;
    for (size_t j = 0; o->expect_names && j < o->expect_features; j++)
        if (find_name(cells, o->expect_names[j], at)) return 1;
    size_t label = cells->n - 1;
    if (o->label && is_index(o->label)) label = parse_index(o->label) - 1;
    size_t id = o->id && is_index(o->id) ? parse_index(o->id) - 1 : SIZE_MAX;
    for (size_t i = 0; i < cells->n; i++) {
        if ((i == label && o->positive) || i == id || listed_by_index(&s->drop, i) ||
            (s->columns.n && !listed_by_index(&s->columns, i)))
            continue;
        char *b = cells->cell[i], *e = b + strlen(b);
        double v;
        if (b != e && cell_number(b, e, &v) == 0) return 1;
    }
    return 0;
}

/* The 0-based column that `spec` names: a header name first, else a 1-based
 * index. `what` is the option asking ("label", "weight", "id"; or for a
 * list, "columns", "drop", whose items messages name differently). */
static wlr_status resolve_column(const csv_state *s, const char *what,
                                 int list, const char *spec, size_t line,
                                 size_t *col, wlr_error *err)
{
    char q[4 * QUOTE_MAX + 16], pre[64];
    /* "label column 4 ..." or "columns: column 4 ..." */
    snprintf(pre, sizeof pre, list ? "%s: column" : "%s column", what);
    quote_text(q, sizeof q, spec, spec + strlen(spec));
    if (s->header) {
        size_t at[2], k = find_name(&s->head, spec, at);
        if (k == 1) { *col = at[0]; return WLR_OK; }
        if (k == 2 && list)
            return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: %s: \"%s\" names columns "
                            "%zu and %zu; give it by index", s->name, line, what,
                            q, at[0] + 1, at[1] + 1);
        if (k == 2)
            return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: \"%s\" names columns %zu "
                            "and %zu; give the %s column by index", s->name,
                            line, q, at[0] + 1, at[1] + 1, what);
    }
    if (is_index(spec)) {
        size_t k = parse_index(spec);
        if (k < 1 || k > s->n_cols)
            return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: %s %s is out of range "
                            "(the file has %zu columns)", s->name, line, pre,
                            spec, s->n_cols);
        *col = k - 1;
        return WLR_OK;
    }
    if (!s->header)
        return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: %s \"%s\" is a name, but the "
                        "file has no header", s->name, line, pre, q);
    if (list)
        return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: %s: no column named \"%s\"",
                        s->name, line, what, q);
    return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: no column named \"%s\" for the %s",
                    s->name, line, q, what);
}

static const char *role_word(int role)
{
    switch (role) {
    case ROLE_LABEL: return "label";
    case ROLE_WEIGHT: return "weight";
    case ROLE_ID: return "id";
    case ROLE_SKIP: return "dropped";
    default: return "feature";
    }
}

/* Gives column c its role; each column has one. `what` is the option
 * asking, `list` as in resolve_column. */
static wlr_status claim(csv_state *s, size_t c, int role, const char *what,
                        int list, size_t line, wlr_error *err)
{
    int had = s->role[c];
    if (had == ROLE_OPEN) {
        s->role[c] = role;
        return WLR_OK;
    }
    char col[4 * QUOTE_MAX + 64];
    column_text(s, c, col, sizeof col);
    if (list && (had == role || (had >= 0 && role >= 0)))
        return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: %s: %s is listed twice",
                        s->name, line, what, col);
    if (list)
        return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: %s: %s is the %s column",
                        s->name, line, what, col, role_word(had));
    return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: the %s column is the %s column "
                    "(column %zu)", s->name, line, role_word(had),
                    role_word(role), c + 1);
}

/* The options naming single columns, then the lists, then the expected
 * names. Returns through *by_list whether the features are given. */
static wlr_status claim_given(csv_state *s, const wlr_csv_options *o,
                              size_t line, int *by_list, wlr_error *err)
{
    const struct { const char *spec, *what; int role; } single[] = {
        {o->weight, "weight", ROLE_WEIGHT}, {o->id, "id", ROLE_ID},
        {o->label, "label", ROLE_LABEL}};
    wlr_status st;
    size_t c;
    for (size_t k = 0; k < sizeof single / sizeof *single; k++)
        if (single[k].spec &&
            ((st = resolve_column(s, single[k].what, 0, single[k].spec, line, &c, err)) ||
             (st = claim(s, c, single[k].role, single[k].what, 0, line, err))))
            return st;
    s->has_weight = o->weight != NULL;
    for (size_t i = 0; i < s->drop.n; i++)
        if ((st = resolve_column(s, "drop", 1, s->drop.item[i], line, &c, err)) ||
            (st = claim(s, c, ROLE_SKIP, "drop", 1, line, err)))
            return st;
    for (size_t i = 0; i < s->columns.n; i++)
        if ((st = resolve_column(s, "columns", 1, s->columns.item[i], line, &c, err)) ||
            (st = claim(s, c, (int)i, "columns", 1, line, err)))
            return st;
    *by_list = s->columns.n > 0 || (s->header && o->expect_names);
    if (s->columns.n || !*by_list) return WLR_OK;
    for (size_t j = 0; j < o->expect_features; j++) {
        size_t at[2], k = find_name(&s->head, o->expect_names[j], at);
        char q[4 * QUOTE_MAX + 16];
        quote_text(q, sizeof q, o->expect_names[j],
                   o->expect_names[j] + strlen(o->expect_names[j]));
        if (k == 0)
            return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: no column named \"%s\" "
                            "(expected feature %zu of %zu)", s->name, line, q,
                            j + 1, o->expect_features);
        if (k == 2)
            return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: \"%s\" names columns %zu "
                            "and %zu (expected feature %zu); drop one", s->name,
                            line, q, at[0] + 1, at[1] + 1, j + 1);
        if ((st = claim(s, at[0], (int)j, "expect_names", 1, line, err))) return st;
    }
    return WLR_OK;
}

/* Columns not yet given a role, and the last of them that may be the
 * label (a weight there is reported by claim). */
static size_t count_open(const csv_state *s)
{
    size_t k = 0;
    for (size_t c = 0; c < s->n_cols; c++) k += s->role[c] == ROLE_OPEN;
    return k;
}

/* The label column when the options do not name it; see no_label and
 * expect_label. */
static wlr_status choose_label(csv_state *s, const wlr_csv_options *o,
                               int by_list, size_t line, wlr_error *err)
{
    if (o->no_label == 1 || o->label) return WLR_OK;
    size_t c = s->n_cols, at[2];
    if (by_list && s->header && o->expect_label &&
        find_name(&s->head, o->expect_label, at) == 1 &&
        s->role[at[0]] == ROLE_OPEN) {
        s->role[at[0]] = ROLE_LABEL;
        return WLR_OK;
    }
    if (o->no_label == 0) {
        /* the last column not dropped, listed or the id (the weight there
         * is an error, as if named) */
        while (c > 0 && (s->role[c - 1] >= 0 || s->role[c - 1] == ROLE_SKIP ||
                         s->role[c - 1] == ROLE_ID))
            c--;
        if (c == 0)
            return wlr__fail(err, WLR_ERR_ARG, "%s:%zu: no column is left for the "
                            "label", s->name, line);
        return claim(s, c - 1, ROLE_LABEL, "label", 0, line, err);
    }
    if (by_list) return WLR_OK; /* no column of the label's name: none */
    size_t open = count_open(s), aside = s->n_cols - open;
    if (open == o->expect_features) return WLR_OK;
    if (open != o->expect_features + 1) {
        char besides[64] = "";
        if (aside == 1 && s->has_weight) snprintf(besides, sizeof besides, " besides the weight");
        else if (aside) snprintf(besides, sizeof besides, " besides %zu set aside "
                                 "(weight, id, dropped)", aside);
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: %zu column%s%s; expected %zu "
                        "feature columns, or %zu with a label column", s->name,
                        line, open, open == 1 ? "" : "s", besides,
                        o->expect_features, o->expect_features + 1);
    }
    while (s->role[c - 1] != ROLE_OPEN) c--;
    s->role[c - 1] = ROLE_LABEL;
    return WLR_OK;
}

/* "label, weight or dropped": the roles of the columns when none is a
 * feature, for the message. */
static void roles_present(const csv_state *s, char *out, size_t cap)
{
    static const int order[] = {ROLE_LABEL, ROLE_WEIGHT, ROLE_ID, ROLE_SKIP};
    const char *w[4];
    size_t n = 0, len = 0;
    for (size_t k = 0; k < 4; k++) {
        int seen = 0;
        for (size_t c = 0; c < s->n_cols && !seen; c++) seen = s->role[c] == order[k];
        if (seen) w[n++] = role_word(order[k]);
    }
    out[0] = '\0';
    for (size_t k = 0; k < n && len < cap; k++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s",
                                k == 0 ? "" : k + 1 == n ? " or " : ", ", w[k]);
}

/* With a header: every column read has a name, and a name of its own. */
static wlr_status check_names(const csv_state *s, size_t line, wlr_error *err)
{
    char spec[4 * QUOTE_MAX + 16], q[4 * QUOTE_MAX + 16];
    for (size_t c = 0; c < s->n_cols; c++) {
        if (s->role[c] == ROLE_SKIP || s->head.cell[c][0]) continue;
        if (s->role[c] >= 0)
            return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: column %zu has an empty "
                            "name; name it in the header, or leave it out with "
                            "--drop %zu", s->name, line, c + 1, c + 1);
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: column %zu, the %s column, "
                        "has an empty name; name it in the header", s->name,
                        line, c + 1, role_word(s->role[c]));
    }
    const char **used = malloc((s->n_cols + 1) * sizeof *used);
    if (!used) return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory", s->name, line);
    for (size_t c = 0; c < s->n_cols; c++)
        used[c] = s->role[c] == ROLE_SKIP ? NULL : s->head.cell[c];
    size_t a = 0, b = 0;
    int dup = wlr__find_duplicate(used, s->n_cols, &a, &b);
    free(used);
    if (dup < 0) return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory", s->name, line);
    if (dup == 0) return WLR_OK;
    quote_text(q, sizeof q, s->head.cell[a], s->head.cell[a] + strlen(s->head.cell[a]));
    size_t feature = s->role[b] >= 0 ? b : s->role[a] >= 0 ? a : SIZE_MAX;
    if (feature == SIZE_MAX)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: \"%s\" appears in columns %zu "
                        "and %zu; rename one", s->name, line, q, a + 1, b + 1);
    snprintf(spec, sizeof spec, "%zu", feature + 1);
    return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: \"%s\" appears in columns %zu and "
                    "%zu; rename one, or leave one out with --drop %s", s->name,
                    line, q, a + 1, b + 1, spec);
}

/* A copy of s, or NULL (and *ok = 0 if memory ran out). */
static char *copy_name(const char *s, int *ok)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (!c) *ok = 0;
    else memcpy(c, s, n);
    return c;
}

/* The header's names of the features, label, weight and id. */
static wlr_status keep_names(csv_state *s, size_t line, char ***names,
                             wlr_error *err)
{
    int ok = 1;
    *names = calloc(s->n_features, sizeof **names);
    if (!*names) ok = 0;
    for (size_t c = 0; c < s->n_cols && ok; c++) {
        char *nm = s->head.cell[c];
        int r = s->role[c];
        if (r >= 0) (*names)[r] = copy_name(nm, &ok);
        else if (r == ROLE_LABEL) s->label_name = copy_name(nm, &ok);
        else if (r == ROLE_WEIGHT) s->weight_name = copy_name(nm, &ok);
        else if (r == ROLE_ID) s->id_name = copy_name(nm, &ok);
    }
    if (!ok) return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory", s->name, line);
    return WLR_OK;
}

/* From the first line (s->head): which column is what, and the names.
 * Without a label column `no_label` is set and every row's y stays 0. */
static wlr_status setup_columns(csv_state *s, const wlr_csv_options *o,
                                size_t line, char ***names, wlr_error *err)
{
    s->n_cols = s->head.n;
    s->role = malloc(s->n_cols * sizeof *s->role);
    if (!s->role) return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory", s->name, line);
    for (size_t c = 0; c < s->n_cols; c++) s->role[c] = ROLE_OPEN;
    int by_list = 0;
    wlr_status st = claim_given(s, o, line, &by_list, err);
    if (!st) st = choose_label(s, o, by_list, line, err);
    if (st) return st;
    int j = by_list ? (int)(s->columns.n ? s->columns.n : o->expect_features) : 0;
    int label = 0;
    for (size_t c = 0; c < s->n_cols; c++) {
        if (s->role[c] == ROLE_OPEN) s->role[c] = by_list ? ROLE_SKIP : j++;
        label |= s->role[c] == ROLE_LABEL;
    }
    s->no_label = !label;
    s->n_features = (size_t)j;
    if (s->n_features == 0) {
        char roles[64];
        roles_present(s, roles, sizeof roles);
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: no feature columns (%zu "
                        "column%s, all %s)", s->name, line, s->n_cols,
                        s->n_cols == 1 ? "" : "s", roles);
    }
    if (!s->header) return WLR_OK;
    if ((st = check_names(s, line, err))) return st;
    return keep_names(s, line, names, err);
}

/* A guess at the number of rows: file size over the first row's length, a
 * little generous (rows vary in length). Only sets the first reservation;
 * too small just means the arrays double, too large costs address space that
 * is never touched and is returned at the end. */
static size_t estimate_rows(FILE *f, size_t row_bytes)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return 0;
    double est = (double)st.st_size / (double)(row_bytes + 1) * 1.05 + 16;
    return est < (double)(SIZE_MAX / 64) ? (size_t)est : 0;
}

/* The ids, as pointers into their text. */
static wlr_status finish_ids(csv_state *s, wlr_text_column *ids, wlr_error *err)
{
    memset(ids, 0, sizeof *ids);
    ids->cell = malloc((s->n + 1) * sizeof *ids->cell);
    if (!ids->cell)
        return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory for %zu ids",
                        s->name, s->n);
    ids->text = s->id_text;
    for (size_t i = 0; i < s->n; i++) ids->cell[i] = s->id_text + s->id_off[i];
    ids->n = s->n;
    ids->name = s->id_name;
    s->id_text = NULL;
    s->id_name = NULL;
    return WLR_OK;
}

/* Hands the rows over to the dataset, packing the columns n apart. */
static void finish_dataset(csv_state *s, char **names, wlr_dataset *out)
{
    size_t n = s->n, d = s->n_features;
    for (size_t j = 1; j < d; j++)
        memmove(s->x + j * n, s->x + j * s->cap, n * sizeof *s->x);
    /* Return the unused room; if shrinking fails the bigger block is fine. */
    double *x = realloc(s->x, (d * n + 1) * sizeof *x);
    uint8_t *y = realloc(s->y, n + 1);
    out->x = x ? x : s->x;
    out->y = y ? y : s->y;
    if (s->has_weight) {
        double *w = realloc(s->w, (n + 1) * sizeof *w);
        out->weight = w ? w : s->w;
    }
    if (s->no_label) {
        memset(out->y, 0, n);
        out->unlabelled = 1;
    }
    out->n_rows = n;
    out->n_features = d;
    out->names = names;
    out->label_name = s->label_name;
    out->weight_name = s->weight_name;
    s->x = NULL;
    s->y = NULL;
    s->w = NULL;
    s->label_name = NULL;
    s->weight_name = NULL;
}

/* The UTF-8 byte-order mark some editors put at the start of a file. */
static const char utf8_bom[3] = {'\xef', '\xbb', '\xbf'};

void wlr_csv_defaults(wlr_csv_options *o)
{
    memset(o, 0, sizeof *o);
    o->header = -1;
}

void wlr_text_column_free(wlr_text_column *c)
{
    free(c->name);
    free(c->cell);
    free(c->text);
    memset(c, 0, sizeof *c);
}

static wlr_status read_error(const line_reader *r, const char *name,
                             line_result lr, wlr_error *err)
{
    if (lr == LINE_NOMEM)
        return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory (a line "
                        "longer than memory?)", name, r->line + 1);
    if (lr == LINE_NUL)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: a NUL byte in the line; is "
                        "this a binary file?", name, r->line + 1);
    if (lr == LINE_TOO_LONG)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: a line longer than %zu MiB; "
                        "is this a CSV file?", name, r->line + 1,
                        WLR_CSV_MAX_LINE >> 20);
    return wlr__fail(err, WLR_ERR_IO, "%s:%zu: read error (%s)", name,
                    r->line + 1, strerror(errno));
}

/* Everything after opening: the first line decides the columns, then every
 * line is a row. */
static wlr_status read_stream(line_reader *r, csv_state *s,
                              const wlr_csv_options *o, wlr_dataset *out,
                              wlr_text_column *ids, wlr_error *err)
{
    char *lb, *le, **names = NULL;
    wlr_status st = WLR_OK;
    line_result lr;
    size_t first_line;

    while ((lr = next_line(r, &lb, &le)) == LINE_OK) {
        if (r->line == 1 && le - lb >= 3 && memcmp(lb, utf8_bom, 3) == 0) lb += 3;
        if (!blank_line(lb, le)) break;
    }
    if (lr == LINE_END) return wlr__fail(err, WLR_ERR_DATA, "%s: empty file", s->name);
    if (lr != LINE_OK) return read_error(r, s->name, lr, err);
    first_line = r->line;
    int rc = split_line(lb, le, &s->head);
    if (rc == -3)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: %zu columns; at most %d are "
                        "read (is this a CSV file?)", s->name, first_line,
                        count_cells(lb, le), WLR_CSV_MAX_COLUMNS);
    if (rc == -2) return wlr__fail(err, WLR_ERR_NOMEM, "%s:%zu: out of memory",
                                  s->name, first_line);
    if (rc == -1)
        return wlr__fail(err, WLR_ERR_DATA, "%s:%zu: a quote is not closed, or "
                        "text follows a closing quote (quoted cells may not "
                        "span lines)", s->name, first_line);

    s->header = o->header > 0 ? 1 : o->header == 0 ? 0 : guess_header(s, &s->head, o);
    st = setup_columns(s, o, first_line, &names, err);
    if (st) goto fail;

    if (!s->header) {
        s->cap_hint = estimate_rows(r->f, (size_t)(le - lb));
        if ((st = parse_row(s, first_line, lb, le, err))) goto fail;
    }
    while ((lr = next_line(r, &lb, &le)) == LINE_OK) {
        if (blank_line(lb, le)) continue;
        if (s->cap == 0) s->cap_hint = estimate_rows(r->f, (size_t)(le - lb));
        if ((st = parse_row(s, r->line, lb, le, err))) goto fail;
    }
    if (lr != LINE_END) { st = read_error(r, s->name, lr, err); goto fail; }

    if (s->n == 0) {
        st = wlr__fail(err, WLR_ERR_DATA, "%s:%zu: header but no rows", s->name,
                      first_line);
        goto fail;
    }
    if (s->positive && !s->no_label && !s->positive_seen && !o->allow_no_positive) {
        char q[4 * QUOTE_MAX + 16], p[4 * QUOTE_MAX + 16];
        st = wlr__fail(err, WLR_ERR_DATA, "%s:%zu: the positive label \"%s\" never "
                      "occurs (every label is \"%s\")", s->name, first_line,
                      quote_text(p, sizeof p, s->positive, s->positive + s->positive_len),
                      quote_text(q, sizeof q, s->other, s->other + strlen(s->other)));
        goto fail;
    }
    if (ids && (st = finish_ids(s, ids, err))) goto fail;
    finish_dataset(s, names, out);
    return WLR_OK;
fail:
    if (names)
        for (size_t j = 0; j < s->n_features; j++) free(names[j]);
    free(names);
    return st;
}

/* The options, checked before the file is opened; the lists parsed into s. */
static wlr_status check_options(const wlr_csv_options *o, csv_state *s,
                                int want_ids, wlr_error *err)
{
    if (o->positive && !o->positive[0])
        return wlr__fail(err, WLR_ERR_ARG, "positive: empty");
    if (o->no_label < -1 || o->no_label > 1)
        return wlr__fail(err, WLR_ERR_ARG, "no_label: %d is not 0, 1 or -1",
                        o->no_label);
    if (o->no_label == 1 && (o->label || o->positive))
        return wlr__fail(err, WLR_ERR_ARG, "no_label: the file has no label "
                        "column, yet %s is given", o->label ? "label" : "positive");
    if (o->no_label == -1 && o->label)
        return wlr__fail(err, WLR_ERR_ARG, "no_label: -1 finds the label column "
                        "itself, yet label is given");
    if ((o->no_label == -1 || o->expect_names) && o->expect_features == 0)
        return wlr__fail(err, WLR_ERR_ARG, "expect_features: 0 (no_label = -1 "
                        "and expect_names need the feature count)");
    if (o->columns && o->drop)
        return wlr__fail(err, WLR_ERR_ARG, "columns, drop: give one, not both "
                        "(columns lists the features to use, drop the columns "
                        "to leave out)");
    if (want_ids && !o->id)
        return wlr__fail(err, WLR_ERR_ARG, "id: no id column given to read");
    wlr_status st = spec_list_parse("columns", o->columns, &s->columns, err);
    if (!st) st = spec_list_parse("drop", o->drop, &s->drop, err);
    return st;
}

wlr_status wlr_read_csv_ids(const char *path, const wlr_csv_options *o,
                            wlr_dataset *out, wlr_text_column *ids,
                            wlr_error *err)
{
    wlr_csv_options defaults;
    memset(out, 0, sizeof *out);
    if (ids) memset(ids, 0, sizeof *ids);
    if (!o) {
        wlr_csv_defaults(&defaults);
        o = &defaults;
    }
    if (!path) return wlr__fail(err, WLR_ERR_ARG, "path: missing");
    int use_stdin = strcmp(path, "-") == 0;
    const char *name = use_stdin ? "<stdin>" : path;
    csv_state s = {0};
    s.name = name;
    s.positive = o->positive;
    s.positive_len = o->positive ? strlen(o->positive) : 0;
    s.want_ids = ids != NULL;
    wlr_status st = check_options(o, &s, ids != NULL, err);
    if (st) {
        csv_state_free(&s);
        return st;
    }

    line_reader r = {0};
    r.nul = NO_NUL;
    r.f = use_stdin ? stdin : fopen(path, "rb");
    if (!r.f) {
        csv_state_free(&s);
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open (%s)", name,
                        strerror(errno));
    }
    struct stat sb;
    if (!use_stdin && fstat(fileno(r.f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fclose(r.f);
        csv_state_free(&s);
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open (%s)", name,
                        strerror(EISDIR));
    }
    if (!use_stdin && fstat(fileno(r.f), &sb) == 0 && S_ISREG(sb.st_mode))
        r.total = (double)sb.st_size;
    r.cap = CSV_BLOCK;
    r.buf = malloc(r.cap + 1);
    st = r.buf ? read_stream(&r, &s, o, out, ids, err)
               : wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", name);
    csv_state_free(&s);
    free(r.buf);
    if (!use_stdin) fclose(r.f);
    if (st) memset(out, 0, sizeof *out);
    return st;
}

wlr_status wlr_read_csv(const char *path, const wlr_csv_options *o,
                        wlr_dataset *out, wlr_error *err)
{
    return wlr_read_csv_ids(path, o, out, NULL, err);
}

/* =========================================================== the writer */

/* Output is gathered in a buffer of this size and written in large blocks. */
#define WRITE_BLOCK (1u << 16)
/* Room one formatted number (at most 24 characters) and a comma need. */
#define NUMBER_ROOM 32

typedef struct {
    FILE *f;
    char buf[WRITE_BLOCK];
    size_t len;
    int failed;
} text_out;

static void out_flush(text_out *t)
{
    if (t->len && !t->failed && fwrite(t->buf, 1, t->len, t->f) != t->len)
        t->failed = 1;
    t->len = 0;
}

static void out_bytes(text_out *t, const char *s, size_t n)
{
    if (t->len + n > sizeof t->buf) out_flush(t);
    if (n > sizeof t->buf) {
        if (!t->failed && fwrite(s, 1, n, t->f) != n) t->failed = 1;
        return;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

/* A header cell: quoted (with "" for a quote) if it holds a comma, a quote,
 * a line break or surrounding spaces, which the reader would otherwise
 * split or trim, or starts as a byte-order mark does (which the reader
 * drops at the start of a file). */
static void out_name(text_out *t, const char *s)
{
    size_t n = strlen(s);
    int quote = n > 0 && (is_blank(s[0]) || is_blank(s[n - 1]) ||
                          (n >= 3 && memcmp(s, utf8_bom, 3) == 0));
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) { out_bytes(t, s, n); return; }
    out_bytes(t, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') out_bytes(t, "\"", 1);
        out_bytes(t, s + i, 1);
    }
    out_bytes(t, "\"", 1);
}

/* The header's cells, comma-separated. */
static void out_header_cell(text_out *t, const char *name, int first)
{
    if (!first) out_bytes(t, ",", 1);
    out_name(t, name);
}

static void out_number(text_out *t, double v, char sep)
{
    if (t->len + NUMBER_ROOM > sizeof t->buf) out_flush(t);
    int n = wlr__format_double(t->buf + t->len, NUMBER_ROOM, v);
    t->len += (size_t)n;
    t->buf[t->len++] = sep;
}

/* Room for a default name "x<j>": 'x', at most 20 digits, the NUL. */
#define DEFAULT_NAME_ROOM 24

/* The header's cells: the feature names (x<j> for a feature without one,
 * written into *spare), then the weight's and the label's (NULL for a
 * column the file will not have). NULL if out of memory. */
static const char **header_cells(const wlr_dataset *d, char **spare)
{
    size_t dim = d->n_features;
    const char **cells = malloc((dim + 2) * sizeof *cells);
    char *buf = malloc(dim * DEFAULT_NAME_ROOM + 1);
    if (!cells || !buf) {
        free(cells);
        free(buf);
        return NULL;
    }
    for (size_t j = 0; j < dim; j++)
        cells[j] = wlr_feature_name(d, j, buf + j * DEFAULT_NAME_ROOM,
                                    DEFAULT_NAME_ROOM);
    cells[dim] = d->weight ? (d->weight_name ? d->weight_name : "weight") : NULL;
    cells[dim + 1] = d->unlabelled ? NULL : d->label_name ? d->label_name : "y";
    *spare = buf;
    return cells;
}

/* Two columns of one name would read back as one (or not at all). */
static wlr_status check_header_unique(const wlr_dataset *d, wlr_error *err)
{
    size_t dim = d->n_features, a = 0, b = 0;
    char *spare = NULL;
    const char **cells = header_cells(d, &spare);
    int dup = cells ? wlr__find_duplicate(cells, dim + 2, &a, &b) : -1;
    char q[4 * QUOTE_MAX + 16] = "";
    if (dup > 0) quote_text(q, sizeof q, cells[a], cells[a] + strlen(cells[a]));
    free(cells);
    free(spare);
    if (dup < 0) return wlr__fail(err, WLR_ERR_NOMEM, "f: out of memory");
    if (dup == 0) return WLR_OK;
    char ka[32], kb[48];
    snprintf(ka, sizeof ka, "feature %zu", a + 1);
    if (b < dim) snprintf(kb, sizeof kb, "feature %zu", b + 1);
    else snprintf(kb, sizeof kb, "the %s column", b == dim ? "weight" : "label");
    return wlr__fail(err, WLR_ERR_ARG, "d: %s and %s are both named \"%s\"",
                    a < dim ? ka : "the weight column", kb, q);
}

/* The progress hook hears of every 2^18 rows written. */
#define WRITE_PROGRESS_ROWS ((size_t)(1 << 18) - 1)

wlr_status wlr_write_csv(FILE *f, const wlr_dataset *d, wlr_error *err)
{
    size_t n = d->n_rows, dim = d->n_features;
    /* Refuse what could not be read back. */
    for (size_t k = 0; k < n * dim; k++)
        if (!isfinite(d->x[k]))
            return wlr__fail(err, WLR_ERR_ARG, "d: row %zu, feature %zu is not "
                            "finite", k % n + 1, k / n + 1);
    for (size_t i = 0; d->weight && i < n; i++)
        if (!isfinite(d->weight[i]) || !(d->weight[i] > 0))
            return wlr__fail(err, WLR_ERR_ARG, "d: the weight of row %zu is not "
                            "finite and positive", i + 1);
    wlr_status st = check_header_unique(d, err);
    if (st) return st;

    text_out *t = malloc(sizeof *t);
    if (!t) return wlr__fail(err, WLR_ERR_NOMEM, "f: out of memory");
    t->f = f;
    t->len = 0;
    t->failed = 0;
    /* Unlabelled rows get no y column (read them back with no_label = 1):
     * a row then ends with its weight, or its last feature. */
    int labelled = !d->unlabelled;
    char nb[DEFAULT_NAME_ROOM];
    for (size_t j = 0; j < dim; j++)
        out_header_cell(t, wlr_feature_name(d, j, nb, sizeof nb), j == 0);
    if (d->weight)
        out_header_cell(t, d->weight_name ? d->weight_name : "weight", dim == 0);
    if (labelled)
        out_header_cell(t, d->label_name ? d->label_name : "y", dim == 0 && !d->weight);
    out_bytes(t, "\n", 1);
    char after_x = d->weight || labelled ? ',' : '\n';
    for (size_t i = 0; i < n && !t->failed; i++) {
        if ((i & WRITE_PROGRESS_ROWS) == WRITE_PROGRESS_ROWS)
            wlr__progress("write", (double)i, (double)n);
        for (size_t j = 0; j < dim; j++)
            out_number(t, d->x[j * n + i], j + 1 < dim ? ',' : after_x);
        if (d->weight) out_number(t, d->weight[i], labelled ? ',' : '\n');
        if (labelled) out_bytes(t, d->y[i] ? "1\n" : "0\n", 2);
    }
    out_flush(t);
    int failed = t->failed || ferror(f);
    free(t);
    if (failed)
        return wlr__fail(err, WLR_ERR_IO, "f: write failed (%s)", strerror(errno));
    return WLR_OK;
}
