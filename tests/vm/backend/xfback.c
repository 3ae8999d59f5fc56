// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfback - a block backend for the rig's dom0 that serves a vbd from a file
 * over the real blkif protocol (xen/io/blkif.h), correctly by default, and
 * misbehaves on command.  It exists to drive the frontends' response checks
 * and recovery paths, which Linux's blkback never exercises.
 *
 * What it speaks: the xenbus handshake (InitWait, then the frontend's
 * ring-ref / ring-refN, ring-page-order, event-channel, protocol,
 * feature-persistent, multi-queue-num-queues with queue-N/ directories,
 * then Connected); one- and multi-page rings, several queues, direct and
 * indirect segments, persistent grants on or off, flush, barrier and
 * discard.  The frontend closing, the device's removal, the frontend
 * domain's death, save/restore, checkpoints and migration (a restored guest
 * is a new domain with new nodes: a new device here) are all handled.
 *
 * HOW IT IS ATTACHED
 *
 * Xen 4.17's libxl accepts backendtype=standalone only for
 * specification=virtio disks (tools/libs/light/libxl_device.c,
 * disk_try_backend), so a Xen vbd cannot be left to an external program
 * that way.  Instead the disk is an ordinary "phy" disk whose hotplug
 * script is /etc/xen/scripts/xfback (tests/vm/backend/xfback-hotplug):
 *
 *   'format=raw, vdev=xvdb, access=rw, script=/etc/xen/scripts/xfback, target=/tmp/NAME.img'
 *
 * libxl writes the frontend and backend nodes as for any disk (and so
 * carries the disk across save/restore, checkpoints and migration), the
 * kernel's blkback probes the device and reaches InitWait, libxl runs the
 * script, and the script unbinds the device from blkback
 * (/sys/bus/xen-backend/drivers/vbd/unbind), starts this daemon if it is
 * not running, writes <backend>/xfback-claim and waits for xfback-ready.
 * From then on the device is ours.  libxl creates and restores domains
 * paused until their devices are connected, so the guest never sees
 * blkback's InitWait; for a hot plug ("xl block-attach") pause the guest
 * around the attach, or its frontend may read blkback's advertisement.
 *
 * CONTROL (xenstore, dom0 only)
 *
 * Each disk has a tag: the file name of its target without directory and
 * extension, other characters than [A-Za-z0-9_-] turned into '_'
 * (/tmp/disk1.img -> disk1).  Under /xfback/<tag>/:
 *
 *   cfg/<name>     what to advertise, read at every claim and connection
 *                  (so a change applies at the next restore or re-attach):
 *                  max-queues (4; 0: no multi-queue-max-queues node),
 *                  max-ring-page-order (4; -1: no node), max-indirect (256;
 *                  0: no feature-max-indirect-segments), persistent (1),
 *                  flush (1), barrier (0), discard (1), discard-secure (0),
 *                  discard-granularity (4096), discard-alignment (0),
 *                  readonly (0), persistent-max (2048 grants per ring);
 *                  and a misbehaviour of the next claim: hold-state (5 or
 *                  6) keeps the next new device (a restore's, an attach's)
 *                  in Closing or Closed for hold-ms (5000) whatever its
 *                  frontend does, then advertises as usual; one-shot (the
 *                  node is removed when it fires)
 *   xs/<key>       a raw value written to the backend directory after ours,
 *                  at InitWait and again just before Connected ("@rm":
 *                  delete the key): hostile values such as
 *                  xs/max-ring-page-order=4294967295, xs/sectors=0,
 *                  xs/sector-size=3, xs/info=zz
 *   misbehave      one misbehaviour (words; "" or "none": behave):
 *     unknown-id [N]        the next N responses carry an id never issued
 *     dup-id [N]            ... the id of a request answered before them
 *                           (not their own: with ids reused at once, as the
 *                           in-tree driver does, wait for concurrent I/O)
 *     other-ring-id         holds the next request of one ring; the next
 *                           request on another ring is answered with the
 *                           held request's id (on the wrong ring; not when
 *                           that is its own id there too); then the held
 *                           one is answered on its own ring
 *     wrong-op [N]          ... a READ answered as WRITE and the reverse
 *     bad-status [N]        ... status 3, which blkif does not define
 *     rsp-prod-beyond [N]   rsp_prod published 4 beyond the responses
 *     rsp-twice [N]         the response written into two slots
 *     rsp-change [N]        after rsp_prod moved, the response's slot is
 *                           rewritten (bad id, operation, status) for
 *                           20 ms, back and forth, then left correct
 *                           (double-fetch bait)
 *     keep-grant read|write [MS]     the data grants of the next read|write
 *                           stay mapped MS ms (3000) after its response
 *                           (only possible without persistent grants)
 *     keep-indirect read|write [MS]  the same for the indirect page(s) of
 *                           the next indirect read|write
 *     flush-notsupp [data]  every flush and barrier answered
 *                           BLKIF_RSP_EOPNOTSUPP while feature-flush-cache
 *                           stays advertised (until cleared); "data": only
 *                           those that carry a write (FUA), empty flushes
 *                           are honoured
 *     discard-notsupp       the same for discard
 *     bad-sectors START NR  requests touching sectors START..START+NR-1
 *                           fail with BLKIF_RSP_ERROR (until cleared)
 *     hang                  stop taking requests (until cleared)
 *     close-midio closing|closed   hold the next request unanswered and
 *                           switch the backend to Closing (5) or Closed
 *                           (6, rings unmapped at once)
 *     vanish                hold the next request unanswered, unmap, and
 *                           remove the backend's xenstore directory
 *     random SEED [PERMILLE]  each response misbehaves with probability
 *                           PERMILLE/1000 (20) in a way drawn from the
 *                           response and grant modes above, and is delayed
 *                           (answered out of order) with the same
 *                           probability; the log names the seed and every
 *                           decision with its response number, so the same
 *                           seed replays the same decisions
 *                  One-shot modes clear this node themselves once done.
 *   fired          how many times a misbehaviour was carried out (xfback)
 *   event          the last one: "<fired> <what>" (xfback)
 *   status         "state=<xenbus state> domid= rings= order= persistent=
 *                  indirect= reads= writes= flushes= discards= errors=
 *                  notsupp=" of the newest device of the tag (xfback)
 *
 * Log: stderr (the hotplug script sends it to /var/log/xfback.log).
 *
 * Limits: one thread serves every device and does its file I/O
 * synchronously, so a stalled file stalls all of them; native (x86_64)
 * ring layout only; 512-byte sectors; discard-secure is advertised on
 * request but a secure discard is an ordinary one; at most 16 queues,
 * 16-page rings and 256 indirect segments are accepted.
 *
 * usage: xfback [-f]    serve; exits at once if another xfback runs
 *                       (lock /run/xfback.lock)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "xfback.h"

