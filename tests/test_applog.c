/* test_applog.c: STUB, replaced by the suite's author. */
#include <criterion/criterion.h>
#include "tests/testutil.h"

Test(applog, placeholder)
{
	cr_assert(1);
}
