// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the suspend state machine (src/suspend-state/pm_state.c). */
#include "harness.h"
#include "pm_model.h"

static const struct xfpm_facts xen_cancel = { XFPM_MODE_XEN, XFPM_VERDICT_CANCELLED, XFPM_LINK_ALIVE };
static const struct xfpm_facts xen_resumed = { XFPM_MODE_XEN, XFPM_VERDICT_RESUMED, XFPM_LINK_GONE };

static enum xfpm_action step(struct xfpm_dev *d, enum xfpm_event ev,
			     const struct xfpm_facts *f, int err, enum xfpm_note *note)
{
	enum xfpm_action a = xfpm_decide(d, ev, f, note);

	xfpm_complete(d, a, err);
	return a;
}

static void running(struct xfpm_dev *d)
{
	xfpm_init(d);
	step(d, XFPM_EV_PROBE, NULL, 0, NULL);
}

static void frozen(struct xfpm_dev *d, enum xfpm_mode mode)
{
	struct xfpm_facts f = { mode, XFPM_VERDICT_UNKNOWN, XFPM_LINK_UNKNOWN };

	running(d);
	step(d, XFPM_EV_FREEZE, &f, 0, NULL);
}

TEST(checkpoint_thaws)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	running(&d);
	CHECK_EQ(d.state, XFPM_RUNNING);
	CHECK_EQ(xfpm_decide(&d, XFPM_EV_FREEZE, &xen_cancel, &n), XFPM_ACT_FREEZE);
	CHECK_EQ(d.state, XFPM_FREEZING);
	xfpm_complete(&d, XFPM_ACT_FREEZE, 0);
	CHECK_EQ(d.state, XFPM_FROZEN);
	CHECK_EQ(step(&d, XFPM_EV_THAW, &xen_cancel, 0, &n), XFPM_ACT_THAW);
	CHECK_EQ(n, XFPM_NOTE_NONE);
	CHECK_EQ(d.state, XFPM_RUNNING);
	CHECK_EQ(d.count.freezes, 1);
	CHECK_EQ(d.count.thaws, 1);
	CHECK_EQ(d.count.corrections, 0);
}

TEST(real_restore_restores)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &xen_resumed, 0, &n), XFPM_ACT_RESTORE);
	CHECK_EQ(n, XFPM_NOTE_NONE);
	CHECK_EQ(d.count.restores, 1);
}

/* the 6.1 bug: a late freeze failure and the kernel calls RESTORE */
TEST(restore_without_hypercall_becomes_thaw)
{
	struct xfpm_dev d;
	struct xfpm_facts f = { XFPM_MODE_XEN, XFPM_VERDICT_NOT_RUN, XFPM_LINK_ALIVE };
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &f, 0, &n), XFPM_ACT_THAW);
	CHECK_EQ(n, XFPM_NOTE_RESTORE_NOT_RESUMED);
	CHECK_EQ(d.count.corrections, 1);
	CHECK_EQ(d.count.thaws, 1);
	CHECK_EQ(d.count.restores, 0);
}

TEST(restore_after_cancel_becomes_thaw)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &xen_cancel, 0, &n), XFPM_ACT_THAW);
	CHECK_EQ(n, XFPM_NOTE_RESTORE_NOT_RESUMED);
}

/* no shim: the bus's own check of the event channel decides */
TEST(restore_on_live_link_becomes_thaw)
{
	struct xfpm_dev d;
	struct xfpm_facts f = { XFPM_MODE_XEN, XFPM_VERDICT_UNKNOWN, XFPM_LINK_ALIVE };
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &f, 0, &n), XFPM_ACT_THAW);
	CHECK_EQ(n, XFPM_NOTE_RESTORE_LINK_ALIVE);
}

TEST(restore_on_dead_link_restores)
{
	struct xfpm_dev d;
	struct xfpm_facts f = { XFPM_MODE_XEN, XFPM_VERDICT_UNKNOWN, XFPM_LINK_GONE };
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &f, 0, &n), XFPM_ACT_RESTORE);
	CHECK_EQ(n, XFPM_NOTE_NONE);
}

TEST(restore_without_link_info_restores)
{
	struct xfpm_dev d;
	struct xfpm_facts f = { XFPM_MODE_XEN, XFPM_VERDICT_UNKNOWN, XFPM_LINK_UNKNOWN };

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &f, 0, NULL), XFPM_ACT_RESTORE);
}

TEST(thaw_after_real_resume_becomes_restore)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_THAW, &xen_resumed, 0, &n), XFPM_ACT_RESTORE);
	CHECK_EQ(n, XFPM_NOTE_THAW_RESUMED);
	CHECK_EQ(d.count.corrections, 1);
}

