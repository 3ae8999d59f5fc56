// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-device suspend state machine (see include/xenfront/pm_state.h).
 * Pure logic: compiled into xenfront-bus.ko and into tests/unit.
 */
#include <xenfront/pm_state.h>

void xfpm_init(struct xfpm_dev *d)
{
	memset(d, 0, sizeof(*d));
	d->state = XFPM_DETACHED;
	d->frozen_mode = XFPM_MODE_NONE;
}

/*
 * Which callback a resume event really needs, given why the device was
 * frozen and what is known about the suspend.
 */
static enum xfpm_action resume_action(enum xfpm_event ev, enum xfpm_mode mode,
				      const struct xfpm_facts *f,
				      enum xfpm_note *note)
{
	enum xfpm_verdict verdict = f ? f->verdict : XFPM_VERDICT_UNKNOWN;
	enum xfpm_link link = f ? f->link : XFPM_LINK_UNKNOWN;

	/*
	 * Hibernation: thaw runs in the kernel that made the image, restore in
	 * the image kernel after the boot kernel used the backends.  The event
	 * channel check cannot tell these apart (the boot kernel may have bound
	 * the same ports), so the PM core's word stands.
	 */
	if (mode == XFPM_MODE_HIBERNATE)
		return ev == XFPM_EV_RESTORE ? XFPM_ACT_RESTORE : XFPM_ACT_THAW;

	/* Only a Xen suspend has a hypercall verdict. */
	if (mode != XFPM_MODE_XEN)
		verdict = XFPM_VERDICT_UNKNOWN;

	if (ev == XFPM_EV_RESTORE) {
		switch (verdict) {
		case XFPM_VERDICT_NOT_RUN:
		case XFPM_VERDICT_CANCELLED:
			*note = XFPM_NOTE_RESTORE_NOT_RESUMED;
			return XFPM_ACT_THAW;
		case XFPM_VERDICT_RESUMED:
			return XFPM_ACT_RESTORE;
		default:
			break;
		}
		if (link == XFPM_LINK_ALIVE) {
			*note = XFPM_NOTE_RESTORE_LINK_ALIVE;
			return XFPM_ACT_THAW;
		}
		return XFPM_ACT_RESTORE;
	}

	/* XFPM_EV_THAW */
	if (verdict == XFPM_VERDICT_RESUMED) {
		*note = XFPM_NOTE_THAW_RESUMED;
		return XFPM_ACT_RESTORE;
	}
	if (verdict == XFPM_VERDICT_UNKNOWN && link == XFPM_LINK_GONE) {
		*note = XFPM_NOTE_THAW_LINK_GONE;
		return XFPM_ACT_RESTORE;
	}
	return XFPM_ACT_THAW;
}

enum xfpm_action xfpm_decide(struct xfpm_dev *d, enum xfpm_event ev,
			     const struct xfpm_facts *f, enum xfpm_note *note)
{
	enum xfpm_note dummy;
	enum xfpm_action act;

	if (!note)
		note = &dummy;
	*note = XFPM_NOTE_NONE;

	switch (ev) {
	case XFPM_EV_PROBE:
		d->state = XFPM_RUNNING;
		d->frozen_mode = XFPM_MODE_NONE;
		return XFPM_ACT_NONE;
	case XFPM_EV_REMOVE:
		d->state = XFPM_DETACHED;
		d->frozen_mode = XFPM_MODE_NONE;
		return XFPM_ACT_NONE;
	case XFPM_EV_FREEZE:
		switch (d->state) {
		case XFPM_DETACHED:
			*note = XFPM_NOTE_DETACHED;
			return XFPM_ACT_NONE;
		case XFPM_RUNNING:
			d->state = XFPM_FREEZING;
			d->frozen_mode = f ? f->mode : XFPM_MODE_NONE;
			return XFPM_ACT_FREEZE;
		case XFPM_FROZEN:
			*note = XFPM_NOTE_DOUBLE_FREEZE;
			break;
		default:
			*note = XFPM_NOTE_BUSY;
			break;
		}
		break;
	case XFPM_EV_THAW:
	case XFPM_EV_RESTORE:
		switch (d->state) {
		case XFPM_DETACHED:
			*note = XFPM_NOTE_DETACHED;
			return XFPM_ACT_NONE;
		case XFPM_RUNNING:
			*note = XFPM_NOTE_RESUME_WITHOUT_FREEZE;
			break;
		case XFPM_FROZEN:
			act = resume_action(ev, d->frozen_mode, f, note);
			if (*note != XFPM_NOTE_NONE) {
				d->count.corrections++;
				d->last_note = *note;
			}
			d->state = act == XFPM_ACT_THAW ? XFPM_THAWING : XFPM_RESTORING;
			return act;
		default:
			*note = XFPM_NOTE_BUSY;
			break;
		}
		break;
	default:
		return XFPM_ACT_NONE;
	}
	/* refused */
	d->count.refused++;
	d->last_note = *note;
	return XFPM_ACT_NONE;
}

