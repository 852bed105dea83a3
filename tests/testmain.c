/* testmain.c - the main of every suite (testmain.h): runs tu_suite() with
 * Check's settings from the environment (CK_ENV); exit status 0 when every
 * test passed, 1 otherwise. */
#include <stdlib.h>

#include "testmain.h"

int main(void)
{
    SRunner *sr = srunner_create(tu_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
