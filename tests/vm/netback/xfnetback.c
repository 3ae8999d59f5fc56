// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfnetback - a network backend for the rig's dom0 that serves a vif over
 * the real netif protocol (xen/io/netif.h), correctly by default, and
 * misbehaves on command.  It exists to drive the frontends' response checks
 * and recovery paths, which Linux's netback never exercises.  It is the
 * network sibling of xfback (tests/vm/backend/xfback.c) and is attached and
 * controlled the same way.
 *
 * What it speaks: the xenbus handshake (InitWait with feature-rx-copy=1,
 * feature-rx-flip=0 and feature-no-csum-offload=1, nothing else: one queue,
 * one event channel, no scatter-gather, GSO or checksum offload; then the
 * frontend's tx-ring-ref, rx-ring-ref, event-channel and request-rx-copy=1,
 * then Connected).  The frontend closing, the device's removal, the
 * frontend domain's death, checkpoints (the same domain: the rings stay and
 * nothing happens here), save/restore and migration (a restored guest is a
 * new domain with new nodes: a new device here) are handled.
 *
 * There is no tap device: the backend is itself an IP endpoint on the
 * vif's link (frame.c), MAC 00:16:3e:99:00:01, IPv4 10.0.9.1/24.  It
 * answers ARP requests for 10.0.9.1, ICMP echo requests, and UDP datagrams
 * to port 7 (echoed).  A guest that puts 10.0.9.2/24 on the interface can
 * "ping 10.0.9.1".  Transmitted packets are grant-copied out and answered
 * NETIF_RSP_OKAY; replies are grant-copied into the frontend's posted
 * receive buffers at offset 0, one slot per frame.
 *
 * HOW IT IS ATTACHED
 *
 * As xfback's disks: the vif is an ordinary one whose hotplug script is
 * /etc/xen/scripts/xfnetback (tests/vm/netback/xfnetback-hotplug):
 *
 *   xl network-attach DOM mac=00:16:3e:77:00:02 bridge=xenbr0 script=/etc/xen/scripts/xfnetback
 *
 * libxl writes the frontend and backend nodes as for any vif (and so
 * carries it across save/restore, checkpoints and migration), the kernel's
 * netback probes the device and reaches InitWait, libxl runs the script
 * ("online"), and the script unbinds the device from netback
 * (/sys/bus/xen-backend/drivers/vif/unbind, device vif-<domid>-<devid>),
 * starts this daemon if it is not running, writes <backend>/xfnetback-claim
 * and waits for xfnetback-ready.  This daemon then removes every feature
 * netback advertised, writes its own, InitWait, hotplug-status=connected
 * and xfnetback-ready=1.  The bridge named in the spec is not used.
 * Domains are created and restored paused until their devices are
 * connected; for a hot plug pause the guest around "xl network-attach", or
 * its frontend may read netback's advertisement.
 *
 * CONTROL (xenstore, dom0 only)
 *
 * Each vif has a tag: its MAC without colons, lower case
 * (00:16:3e:77:00:02 -> 00163e770002; vif<devid> without a MAC).  Under
 * /xfnetback/<tag>/:
 *
 *   misbehave      one misbehaviour: "MODE [N]" ("" or "none": behave).  It
 *                  is carried out on the next N packets or frames it applies
 *                  to (default 1) and then clears this node itself; N = 0
 *                  or "always": until cleared.
 *     tx-unknown-id         a transmitted packet is answered with id 0xfff0
 *                           (never issued); its own id stays unanswered
 *     tx-dup-id             the next transmitted packet is held unanswered
 *                           until a second one comes (3 s at most); then
 *                           the first is answered, and the second one's
 *                           response carries the first one's id again (a
 *                           response for an id already answered); the
 *                           second stays unanswered
 *     tx-bad-status         a transmitted packet is answered with status 7
 *                           (netif defines -2..1)
 *     tx-rsp-prod-beyond    after a transmit response, the tx ring's
 *                           rsp_prod is published 4 beyond the frontend's
 *                           req_prod (more responses than requests)
 *     rx-bad-offset         a reply frame's response says offset 4080:
 *                           offset + size beyond the page
 *     rx-size-big           ... size (status) 5000, more than a page
 *     rx-size-zero          ... size 0
 *     rx-bad-id             ... the id of the neighbouring buffer
 *     rx-more-data          ... NETRXF_more_data on its only (last) slot,
 *                           with nothing following until the next frame
 *     rx-bad-extra          ... NETRXF_extra_info, and the next slot (which
 *                           takes a second posted buffer) is an extra-info
 *                           of unknown type 0x6b
 *     rx-rsp-prod-beyond    after a reply frame, the rx ring's rsp_prod is
 *                           published 4 beyond the frontend's req_prod
 *                           (more responses than posted buffers)
 *     keep-rx-grant [MS]    a reply frame's buffer is grant-mapped instead
 *                           of copied into, answered, and kept mapped MS ms
 *                           (3000) after the response (one-shot)
 *     hang                  take no transmit request and deliver no reply
 *                           (until cleared; then the backlog is served)
 *   fired          how many times a misbehaviour was carried out (xfnetback)
 *   event          the last one: "<fired> <what>" (xfnetback)
 *   status         "state=<xenbus state> domid= devid= tx= txerr= rx= rxerr=
 *                  qdrop= arp= icmp= udp= other=" of the newest device of
 *                  the tag (xfnetback, written at most once a second)
 *
 * Log: stderr (the hotplug script sends it to /var/log/xfnetback.log).
 *
 * Limits: one thread serves every vif; native (x86_64) ring layout only;
 * no IP fragment reassembly (fragmented datagrams are ignored); at most 64
 * reply frames wait for receive buffers (more are dropped, counted in
 * qdrop); a transmitted packet may use at most 32 slots.
 *
 * usage: xfnetback [-f]    serve; exits at once if another xfnetback runs
 *                          (lock /run/xfnetback.lock)
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
#include "xfnetback.h"

