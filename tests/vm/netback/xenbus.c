// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfnetback: one vif's xenstore side - claiming it from the hotplug script,
 * advertising features, following the frontend's state, mapping its rings
 * when it is ready, and letting go when it closes, its domain dies or the
 * toolstack removes the device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xfnetback.h"

struct xfn_vif *vifs;
static unsigned int next_serial = 1;

/* every key netback (which probed the device first) or we may have written */
static const char *const adv_keys[] = {
	"feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6", "feature-ipv6-csum-offload",
	"feature-rx-copy", "feature-rx-flip", "feature-multicast-control",
	"feature-dynamic-multicast-control", "feature-split-event-channels",
	"multi-queue-max-queues", "feature-ctrl-ring", "feature-xdp-headroom",
	"feature-no-csum-offload", "xfnetback-error",
};

static long read_long(const char *dir, const char *key, long def)
{
	char *s = xs_get(dir, key), *end;
	long v;

	if (!s)
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end)
		v = def;
	free(s);
	return v;
}

static void set_state(struct xfn_vif *v, int state)
{
	if (v->state == state)
		return;
	vlog(v, "state %d -> %d", v->state, state);
	v->state = state;
	xs_put(v->be, "state", "%d", state);
	xfn_status(v);
}

/* features (one queue, copying receive, no offloads), then InitWait */
static void advertise(struct xfn_vif *v)
{
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(adv_keys) / sizeof(adv_keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", v->be, adv_keys[i]);
		xs_rm(xsh, XBT_NULL, path);
	}
	xs_put(v->be, "feature-rx-copy", "1");
	xs_put(v->be, "feature-rx-flip", "0");
	xs_put(v->be, "feature-no-csum-offload", "1");
	v->state = -1;
	set_state(v, XenbusStateInitWait);
}

void vif_disconnect(struct xfn_vif *v)
{
	if (!v->txmap)
		return;
	ring_unmap(v);
	vlog(v, "disconnected");
}

