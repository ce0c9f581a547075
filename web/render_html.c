/*
 * render_html.c: the status page itself (render.h's render_html): one
 * table row per log with its size against its threshold, its last day as
 * a sparkline (sparkline.c), what its rotated files keep and what
 * compression made of them; then the file systems and what the
 * configuration left out. Inline CSS only, no script, no external asset;
 * every text escaped (render.c's render_html_text).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/render.h"
#include "web/render_int.h"

#define BAR_WIDTH	120

static const char html_head[] =
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
    "<title>mond status</title>\n<style>\n"
    "body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:1em;"
    "color:#222;background:#f6f7f9}\n"
    "h1{font-size:1.4em;margin:0 0 .3em}\n"
    "h2{font-size:1.1em;margin:1.2em 0 .4em}\n"
    ".meta{color:#555;margin:0 0 1em;overflow-wrap:anywhere}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;"
    "box-shadow:0 1px 3px #0002}\n"
    "th,td{text-align:left;padding:.5em .6em;border-bottom:1px solid #e3e5e8;"
    "vertical-align:top}\n"
    "th{background:#eef0f3;font-weight:600}\n"
    "code{overflow-wrap:anywhere}\n"
    ".rule{display:block;color:#777;font-size:.85em}\n"
    ".bar{display:block;margin-bottom:.2em}\n"
    ".spark{display:block}\n"
    ".err{color:#b00020}\n.ok{color:#1b7f3b}\n.dim{color:#888}\n"
    "@media (max-width:640px){\n"
    "thead{display:none}\ntable,tbody,tr,td{display:block;width:auto}\n"
    "tr.log{display:grid;grid-template-columns:1fr 1fr;margin:0 0 .8em;"
    "border:1px solid #e3e5e8}\n"
    "td{border:0;padding:.25em .6em}\n"
    ".spark{width:100%}\n"
    "td:first-child,td:nth-child(2),td.day,td:last-child{grid-column:1/3}\n"
    "td[data-label]::before{content:attr(data-label);display:block;"
    "font-size:.75em;color:#777;text-transform:uppercase}\n"
    "}\n</style>\n</head>\n<body>\n";

void
render_human_size(char *buf, size_t size, long long n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lld B", n);
	else
		snprintf(buf, size, "%.1f %s", v, units[u]);
}

static void
human_span(char *buf, size_t size, long long secs)
{
	if (secs < 0)
		secs = -secs;
	if (secs < 120)
		snprintf(buf, size, "%llds", secs);
	else if (secs < 7200)
		snprintf(buf, size, "%lldm", secs / 60);
	else if (secs < 172800)
		snprintf(buf, size, "%lldh %lldm", secs / 3600, secs / 60 % 60);
	else
		snprintf(buf, size, "%lldd %lldh", secs / 86400,
		    secs / 3600 % 24);
}

void
render_stamp(char *buf, size_t size, time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

/* "2026-11-25 22:30 UTC (3h 2m ago)" */
static void
html_time(struct render_buf *b, time_t t, time_t now)
{
	char stamp[32], span[32];

	render_stamp(stamp, sizeof(stamp), t);
	human_span(span, sizeof(span), (long long)(t - now));
	render_addf(b, "<time datetime=\"%lld\">%s</time> <span class=\"dim\">(%s%s%s)"
	    "</span>", (long long)t, stamp, t > now ? "in " : "", span,
	    t > now ? "" : " ago");
}

/* The size as a bar against the threshold: green, amber past 80%, red at it. */
static void
html_size(struct render_buf *b, const struct status_row *r)
{
	char sz[32], th[32];
	double frac;
	const char *color;

	if (r->size < 0) {
		render_adds(b, "<span class=\"dim\">missing</span>");
		return;
	}
	render_human_size(sz, sizeof(sz), r->size);
	if (r->threshold_kind == THRESHOLD_NONE || r->threshold <= 0) {
		render_addf(b, "%s <span class=\"dim\">(no size limit)</span>", sz);
		return;
	}
	render_human_size(th, sizeof(th), r->threshold);
	frac = (double)r->size / (double)r->threshold;
	color = frac >= 1 ? "#d93025" : frac >= 0.8 ? "#f29900" : "#1e8e3e";
	if (frac > 1)
		frac = 1;
	render_addf(b, "<svg class=\"bar\" width=\"%d\" height=\"10\" role=\"img\" "
	    "aria-label=\"%.0f%% of %s\"><rect width=\"%d\" height=\"10\" "
	    "rx=\"2\" fill=\"#e3e5e8\"/><rect width=\"%.1f\" height=\"10\" "
	    "rx=\"2\" fill=\"%s\"/></svg>%s / %s <span class=\"dim\">%s</span>",
	    BAR_WIDTH, frac * 100, th, BAR_WIDTH, frac * BAR_WIDTH, color, sz,
	    th, render_threshold_name(r->threshold_kind));
}

