/*
 * test_spread.c - tests of src/spread.c: the mean, sample sd and percentile
 * interval of repeated values against numpy 1.24.2, computed offline:
 *
 *   a.mean(), a.std(ddof=1), np.percentile(a, [2.5, 97.5])
 *
 * (the arrays "hundred" and "odd41" are np.random.RandomState(7)'s
 * uniform(0.4, 0.7, 100) then normal(0.02, 0.03, 41)). The percentiles
 * must be numpy's bits; the mean and sd, which numpy sums pairwise, agree
 * to a few units in the last place.
 */
#include "internal.h"
#include "check.h"

#include <math.h>
#include <string.h>

static const double one[1] = {
    0.5634,};
static const double two[2] = {
    0.25, 0.75,};
static const double three[3] = {
    0.563, 0.521, 0.6,};
static const double ties[8] = {
    0.1, 0.1, 0.1, 0.3, 0.3, 0.9, 0.9, 0.9,};
static const double hundred[100] = {
    0.42289248681218716, 0.6339756376720344, 0.5315227694322681,
    0.6170395533492823, 0.6933968535989807, 0.5615487611231301,
    0.5503361390979813, 0.4216153400079285, 0.48053169403056134,
    0.549964750247668, 0.6037689988362821, 0.6411217108313126,
    0.5142823399445615, 0.41978090407177154, 0.48644367979239805,
    0.672878058315884, 0.46401560607397463, 0.535637188545305,
    0.6793618059067065, 0.40746976826510445, 0.5801646752392368,
    0.6850388501240936, 0.46909086370628944, 0.5645469757708091,
    0.6727385124660193, 0.43995083372777505, 0.5570237742021298,
    0.6251229577306104, 0.6007039722651741, 0.5403258579234942,
    0.46145472708933855, 0.5472297667273212, 0.5117154068155176,
    0.5432203464554766, 0.5097671157341779, 0.6513753982927781,
    0.6305942519558527, 0.49419840316379865, 0.5717875997931862,
    0.48281471449920854, 0.5358528797639202, 0.5058935097833184,
    0.5972198388339275, 0.5111053248964106, 0.5377278933674294,
    0.6157972367527125, 0.5238975487341504, 0.6719269807493016,
    0.4541354857608045, 0.6223356618739793, 0.5267122130929421,
    0.5279360718054826, 0.5903139605901516, 0.5568718603085036,
    0.524465793531833, 0.4004280641688275, 0.4276787037540256,
    0.6128183181175638, 0.5573036790295591, 0.6088481390550906,
    0.6866404969008777, 0.6048741563126252, 0.4159386072018873,
    0.4926558054591391, 0.5777784061970119, 0.4705361221772393,
    0.689491299860838, 0.6835144671378381, 0.6545202642513066,
    0.5416971988865207, 0.6524430144695191, 0.4393331927043742,
    0.4926200971893506, 0.5388989182463251, 0.62255416020504,
    0.5457475686126689, 0.44106283563923526, 0.5030609589113075,
    0.4973278509017329, 0.49012567129541196, 0.4496504201397362,
    0.5244705317719756, 0.534436197250817, 0.6324701127442052,
    0.6389172102347644, 0.5567170384004836, 0.5381890888489831,
    0.6334640804631689, 0.6661866855558204, 0.6024756309600363,
    0.640143714699539, 0.6817334061196556, 0.41219674283100577,
    0.6627015174610249, 0.4829689217353403, 0.5427293498272733,
    0.6390282870795707, 0.615172669682569, 0.4441442715825079,
    0.5976244776862436,};
static const double odd41[41] = {
    0.014119180630761036, 0.002276905434105903, 0.011008662880165178,
    0.05890655578180018, 0.06588738900179467, 0.04008254580228983,
    0.036462353593349886, 0.04029886968667658, 0.01963273440180671,
    0.017730096155388012, -0.000209355621282218, 0.018323976498497783,
    0.08779840959878785, 0.04607117987761477, 0.009736489297194109,
    0.005842200435994359, -0.005934699747572374, 0.03123111049212727,
    0.03174637080507742, -0.023293649710028144, 0.03459005591725107,
    0.0029158318844450908, 0.06280163469946508, 0.024705319511125513,
    0.07153190148980705, 0.0062561962134197215, 0.011360484004376562,
    0.028994250568096992, 0.05167844897493616, 0.03697647465882217,
    -0.017005718311826883, 0.025487021048443005, 0.020667342156216816,
    0.00712794219332024, 0.0005568412132292005, 0.07242731718045933,
    0.008288405559153096, -0.0053776791138342335, 0.03911338498437321,
    0.023918689317867593, 0.017725584010822467,};

