/* testmain.h - the one test main (testmain.c) and the suites it runs.  Each
 * tests/check_NAME.c defines tu_suite(), its suite with every test case;
 * build/tests/check_NAME is that file linked with testmain.o, run by `make
 * test` (tests/suites.sh, TEST_JOBS suites at a time; CK_VERBOSITY, CK_RUN_CASE, CK_TIMEOUT_MULTIPLIER
 * and the other CK_ variables work as Check documents them). */
#ifndef STAMPEDE_TESTMAIN_H
#define STAMPEDE_TESTMAIN_H

#include <check.h>

Suite *tu_suite(void);

#endif
