/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal unit-test harness for the protocol-logic files (user space).
 *
 *   TEST(name) { CHECK(x); CHECK_EQ(a, b); }
 *   int main(void) { RUN(name); ...; return harness_done(); }
 */
#ifndef XFPM_TEST_HARNESS_H
#define XFPM_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

static int harness_checks, harness_failures, harness_tests;
static const char *harness_current;

#define TEST(name) static void test_##name(void)

#define RUN(name) do {							\
	int before_ = harness_failures;					\
	harness_current = #name;					\
	harness_tests++;						\
	test_##name();							\
	printf("%s %s\n", harness_failures == before_ ? "ok  " : "FAIL", #name); \
} while (0)

#define CHECK(cond) do {						\
	harness_checks++;						\
	if (!(cond)) {							\
		harness_failures++;					\
		fprintf(stderr, "%s:%d: %s: check failed: %s\n",	\
			__FILE__, __LINE__, harness_current, #cond);	\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	harness_checks++;						\
	if (a_ != b_) {							\
		harness_failures++;					\
		fprintf(stderr, "%s:%d: %s: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, harness_current, #a, a_, #b, b_); \
	}								\
} while (0)

static inline int harness_done(void)
{
	printf("%d tests, %d checks, %d failed\n", harness_tests, harness_checks,
	       harness_failures);
	return harness_failures ? 1 : 0;
}

#endif
