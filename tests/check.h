/*
 * check.h - the smallest test harness that does the job.
 *
 * A test file defines `static void test_something(void)` functions that call
 * CHECK(cond, fmt, ...) and lists them in main() with RUN(test_something);
 * main returns check_summary(). A test passes iff none of its checks failed;
 * the last line printed is "N passed, N failed" (tests, not checks).
 */
#ifndef WLR_CHECK_H
#define WLR_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_tests_passed, check_tests_failed, check_current_failed;
static const char *check_current_name = "";

#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            check_current_failed++;                                         \
            printf("FAIL %s (%s:%d): ", check_current_name, __FILE__,       \
                   __LINE__);                                               \
            printf(__VA_ARGS__);                                            \
            printf("\n");                                                   \
        }                                                                   \
    } while (0)

/* Two doubles within an absolute tolerance. */
#define CHECK_NEAR(a, b, tol)                                               \
    CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%s = %.17g, %s = %.17g, " \
          "differ by more than %g", #a, (double)(a), #b, (double)(b), (double)(tol))

#define RUN(fn)                                                             \
    do {                                                                    \
        check_current_name = #fn;                                           \
        check_current_failed = 0;                                           \
        fn();                                                               \
        if (check_current_failed) check_tests_failed++;                     \
        else check_tests_passed++;                                          \
    } while (0)

static inline int check_summary(void)
{
    printf("%d passed, %d failed\n", check_tests_passed, check_tests_failed);
    return check_tests_failed != 0;
}

#endif
