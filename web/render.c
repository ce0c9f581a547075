/*
 * render.c: the status page, its JSON twin and the Prometheus exposition,
 * written from a status_snapshot into a growing buffer. Paths come from
 * the file system and may hold any byte: every text is escaped for its
 * format, and bytes that are not UTF-8 become U+FFFD, so no log name can
 * inject markup, break the JSON or a label. Pure: no I/O, no clock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/render.h"

#define BAR_WIDTH	120

static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

static int
grow(struct render_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->failed = true;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

static void
add(struct render_buf *b, const char *s, size_t len)
{
	if (grow(b, len) == -1)
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static void
adds(struct render_buf *b, const char *s)
{
	add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
addf(struct render_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The length of the valid UTF-8 sequence at S, or 0 when it is not one. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

enum esc { ESC_HTML, ESC_JSON, ESC_LABEL };

/* Appends S escaped for MODE; invalid UTF-8 bytes become U+FFFD. */
static void
add_escaped(struct render_buf *b, const char *s, enum esc mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if ((n = utf8_len(p)) == 0) {
			adds(b, replacement);
			p++;
			continue;
		}
		if (n > 1) {
			add(b, (const char *)p, n);
			p += n;
			continue;
		}
		switch (mode) {
		case ESC_HTML:
			if (*p == '&')
				adds(b, "&amp;");
			else if (*p == '<')
				adds(b, "&lt;");
			else if (*p == '>')
				adds(b, "&gt;");
			else if (*p == '"')
				adds(b, "&quot;");
			else if (*p == '\'')
				adds(b, "&#39;");
			else if (*p < 0x20 || *p == 0x7f)
				adds(b, replacement);
			else
				add(b, (const char *)p, 1);
			break;
		case ESC_JSON:
			if (*p == '"' || *p == '\\') {
				add(b, "\\", 1);
				add(b, (const char *)p, 1);
			} else if (*p == '\n')
				adds(b, "\\n");
			else if (*p == '\t')
				adds(b, "\\t");
			else if (*p < 0x20 || *p == 0x7f)
				addf(b, "\\u%04x", *p);
			else
				add(b, (const char *)p, 1);
			break;
		case ESC_LABEL:
			/* The 0.0.4 format escapes these three only. */
			if (*p == '"' || *p == '\\') {
				add(b, "\\", 1);
				add(b, (const char *)p, 1);
			} else if (*p == '\n')
				adds(b, "\\n");
			else
				add(b, (const char *)p, 1);
			break;
		}
		p++;
	}
}

const char *
render_threshold_name(enum threshold_kind kind)
{
	switch (kind) {
	case THRESHOLD_SIZE:
		return "size";
	case THRESHOLD_MAXSIZE:
		return "maxsize";
	case THRESHOLD_MINSIZE:
		return "minsize";
	default:
		return "none";
	}
}

void
render_buf_free(struct render_buf *buf)
{
	free(buf->data);
	memset(buf, 0, sizeof(*buf));
}

