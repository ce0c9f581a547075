/*
 * test_regress.c: every input that made a fuzzer of tests/fuzz/ fail,
 * fed to the same code path (state_load/state_save, conf_load/conf_print)
 * with the property that fuzzer checks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "engine/state.h"
#include "tests/testutil.h"

TestSuite(regress, .init = tu_dir_init, .fini = tu_fini, .timeout = 60);

/*
 * state_load of TEXT, state_save, state_load again: what the first load
 * kept must come back, entry for entry (fuzz_state's property).
 */
static size_t
state_roundtrip(const char *text, size_t len)
{
	char *in = tu_path(tu_dir, "in"), *out = tu_path(tu_dir, "out");
	struct state *a, *b;
	size_t n;
	FILE *fp = fopen(in, "w");

	cr_assert_not_null(fp);
	cr_assert_eq(fwrite(text, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
	a = state_load(in);
	cr_assert_not_null(a);
	cr_assert_eq(state_save(a, out), 0);
	b = state_load(out);
	cr_assert_not_null(b);
	cr_assert_eq(state_count(b), state_count(a),
	    "%zu entries loaded, %zu after a save and a load", state_count(a),
	    state_count(b));
	n = state_count(a);
	state_free(a);
	state_free(b);
	free(in);
	free(out);
	return n;
}

/* fuzz_state: day 0 was taken, saved as the 31st of the month before. */
Test(regress, a_day_zero_state_line_does_not_vanish_on_save)
{
	static const char crash[] = "log\365rotate st\027\000/tc\377\377\377"
	    "\377g&-/\n1/x\" 1900-1-0\n";
	static const char plain[] = "logrotate state -- version 2\n"
	    "\"/var/log/a\" 2026-3-0-10:0:0\n\"/var/log/b\" 2026-3-1\n";

	state_roundtrip(crash, sizeof(crash) - 1);
	cr_assert_eq(state_roundtrip(plain, sizeof(plain) - 1), 1);
}

/*
 * fuzz_conf: a control character followed by a digit was printed as an
 * octal escape ("\\014" then "0") that libconfuse reads back as the bad
 * escape "\\0140", so `mond -t -v` output did not load again.
 */
Test(regress, printed_control_characters_load_again)
{
	static const char text[] = "log \"/var/log/web/*.log\" {\n"
	    "files = \"/var\\x0c0\\x01ff\\x1b7/log/single0\"\n}\n"
	    "statefile = \"/a\\x0c0b\"\n";
	char *in = tu_path(tu_dir, "in.conf");
	char *out = tu_path(tu_dir, "out.conf");
	struct mond_conf *a, *b;
	FILE *fp;

	tu_write_file(in, text);
	a = conf_load(in);
	cr_assert_not_null(a, "the input itself does not load");
	cr_assert_str_eq(a->statefile, "/a\f0b");
	fp = fopen(out, "w");
	cr_assert_not_null(fp);
	cr_assert_eq(conf_print(a, fp), 0);
	cr_assert_eq(fclose(fp), 0);
	b = conf_load(out);
	cr_assert_not_null(b, "conf_print's output does not load: %s",
	    tu_read_file(out, NULL));
	cr_assert_str_eq(b->statefile, a->statefile);
	cr_assert_str_eq(b->rules[0].patterns[1], a->rules[0].patterns[1]);
	conf_free(a);
	conf_free(b);
	free(in);
	free(out);
}