#define BE_ROOT "/local/domain/0/backend/vif"
#define CTL_ROOT "/xfnetback"

struct xs_handle *xsh;
xenevtchn_handle *xce;
xengnttab_handle *xgt;

const char *daemon_name = "xfnetback";

void vlog(struct xfn_vif *v, const char *fmt, ...)
{
	char prefix[96];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%u/%u %s: ", v->domid, v->devid, v->tag);
	va_start(ap, fmt);
	vxlog(prefix, fmt, ap);
	va_end(ap);
}

static char *ctl_dir(const struct xfn_vif *v, char *buf, size_t n)
{
	snprintf(buf, n, CTL_ROOT "/%s", v->tag);
	return buf;
}

/* A misbehaviour was carried out: count it where the scenario looks. */
void xfn_fired(struct xfn_vif *v, const char *fmt, ...)
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

void xfn_status(struct xfn_vif *v)
{
	char dir[128];

	ctl_dir(v, dir, sizeof(dir));
	xs_put(dir, "status",
	       "state=%d domid=%u devid=%u tx=%llu txerr=%llu rx=%llu rxerr=%llu qdrop=%llu arp=%llu icmp=%llu udp=%llu other=%llu",
	       v->state, v->domid, v->devid, (unsigned long long)v->n_tx,
	       (unsigned long long)v->n_txerr, (unsigned long long)v->n_rx,
	       (unsigned long long)v->n_rxerr, (unsigned long long)v->n_qdrop,
	       (unsigned long long)v->n_arp, (unsigned long long)v->n_icmp,
	       (unsigned long long)v->n_udp, (unsigned long long)v->n_other);
	v->status_dirty = false;
}

/* ---- the misbehave node ---- */

static const struct {
	const char *name;
	enum xfn_mode mode;
} mode_names[] = {
	{ "tx-unknown-id", MB_TX_UNKNOWN_ID }, { "tx-dup-id", MB_TX_DUP_ID },
	{ "tx-bad-status", MB_TX_BAD_STATUS }, { "tx-rsp-prod-beyond", MB_TX_RSP_PROD_BEYOND },
	{ "rx-bad-offset", MB_RX_BAD_OFFSET }, { "rx-size-big", MB_RX_SIZE_BIG },
	{ "rx-size-zero", MB_RX_SIZE_ZERO }, { "rx-bad-id", MB_RX_BAD_ID },
	{ "rx-more-data", MB_RX_MORE_DATA }, { "rx-bad-extra", MB_RX_BAD_EXTRA },
	{ "rx-rsp-prod-beyond", MB_RX_RSP_PROD_BEYOND }, { "keep-rx-grant", MB_KEEP_RX_GRANT },
	{ "hang", MB_HANG },
};

