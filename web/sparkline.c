/*
 * sparkline.c: a log's last day drawn for the status page as inline SVG
 * (render_int.h). Its numbers come from the root process through the
 * front's strict decoding, but are clamped here again: a point outside
 * the day or the drawing is left out or pinned to its edge, never drawn
 * past it. The drawing is 168 by 40 and may be stretched (a phone's
 * page makes it as wide as the screen): strokes keep their width.
 * Only presentation attributes, no style or script of its own:
 * nothing a strict Content-Security-Policy would forbid beyond the page's
 * one inline <style>; and no text of a log's ever reaches the SVG.
 */
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "web/render_int.h"

#define SPARK_W		168
#define SPARK_H		40
#define SPARK_TOP	4	/* room above the peak for the markers */
#define SPARK_BOTTOM	38
/* A gap of this many steps between samples (none taken) breaks the line. */
#define SPARK_GAP_STEPS	3

#define LINE_COLOR	"#1a73e8"
#define ROT_COLOR	"#d93025"

/* The day drawn: its end and length, in seconds. */
struct day {
	time_t		 now;
	time_t		 span;
	time_t		 gap;
};

/* T's x in day D: 0 a span before its end, SPARK_W at it. */
static double
x_of(time_t t, const struct day *d)
{
	double x = (double)(t - (d->now - d->span)) * SPARK_W /
	    (double)d->span;

	return x < 0 ? 0 : x > SPARK_W ? SPARK_W : x;
}

/* SIZE's y with PEAK at the top. */
static double
y_of(long long size, long long peak)
{
	double f = peak > 0 ? (double)size / (double)peak : 0;

	if (f > 1)
		f = 1;
	return SPARK_BOTTOM - f * (SPARK_BOTTOM - SPARK_TOP);
}

static bool
in_day(time_t t, const struct day *d)
{
	return t > d->now - d->span && t <= d->now;
}

/* The largest size sampled within the day; 0 when none. */
static long long
peak_of(const struct status_row *r, const struct day *d)
{
	long long peak = 0;
	size_t i;

	for (i = 0; i < r->nhistory; i++)
		if (in_day(r->history[i].at, d) && r->history[i].size > peak)
			peak = r->history[i].size;
	return peak;
}

/*
 * The samples [FROM, TO) as one stretch of line over a lightly filled
 * area; a stretch of one sample is a dot.
 */
static void
stretch(struct render_buf *b, const struct status_row *r, size_t from,
    size_t to, long long peak, const struct day *d)
{
	const struct status_sample *h = r->history;
	size_t i;

	if (to - from == 1) {
		render_addf(b, "<circle class=\"size\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"1.5\" fill=\"" LINE_COLOR "\"/>",
		    x_of(h[from].at, d), y_of(h[from].size, peak));
		return;
	}
	render_addf(b, "<polygon class=\"area\" fill=\"" LINE_COLOR "\" "
	    "fill-opacity=\"0.12\" points=\"%.1f,%d", x_of(h[from].at, d),
	    SPARK_BOTTOM);
	for (i = from; i < to; i++)
		render_addf(b, " %.1f,%.1f", x_of(h[i].at, d),
		    y_of(h[i].size, peak));
	render_addf(b, " %.1f,%d\"/>", x_of(h[to - 1].at, d), SPARK_BOTTOM);
	render_adds(b, "<polyline class=\"size\" fill=\"none\" stroke=\""
	    LINE_COLOR "\" stroke-width=\"1.5\" stroke-linejoin=\"round\" "
	    "vector-effect=\"non-scaling-stroke\" "
	    "points=\"");
	for (i = from; i < to; i++)
		render_addf(b, "%s%.1f,%.1f", i > from ? " " : "",
		    x_of(h[i].at, d), y_of(h[i].size, peak));
	render_adds(b, "\"/>");
}

/* The sizes within the day, broken where the log was missing or unsampled. */
static void
lines(struct render_buf *b, const struct status_row *r, long long peak,
    const struct day *d)
{
	const struct status_sample *h = r->history;
	size_t i, from = 0;
	bool open = false;

	for (i = 0; i <= r->nhistory; i++) {
		bool ok = i < r->nhistory && in_day(h[i].at, d) &&
		    h[i].size >= 0;

		if (open && (!ok || h[i].at - h[i - 1].at > d->gap)) {
			stretch(b, r, from, i, peak, d);
			open = false;
		}
		if (ok && !open) {
			from = i;
			open = true;
		}
	}
}

