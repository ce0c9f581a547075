/*
 * planfx.c: the planner suites' fixture (planfx.h). It builds plans from
 * what a test sets and renders their actions; it judges nothing but what
 * its fx_expect_* helpers are asked.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fsutil.h"
#include "tests/planfx.h"

void
fx_utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

time_t
fx_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	cr_assert_eq(sscanf(s, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min) >= 3, 1, "bad time %s", s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static char *patterns[] = { "/l/*.log" };

static struct fx *cur;

void
fx_fini(void)
{
	if (cur != NULL)
		plan_free(&cur->p);
}

void
fx_init(struct fx *f)
{
	if (cur != NULL)
		plan_free(&cur->p);
	memset(f, 0, sizeof(*f));
	cur = f;
	f->r.title = "/l/*.log";
	f->r.patterns = patterns;
	f->r.npatterns = 1;
	f->r.frequency = FREQ_WEEKLY;
	f->r.size = f->r.minsize = f->r.maxsize = SIZE_UNSET;
	f->r.rotate = 4;
	f->r.start = 1;
	f->r.dateformat = "-%Y%m%d";	/* as conf_load sets it */
	f->r.compressext = ".gz";	/* likewise */
	f->r.ifempty = true;
	f->r.compresslevel = 6;
	f->path = "/l/a.log";
	f->now = fx_time("2026-11-25 12:00");
	f->last = fx_time("2026-11-15 12:00");
	f->st.st_mode = S_IFREG | 0640;
	f->st.st_size = 100;
	f->st.st_nlink = 1;
	f->st.st_uid = 0;
	f->st.st_gid = 4;
	f->st.st_mtime = f->now - 3600;
	f->euid = 1000;
}

void
fx_sib(struct fx *f, const char *name, time_t mtime)
{
	cr_assert_lt(f->nsib, 16);
	f->sib[f->nsib].name = name;
	f->sib[f->nsib++].mtime = mtime;
}

void
fx_run(struct fx *f)
{
	struct plan_input in = {
		.rule = &f->r, .path = f->path,
		.st = f->missing ? NULL : &f->st,
		.dir_insecure = f->has_dir && fs_dir_insecure(&f->dir),
		.euid = f->euid, .last = f->last, .now = f->now,
		.force = f->force, .siblings = f->sib, .nsiblings = f->nsib,
		.date_taken_fails = f->date_taken_fails,
	};
	size_t i, o = 0;

	plan_free(&f->p);
	plan_sort_siblings(f->sib, f->nsib);
	cr_assert_eq(plan_build(&in, &f->p), 0);
	f->lines[0] = '\0';
	for (i = 0; i < f->p.nactions; i++) {
		o += (size_t)plan_action_render(&f->p.actions[i], f->lines + o,
		    sizeof(f->lines) - o, NULL, NULL);
		cr_assert_lt(o + 1, sizeof(f->lines));
		f->lines[o++] = '\n';
		f->lines[o] = '\0';
	}
}

void
fx_expect_lines(struct fx *f, const char *const *want)
{
	char buf[4096] = "";

	for (; *want != NULL; want++) {
		strcat(buf, *want);
		strcat(buf, "\n");
	}
	cr_assert_eq(f->p.status, PLAN_DUE, "not due: %s", f->p.why);
	cr_assert_str_eq(f->lines, buf);
}

void
fx_expect_status(struct fx *f, enum plan_status st, const char *why)
{
	cr_assert_eq(f->p.status, st, "status %d, want %d (why: %s)",
	    f->p.status, st, f->p.why);
	cr_assert_not_null(strstr(f->p.why, why), "why \"%s\" lacks \"%s\"",
	    f->p.why, why);
	/* A due log that failed keeps only firstaction and lastaction. */
	if (st != PLAN_DUE && !f->p.was_due)
		cr_assert_eq(f->p.nactions, 0);
}