static int parse_misbehave(const char *s, struct xfn_misbehave *mb)
{
	char buf[128], *w[3] = { NULL }, *save = NULL, *t, *end;
	unsigned int i, n = 0;

	memset(mb, 0, sizeof(*mb));
	snprintf(mb->text, sizeof(mb->text), "%s", s ? s : "");
	snprintf(buf, sizeof(buf), "%s", s ? s : "");
	for (t = strtok_r(buf, " \t\n", &save); t && n < 3; t = strtok_r(NULL, " \t\n", &save))
		w[n++] = t;
	if (!n || !strcmp(w[0], "none"))
		return 0;
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(w[0], mode_names[i].name))
			mb->mode = mode_names[i].mode;
	if (mb->mode == MB_NONE)
		return -1;
	mb->count = 1;
	if (mb->mode == MB_HANG) {
		mb->count = 0;
	} else if (mb->mode == MB_KEEP_RX_GRANT) {
		mb->hold_ms = 3000;
		if (w[1]) {
			mb->hold_ms = (unsigned int)strtoul(w[1], &end, 0);
			if (*end)
				return -1;
		}
	} else if (w[1] && !strcmp(w[1], "always")) {
		mb->count = 0;
	} else if (w[1]) {
		mb->count = (unsigned int)strtoul(w[1], &end, 0);
		if (*end)
			return -1;
	}
	return 0;
}

void xfn_read_misbehave(struct xfn_vif *v)
{
	char dir[128], *s;
	struct xfn_misbehave mb;
	enum xfn_mode was = v->mb.mode;

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
	vlog(v, "misbehave: '%s'", mb.text);
	/* leaving hang or tx-dup-id: take what piled up or was held */
	if (was == MB_TX_DUP_ID && mb.mode != MB_TX_DUP_ID && v->dup_held)
		v->dup_since = 0;
	if (was == MB_HANG && mb.mode != MB_HANG)
		ring_work(v);
}

/* An armed misbehaviour was carried out: count down, clear the node at 0. */
void xfn_mb_done(struct xfn_vif *v)
{
	char path[128];

	if (v->mb.count == 0)
		return;		/* until cleared */
	if (--v->mb.count)
		return;
	memset(&v->mb, 0, sizeof(v->mb));
	snprintf(path, sizeof(path), CTL_ROOT "/%s/misbehave", v->tag);
	xs_write(xsh, XBT_NULL, path, "", 0);
}

/* ---- events ---- */

static struct xfn_vif *vif_by_be(const char *path)
{
	struct xfn_vif *v;
	size_t n;

	for (v = vifs; v; v = v->next) {
		n = strlen(v->be);
		if (!strncmp(path, v->be, n) && (path[n] == 0 || path[n] == '/'))
			return v;
	}
	return NULL;
}

/* a claim without a ready node is a new device, even on an old path */
static void maybe_claim(const char *be)
{
	struct xfn_vif *old;
	char *c, *r;

	c = xs_get(be, "xfnetback-claim");
	r = xs_get(be, "xfnetback-ready");
	if (c && !r) {
		old = vif_by_be(be);
		if (old) {
			vlog(old, "a new device on the same path: forgetting this one");
			vif_free(old);
		}
		vif_claim(be);
	}
	free(c);
	free(r);
}

/* a path under BE_ROOT: <domid>/<devid>[/...] */
static void be_event(const char *path)
{
	struct xfn_vif *v;
	char be[256];
	unsigned int d, n;
	int len = 0;

	if (sscanf(path, BE_ROOT "/%u/%u%n", &d, &n, &len) == 2 &&
	    !strcmp(path + len, "/xfnetback-claim")) {
		snprintf(be, sizeof(be), BE_ROOT "/%u/%u", d, n);
		maybe_claim(be);
		return;
	}
	v = vif_by_be(path);
	if (v)
		vif_step(v);
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
	struct xfn_vif *v;
	char tag[64];
	int len = 0;

	if (sscanf(path, CTL_ROOT "/%63[^/]/misbehave%n", tag, &len) != 1 || path[len])
		return;
	for (v = vifs; v; v = v->next)
		if (!strcmp(v->tag, tag))
			xfn_read_misbehave(v);
}

