// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_TIMER_CONTAINER_OF: timer_container_of(), the name from_timer() got
 * in "treewide, timers: Rename from_timer() to timer_container_of()"
 * (v6.16); from_timer() was removed later (gone in 7.2).
 */
#include <linux/timer.h>
struct xfpm_probe_s {
	struct timer_list t;
};
struct xfpm_probe_s *xfpm_probe(struct timer_list *t);
struct xfpm_probe_s *xfpm_probe(struct timer_list *t)
{
	struct xfpm_probe_s *s = timer_container_of(s, t, t);

	return s;
}