TEST(thaw_on_dead_link_becomes_restore)
{
	struct xfpm_dev d;
	struct xfpm_facts f = { XFPM_MODE_XEN, XFPM_VERDICT_UNKNOWN, XFPM_LINK_GONE };
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_THAW, &f, 0, &n), XFPM_ACT_RESTORE);
	CHECK_EQ(n, XFPM_NOTE_THAW_LINK_GONE);
}

/* the seed mail: resume of a device that was never suspended */
TEST(resume_without_freeze_is_refused)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	running(&d);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &xen_resumed, 0, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_RESUME_WITHOUT_FREEZE);
	CHECK_EQ(step(&d, XFPM_EV_THAW, &xen_cancel, 0, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_RESUME_WITHOUT_FREEZE);
	CHECK_EQ(d.count.refused, 2);
	CHECK_EQ(d.count.thaws + d.count.restores, 0);
	CHECK_EQ(d.state, XFPM_RUNNING);
	CHECK_EQ(d.last_note, XFPM_NOTE_RESUME_WITHOUT_FREEZE);
}

TEST(double_freeze_is_refused)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_FREEZE, &xen_cancel, 0, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_DOUBLE_FREEZE);
	CHECK_EQ(d.state, XFPM_FROZEN);
	CHECK_EQ(d.count.freezes, 1);
	/* still exactly one resume owed */
	CHECK_EQ(step(&d, XFPM_EV_THAW, &xen_cancel, 0, NULL), XFPM_ACT_THAW);
	CHECK_EQ(step(&d, XFPM_EV_THAW, &xen_cancel, 0, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_RESUME_WITHOUT_FREEZE);
}

TEST(failed_freeze_runs_on)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	running(&d);
	CHECK_EQ(step(&d, XFPM_EV_FREEZE, &xen_cancel, -16, &n), XFPM_ACT_FREEZE);
	CHECK_EQ(d.state, XFPM_RUNNING);
	CHECK_EQ(d.count.freeze_failures, 1);
	CHECK_EQ(d.count.freezes, 0);
	/* the PM core would not thaw it; if something does, it is refused */
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &xen_resumed, 0, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_RESUME_WITHOUT_FREEZE);
}

TEST(failed_resume_counts_and_runs)
{
	struct xfpm_dev d;

	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &xen_resumed, -5, NULL), XFPM_ACT_RESTORE);
	CHECK_EQ(d.state, XFPM_RUNNING);
	CHECK_EQ(d.count.resume_failures, 1);
	CHECK_EQ(d.count.restores, 1);
	CHECK_EQ(step(&d, XFPM_EV_FREEZE, &xen_cancel, 0, NULL), XFPM_ACT_FREEZE);
}

TEST(hibernation_trusts_the_pm_core)
{
	struct xfpm_dev d;
	struct xfpm_facts alive = { XFPM_MODE_HIBERNATE, XFPM_VERDICT_UNKNOWN, XFPM_LINK_ALIVE };
	struct xfpm_facts gone = { XFPM_MODE_HIBERNATE, XFPM_VERDICT_UNKNOWN, XFPM_LINK_GONE };
	enum xfpm_note n;

	frozen(&d, XFPM_MODE_HIBERNATE);
	CHECK_EQ(d.frozen_mode, XFPM_MODE_HIBERNATE);
	/* the boot kernel may hold the same port: restore is still restore */
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &alive, 0, &n), XFPM_ACT_RESTORE);
	CHECK_EQ(n, XFPM_NOTE_NONE);
	frozen(&d, XFPM_MODE_HIBERNATE);
	CHECK_EQ(step(&d, XFPM_EV_THAW, &gone, 0, &n), XFPM_ACT_THAW);
	CHECK_EQ(n, XFPM_NOTE_NONE);
}

TEST(verdict_ignored_outside_xen_suspend)
{
	struct xfpm_dev d;
	struct xfpm_facts f = { XFPM_MODE_SUSPEND, XFPM_VERDICT_RESUMED, XFPM_LINK_ALIVE };

	frozen(&d, XFPM_MODE_SUSPEND);
	/* the mode recorded at freeze time counts, not the facts' mode */
	CHECK_EQ(step(&d, XFPM_EV_THAW, &f, 0, NULL), XFPM_ACT_THAW);
}