/* "3 files, 1.2 MiB", or unknown when the last pass did not read them. */
static void
html_kept(struct render_buf *b, const struct status_row *r)
{
	char sz[32];

	if (r->rotated_files < 0 || r->rotated_bytes < 0) {
		render_adds(b, "<span class=\"dim\">unknown</span>");
		return;
	}
	render_human_size(sz, sizeof(sz), r->rotated_bytes);
	render_addf(b, "%lld file%s, %s", r->rotated_files,
	    r->rotated_files == 1 ? "" : "s", sz);
}

/*
 * What the compressed files came to, as a share of what went in: "to
 * 12%" with the bytes each side, since the daemon started.
 */
static void
html_ratio(struct render_buf *b, const struct status_row *r)
{
	char in[32], out[32];

	if (r->packed_in <= 0) {
		render_adds(b, "<span class=\"dim\">none yet</span>");
		return;
	}
	render_human_size(in, sizeof(in), r->packed_in);
	render_human_size(out, sizeof(out), r->packed_out);
	render_addf(b, "to %.1f%% <span class=\"dim\">(%s of %s)</span>",
	    100.0 * (double)r->packed_out / (double)r->packed_in, out, in);
}

static void
html_row(struct render_buf *b, const struct status_row *r,
    const struct status_snapshot *s, const char *span)
{
	time_t now = s->now;

	render_adds(b, "<tr class=\"log\"><td data-label=\"Log\"><code>");
	render_html_text(b, r->path);
	render_adds(b, "</code><span class=\"rule\">");
	render_html_text(b, r->rule != NULL ? r->rule : "");
	render_adds(b, "</span></td><td data-label=\"Size\">");
	html_size(b, r);
	render_addf(b, "</td><td class=\"day\" data-label=\"Last %s\">", span);
	render_sparkline(b, r, now, s->history_step);
	render_adds(b, "</td><td data-label=\"Last rotation\">");
	if (r->last != 0)
		html_time(b, r->last, now);
	else
		render_adds(b, "<span class=\"dim\">never</span>");
	render_adds(b, "</td><td data-label=\"Next due\">");
	if (r->next_due != (time_t)-1)
		html_time(b, r->next_due, now);
	else
		render_adds(b, "<span class=\"dim\">on size</span>");
	render_adds(b, "</td><td data-label=\"Backups kept\">");
	if (r->backups < 0)
		render_adds(b, "all");
	else
		render_addf(b, "%d", r->backups);
	render_adds(b, "</td><td data-label=\"Kept in rotated files\">");
	html_kept(b, r);
	render_adds(b, "</td><td data-label=\"Compressed\">");
	html_ratio(b, r);
	render_addf(b, "</td><td data-label=\"Rotations\">%llu", r->rotations);
	if (r->failures > 0)
		render_addf(b, " <span class=\"err\">(%llu failed)</span>",
		    r->failures);
	render_adds(b, "</td><td data-label=\"Last error\">");
	if (r->error != NULL) {
		render_adds(b, "<span class=\"err\">");
		render_html_text(b, r->error);
		render_adds(b, "</span>");
	} else
		render_adds(b, "<span class=\"ok\">none</span>");
	render_adds(b, "</td></tr>\n");
}

/* N bytes in human units, or "unknown". */
static void
html_bytes(struct render_buf *b, long long n)
{
	char sz[32];

	if (n < 0) {
		render_adds(b, "<span class=\"dim\">unknown</span>");
		return;
	}
	render_human_size(sz, sizeof(sz), n);
	render_adds(b, sz);
}