#define BE_ROOT "/local/domain/0/backend/vbd"
#define CTL_ROOT "/xfback"

struct xs_handle *xsh;
xenevtchn_handle *xce;
xengnttab_handle *xgt;

const char *daemon_name = "xfback";

void vlog(struct xfb_vbd *v, const char *fmt, ...)
{
	char prefix[96];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%u/%u %s: ", v->domid, v->devid, v->tag);
	va_start(ap, fmt);
	vxlog(prefix, fmt, ap);
	va_end(ap);
}

static char *ctl_dir(const struct xfb_vbd *v, char *buf, size_t n)
{
	snprintf(buf, n, CTL_ROOT "/%s", v->tag);
	return buf;
}

/* A misbehaviour was carried out: count it where the scenario looks. */
void xfb_fired(struct xfb_vbd *v, const char *fmt, ...)
{
	char dir[128], what[256], *s;
	unsigned long n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ctl_dir(v, dir, sizeof(dir));
	s = xs_get(dir, "fired");
	if (s)
		n = strtoul(s, NULL, 10);
	free(s);
	n++;
	xs_put(dir, "fired", "%lu", n);
	xs_put(dir, "event", "%lu %s", n, what);
	vlog(v, "MISBEHAVED #%lu: %s", n, what);
}

void xfb_status(struct xfb_vbd *v)
{
	char dir[128];
	unsigned int ind = 0;

	if (v->state == XenbusStateConnected)
		ind = v->cfg.max_indirect;
	ctl_dir(v, dir, sizeof(dir));
	xs_put(dir, "status",
	       "state=%d domid=%u devid=%u rings=%u order=%u persistent=%d indirect=%u "
	       "reads=%llu writes=%llu flushes=%llu discards=%llu indirects=%llu errors=%llu notsupp=%llu",
	       v->state, v->domid, v->devid, v->nrings, v->order, v->persistent, ind,
	       (unsigned long long)v->n_read, (unsigned long long)v->n_write,
	       (unsigned long long)v->n_flush, (unsigned long long)v->n_discard,
	       (unsigned long long)v->n_indirect, (unsigned long long)v->n_error,
	       (unsigned long long)v->n_notsupp);
	v->status_dirty = false;
}

