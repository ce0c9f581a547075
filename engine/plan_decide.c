/*
 * plan_decide.c: whether a log rotates now, and why, as logrotate 3.21's
 * findNeedRotating() would say: the safety skips, force, maxsize, size, the
 * calendar fields of the frequency, and the minsize/minage/ifempty vetoes.
 * No I/O: the stat, state entry and clock all come in plan_input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/plan.h"
#include "engine/plan_int.h"

#define DAY	86400LL

void
plan_why(struct plan *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
}

static void
day_text(time_t t, bool hour, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, hour ? "%Y-%m-%d %H:00" : "%Y-%m-%d", &tm);
}

/* Days between two calendar dates, exact whatever DST does to midnights. */
static long long
civil_days(const struct tm *tm)
{
	long long y = tm->tm_year + 1900LL, m = tm->tm_mon + 1, d = tm->tm_mday;
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe;
}

static bool
same_hour(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon &&
	    a->tm_mday == b->tm_mday && a->tm_hour == b->tm_hour;
}

/*
 * WEEKDAY is the rule's (0 Sunday .. 6; 7 matches no day, so only seven
 * days make it due), as logrotate's `weekly N`.
 */
static bool
freq_due(enum freq f, int weekday, const struct tm *now, const struct tm *last)
{
	long long days;

	switch (f) {
	case FREQ_HOURLY:
		return !same_hour(now, last);
	case FREQ_DAILY:
		return now->tm_mday != last->tm_mday ||
		    now->tm_mon != last->tm_mon || now->tm_year != last->tm_year;
	case FREQ_WEEKLY:
		days = civil_days(now) - civil_days(last);
		return days >= 7 || (days >= 1 && now->tm_wday == weekday);
	case FREQ_MONTHLY:
		return now->tm_mon != last->tm_mon || now->tm_year != last->tm_year;
	case FREQ_YEARLY:
		return now->tm_year != last->tm_year;
	case FREQ_NONE:
		break;
	}
	return false;
}

/*
 * The time criterion, with logrotate's vetoes: minsize and minage only ever
 * hold back a rotation that time made due, never size or force.
 */
static bool
time_due(const struct plan_input *in, time_t last, struct plan *p)
{
	const struct log_rule *r = in->rule;
	const char *fname = conf_freq_name(r->frequency);
	bool hourly = r->frequency == FREQ_HOURLY;
	struct tm tnow, tlast;
	char lt[32], mt[32];

	day_text(last, hourly, lt, sizeof(lt));
	if (last - in->now > 25 * 3600) {
		plan_why(p, "last rotation %s is in the future: rotating", lt);
		return true;
	}
	localtime_r(&in->now, &tnow);
	localtime_r(&last, &tlast);
	if (same_hour(&tnow, &tlast) || !freq_due(r->frequency, r->weekday, &tnow,
	    &tlast)) {
		plan_why(p, "not due: %s, last %s", fname, lt);
		return false;
	}
	if (r->minsize > 0 && in->st->st_size < r->minsize) {
		plan_why(p, "not due: size %lld < minsize %lld (%s, last %s)",
		    (long long)in->st->st_size, r->minsize, fname, lt);
		return false;
	}
	if (r->minage > 0 && r->minage * DAY >= (long long)(in->now - in->st->st_mtime)) {
		day_text(in->st->st_mtime, false, mt, sizeof(mt));
		plan_why(p, "not due: minage %d days, modified %s", r->minage, mt);
		return false;
	}
	plan_why(p, "%s: last %s", fname, lt);
	return true;
}

/* *TIME_NO: the time criterion alone said no (not a veto of size). */
static bool
criteria(const struct plan_input *in, time_t last, struct plan *p,
    bool *time_no)
{
	const struct log_rule *r = in->rule;
	long long size = in->st->st_size, thr = r->size;

	if (in->force) {
		plan_why(p, "forced");
		return true;
	}
	if (r->maxsize > 0 && size > r->maxsize) {
		plan_why(p, "size %lld > maxsize %lld", size, r->maxsize);
		return true;
	}
	/* No built-in 1M here: conf_load stores it as the size (-t -v). */
	if (thr >= 0) {
		if (size >= thr)
			plan_why(p, "size %lld >= %lld", size, thr);
		else
			plan_why(p, "not due: size %lld < %lld", size, thr);
		return size >= thr;
	}
	*time_no = !time_due(in, last, p);
	return !*time_no;
}

/* The checks that leave a log alone; true when it may be considered. */
static bool
admissible(const struct plan_input *in, struct plan *p)
{
	const struct log_rule *r = in->rule;
	const struct stat *st = in->st;

	p->status = PLAN_SKIP;
	if (in->dir_insecure && in->euid == 0 && !r->has_su) {
		p->status = PLAN_ERROR;
		plan_why(p, "parent directory is writable by others or by a "
		    "non-root group: skipped (set su)");
	} else if (st == NULL) {
		if (!r->missingok)
			p->status = PLAN_ERROR;
		plan_why(p, r->missingok ? "missing, missingok" : "log does not exist");
	} else if (S_ISLNK(st->st_mode))
		plan_why(p, "symbolic link: skipped");
	else if (!S_ISREG(st->st_mode))
		plan_why(p, "not a regular file: skipped");
	else if (st->st_nlink > 1 && !r->allowhardlink)
		plan_why(p, "%lu hard links and allowhardlink = no: skipped",
		    (unsigned long)st->st_nlink);
	else {
		p->status = PLAN_IDLE;
		return true;
	}
	return false;
}

void
plan_decide(const struct plan_input *in, struct plan *p)
{
	const struct log_rule *r = in->rule;
	time_t last = in->last != 0 ? in->last : in->now;
	bool due, by_time, time_no = false;
	size_t l;

	if (!admissible(in, p))
		return;
	p->first_sight = in->last == 0;
	due = criteria(in, last, p, &time_no);
	if (due && !r->ifempty && in->st->st_size == 0) {
		due = false;
		plan_why(p, "empty and ifempty = no");
	}
	p->status = due ? PLAN_DUE : PLAN_IDLE;
	if (due)
		p->record = PLAN_RECORD_ON_SUCCESS;
	else if (p->first_sight)
		p->record = PLAN_RECORD_NOW;
	if (due || !p->first_sight)
		return;
	by_time = !in->force && r->size < 0 && r->frequency != FREQ_NONE;
	if (by_time && time_no)
		plan_why(p, "first sight: state recorded");
	else if ((l = strlen(p->why)) + 30 < sizeof(p->why))
		snprintf(p->why + l, sizeof(p->why) - l,
		    " (first sight: state recorded)");
}

long long
plan_threshold(const struct log_rule *r, bool time_due,
    enum threshold_kind *kind)
{
	enum threshold_kind k = THRESHOLD_NONE;
	long long t = -1;

	if (r->size != SIZE_UNSET) {
		t = r->size;
		k = THRESHOLD_SIZE;
	}
	if (r->maxsize != SIZE_UNSET && (t == -1 || r->maxsize < t)) {
		t = r->maxsize;
		k = THRESHOLD_MAXSIZE;
	}
	/* minsize only lets a due time rotation through; alone it waits. */
	if (r->minsize != SIZE_UNSET && time_due &&
	    (t == -1 || r->minsize < t)) {
		t = r->minsize;
		k = THRESHOLD_MINSIZE;
	}
	if (kind != NULL)
		*kind = k;
	return t;
}