/* The file systems under the logs: free space red once under minfree. */
static void
html_fs(struct render_buf *b, const struct status_snapshot *s)
{
	const struct status_fs *f;
	bool under;
	size_t i;

	if (s->nfs == 0)
		return;
	render_adds(b, "<h2>File systems</h2>\n<table>\n<thead><tr><th>Mounted on"
	    "</th><th>Free</th><th>Size</th><th>minfree</th></tr></thead>\n"
	    "<tbody>\n");
	for (i = 0; i < s->nfs; i++) {
		f = &s->fs[i];
		render_adds(b, "<tr class=\"fs\"><td data-label=\"Mounted on\"><code>");
		render_html_text(b, f->path);
		render_adds(b, "</code></td><td data-label=\"Free\">");
		under = f->minfree >= 0 && f->free >= 0 && f->free < f->minfree;
		if (under)
			render_adds(b, "<span class=\"err\">");
		html_bytes(b, f->free);
		if (f->free >= 0 && f->size > 0)
			render_addf(b, " <span class=\"dim\">(%.0f%%)</span>",
			    100.0 * (double)f->free / (double)f->size);
		if (under)
			render_adds(b, " under minfree</span>");
		render_adds(b, "</td><td data-label=\"Size\">");
		html_bytes(b, f->size);
		render_adds(b, "</td><td data-label=\"minfree\">");
		if (f->minfree >= 0)
			html_bytes(b, f->minfree);
		else
			render_adds(b, "<span class=\"dim\">not set</span>");
		render_adds(b, "</td></tr>\n");
	}
	render_adds(b, "</tbody>\n</table>\n");
}

/* What the configuration left out, under the table: FILE:LINE: what. */
static void
html_problems(struct render_buf *b, const struct status_snapshot *s)
{
	const struct status_problem *p;
	size_t i;

	if (s->nproblems == 0)
		return;
	render_addf(b, "<h2>Configuration: %zu problem%s</h2>\n<ul class=\"problems\">"
	    "\n", s->nproblems, s->nproblems == 1 ? "" : "s");
	for (i = 0; i < s->nproblems; i++) {
		p = &s->problems[i];
		render_adds(b, "<li><code>");
		render_html_text(b, p->file);
		if (p->line > 0)
			render_addf(b, ":%d", p->line);
		render_adds(b, "</code>: ");
		render_html_text(b, p->what);
		render_adds(b, p->skipped ? " <span class=\"err\">skipped</span>" :
		    " <span class=\"dim\">line ignored</span>");
		render_adds(b, "</li>\n");
	}
	render_adds(b, "</ul>\n");
}

int
render_html(struct render_buf *b, const struct status_snapshot *s)
{
	char up[32], span[32];
	size_t i;

	render_adds(b, html_head);
	human_span(up, sizeof(up), (long long)(s->now - s->started));
	render_adds(b, "<h1>mond</h1>\n<p class=\"meta\">version ");
	render_html_text(b, s->version);
	render_addf(b, " &middot; up %s &middot; config <code>", up);
	render_html_text(b, s->conf_path);
	render_addf(b, "</code> &middot; worker %s &middot; %zu log%s</p>\n",
	    s->worker_alive ? "<span class=\"ok\">alive</span>" :
	    "<span class=\"err\">down</span>", s->nrows,
	    s->nrows == 1 ? "" : "s");
	render_span(span, sizeof(span), s->history_step);
	render_addf(b, "<table>\n<thead><tr><th>Log</th><th>Size / threshold</th>"
	    "<th>Last %s</th><th>Last rotation</th><th>Next due</th>"
	    "<th>Backups kept</th><th>Kept in rotated files</th>"
	    "<th>Compressed</th><th>Rotations</th><th>Last error</th></tr>"
	    "</thead>\n<tbody>\n", span);
	for (i = 0; i < s->nrows; i++)
		html_row(b, &s->rows[i], s, span);
	if (s->nrows == 0)
		render_adds(b, "<tr><td colspan=\"10\" class=\"dim\">No log matched "
		    "the configured patterns.</td></tr>\n");
	render_adds(b, "</tbody>\n</table>\n");
	html_fs(b, s);
	html_problems(b, s);
	render_adds(b, "</body>\n</html>\n");
	return render_done(b);
}