void xfpm_complete(struct xfpm_dev *d, enum xfpm_action act, int err)
{
	switch (act) {
	case XFPM_ACT_FREEZE:
		if (d->state != XFPM_FREEZING)
			return;
		if (err) {
			/* the driver undid its freeze: the PM core will not thaw it */
			d->count.freeze_failures++;
			d->state = XFPM_RUNNING;
			d->frozen_mode = XFPM_MODE_NONE;
		} else {
			d->count.freezes++;
			d->state = XFPM_FROZEN;
		}
		return;
	case XFPM_ACT_THAW:
	case XFPM_ACT_RESTORE:
		if (d->state != (act == XFPM_ACT_THAW ? XFPM_THAWING : XFPM_RESTORING))
			return;
		if (act == XFPM_ACT_THAW)
			d->count.thaws++;
		else
			d->count.restores++;
		if (err)
			d->count.resume_failures++;
		/* a failed resume leaves the driver to recover; PM-wise it runs */
		d->state = XFPM_RUNNING;
		d->frozen_mode = XFPM_MODE_NONE;
		return;
	default:
		return;
	}
}

#define NAME(tab, i) ((unsigned int)(i) < sizeof(tab) / sizeof(tab[0]) && tab[i] ? tab[i] : "?")

const char *xfpm_state_name(enum xfpm_state s)
{
	static const char * const n[] = {
		[XFPM_DETACHED] = "detached", [XFPM_RUNNING] = "running",
		[XFPM_FREEZING] = "freezing", [XFPM_FROZEN] = "frozen",
		[XFPM_THAWING] = "thawing", [XFPM_RESTORING] = "restoring",
	};
	return NAME(n, s);
}

const char *xfpm_mode_name(enum xfpm_mode m)
{
	static const char * const n[] = {
		[XFPM_MODE_NONE] = "none", [XFPM_MODE_XEN] = "xen-suspend",
		[XFPM_MODE_HIBERNATE] = "hibernate", [XFPM_MODE_SUSPEND] = "suspend",
	};
	return NAME(n, m);
}

const char *xfpm_verdict_name(enum xfpm_verdict v)
{
	static const char * const n[] = {
		[XFPM_VERDICT_UNKNOWN] = "unknown", [XFPM_VERDICT_NOT_RUN] = "not-run",
		[XFPM_VERDICT_CANCELLED] = "cancelled", [XFPM_VERDICT_RESUMED] = "resumed",
	};
	return NAME(n, v);
}

const char *xfpm_link_name(enum xfpm_link l)
{
	static const char * const n[] = {
		[XFPM_LINK_UNKNOWN] = "unknown", [XFPM_LINK_ALIVE] = "alive",
		[XFPM_LINK_GONE] = "gone",
	};
	return NAME(n, l);
}

const char *xfpm_event_name(enum xfpm_event e)
{
	static const char * const n[] = {
		[XFPM_EV_PROBE] = "probe", [XFPM_EV_REMOVE] = "remove",
		[XFPM_EV_FREEZE] = "freeze", [XFPM_EV_THAW] = "thaw",
		[XFPM_EV_RESTORE] = "restore",
	};
	return NAME(n, e);
}

const char *xfpm_action_name(enum xfpm_action a)
{
	static const char * const n[] = {
		[XFPM_ACT_NONE] = "none", [XFPM_ACT_FREEZE] = "freeze",
		[XFPM_ACT_THAW] = "thaw", [XFPM_ACT_RESTORE] = "restore",
	};
	return NAME(n, a);
}

const char *xfpm_note_name(enum xfpm_note n)
{
	static const char * const t[] = {
		[XFPM_NOTE_NONE] = "none",
		[XFPM_NOTE_RESUME_WITHOUT_FREEZE] = "resume-without-freeze",
		[XFPM_NOTE_DOUBLE_FREEZE] = "double-freeze",
		[XFPM_NOTE_BUSY] = "busy",
		[XFPM_NOTE_RESTORE_NOT_RESUMED] = "restore-as-thaw:not-resumed",
		[XFPM_NOTE_RESTORE_LINK_ALIVE] = "restore-as-thaw:link-alive",
		[XFPM_NOTE_THAW_LINK_GONE] = "thaw-as-restore:link-gone",
		[XFPM_NOTE_THAW_RESUMED] = "thaw-as-restore:resumed",
		[XFPM_NOTE_DETACHED] = "detached",
	};
	return NAME(t, n);
}
