/*
 * clock.c: parsing of the --now time. Tests move mond's clock with it
 * instead of sleeping; nothing here reads the real clock.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/clock.h"
#include "daemon/log.h"
#include "daemon/mond.h"

int
mond_parse_time(const char *text, time_t *t)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%dT%H:%M", &tm);
	if (end == NULL)
		return -1;
	if (*end == ':') {
		end = strptime(end, ":%S", &tm);
		if (end == NULL)
			return -1;
	}
	if (*end != '\0')
		return -1;
	tm.tm_isdst = -1;	/* local time: let mktime find DST */
	*t = mktime(&tm);
	return *t == (time_t)-1 ? -1 : 0;
}

double
mond_monotonic(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime(CLOCK_MONOTONIC)");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
