/*
 * render.c: the status page's JSON twin and the Prometheus exposition,
 * written from a status_snapshot into a growing buffer, and the buffer
 * and escaping the page (render_html.c) shares. Paths come from
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
#include "web/render_int.h"

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

void
render_adds(struct render_buf *b, const char *s)
{
	adds(b, s);
}

void
render_addf(struct render_buf *b, const char *fmt, ...)
{
	va_list ap, again;
	int n;

	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0 && grow(b, (size_t)n) == 0) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
	va_end(ap);
}

void
render_html_text(struct render_buf *b, const char *s)
{
	add_escaped(b, s, ESC_HTML);
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

int
render_done(struct render_buf *b)
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

/*
 * What was compressed and the last day: "history" as [time, size] pairs
 * (size -1: missing), "rotations_24h" as times, the ratio null until
 * something was compressed.
 */
static void
json_day(struct render_buf *b, const struct status_row *r)
{
	size_t i;

	addf(b, ",\"compressed_input_bytes\":%lld,"
	    "\"compressed_output_bytes\":%lld,\"compression_ratio\":",
	    r->packed_in, r->packed_out);
	if (r->packed_in > 0)
		addf(b, "%.4f", (double)r->packed_out / (double)r->packed_in);
	else
		adds(b, "null");
	adds(b, ",\"history\":[");
	for (i = 0; i < r->nhistory; i++)
		addf(b, "%s[%lld,%lld]", i ? "," : "",
		    (long long)r->history[i].at, r->history[i].size);
	adds(b, "],\"rotations_24h\":[");
	for (i = 0; i < r->nrotated_at; i++)
		addf(b, "%s%lld", i ? "," : "", (long long)r->rotated_at[i]);
	adds(b, "]");
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
	json_day(b, r);
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
	addf(b, ",\"worker_alive\":%s,\"history_step_seconds\":%d,"
	    "\"logs\":[", s->worker_alive ? "true" : "false",
	    s->history_step > 0 ? s->history_step : STATUS_HISTORY_STEP);
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
	return render_done(b);
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

/* Output over input of what was compressed; logs with none left out. */
static void
metrics_ratio(struct render_buf *b, const struct status_snapshot *s)
{
	const struct status_row *r;
	size_t i;

	metric_head(b, "mond_log_compression_ratio", "gauge",
	    "Compressed size over original size of what mond compressed of "
	    "each log since the daemon started (logs with none are left out).");
	for (i = 0; i < s->nrows; i++) {
		if ((r = &s->rows[i])->packed_in <= 0)
			continue;
		adds(b, "mond_log_compression_ratio{log=\"");
		add_escaped(b, r->path, ESC_LABEL);
		addf(b, "\"} %.4f\n", (double)r->packed_out /
		    (double)r->packed_in);
	}
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
	metric_head(b, "mond_log_compressed_input_bytes_total", "counter",
	    "Bytes mond compressed of each log's rotated files since the "
	    "daemon started.");
	for (i = 0; i < s->nrows; i++)
		metric_log(b, "mond_log_compressed_input_bytes_total",
		    s->rows[i].path, s->rows[i].packed_in);
	metric_head(b, "mond_log_compressed_output_bytes_total", "counter",
	    "Size of the compressed files those bytes made.");
	for (i = 0; i < s->nrows; i++)
		metric_log(b, "mond_log_compressed_output_bytes_total",
		    s->rows[i].path, s->rows[i].packed_out);
	metrics_ratio(b, s);
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
	return render_done(b);
}
