/*
 * render_int.h: what the writers of the status bodies share: render.c's
 * appending to a render_buf and HTML escaping, render_html.c's sizes and
 * times as the page words them, sparkline.c's drawing. Not for use
 * outside web/ (but by the tests).
 */
#ifndef MOND_RENDER_INT_H
#define MOND_RENDER_INT_H

#include <stddef.h>
#include <time.h>

#include "web/render.h"

/* 0, or -1 with errno ENOMEM when an append to B ran out of memory. */
int	render_done(struct render_buf *b);
void	render_adds(struct render_buf *b, const char *s);
void	render_addf(struct render_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* S as HTML text or attribute value; bytes not UTF-8 become U+FFFD. */
void	render_html_text(struct render_buf *b, const char *s);
/* "1.2 MiB", "512 B" */
void	render_human_size(char *buf, size_t size, long long n);
/* "2026-11-25 22:30 UTC"; the number of seconds when it cannot be said */
void	render_stamp(char *buf, size_t size, time_t t);

/* The span of STATUS_HISTORY_MAX steps of STEP seconds: "24 hours" */
void	render_span(char *buf, size_t size, int step);

/*
 * ROW's last day (its history and rotated_at, as of NOW, in steps of STEP
 * seconds) as an inline SVG sparkline: sizes as a line and its area, each
 * rotation a marker, the threshold a dashed line when it is within the
 * drawing. Nothing but SVG elements with presentation attributes: no
 * style, no script, no link, no text of the row's.
 */
void	render_sparkline(struct render_buf *b, const struct status_row *row,
	    time_t now, int step);

#endif