static void release_event(void)
{
	struct xfn_vif *v, *next;

	for (v = vifs; v; v = next) {
		next = v->next;
		if (!v->dead && !xs_is_domain_introduced(xsh, v->domid)) {
			vlog(v, "frontend domain %u is gone", v->domid);
			v->dead = true;
			vif_step(v);
		}
	}
	kept_release_gone();
}

static void watch_event(char **w)
{
	const char *path = w[XS_WATCH_PATH], *tok = w[XS_WATCH_TOKEN];
	struct xfn_vif *v;
	unsigned int serial;

	if (!strcmp(tok, "be")) {
		be_event(path);
	} else if (!strcmp(tok, "ctl")) {
		ctl_event(path);
	} else if (!strcmp(tok, "rel")) {
		release_event();
	} else if (sscanf(tok, "fe:%u", &serial) == 1) {
		for (v = vifs; v; v = v->next)
			if (v->serial == serial) {
				vif_step(v);
				break;
			}
	}
}

static struct xfn_vif *vif_by_port(evtchn_port_t port)
{
	struct xfn_vif *v;

	for (v = vifs; v; v = v->next)
		if (v->port == port && v->txmap)
			return v;
	return NULL;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	xsh = xs_open(0);
	xce = xenevtchn_open(NULL, 0);
	xgt = xengnttab_open(NULL, 0);
	if (!xsh || !xce || !xgt) {
		xlog("cannot open xenstore, event channels or grant tables: %s", strerror(errno));
		return -1;
	}
	xs_mkdir(xsh, XBT_NULL, CTL_ROOT);
	if (!xs_watch(xsh, BE_ROOT, "be") || !xs_watch(xsh, CTL_ROOT, "ctl") ||
	    !xs_watch(xsh, "@releaseDomain", "rel")) {
		xlog("cannot set xenstore watches: %s", strerror(errno));
		return -1;
	}
	xlog("serving (pid %d)", (int)getpid());
	scan_claims();
	return 0;
}

static void on_xenstore(void)
{
	char **w;

	while ((w = xs_check_watch(xsh))) {
		watch_event(w);
		free(w);
	}
}

static void on_evtchn(void)
{
	xenevtchn_port_or_error_t port = xenevtchn_pending(xce);
	struct xfn_vif *v;

	if (port < 0)
		return;
	xenevtchn_unmask(xce, (evtchn_port_t)port);
	v = vif_by_port((evtchn_port_t)port);
	if (v)
		ring_work(v);
}

/* once a second: status nodes, and a look at every ring (a lost event) */
static void every_second(void)
{
	struct xfn_vif *v;

	for (v = vifs; v; v = v->next) {
		if (v->txmap && v->state == XenbusStateConnected)
			ring_work(v);
		if (v->status_dirty)
			xfn_status(v);
	}
}

int main(int argc, char **argv)
{
	struct pollfd pfd[2];
	uint64_t last_sec = 0;
	int lock, opt;

	while ((opt = getopt(argc, argv, "fh")) != -1) {
		if (opt != 'f') {
			fprintf(stderr, "usage: xfnetback [-f]  (see the top of tests/vm/netback/xfnetback.c)\n");
			return 2;
		}
	}
	lock = open("/run/xfnetback.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			return 0;	/* another one serves */
		perror("xfnetback: /run/xfnetback.lock");
		return 1;
	}
	if (ftruncate(lock, 0) == 0)
		dprintf(lock, "%d\n", (int)getpid());
	if (setup())
		return 1;

	pfd[0].fd = xs_fileno(xsh);
	pfd[0].events = POLLIN;
	pfd[1].fd = xenevtchn_fd(xce);
	pfd[1].events = POLLIN;
	while (!stop) {
		uint64_t now = now_ms(), next = now + 1000, k;
		struct xfn_vif *v;
		int timeout;

		for (v = vifs; v; v = v->next)
			ring_timers(v, now, &next);
		k = kept_next();
		if (k && k < next)
			next = k;
		timeout = next > now ? (int)(next - now) : 0;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR) {
			xlog("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN)
			on_xenstore();
		if (pfd[1].revents & POLLIN)
			on_evtchn();
		now = now_ms();
		kept_expire(now);
		for (v = vifs; v; v = v->next)
			ring_timers(v, now, NULL);
		if (now - last_sec >= 1000) {
			every_second();
			last_sec = now;
		}
	}
	xlog("stopping");
	while (vifs)
		vif_free(vifs);
	kept_release_all();
	return 0;
}