/* ---- the misbehave node ---- */

static const struct {
	const char *name;
	enum xfb_mode mode;
} mode_names[] = {
	{ "unknown-id", MB_UNKNOWN_ID }, { "dup-id", MB_DUP_ID },
	{ "other-ring-id", MB_OTHER_RING_ID }, { "wrong-op", MB_WRONG_OP },
	{ "bad-status", MB_BAD_STATUS }, { "rsp-prod-beyond", MB_RSP_PROD_BEYOND },
	{ "rsp-twice", MB_RSP_TWICE }, { "rsp-change", MB_RSP_CHANGE },
	{ "keep-grant", MB_KEEP_GRANT }, { "keep-indirect", MB_KEEP_INDIRECT },
	{ "flush-notsupp", MB_FLUSH_NOTSUPP }, { "discard-notsupp", MB_DISCARD_NOTSUPP },
	{ "bad-sectors", MB_BAD_SECTORS }, { "hang", MB_HANG },
	{ "close-midio", MB_CLOSE_MIDIO }, { "vanish", MB_VANISH },
	{ "random", MB_RANDOM },
};

static int parse_misbehave(const char *s, struct xfb_misbehave *mb)
{
	char buf[128], *w[4] = { NULL }, *save = NULL, *t;
	unsigned int i, n = 0;

	memset(mb, 0, sizeof(*mb));
	snprintf(mb->text, sizeof(mb->text), "%s", s ? s : "");
	snprintf(buf, sizeof(buf), "%s", s ? s : "");
	for (t = strtok_r(buf, " \t\n", &save); t && n < 4; t = strtok_r(NULL, " \t\n", &save))
		w[n++] = t;
	if (!n || !strcmp(w[0], "none"))
		return 0;
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(w[0], mode_names[i].name))
			mb->mode = mode_names[i].mode;
	if (mb->mode == MB_NONE)
		return -1;
	mb->count = 1;
	switch (mb->mode) {
	case MB_KEEP_GRANT:
	case MB_KEEP_INDIRECT:
		if (!w[1] || (strcmp(w[1], "read") && strcmp(w[1], "write")))
			return -1;
		mb->want_write = !strcmp(w[1], "write");
		mb->hold_ms = w[2] ? (unsigned int)strtoul(w[2], NULL, 0) : 3000;
		break;
	case MB_FLUSH_NOTSUPP:
		if (w[1] && strcmp(w[1], "data"))
			return -1;
		mb->data_only = w[1] != NULL;
		break;
	case MB_BAD_SECTORS:
		if (!w[1] || !w[2])
			return -1;
		mb->start = strtoull(w[1], NULL, 0);
		mb->nr = strtoull(w[2], NULL, 0);
		break;
	case MB_CLOSE_MIDIO:
		if (!w[1] || !strcmp(w[1], "closing"))
			mb->close_to = XenbusStateClosing;
		else if (!strcmp(w[1], "closed"))
			mb->close_to = XenbusStateClosed;
		else
			return -1;
		break;
	case MB_RANDOM:
		if (!w[1])
			return -1;
		mb->seed = strtoull(w[1], NULL, 0);
		mb->permille = w[2] ? (unsigned int)strtoul(w[2], NULL, 0) : 20;
		break;
	default:
		if (w[1])
			mb->count = (unsigned int)strtoul(w[1], NULL, 0);
		if (!mb->count)
			mb->count = 1;
		break;
	}
	return 0;
}

