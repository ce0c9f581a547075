/*
 * front.h: the web front's process (front.c). Its parent's side is
 * daemon/webproc.h.
 */
#ifndef MOND_FRONT_H
#define MOND_FRONT_H

/* Descriptor the front finds its link to the parent on. */
#define FRONT_LINK_FD	3

/* `mond --web-front`: serves until the parent closes FD; the exit code. */
int	front_main(int fd);

#endif