/* One case: the values and numpy's answers. */
typedef struct {
    const char *name;
    const double *v;
    size_t n;
    double mean, sd, lo, hi;
} spread_case;

static const spread_case cases[] = {
    {"one", one, 1, 0.5634, NAN, 0.5634, 0.5634},
    {"two", two, 2, 0.5, 0.3535533905932738, 0.2625, 0.7375},
    {"three", three, 3, 0.5613333333333334, 0.03952636251077667, 0.5231, 0.59815},
    {"ties", ties, 8, 0.45, 0.38172540616821105, 0.1, 0.9},
    {"hundred", hundred, 100, 0.5547195966124252, 0.07998915014099565, 0.4139741284071745, 0.6858797146819052},
    {"odd41", odd41, 41, 0.025181879352549223, 0.025176353177549033, -0.017005718311826883, 0.07242731718045933},
};

/* |a - b| within k units in the last place of b. */
static int within_ulps(double a, double b, double k)
{
    return fabs(a - b) <= k * (nextafter(fabs(b), INFINITY) - fabs(b));
}

static void test_against_numpy(void)
{
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const spread_case *e = &cases[c];
        wlr__spread s;
        wlr_error err;
        CHECK(wlr__spread_compute(e->v, e->n, &s, &err) == WLR_OK, "%s: %s",
              e->name, err.message);
        CHECK(s.n == e->n, "%s: n %zu", e->name, s.n);
        CHECK(s.lo == e->lo, "%s: 2.5th percentile %.17g, numpy %.17g", e->name,
              s.lo, e->lo);
        CHECK(s.hi == e->hi, "%s: 97.5th percentile %.17g, numpy %.17g", e->name,
              s.hi, e->hi);
        CHECK(within_ulps(s.mean, e->mean, 4), "%s: mean %.17g, numpy %.17g",
              e->name, s.mean, e->mean);
        if (isnan(e->sd))
            CHECK(isnan(s.sd), "%s: sd of one value %g, not NaN", e->name, s.sd);
        else
            CHECK(within_ulps(s.sd, e->sd, 8), "%s: sd %.17g, numpy %.17g",
                  e->name, s.sd, e->sd);
    }
}

/* The order of the values does not matter, nor does -0.0 against +0.0. */
static void test_order(void)
{
    double up[5] = {-0.0, 0.0, 0.25, 0.5, 1.0}, down[5] = {1.0, 0.5, 0.25, 0.0, -0.0};
    wlr__spread a, b;
    wlr_error err;
    CHECK(wlr__spread_compute(up, 5, &a, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr__spread_compute(down, 5, &b, &err) == WLR_OK, "%s", err.message);
    CHECK(memcmp(&a, &b, sizeof a) == 0, "the spread depends on the order: lo "
          "%g / %g, hi %g / %g", a.lo, b.lo, a.hi, b.hi);
    /* numpy: np.percentile(up, [2.5, 97.5]) = [0.0, 0.95] */
    CHECK(a.lo == 0 && a.hi == 0.95, "lo %g, hi %.17g",
          a.lo, a.hi);
}

/* numpy's two halves of the lerp: below and from g = 0.5. */
static void test_percentile(void)
{
    const double v[2] = {0.1, 0.7};
    CHECK(wlr__percentile(v, 2, 0) == 0.1, "0th %g", wlr__percentile(v, 2, 0));
    CHECK(wlr__percentile(v, 2, 100) == 0.7, "100th %g", wlr__percentile(v, 2, 100));
    /* g = 0.25: 0.1 + 0.6 * 0.25;  g = 0.75: 0.7 - 0.6 * 0.25 */
    CHECK(wlr__percentile(v, 2, 25) == 0.1 + (0.7 - 0.1) * 0.25, "25th %.17g",
          wlr__percentile(v, 2, 25));
    CHECK(wlr__percentile(v, 2, 75) == 0.7 - (0.7 - 0.1) * (1 - 0.75), "75th %.17g",
          wlr__percentile(v, 2, 75));
}

static void test_errors(void)
{
    wlr__spread s;
    wlr_error err;
    const double bad[3] = {0.1, NAN, 0.3};
    CHECK(wlr__spread_compute(bad, 0, &s, &err) == WLR_ERR_ARG, "no values");
    CHECK(strstr(err.message, "no values") != NULL, "%s", err.message);
    CHECK(wlr__spread_compute(bad, 3, &s, &err) == WLR_ERR_ARG, "a NaN");
    CHECK(strstr(err.message, "value 1 is nan") != NULL, "%s", err.message);
}

int main(void)
{
    RUN(test_against_numpy);
    RUN(test_order);
    RUN(test_percentile);
    RUN(test_errors);
    return check_summary();
}