void xfb_read_misbehave(struct xfb_vbd *v)
{
	char dir[128], *s;
	struct xfb_misbehave mb;
	enum xfb_mode was = v->mb.mode;

	ctl_dir(v, dir, sizeof(dir));
	s = xs_get(dir, "misbehave");
	if (!strcmp(s ? s : "", v->mb.text)) {
		free(s);
		return;
	}
	if (parse_misbehave(s, &mb)) {
		vlog(v, "cannot parse misbehave '%s'; behaving", s);
		xs_put(dir, "event", "0 cannot parse '%s'", s ? s : "");
		memset(&mb, 0, sizeof(mb));
		snprintf(mb.text, sizeof(mb.text), "%s", s ? s : "");
	}
	free(s);
	v->mb = mb;
	v->hang_told = false;
	if (mb.mode == MB_RANDOM) {
		v->rnd = mb.seed ? mb.seed : 1;
		vlog(v, "random mode: seed %llu, %u per mille",
		     (unsigned long long)mb.seed, mb.permille);
	} else {
		vlog(v, "misbehave: '%s'", mb.text);
	}
	/* leaving hang: take what piled up */
	if (was == MB_HANG && mb.mode != MB_HANG) {
		unsigned int i;

		for (i = 0; i < v->nrings; i++)
			ring_work(&v->rings[i]);
	}
}

/* ---- events ---- */

static struct xfb_vbd *vbd_by_be(const char *path)
{
	struct xfb_vbd *v;
	size_t n;

	for (v = vbds; v; v = v->next) {
		n = strlen(v->be);
		if (!strncmp(path, v->be, n) && (path[n] == 0 || path[n] == '/'))
			return v;
	}
	return NULL;
}

static void maybe_claim(const char *be)
{
	char *c, *r;

	if (vbd_by_be(be))
		return;
	c = xs_get(be, "xfback-claim");
	r = xs_get(be, "xfback-ready");
	if (c && !r)
		vbd_claim(be);
	free(c);
	free(r);
}

/* a path under BE_ROOT: <domid>/<devid>[/...] */
static void be_event(const char *path)
{
	struct xfb_vbd *v = vbd_by_be(path);
	char be[256];
	unsigned int d, n;
	int len = 0;

	if (v) {
		vbd_step(v);
		return;
	}
	if (sscanf(path, BE_ROOT "/%u/%u%n", &d, &n, &len) != 2)
		return;
	if (strcmp(path + len, "/xfback-claim"))
		return;
	snprintf(be, sizeof(be), BE_ROOT "/%u/%u", d, n);
	maybe_claim(be);
}

static void scan_claims(void)
{
	char **doms, **devs, be[256];
	unsigned int nd, nn, i, j;

	doms = xs_directory(xsh, XBT_NULL, BE_ROOT, &nd);
	for (i = 0; doms && i < nd; i++) {
		snprintf(be, sizeof(be), BE_ROOT "/%s", doms[i]);
		devs = xs_directory(xsh, XBT_NULL, be, &nn);
		for (j = 0; devs && j < nn; j++) {
			snprintf(be, sizeof(be), BE_ROOT "/%s/%s", doms[i], devs[j]);
			maybe_claim(be);
		}
		free(devs);
	}
	free(doms);
}

static void ctl_event(const char *path)
{
	struct xfb_vbd *v;
	char tag[64];
	int len = 0;

	if (sscanf(path, CTL_ROOT "/%63[^/]/misbehave%n", tag, &len) != 1 || path[len])
		return;
	for (v = vbds; v; v = v->next)
		if (!strcmp(v->tag, tag))
			xfb_read_misbehave(v);
}

static void release_event(void)
{
	struct xfb_vbd *v, *next;

	for (v = vbds; v; v = next) {
		next = v->next;
		if (!v->dead && !xs_is_domain_introduced(xsh, v->domid)) {
			vlog(v, "frontend domain %u is gone", v->domid);
			v->dead = true;
			vbd_step(v);
		}
	}
}

