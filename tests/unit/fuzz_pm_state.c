// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: arbitrary event streams, facts and driver results against
 * the state machine's promises (pm_model.h).  Any broken promise aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pm_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_model m = { 0 };
	struct xfpm_dev d;
	size_t i;

	xfpm_init(&d);
	for (i = 0; i + 1 < size; i += 2) {
		uint8_t a = data[i], b = data[i + 1];
		struct xfpm_facts f = {
			.mode = (b & 3) % XFPM_NR_MODES,
			.verdict = (b >> 2 & 3) % XFPM_NR_VERDICTS,
			.link = (b >> 4 & 3) % XFPM_NR_LINKS,
		};
		enum xfpm_event ev = (a & 7) % XFPM_NR_EVENTS;
		enum xfpm_note n;
		enum xfpm_action act;
		int err = (a & 0x80) ? -(int)(a & 0x3f) - 1 : 0;

		/* sometimes the bus passes no facts at all */
		act = xfpm_decide(&d, ev, (a & 0x40) ? NULL : &f, &n);
		model_step(&m, &d, ev, (a & 0x40) ? NULL : &f, act, n, err);
		if (m.broken) {
			fprintf(stderr, "broken promise: %s\n", m.broken);
			abort();
		}
		(void)xfpm_note_name(n);
	}
	return 0;
}