static int
done(struct render_buf *b)
{
	if (b->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* ---- JSON ---- */

static void
json_str(struct render_buf *b, const char *s)
{
	if (s == NULL) {
		adds(b, "null");
		return;
	}
	add(b, "\"", 1);
	add_escaped(b, s, ESC_JSON);
	add(b, "\"", 1);
}

static void
json_time(struct render_buf *b, time_t t, time_t none)
{
	if (t == none)
		adds(b, "null");
	else
		addf(b, "%lld", (long long)t);
}

/* N, or null when it is unknown (below 0). */
static void
json_count(struct render_buf *b, long long n)
{
	if (n < 0)
		adds(b, "null");
	else
		addf(b, "%lld", n);
}

static void
json_row(struct render_buf *b, const struct status_row *r)
{
	adds(b, "{\"path\":");
	json_str(b, r->path);
	addf(b, ",\"size\":%lld,\"threshold\":%lld,\"threshold_kind\":\"%s\","
	    "\"rule\":", r->size, r->threshold,
	    render_threshold_name(r->threshold_kind));
	json_str(b, r->rule);
	adds(b, ",\"last_rotation\":");
	json_time(b, r->last, 0);
	adds(b, ",\"next_due\":");
	json_time(b, r->next_due, (time_t)-1);
	addf(b, ",\"backups\":%d,\"outcome\":", r->backups);
	json_str(b, r->outcome);
	adds(b, ",\"error\":");
	json_str(b, r->error);
	addf(b, ",\"rotations_total\":%llu,\"failures_total\":%llu,"
	    "\"rotated_files\":", r->rotations, r->failures);
	json_count(b, r->rotated_files);
	adds(b, ",\"rotated_bytes\":");
	json_count(b, r->rotated_bytes);
	adds(b, "}");
}

static void
json_fs(struct render_buf *b, const struct status_fs *f)
{
	adds(b, "{\"path\":");
	json_str(b, f->path);
	adds(b, ",\"free_bytes\":");
	json_count(b, f->free);
	adds(b, ",\"size_bytes\":");
	json_count(b, f->size);
	adds(b, ",\"minfree_bytes\":");
	json_count(b, f->minfree);
	adds(b, "}");
}

int
render_json(struct render_buf *b, const struct status_snapshot *s)
{
	size_t i;

	adds(b, "{\"version\":");
	json_str(b, s->version);
	addf(b, ",\"now\":%lld,\"started\":%lld,\"uptime_seconds\":%lld,"
	    "\"config\":", (long long)s->now, (long long)s->started,
	    (long long)(s->now - s->started));
	json_str(b, s->conf_path);
	addf(b, ",\"worker_alive\":%s,\"logs\":[",
	    s->worker_alive ? "true" : "false");
	for (i = 0; i < s->nrows; i++) {
		adds(b, i ? ",\n" : "\n");
		json_row(b, &s->rows[i]);
	}
	adds(b, "],\n\"filesystems\":[");
	for (i = 0; i < s->nfs; i++) {
		adds(b, i ? ",\n" : "\n");
		json_fs(b, &s->fs[i]);
	}
	adds(b, "],\n\"config_problems\":[");
	for (i = 0; i < s->nproblems; i++) {
		adds(b, i ? ",\n{\"file\":" : "\n{\"file\":");
		json_str(b, s->problems[i].file);
		addf(b, ",\"line\":%d,\"skipped\":%s,\"what\":",
		    s->problems[i].line, s->problems[i].skipped ? "true" :
		    "false");
		json_str(b, s->problems[i].what);
		adds(b, "}");
	}
	adds(b, "],\n\"http_requests\":{");
	for (i = 0; i < s->nhttp; i++)
		addf(b, "%s\"%d\":%llu", i ? "," : "", s->http[i].code,
		    s->http[i].count);
	adds(b, "}}\n");
	return done(b);
}

/* ---- Prometheus ---- */

static void
metric_head(struct render_buf *b, const char *name, const char *type,
    const char *help)
{
	addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metric_label(struct render_buf *b, const char *name, const char *label,
    const char *value, long long n)
{
	addf(b, "%s{%s=\"", name, label);
	add_escaped(b, value, ESC_LABEL);
	addf(b, "\"} %lld\n", n);
}

static void
metric_log(struct render_buf *b, const char *name, const char *path,
    long long value)
{
	metric_label(b, name, "log", path, value);
}

/* Rotated files per log and space per file system; unknowns left out. */
static void
metrics_space(struct render_buf *b, const struct status_snapshot *s)
{
	size_t i;

	metric_head(b, "mond_log_rotated_files", "gauge",
	    "Rotated files each log keeps, as of the last pass that read them.");
	for (i = 0; i < s->nrows; i++)
		if (s->rows[i].rotated_files >= 0)
			metric_log(b, "mond_log_rotated_files", s->rows[i].path,
			    s->rows[i].rotated_files);
	metric_head(b, "mond_log_rotated_bytes", "gauge",
	    "Bytes of each log's rotated files (their st_size, compressed "
	    "ones as they are), as of the last pass that read them.");
	for (i = 0; i < s->nrows; i++)
		if (s->rows[i].rotated_bytes >= 0)
			metric_log(b, "mond_log_rotated_bytes", s->rows[i].path,
			    s->rows[i].rotated_bytes);
	metric_head(b, "mond_fs_free_bytes", "gauge",
	    "Bytes free for unprivileged users on each file system holding "
	    "configured logs, by mount point.");
	for (i = 0; i < s->nfs; i++)
		if (s->fs[i].free >= 0)
			metric_label(b, "mond_fs_free_bytes", "fs",
			    s->fs[i].path, s->fs[i].free);
	metric_head(b, "mond_fs_size_bytes", "gauge",
	    "Size of each file system holding configured logs.");
	for (i = 0; i < s->nfs; i++)
		if (s->fs[i].size >= 0)
			metric_label(b, "mond_fs_size_bytes", "fs",
			    s->fs[i].path, s->fs[i].size);
	metric_head(b, "mond_fs_minfree_bytes", "gauge",
	    "Free space minfree keeps on each file system (left out without "
	    "minfree).");
	for (i = 0; i < s->nfs; i++)
		if (s->fs[i].minfree >= 0 && s->fs[i].size >= 0)
			metric_label(b, "mond_fs_minfree_bytes", "fs",
			    s->fs[i].path, s->fs[i].minfree);
}

int
render_metrics(struct render_buf *b, const struct status_snapshot *s)
{
	const struct status_row *r;
	size_t i, n;

	metric_head(b, "mond_build_info", "gauge",
	    "The running mond's version, as a label.");
	adds(b, "mond_build_info{version=\"");
	add_escaped(b, s->version, ESC_LABEL);
	adds(b, "\"} 1\n");
	metric_head(b, "mond_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	addf(b, "mond_start_time_seconds %lld\n", (long long)s->started);
	metric_head(b, "mond_worker_up", "gauge",
	    "1 while the rotation worker thread is alive and not stuck.");
	addf(b, "mond_worker_up %d\n", s->worker_alive ? 1 : 0);

	metric_head(b, "mond_log_size_bytes", "gauge",
	    "Current size of each configured log (missing logs are left out).");
	for (i = 0; i < s->nrows; i++)
		if ((r = &s->rows[i])->size >= 0)
			metric_log(b, "mond_log_size_bytes", r->path, r->size);
	metric_head(b, "mond_log_threshold_bytes", "gauge",
	    "The size at which each log rotates (the least of size and "
	    "maxsize, and minsize once its time is due).");
	for (i = 0; i < s->nrows; i++)
		if ((r = &s->rows[i])->threshold_kind != THRESHOLD_NONE)
			metric_log(b, "mond_log_threshold_bytes", r->path,
			    r->threshold);
	metric_head(b, "mond_rotations_total", "counter",
	    "Rotations of each log since the daemon started.");
	for (i = 0; i < s->nrows; i++)
		metric_log(b, "mond_rotations_total", s->rows[i].path,
		    (long long)s->rows[i].rotations);
	metric_head(b, "mond_rotation_failures_total", "counter",
	    "Failed rotations of each log since the daemon started.");
	for (i = 0; i < s->nrows; i++)
		metric_log(b, "mond_rotation_failures_total", s->rows[i].path,
		    (long long)s->rows[i].failures);
	metric_head(b, "mond_last_rotation_timestamp_seconds", "gauge",
	    "When each log was last rotated (logs never rotated are left out).");
	for (i = 0; i < s->nrows; i++)
		if ((r = &s->rows[i])->last != 0)
			metric_log(b, "mond_last_rotation_timestamp_seconds",
			    r->path, (long long)r->last);
	metric_head(b, "mond_next_rotation_timestamp_seconds", "gauge",
	    "When each log's time rule is next due (size-only logs are left "
	    "out).");
	for (i = 0; i < s->nrows; i++)
		if ((r = &s->rows[i])->next_due != (time_t)-1)
			metric_log(b, "mond_next_rotation_timestamp_seconds",
			    r->path, (long long)r->next_due);
	metrics_space(b, s);
	metric_head(b, "mond_config_skipped", "gauge",
	    "Stanzas or files of the configuration left out because they "
	    "could not be read.");
	for (i = n = 0; i < s->nproblems; i++)
		n += s->problems[i].skipped;
	addf(b, "mond_config_skipped %zu\n", n);
	metric_head(b, "mond_config_problems", "gauge",
	    "Problems found reading the configuration, skipped or not.");
	addf(b, "mond_config_problems %zu\n", s->nproblems);
	metric_head(b, "mond_http_requests_total", "counter",
	    "Responses of the web front, by status code.");
	for (i = 0; i < s->nhttp; i++)
		addf(b, "mond_http_requests_total{code=\"%d\"} %llu\n",
		    s->http[i].code, s->http[i].count);
	return done(b);
}

/* ---- HTML ---- */

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
    ".err{color:#b00020}\n.ok{color:#1b7f3b}\n.dim{color:#888}\n"
    "@media (max-width:640px){\n"
    "thead{display:none}\ntable,tbody,tr,td{display:block;width:auto}\n"
    "tr.log{display:grid;grid-template-columns:1fr 1fr;margin:0 0 .8em;"
    "border:1px solid #e3e5e8}\n"
    "td{border:0;padding:.25em .6em}\n"
    "td:first-child,td:nth-child(2),td:last-child{grid-column:1/3}\n"
    "td[data-label]::before{content:attr(data-label);display:block;"
    "font-size:.75em;color:#777;text-transform:uppercase}\n"
    "}\n</style>\n</head>\n<body>\n";

static void
human_size(char *buf, size_t size, long long n)
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

/* "2026-11-25 22:30 UTC (3h 2m ago)" */
static void
html_time(struct render_buf *b, time_t t, time_t now)
{
	char stamp[32], span[32];
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "%lld", (long long)t);
	human_span(span, sizeof(span), (long long)(t - now));
	addf(b, "<time datetime=\"%lld\">%s</time> <span class=\"dim\">(%s%s%s)"
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
		adds(b, "<span class=\"dim\">missing</span>");
		return;
	}
	human_size(sz, sizeof(sz), r->size);
	if (r->threshold_kind == THRESHOLD_NONE || r->threshold <= 0) {
		addf(b, "%s <span class=\"dim\">(no size limit)</span>", sz);
		return;
	}
	human_size(th, sizeof(th), r->threshold);
	frac = (double)r->size / (double)r->threshold;
	color = frac >= 1 ? "#d93025" : frac >= 0.8 ? "#f29900" : "#1e8e3e";
	if (frac > 1)
		frac = 1;
	addf(b, "<svg class=\"bar\" width=\"%d\" height=\"10\" role=\"img\" "
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
		adds(b, "<span class=\"dim\">unknown</span>");
		return;
	}
	human_size(sz, sizeof(sz), r->rotated_bytes);
	addf(b, "%lld file%s, %s", r->rotated_files,
	    r->rotated_files == 1 ? "" : "s", sz);
}

static void
html_row(struct render_buf *b, const struct status_row *r, time_t now)
{
	adds(b, "<tr class=\"log\"><td data-label=\"Log\"><code>");
	add_escaped(b, r->path, ESC_HTML);
	adds(b, "</code><span class=\"rule\">");
	add_escaped(b, r->rule != NULL ? r->rule : "", ESC_HTML);
	adds(b, "</span></td><td data-label=\"Size\">");
	html_size(b, r);
	adds(b, "</td><td data-label=\"Last rotation\">");
	if (r->last != 0)
		html_time(b, r->last, now);
	else
		adds(b, "<span class=\"dim\">never</span>");
	adds(b, "</td><td data-label=\"Next due\">");
	if (r->next_due != (time_t)-1)
		html_time(b, r->next_due, now);
	else
		adds(b, "<span class=\"dim\">on size</span>");
	adds(b, "</td><td data-label=\"Backups kept\">");
	if (r->backups < 0)
		adds(b, "all");
	else
		addf(b, "%d", r->backups);
	adds(b, "</td><td data-label=\"Rotated files\">");
	html_kept(b, r);
	addf(b, "</td><td data-label=\"Rotations\">%llu", r->rotations);
	if (r->failures > 0)
		addf(b, " <span class=\"err\">(%llu failed)</span>",
		    r->failures);
	adds(b, "</td><td data-label=\"Last error\">");
	if (r->error != NULL) {
		adds(b, "<span class=\"err\">");
		add_escaped(b, r->error, ESC_HTML);
		adds(b, "</span>");
	} else
		adds(b, "<span class=\"ok\">none</span>");
	adds(b, "</td></tr>\n");
}

/* N bytes in human units, or "unknown". */
static void
html_bytes(struct render_buf *b, long long n)
{
	char sz[32];

	if (n < 0) {
		adds(b, "<span class=\"dim\">unknown</span>");
		return;
	}
	human_size(sz, sizeof(sz), n);
	adds(b, sz);
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
	adds(b, "<h2>File systems</h2>\n<table>\n<thead><tr><th>Mounted on"
	    "</th><th>Free</th><th>Size</th><th>minfree</th></tr></thead>\n"
	    "<tbody>\n");
	for (i = 0; i < s->nfs; i++) {
		f = &s->fs[i];
		adds(b, "<tr class=\"fs\"><td data-label=\"Mounted on\"><code>");
		add_escaped(b, f->path, ESC_HTML);
		adds(b, "</code></td><td data-label=\"Free\">");
		under = f->minfree >= 0 && f->free >= 0 && f->free < f->minfree;
		if (under)
			adds(b, "<span class=\"err\">");
		html_bytes(b, f->free);
		if (f->free >= 0 && f->size > 0)
			addf(b, " <span class=\"dim\">(%.0f%%)</span>",
			    100.0 * (double)f->free / (double)f->size);
		if (under)
			adds(b, " under minfree</span>");
		adds(b, "</td><td data-label=\"Size\">");
		html_bytes(b, f->size);
		adds(b, "</td><td data-label=\"minfree\">");
		if (f->minfree >= 0)
			html_bytes(b, f->minfree);
		else
			adds(b, "<span class=\"dim\">not set</span>");
		adds(b, "</td></tr>\n");
	}
	adds(b, "</tbody>\n</table>\n");
}

/* What the configuration left out, under the table: FILE:LINE: what. */
static void
html_problems(struct render_buf *b, const struct status_snapshot *s)
{
	const struct status_problem *p;
	size_t i;

	if (s->nproblems == 0)
		return;
	addf(b, "<h2>Configuration: %zu problem%s</h2>\n<ul class=\"problems\">"
	    "\n", s->nproblems, s->nproblems == 1 ? "" : "s");
	for (i = 0; i < s->nproblems; i++) {
		p = &s->problems[i];
		adds(b, "<li><code>");
		add_escaped(b, p->file, ESC_HTML);
		if (p->line > 0)
			addf(b, ":%d", p->line);
		adds(b, "</code>: ");
		add_escaped(b, p->what, ESC_HTML);
		adds(b, p->skipped ? " <span class=\"err\">skipped</span>" :
		    " <span class=\"dim\">line ignored</span>");
		adds(b, "</li>\n");
	}
	adds(b, "</ul>\n");
}

int
render_html(struct render_buf *b, const struct status_snapshot *s)
{
	char up[32];
	size_t i;

	adds(b, html_head);
	human_span(up, sizeof(up), (long long)(s->now - s->started));
	adds(b, "<h1>mond</h1>\n<p class=\"meta\">version ");
	add_escaped(b, s->version, ESC_HTML);
	addf(b, " &middot; up %s &middot; config <code>", up);
	add_escaped(b, s->conf_path, ESC_HTML);
	addf(b, "</code> &middot; worker %s &middot; %zu log%s</p>\n",
	    s->worker_alive ? "<span class=\"ok\">alive</span>" :
	    "<span class=\"err\">down</span>", s->nrows,
	    s->nrows == 1 ? "" : "s");
	adds(b, "<table>\n<thead><tr><th>Log</th><th>Size / threshold</th>"
	    "<th>Last rotation</th><th>Next due</th><th>Backups kept</th>"
	    "<th>Rotated files</th><th>Rotations</th><th>Last error</th></tr>"
	    "</thead>\n<tbody>\n");
	for (i = 0; i < s->nrows; i++)
		html_row(b, &s->rows[i], s->now);
	if (s->nrows == 0)
		adds(b, "<tr><td colspan=\"8\" class=\"dim\">No log matched "
		    "the configured patterns.</td></tr>\n");
	adds(b, "</tbody>\n</table>\n");
	html_fs(b, s);
	html_problems(b, s);
	adds(b, "</body>\n</html>\n");
	return done(b);
}
