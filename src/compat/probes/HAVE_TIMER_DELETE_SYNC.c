// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_TIMER_DELETE_SYNC: timer_delete_sync().
 * "timers: Rename del_timer_sync() to timer_delete_sync()" (v6.2, backported
 * to the 5.10 stable series).
 */
#include <linux/timer.h>
int xfpm_probe(struct timer_list *t);
int xfpm_probe(struct timer_list *t) { return timer_delete_sync(t); }
