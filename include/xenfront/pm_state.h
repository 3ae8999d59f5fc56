/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-device power-management state machine of xenfront-bus.
 *
 * Pure logic, no kernel headers: the bus feeds it the PM core's events and
 * what it knows about the suspend (mode, the shim's view of the suspend
 * hypercall, whether the device's connection is still alive); it answers
 * which driver callback must really run.  tests/unit drives it through every
 * sequence of events, including the wrong ones.
 *
 * The invariants it enforces:
 *  - every successful freeze is paired with exactly one thaw or restore;
 *  - a thaw or restore without a preceding freeze is refused, never run;
 *  - under a Xen suspend, RESTORE is run only when the domain really resumed
 *    in a new incarnation (the shim saw the hypercall return 0, or the
 *    device's event channel is gone); otherwise it is corrected to THAW;
 *  - a THAW after which the connection is provably gone is corrected to
 *    RESTORE.
 */
#ifndef XENFRONT_PM_STATE_H
#define XENFRONT_PM_STATE_H

#include <xenfront/types.h>

enum xfpm_state {
	XFPM_DETACHED,		/* no driver bound */
	XFPM_RUNNING,
	XFPM_FREEZING,		/* driver freeze callback running */
	XFPM_FROZEN,
	XFPM_THAWING,		/* driver thaw callback running */
	XFPM_RESTORING,		/* driver restore callback running */
	XFPM_NR_STATES
};

/* Why the device is being frozen. */
enum xfpm_mode {
	XFPM_MODE_NONE,		/* no suspend in progress */
	XFPM_MODE_XEN,		/* drivers/xen/manage.c do_suspend() */
	XFPM_MODE_HIBERNATE,	/* PM hibernation (PVH/HVM guests) */
	XFPM_MODE_SUSPEND,	/* PM suspend-to-RAM or suspend-to-idle */
	XFPM_NR_MODES
};

/* What the shim learned about the suspend hypercall of this cycle. */
enum xfpm_verdict {
	XFPM_VERDICT_UNKNOWN,	/* no shim, or it has not seen the hypercall */
	XFPM_VERDICT_NOT_RUN,	/* the suspend failed before the hypercall */
	XFPM_VERDICT_CANCELLED,	/* hypercall returned 1: same domain (checkpoint) */
	XFPM_VERDICT_RESUMED,	/* hypercall returned 0: new domain (restore, migration) */
	XFPM_NR_VERDICTS
};

/* The bus's own check of a device's connection. */
enum xfpm_link {
	XFPM_LINK_UNKNOWN,	/* no event channel to check (not connected) */
	XFPM_LINK_ALIVE,	/* our port is still bound to the backend */
	XFPM_LINK_GONE,		/* the port is unbound: a new domain incarnation */
	XFPM_NR_LINKS
};

/* Events from the PM core (and device lifetime). */
enum xfpm_event {
	XFPM_EV_PROBE,
	XFPM_EV_REMOVE,
	XFPM_EV_FREEZE,		/* freeze, poweroff, suspend: quiesce */
	XFPM_EV_THAW,		/* thaw, recover, resume */
	XFPM_EV_RESTORE,
	XFPM_NR_EVENTS
};

/* What the bus must do in answer. */
enum xfpm_action {
	XFPM_ACT_NONE,		/* nothing (see the note) */
	XFPM_ACT_FREEZE,
	XFPM_ACT_THAW,
	XFPM_ACT_RESTORE,
	XFPM_NR_ACTIONS
};

/* Why a decision differs from the plain mapping of event to callback. */
enum xfpm_note {
	XFPM_NOTE_NONE,
	XFPM_NOTE_RESUME_WITHOUT_FREEZE,	/* refused */
	XFPM_NOTE_DOUBLE_FREEZE,		/* refused, stays frozen */
	XFPM_NOTE_BUSY,				/* event during a callback: refused */
	XFPM_NOTE_RESTORE_NOT_RESUMED,		/* restore -> thaw: shim saw no new domain */
	XFPM_NOTE_RESTORE_LINK_ALIVE,		/* restore -> thaw: connection still alive */
	XFPM_NOTE_THAW_LINK_GONE,		/* thaw -> restore: connection gone */
	XFPM_NOTE_THAW_RESUMED,			/* thaw -> restore: shim saw a new domain */
	XFPM_NOTE_DETACHED,			/* no driver: nothing to do */
	XFPM_NR_NOTES
};

/* Facts known to the bus when an event arrives. */
struct xfpm_facts {
	enum xfpm_mode mode;
	enum xfpm_verdict verdict;
	enum xfpm_link link;
};

struct xfpm_counters {
	u64 freezes;		/* successful freeze callbacks */
	u64 freeze_failures;	/* freeze callbacks that returned an error */
	u64 thaws;		/* thaw callbacks run */
	u64 restores;		/* restore callbacks run */
	u64 resume_failures;	/* thaw/restore callbacks that returned an error */
	u64 corrections;	/* events run as the other callback */
	u64 refused;		/* events refused (resume without freeze, ...) */
};

struct xfpm_dev {
	enum xfpm_state state;
	enum xfpm_mode frozen_mode;	/* the mode of the freeze in force */
	enum xfpm_note last_note;	/* of the last correction or refusal */
	struct xfpm_counters count;
};

void xfpm_init(struct xfpm_dev *d);

/*
 * Decide the action for an event; moves the machine into the transient
 * state of that action (FREEZING, THAWING, RESTORING).  *note explains a
 * refusal or a correction and is also counted.
 */
enum xfpm_action xfpm_decide(struct xfpm_dev *d, enum xfpm_event ev,
			     const struct xfpm_facts *f, enum xfpm_note *note);

/* Report the result of the action's driver callback (0 or -errno). */
void xfpm_complete(struct xfpm_dev *d, enum xfpm_action act, int err);

/* Is a freeze in force (the device owes the PM core a thaw or restore)? */
static inline bool xfpm_frozen(const struct xfpm_dev *d)
{
	return d->state == XFPM_FROZEN || d->state == XFPM_FREEZING;
}

const char *xfpm_state_name(enum xfpm_state s);
const char *xfpm_mode_name(enum xfpm_mode m);
const char *xfpm_verdict_name(enum xfpm_verdict v);
const char *xfpm_link_name(enum xfpm_link l);
const char *xfpm_event_name(enum xfpm_event e);
const char *xfpm_action_name(enum xfpm_action a);
const char *xfpm_note_name(enum xfpm_note n);

#endif /* XENFRONT_PM_STATE_H */
