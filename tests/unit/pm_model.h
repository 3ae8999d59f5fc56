/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reference model of the suspend state machine's promises, shared by the
 * unit test and the fuzz target: feed it each event, decision and result,
 * and it reports the first broken invariant.
 */
#ifndef XFPM_PM_MODEL_H
#define XFPM_PM_MODEL_H

#include <xenfront/pm_state.h>

struct pm_model {
	bool attached;
	bool owed;			/* a freeze the PM core must still pair */
	u64 removed_frozen;		/* freezes ended by removal */
	const char *broken;		/* first invariant that failed */
};

static inline void model_fail(struct pm_model *m, const char *why)
{
	if (!m->broken)
		m->broken = why;
}

/* Check one decide() + complete() step against the model. */
static inline void model_step(struct pm_model *m, struct xfpm_dev *d,
			      enum xfpm_event ev, const struct xfpm_facts *f,
			      enum xfpm_action act, enum xfpm_note note, int err)
{
	enum xfpm_mode mode = d->frozen_mode;

	(void)note;
	switch (ev) {
	case XFPM_EV_PROBE:
		if (act != XFPM_ACT_NONE)
			model_fail(m, "probe ran a callback");
		if (m->owed)
			m->removed_frozen++;
		m->attached = true;
		m->owed = false;
		break;
	case XFPM_EV_REMOVE:
		if (act != XFPM_ACT_NONE)
			model_fail(m, "remove ran a callback");
		if (m->owed)
			m->removed_frozen++;
		m->attached = false;
		m->owed = false;
		break;
	case XFPM_EV_FREEZE:
		if (act == XFPM_ACT_FREEZE) {
			if (!m->attached || m->owed)
				model_fail(m, "freeze ran while detached or already frozen");
		} else if (act != XFPM_ACT_NONE) {
			model_fail(m, "freeze event ran a resume callback");
		} else if (m->attached && !m->owed) {
			model_fail(m, "freeze of a running device was refused");
		}
		break;
	case XFPM_EV_THAW:
	case XFPM_EV_RESTORE:
		if (act == XFPM_ACT_FREEZE)
			model_fail(m, "resume event ran freeze");
		if ((act == XFPM_ACT_THAW || act == XFPM_ACT_RESTORE) && !m->owed)
			model_fail(m, "resume without freeze was run");
		if (act == XFPM_ACT_NONE && m->owed)
			model_fail(m, "resume of a frozen device was refused");
		if (act == XFPM_ACT_RESTORE && mode == XFPM_MODE_XEN && f &&
		    (f->verdict == XFPM_VERDICT_CANCELLED || f->verdict == XFPM_VERDICT_NOT_RUN))
			model_fail(m, "restore ran although the domain did not resume");
		if (act == XFPM_ACT_THAW && mode == XFPM_MODE_XEN && f &&
		    f->verdict == XFPM_VERDICT_RESUMED)
			model_fail(m, "thaw ran although the domain resumed anew");
		if (act == XFPM_ACT_RESTORE && mode == XFPM_MODE_XEN && f &&
		    f->verdict == XFPM_VERDICT_UNKNOWN && f->link == XFPM_LINK_ALIVE)
			model_fail(m, "restore ran on a live connection");
		break;
	default:
		break;
	}

	xfpm_complete(d, act, err);

	if (act == XFPM_ACT_FREEZE && !err)
		m->owed = true;
	if (act == XFPM_ACT_THAW || act == XFPM_ACT_RESTORE)
		m->owed = false;

	/* after completion the machine rests in a defined state */
	switch (d->state) {
	case XFPM_DETACHED:
		if (m->attached)
			model_fail(m, "detached while attached");
		break;
	case XFPM_RUNNING:
		if (!m->attached || m->owed)
			model_fail(m, "running while detached or frozen");
		break;
	case XFPM_FROZEN:
		if (!m->owed)
			model_fail(m, "frozen without a freeze in force");
		break;
	default:
		model_fail(m, "left in a transient state");
	}
	/* every freeze is paired with exactly one thaw or restore (or a removal) */
	if (d->count.freezes != d->count.thaws + d->count.restores + m->owed + m->removed_frozen)
		model_fail(m, "freezes and resumes do not pair");
}

#endif
