/* SPDX-License-Identifier: GPL-2.0-only */
/* Private declarations of xenfront-shim.ko. */
#ifndef XENFRONT_SHIM_H
#define XENFRONT_SHIM_H

#include <linux/kprobes.h>
#include <linux/types.h>
#include <xenfront/cycle.h>

enum xfshim_hook_id {
	XFSHIM_DO_SUSPEND,		/* brackets a Xen suspend */
	XFSHIM_DPM_SUSPEND_START,	/* freeze: result and duration */
	XFSHIM_XS_SUSPEND,		/* xenstore quiesced */
	XFSHIM_DPM_SUSPEND_END,		/* freeze_late + freeze_noirq */
	XFSHIM_XEN_SUSPEND,		/* the stop_machine callback around the hypercall */
	XFSHIM_POST_SUSPEND,		/* xen_arch_post_suspend(cancelled): the result */
	XFSHIM_DPM_RESUME_START,	/* corrects RESTORE -> THAW (noirq/early) */
	XFSHIM_XS_RESUME,		/* redirects xs_resume -> xs_suspend_cancel */
	XFSHIM_DPM_RESUME_END,		/* corrects RESTORE -> THAW */
	XFSHIM_NR_HOOKS
};

struct xfshim_hook {
	const char *name;		/* sysfs name */
	const char *symbol;
	const char *role;		/* what it is for, for the log */
	const char *caller;		/* the function whose code must refer to it */
	bool ret;			/* kretprobe rather than kprobe */
	struct kprobe kp;
	struct kretprobe krp;
	unsigned long addr;		/* where it sits, resolved before registering */
	bool rejected;			/* the call-site check said no */
	bool attached;
	int err;			/* registration error when not attached */
	const char *why;		/* detached after the call-site check: why */
};

extern struct xfshim_hook xfshim_hooks[XFSHIM_NR_HOOKS];
extern bool xfshim_fix;

/* counters of corrections, for sysfs */
struct xfshim_stats {
	u64 suspends;
	u64 resume_early_fixed;
	u64 xs_resume_redirected;
	u64 resume_fixed;
	u64 hypercalls;
	u64 cancelled;
	u64 resumed;
	u64 freeze_failures;
	u64 late_failures;
};
extern struct xfshim_stats xfshim_stats;

/* evtchn.c: the suspend event channel */
struct xfshim_evtchn_stats {
	u64 notifications;	/* the toolstack notified the port */
	u64 requests;		/* ... and we asked for the suspend */
	u64 published;		/* ports published */
	u64 renewals;		/* ports made again after a resume */
};
extern struct xfshim_evtchn_stats xfshim_evtchn_stats;
void xfshim_evtchn_init(void);
void xfshim_evtchn_exit(void);
void xfshim_evtchn_suspending(void);
void xfshim_evtchn_resumed(void);
ssize_t xfshim_evtchn_describe(char *buf, size_t len);

int xfshim_hooks_attach(void);
void xfshim_hooks_detach(void);
unsigned int xfshim_hooks_attached(void);
bool xfshim_suspend_in_progress(void);
bool xfshim_suspend_resuming(void);

#endif /* XENFRONT_SHIM_H */