/* Each rotation within the day: a red tick the height of the drawing. */
static void
rotations(struct render_buf *b, const struct status_row *r,
    const struct day *d)
{
	char stamp[32];
	double x;
	size_t i;

	for (i = 0; i < r->nrotated_at; i++) {
		if (!in_day(r->rotated_at[i], d))
			continue;
		x = x_of(r->rotated_at[i], d);
		render_stamp(stamp, sizeof(stamp), r->rotated_at[i]);
		render_addf(b, "<g class=\"rot\"><title>rotated %s</title>"
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\""
		    ROT_COLOR "\" stroke-width=\"1\" "
		    "vector-effect=\"non-scaling-stroke\"/><path d=\"M%.1f 0h6l-3 "
		    "4z\" transform=\"translate(-3 0)\" fill=\"" ROT_COLOR
		    "\"/></g>", stamp, x, SPARK_TOP, x, SPARK_BOTTOM, x);
	}
}

static size_t
rotations_in_day(const struct status_row *r, const struct day *d)
{
	size_t i, n = 0;

	for (i = 0; i < r->nrotated_at; i++)
		n += in_day(r->rotated_at[i], d);
	return n;
}

void
render_span(char *buf, size_t size, int step)
{
	long long span = (long long)(step > 0 ? step : STATUS_HISTORY_STEP) *
	    STATUS_HISTORY_MAX;

	if (span % 3600 == 0)
		snprintf(buf, size, "%lld hours", span / 3600);
	else if (span % 60 == 0)
		snprintf(buf, size, "%lld minutes", span / 60);
	else
		snprintf(buf, size, "%lld seconds", span);
}

void
render_sparkline(struct render_buf *b, const struct status_row *r,
    time_t now, int step)
{
	struct day d;
	long long peak;
	size_t nrot, i;
	char pk[32], span[32];
	bool any = false;

	if (step <= 0)
		step = STATUS_HISTORY_STEP;
	d = (struct day){ now, (time_t)step * STATUS_HISTORY_MAX,
	    (time_t)step * SPARK_GAP_STEPS };
	peak = peak_of(r, &d);
	nrot = rotations_in_day(r, &d);
	render_span(span, sizeof(span), step);
	for (i = 0; i < r->nhistory; i++)
		any = any || (in_day(r->history[i].at, &d) &&
		    r->history[i].size >= 0);
	render_human_size(pk, sizeof(pk), peak);
	render_addf(b, "<svg class=\"spark\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" preserveAspectRatio=\"none\" role=\"img\" "
	    "aria-label=\"", SPARK_W, SPARK_H, SPARK_W, SPARK_H);
	if (any)
		render_addf(b, "size over the last %s, peak %s, %zu "
		    "rotation%s", span, pk, nrot, nrot == 1 ? "" : "s");
	else
		render_addf(b, "no size sampled in the last %s, %zu "
		    "rotation%s", span, nrot, nrot == 1 ? "" : "s");
	render_addf(b, "\"><rect width=\"%d\" height=\"%d\" rx=\"3\" "
	    "fill=\"#f1f3f5\"/>", SPARK_W, SPARK_H);
	if (any && r->threshold_kind != THRESHOLD_NONE && r->threshold > 0 &&
	    r->threshold <= peak)
		render_addf(b, "<line class=\"threshold\" x1=\"0\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\" stroke=\"#f29900\" stroke-width=\"1\" "
		    "vector-effect=\"non-scaling-stroke\" "
		    "stroke-dasharray=\"3 2\"/>", y_of(r->threshold, peak),
		    SPARK_W, y_of(r->threshold, peak));
	rotations(b, r, &d);
	if (any)
		lines(b, r, peak, &d);
	else
		render_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		    "font-size=\"11\" fill=\"#888\">no samples yet</text>",
		    SPARK_W / 2, SPARK_H / 2 + 4);
	render_adds(b, "</svg>");
}
