/* A tiny test harness: CHECK records a failure and carries on; main ends with the line
 * "N passed, N failed" and exits non-zero when anything failed. */
#ifndef SP_TEST_HARNESS_H
#define SP_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            harness_passed++;                                                                      \
        } else {                                                                                   \
            harness_failed++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(a, b, tol) CHECK(fabs((double)(a) - (double)(b)) <= (tol))
#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)
#define CHECK_HAS(haystack, needle) CHECK(strstr((haystack), (needle)) != NULL)

#define RUN(test)                                                                                  \
    do {                                                                                           \
        int failed_before_ = harness_failed;                                                       \
        test();                                                                                    \
        if (harness_failed != failed_before_)                                                      \
            fprintf(stderr, "  in %s\n", #test);                                                   \
    } while (0)

static int harness_report(void)
{
    printf("%d passed, %d failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}

#endif