TEST(busy_events_are_refused)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	running(&d);
	CHECK_EQ(xfpm_decide(&d, XFPM_EV_FREEZE, &xen_cancel, &n), XFPM_ACT_FREEZE);
	CHECK_EQ(xfpm_decide(&d, XFPM_EV_THAW, &xen_cancel, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_BUSY);
	CHECK_EQ(xfpm_decide(&d, XFPM_EV_FREEZE, &xen_cancel, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_BUSY);
	xfpm_complete(&d, XFPM_ACT_FREEZE, 0);
	CHECK_EQ(d.state, XFPM_FROZEN);
	/* a completion that does not match the state changes nothing */
	xfpm_complete(&d, XFPM_ACT_RESTORE, 0);
	CHECK_EQ(d.state, XFPM_FROZEN);
	CHECK_EQ(d.count.restores, 0);
}

TEST(detached_ignores_everything)
{
	struct xfpm_dev d;
	enum xfpm_note n;

	xfpm_init(&d);
	CHECK_EQ(step(&d, XFPM_EV_FREEZE, &xen_cancel, 0, &n), XFPM_ACT_NONE);
	CHECK_EQ(n, XFPM_NOTE_DETACHED);
	CHECK_EQ(step(&d, XFPM_EV_RESTORE, &xen_resumed, 0, &n), XFPM_ACT_NONE);
	CHECK_EQ(d.count.refused, 0);
	frozen(&d, XFPM_MODE_XEN);
	CHECK_EQ(step(&d, XFPM_EV_REMOVE, NULL, 0, NULL), XFPM_ACT_NONE);
	CHECK_EQ(d.state, XFPM_DETACHED);
}

TEST(names_are_defined)
{
	int i;

	for (i = 0; i < XFPM_NR_STATES; i++)
		CHECK(xfpm_state_name(i)[0] != '?');
	for (i = 0; i < XFPM_NR_NOTES; i++)
		CHECK(xfpm_note_name(i)[0] != '?');
	for (i = 0; i < XFPM_NR_MODES; i++)
		CHECK(xfpm_mode_name(i)[0] != '?');
	CHECK(xfpm_state_name(XFPM_NR_STATES)[0] == '?');
	CHECK(xfpm_note_name(-1)[0] == '?');
}

/* Every sequence of up to six events under every set of facts. */
static const enum xfpm_event evs[] = {
	XFPM_EV_PROBE, XFPM_EV_REMOVE, XFPM_EV_FREEZE, XFPM_EV_FREEZE,
	XFPM_EV_THAW, XFPM_EV_RESTORE,
};
#define NEVS (int)(sizeof(evs) / sizeof(evs[0]))

TEST(every_sequence_keeps_the_promises)
{
	long sequences = 0;
	int len, mode, verdict, link;

	for (mode = 0; mode < XFPM_NR_MODES; mode++)
	for (verdict = 0; verdict < XFPM_NR_VERDICTS; verdict++)
	for (link = 0; link < XFPM_NR_LINKS; link++)
	for (len = 1; len <= 6; len++) {
		long total = 1, code;
		int i;

		for (i = 0; i < len; i++)
			total *= NEVS;
		for (code = 0; code < total; code++) {
			struct xfpm_facts f = { mode, verdict, link };
			struct pm_model m = { 0 };
			struct xfpm_dev d;
			long c = code;

			xfpm_init(&d);
			for (i = 0; i < len && !m.broken; i++) {
				int e = c % NEVS;
				enum xfpm_note n;
				enum xfpm_action a;

				c /= NEVS;
				a = xfpm_decide(&d, evs[e], &f, &n);
				/* the second FREEZE entry stands for a failing driver */
				model_step(&m, &d, evs[e], &f, a, n, e == 3 ? -16 : 0);
			}
			sequences++;
			if (m.broken) {
				CHECK(!m.broken);
				fprintf(stderr, "  mode %d verdict %d link %d len %d code %ld: %s\n",
					mode, verdict, link, len, code, m.broken);
				return;
			}
		}
	}
	CHECK(sequences > 1000000);
	printf("     %ld sequences checked\n", sequences);
}

int main(void)
{
	RUN(checkpoint_thaws);
	RUN(real_restore_restores);
	RUN(restore_without_hypercall_becomes_thaw);
	RUN(restore_after_cancel_becomes_thaw);
	RUN(restore_on_live_link_becomes_thaw);
	RUN(restore_on_dead_link_restores);
	RUN(restore_without_link_info_restores);
	RUN(thaw_after_real_resume_becomes_restore);
	RUN(thaw_on_dead_link_becomes_restore);
	RUN(resume_without_freeze_is_refused);
	RUN(double_freeze_is_refused);
	RUN(failed_freeze_runs_on);
	RUN(failed_resume_counts_and_runs);
	RUN(hibernation_trusts_the_pm_core);
	RUN(verdict_ignored_outside_xen_suspend);
	RUN(busy_events_are_refused);
	RUN(detached_ignores_everything);
	RUN(names_are_defined);
	RUN(every_sequence_keeps_the_promises);
	return harness_done();
}
