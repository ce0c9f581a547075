/* test_conf.c: STUB, replaced by the suite's author. */
#include <criterion/criterion.h>
#include "tests/testutil.h"

Test(conf, placeholder)
{
	cr_assert(1);
}