static void watch_event(char **w)
{
	const char *path = w[XS_WATCH_PATH], *tok = w[XS_WATCH_TOKEN];
	struct xfb_vbd *v;
	unsigned int serial;

	if (!strcmp(tok, "be")) {
		be_event(path);
	} else if (!strcmp(tok, "ctl")) {
		ctl_event(path);
	} else if (!strcmp(tok, "rel")) {
		release_event();
	} else if (sscanf(tok, "fe:%u", &serial) == 1) {
		for (v = vbds; v; v = v->next)
			if (v->serial == serial) {
				vbd_step(v);
				break;
			}
	}
}

static struct xfb_ring *ring_by_port(evtchn_port_t port)
{
	struct xfb_vbd *v;
	unsigned int i;

	for (v = vbds; v; v = v->next)
		for (i = 0; i < v->nrings; i++)
			if (v->rings[i].port == port && v->rings[i].map)
				return &v->rings[i];
	return NULL;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[2];
	uint64_t last_status = 0;
	int lock, opt;

	while ((opt = getopt(argc, argv, "fh")) != -1) {
		switch (opt) {
		case 'f':
			break;
		default:
			fprintf(stderr, "usage: xfback [-f]  (see the top of tests/vm/backend/xfback.c)\n");
			return 2;
		}
	}
	lock = open("/run/xfback.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			return 0;	/* another one serves */
		perror("xfback: /run/xfback.lock");
		return 1;
	}
	if (ftruncate(lock, 0) == 0)
		dprintf(lock, "%d\n", (int)getpid());
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	xsh = xs_open(0);
	xce = xenevtchn_open(NULL, 0);
	xgt = xengnttab_open(NULL, 0);
	if (!xsh || !xce || !xgt) {
		xlog("cannot open xenstore, event channels or grant tables: %s", strerror(errno));
		return 1;
	}
	xs_mkdir(xsh, XBT_NULL, CTL_ROOT);
	if (!xs_watch(xsh, BE_ROOT, "be") || !xs_watch(xsh, CTL_ROOT, "ctl") ||
	    !xs_watch(xsh, "@releaseDomain", "rel")) {
		xlog("cannot set xenstore watches: %s", strerror(errno));
		return 1;
	}
	xlog("serving (pid %d)", (int)getpid());
	scan_claims();

	pfd[0].fd = xs_fileno(xsh);
	pfd[0].events = POLLIN;
	pfd[1].fd = xenevtchn_fd(xce);
	pfd[1].events = POLLIN;
	while (!stop) {
		uint64_t now = now_ms(), next = now + 1000, k;
		struct xfb_vbd *v, *vn;
		int timeout;

		for (v = vbds; v; v = v->next) {
			ring_timers(v, now, &next);
			if (v->hold_until && v->hold_until < next)
				next = v->hold_until;
		}
		k = kept_next();
		if (k && k < next)
			next = k;
		timeout = next > now ? (int)(next - now) : 0;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR) {
			xlog("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			char **w;

			while ((w = xs_check_watch(xsh))) {
				watch_event(w);
				free(w);
			}
		}
		if (pfd[1].revents & POLLIN) {
			xenevtchn_port_or_error_t port = xenevtchn_pending(xce);

			if (port >= 0) {
				struct xfb_ring *r = ring_by_port((evtchn_port_t)port);

				xenevtchn_unmask(xce, (evtchn_port_t)port);
				if (r)
					ring_work(r);
			}
		}
		now = now_ms();
		kept_expire(now);
		for (v = vbds; v; v = vn) {
			vn = v->next;
			ring_timers(v, now, NULL);
			if (v->action != ACT_NONE)
				vbd_act(v);	/* may free v */
			else if (v->hold_until)
				vbd_hold_over(v, now);	/* may free v */
		}
		if (now - last_status >= 1000) {
			for (v = vbds; v; v = v->next)
				if (v->status_dirty)
					xfb_status(v);
			last_status = now;
		}
	}
	xlog("stopping");
	while (vbds)
		vbd_free(vbds);
	kept_release_all();
	return 0;
}
