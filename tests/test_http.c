/* test_http.c: STUB, replaced by the suite's author. */
#include <criterion/criterion.h>
#include "tests/testutil.h"

Test(http, placeholder)
{
	cr_assert(1);
}