/* like xenbus_dev_fatal: say why, and close */
static void fatal(struct xfn_vif *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fatal(struct xfn_vif *v, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vlog(v, "cannot connect: %s", msg);
	xs_put(v->be, "xfnetback-error", "%s", msg);
	vif_disconnect(v);
	set_state(v, XenbusStateClosing);
}

static void connect(struct xfn_vif *v)
{
	long txref, rxref, evtchn, nq, copy;

	copy = read_long(v->fe, "request-rx-copy", 0);
	if (copy != 1) {
		fatal(v, "the frontend does not request rx-copy (%ld); flipping is not offered", copy);
		return;
	}
	nq = read_long(v->fe, "multi-queue-num-queues", 1);
	if (nq != 1) {
		fatal(v, "the frontend asks for %ld queues; one is offered", nq);
		return;
	}
	txref = read_long(v->fe, "tx-ring-ref", -1);
	rxref = read_long(v->fe, "rx-ring-ref", -1);
	evtchn = read_long(v->fe, "event-channel", -1);
	if (txref < 0 || rxref < 0 || evtchn < 0) {
		fatal(v, "no tx-ring-ref, rx-ring-ref or event-channel under %s", v->fe);
		return;
	}
	if (ring_map(v, (uint32_t)txref, (uint32_t)rxref, (unsigned int)evtchn)) {
		fatal(v, "cannot map rings %ld/%ld or bind port %ld: %s", txref, rxref, evtchn,
		      strerror(errno));
		return;
	}
	vlog(v, "connected: tx ring %ld, rx ring %ld, event channel %ld (local %u)",
	     txref, rxref, evtchn, v->port);
	set_state(v, XenbusStateConnected);
	ring_work(v);
}

/* the tag: the vif's MAC without colons, or vif<devid> */
static void tag_of(struct xfn_vif *v, const char *mac)
{
	size_t i, n = 0;

	for (i = 0; mac && mac[i] && n + 1 < sizeof(v->tag); i++) {
		char c = mac[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			v->tag[n++] = c;
	}
	v->tag[n] = 0;
	if (n != 12)
		snprintf(v->tag, sizeof(v->tag), "vif%u", v->devid);
}

struct xfn_vif *vif_claim(const char *be)
{
	struct xfn_vif *v;
	char *fe, *mac, tok[32], path[512];
	unsigned int domid, devid;

	if (sscanf(be, "/local/domain/0/backend/vif/%u/%u", &domid, &devid) != 2)
		return NULL;
	fe = xs_get(be, "frontend");
	if (!fe) {
		xlog("%s: no frontend node; not claiming", be);
		xs_put(be, "hotplug-error", "xfnetback: no frontend node");
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (v) {
		v->q = calloc(XFN_QLEN, sizeof(*v->q));
		v->pkt = malloc(XFN_PKT_MAX);
	}
	if (!v || !v->q || !v->pkt) {
		if (v) {
			free(v->q);
			free(v->pkt);
		}
		free(v);
		free(fe);
		return NULL;
	}
	v->serial = next_serial++;
	v->be = strdup(be);
	v->fe = fe;
	v->domid = domid;
	v->devid = devid;
	mac = xs_get(be, "mac");
	tag_of(v, mac);
	v->next = vifs;
	vifs = v;
	vlog(v, "claimed %s (frontend %s, mac %s)", be, fe, mac ? mac : "?");
	free(mac);
	xfn_read_misbehave(v);
	snprintf(tok, sizeof(tok), "fe:%u", v->serial);
	snprintf(path, sizeof(path), "%s/state", v->fe);
	xs_watch(xsh, path, tok);
	advertise(v);
	xs_put(be, "hotplug-status", "connected");
	xs_put(be, "xfnetback-ready", "1");
	vif_step(v);
	return v;
}

void vif_free(struct xfn_vif *v)
{
	struct xfn_vif **p;
	char tok[32], path[512];

	vif_disconnect(v);
	for (p = &vifs; *p; p = &(*p)->next)
		if (*p == v) {
			*p = v->next;
			break;
		}
	snprintf(tok, sizeof(tok), "fe:%u", v->serial);
	snprintf(path, sizeof(path), "%s/state", v->fe);
	xs_unwatch(xsh, path, tok);
	vlog(v, "released");
	free(v->be);
	free(v->fe);
	free(v->q);
	free(v->pkt);
	free(v);
}

/* someone else wrote our state node: the toolstack closing the device */
static void check_own_state(struct xfn_vif *v)
{
	long bs = read_long(v->be, "state", -1);

	if (bs == v->state || v->state < 0)
		return;
	if (bs == XenbusStateClosing || bs == XenbusStateClosed) {
		vlog(v, "toolstack set state %ld", bs);
		v->toolstack_closing = true;
		v->state = (int)bs;
		if (bs == XenbusStateClosed)
			vif_disconnect(v);
	} else {
		xs_put(v->be, "state", "%d", v->state);
	}
}

/* Look at everything again and do what the states ask for. */
void vif_step(struct xfn_vif *v)
{
	char *s;
	long fs, online;

	s = xs_get(v->be, NULL);
	if (!s) {
		vlog(v, "backend directory is gone");
		vif_free(v);
		return;
	}
	free(s);
	check_own_state(v);
	online = read_long(v->be, "online", 1);
	fs = v->dead ? -1 : read_long(v->fe, "state", -1);

	switch (fs) {
	case XenbusStateInitialising:
	case XenbusStateInitWait:
		if (v->toolstack_closing || !online) {
			vif_disconnect(v);
			set_state(v, XenbusStateClosed);
		} else if (v->state == XenbusStateClosed) {
			vlog(v, "frontend starts again: reconnect");
			advertise(v);
		} else if (v->state == XenbusStateConnected) {
			/* a frontend that started over without closing */
			vlog(v, "frontend went back to state %ld: reconnect", fs);
			vif_disconnect(v);
			advertise(v);
		}
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (v->state == XenbusStateInitWait && !v->toolstack_closing)
			connect(v);
		break;
	case XenbusStateClosing:
		if (v->state != XenbusStateClosing && v->state != XenbusStateClosed)
			set_state(v, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		vif_disconnect(v);
		set_state(v, XenbusStateClosed);
		break;
	default:	/* Unknown, gone, or its domain dead */
		vif_disconnect(v);
		set_state(v, XenbusStateClosed);
		break;
	}
}
