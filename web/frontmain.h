/*
 * frontmain.h: the web front's process (frontmain.c). Its parent's side is
 * daemon/webproc.h.
 */
#ifndef MOND_FRONTMAIN_H
#define MOND_FRONTMAIN_H

/* Descriptor the front finds its link to the parent on. */
#define FRONT_LINK_FD	3

/* `mond --web-front`: serves until the parent closes FD; the exit code. */
int	front_main(int fd);

#endif
