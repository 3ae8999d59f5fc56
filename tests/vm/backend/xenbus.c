// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfback: one device's xenstore side - claiming it from the hotplug script,
 * advertising features, following the frontend's state, mapping its rings
 * when it is ready, and letting go when it closes, its domain dies or the
 * toolstack removes the device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/protocols.h>
#include "xfback.h"

struct xfb_vbd *vbds;
static unsigned int next_serial = 1;

/* every key this program (or blkback before it) may have written */
static const char *const adv_keys[] = {
	"feature-max-indirect-segments", "multi-queue-max-queues", "max-ring-page-order",
	"max-ring-pages", "feature-persistent", "feature-flush-cache", "feature-barrier",
	"feature-discard", "discard-granularity", "discard-alignment", "discard-secure",
	"sectors", "info", "sector-size", "physical-sector-size", "xfback-error",
};

static const char *const initwait_keys[] = {
	"feature-max-indirect-segments", "multi-queue-max-queues", "max-ring-page-order",
	"max-ring-pages", "feature-persistent",
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

static void cfg_defaults(struct xfb_cfg *c)
{
	c->max_queues = 4;
	c->max_ring_order = XFB_MAX_ORDER;
	c->max_indirect = XFB_MAX_IND;
	c->persistent = 1;
	c->flush = 1;
	c->barrier = 0;
	c->discard = 1;
	c->discard_secure = 0;
	c->discard_granularity = 4096;
	c->discard_alignment = 0;
	c->readonly = 0;
	c->persistent_max = 2048;
	c->hold_state = 0;
	c->hold_ms = 5000;
}

static void cfg_read(struct xfb_vbd *v)
{
	struct xfb_cfg *c = &v->cfg;
	char dir[128];
	long hold;

	cfg_defaults(c);
	snprintf(dir, sizeof(dir), "/xfback/%s/cfg", v->tag);
	c->max_queues = (unsigned int)read_long(dir, "max-queues", c->max_queues);
	c->max_ring_order = (int)read_long(dir, "max-ring-page-order", c->max_ring_order);
	c->max_indirect = (unsigned int)read_long(dir, "max-indirect", c->max_indirect);
	c->persistent = (int)read_long(dir, "persistent", c->persistent);
	c->flush = (int)read_long(dir, "flush", c->flush);
	c->barrier = (int)read_long(dir, "barrier", c->barrier);
	c->discard = (int)read_long(dir, "discard", c->discard);
	c->discard_secure = (int)read_long(dir, "discard-secure", c->discard_secure);
	c->discard_granularity = (unsigned int)read_long(dir, "discard-granularity",
							 c->discard_granularity);
	c->discard_alignment = (unsigned int)read_long(dir, "discard-alignment",
						       c->discard_alignment);
	c->readonly = (int)read_long(dir, "readonly", c->readonly);
	c->persistent_max = (unsigned int)read_long(dir, "persistent-max", c->persistent_max);
	c->hold_state = (int)read_long(dir, "hold-state", c->hold_state);
	hold = read_long(dir, "hold-ms", c->hold_ms);
	if (c->hold_state != XenbusStateClosing && c->hold_state != XenbusStateClosed)
		c->hold_state = 0;
	/* (garbage or negative: the default; at most ten minutes) */
	if (hold >= 0)
		c->hold_ms = hold > 600000 ? 600000 : (unsigned int)hold;
	if (c->max_queues > XFB_MAX_QUEUES)
		c->max_queues = XFB_MAX_QUEUES;
	if (c->max_ring_order > (int)XFB_MAX_ORDER)
		c->max_ring_order = XFB_MAX_ORDER;
	if (c->max_indirect > XFB_MAX_IND)
		c->max_indirect = XFB_MAX_IND;
	if (c->max_indirect && c->max_indirect <= BLKIF_MAX_SEGMENTS_PER_REQUEST)
		c->max_indirect = 0;
}

static bool is_initwait_key(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof(initwait_keys) / sizeof(initwait_keys[0]); i++)
		if (!strcmp(k, initwait_keys[i]))
			return true;
	return false;
}

/* /xfback/<tag>/xs/<key>: raw values over ours (initwait: only those keys) */
static void apply_overrides(struct xfb_vbd *v, bool initwait)
{
	char dir[128], **keys, path[512];
	unsigned int n, i;

	snprintf(dir, sizeof(dir), "/xfback/%s/xs", v->tag);
	keys = xs_directory(xsh, XBT_NULL, dir, &n);
	for (i = 0; keys && i < n; i++) {
		char *val = xs_get(dir, keys[i]);

		if (!val)
			continue;
		if (initwait && !is_initwait_key(keys[i])) {
			free(val);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", v->be, keys[i]);
		if (!strcmp(val, "@rm")) {
			xs_rm(xsh, XBT_NULL, path);
			vlog(v, "hostile xenstore: removed %s", keys[i]);
		} else {
			xs_write(xsh, XBT_NULL, path, val, strlen(val));
			vlog(v, "hostile xenstore: %s = '%s'", keys[i], val);
		}
		xfb_fired(v, "xs %s='%s' at %s", keys[i], val, initwait ? "initwait" : "connect");
		free(val);
	}
	free(keys);
}

void vbd_set_state(struct xfb_vbd *v, int state)
{
	if (v->state == state)
		return;
	vlog(v, "state %d -> %d", v->state, state);
	v->state = state;
	xs_put(v->be, "state", "%d", state);
	xfb_status(v);
}

/* features, then InitWait */
static void advertise(struct xfb_vbd *v)
{
	char path[512];
	size_t i;

	cfg_read(v);
	for (i = 0; i < sizeof(adv_keys) / sizeof(adv_keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", v->be, adv_keys[i]);
		xs_rm(xsh, XBT_NULL, path);
	}
	if (v->cfg.max_indirect)
		xs_put(v->be, "feature-max-indirect-segments", "%u", v->cfg.max_indirect);
	if (v->cfg.max_queues)
		xs_put(v->be, "multi-queue-max-queues", "%u", v->cfg.max_queues);
	if (v->cfg.max_ring_order >= 0)
		xs_put(v->be, "max-ring-page-order", "%d", v->cfg.max_ring_order);
	xs_put(v->be, "feature-persistent", "%d", v->cfg.persistent ? 1 : 0);
	apply_overrides(v, true);
	v->state = -1;
	vbd_set_state(v, XenbusStateInitWait);
	vlog(v, "advertised: queues %u, ring order %d, indirect %u, persistent %d, flush %d, discard %d",
	     v->cfg.max_queues, v->cfg.max_ring_order, v->cfg.max_indirect, v->cfg.persistent,
	     v->cfg.flush, v->cfg.discard);
}

/* like xenbus_dev_fatal: say why, and close */
static void fatal(struct xfb_vbd *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fatal(struct xfb_vbd *v, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vlog(v, "cannot connect: %s", msg);
	xs_put(v->be, "xfback-error", "%s", msg);
	vbd_disconnect(v);
	vbd_set_state(v, XenbusStateClosing);
}

void vbd_disconnect(struct xfb_vbd *v)
{
	unsigned int i;

	if (!v->nrings)
		return;
	for (i = 0; i < v->nrings; i++)
		ring_unmap(&v->rings[i]);
	vlog(v, "disconnected (%u rings)", v->nrings);
	v->nrings = 0;
	v->orid_ring = -1;
}

static int read_ring_refs(const char *dir, bool with_order, unsigned int npages, uint32_t *refs)
{
	char key[32];
	unsigned int i;
	long r;

	if (!with_order) {
		r = read_long(dir, "ring-ref", -1);
		if (r < 0)
			return -1;
		refs[0] = (uint32_t)r;
		return 0;
	}
	for (i = 0; i < npages; i++) {
		snprintf(key, sizeof(key), "ring-ref%u", i);
		r = read_long(dir, key, -1);
		if (r < 0 && npages == 1)
			r = read_long(dir, "ring-ref", -1);
		if (r < 0)
			return -1;
		refs[i] = (uint32_t)r;
	}
	return 0;
}

static void connect(struct xfb_vbd *v)
{
	char *proto, dir[512];
	long nq, order, fpers, evtchn;
	unsigned int i, npages;
	uint32_t refs[1u << XFB_MAX_ORDER];
	bool with_order;

	cfg_read(v);
	proto = xs_get(v->fe, "protocol");
	if (proto && strcmp(proto, XEN_IO_PROTO_ABI_NATIVE)) {
		fatal(v, "protocol '%s' is not supported", proto);
		free(proto);
		return;
	}
	free(proto);
	fpers = read_long(v->fe, "feature-persistent", 0);
	v->persistent = v->cfg.persistent && fpers == 1;
	nq = read_long(v->fe, "multi-queue-num-queues", 1);
	if (nq < 1 || nq > (long)(v->cfg.max_queues ? v->cfg.max_queues : 1)) {
		fatal(v, "frontend asks for %ld queues (at most %u)", nq,
		      v->cfg.max_queues ? v->cfg.max_queues : 1);
		return;
	}
	order = read_long(v->fe, "ring-page-order", -1);
	with_order = order >= 0;
	if (!with_order)
		order = 0;
	if (order > (v->cfg.max_ring_order < 0 ? 0 : v->cfg.max_ring_order)) {
		fatal(v, "frontend asks for ring order %ld (at most %d)", order, v->cfg.max_ring_order);
		return;
	}
	npages = 1u << order;
	v->order = (unsigned int)order;
	for (i = 0; i < (unsigned int)nq; i++) {
		struct xfb_ring *r = &v->rings[i];

		if (nq == 1)
			snprintf(dir, sizeof(dir), "%s", v->fe);
		else
			snprintf(dir, sizeof(dir), "%s/queue-%u", v->fe, i);
		evtchn = read_long(dir, "event-channel", -1);
		if (evtchn < 0 || read_ring_refs(dir, with_order, npages, refs)) {
			v->nrings = i;
			fatal(v, "no event-channel or ring-ref under %s", dir);
			return;
		}
		memset(r, 0, sizeof(*r));
		r->v = v;
		r->idx = i;
		if (ring_map(r, npages, refs, (unsigned int)evtchn)) {
			v->nrings = i;
			fatal(v, "cannot map ring %u (%u pages) or bind port %ld: %s", i, npages,
			      evtchn, strerror(errno));
			return;
		}
		v->nrings = i + 1;
	}
	v->orid_ring = -1;

	xs_put(v->be, "sectors", "%llu", (unsigned long long)(v->bytes / XFB_SECTOR));
	xs_put(v->be, "info", "%u", v->readonly ? VDISK_READONLY : 0);
	xs_put(v->be, "sector-size", "%u", XFB_SECTOR);
	xs_put(v->be, "physical-sector-size", "%u", XFB_SECTOR);
	xs_put(v->be, "feature-flush-cache", "%d", v->cfg.flush ? 1 : 0);
	xs_put(v->be, "feature-barrier", "%d", v->cfg.barrier ? 1 : 0);
	xs_put(v->be, "feature-persistent", "%d", v->cfg.persistent ? 1 : 0);
	if (v->cfg.discard && !v->readonly) {
		xs_put(v->be, "discard-granularity", "%u", v->cfg.discard_granularity);
		xs_put(v->be, "discard-alignment", "%u", v->cfg.discard_alignment);
		xs_put(v->be, "discard-secure", "%d", v->cfg.discard_secure ? 1 : 0);
		xs_put(v->be, "feature-discard", "1");
	} else {
		xs_put(v->be, "feature-discard", "0");
	}
	apply_overrides(v, false);
	vlog(v, "connected: %u ring(s) of %u page(s), persistent grants %s, indirect %u, %llu sectors",
	     v->nrings, npages, v->persistent ? "on" : "off", v->cfg.max_indirect,
	     (unsigned long long)(v->bytes / XFB_SECTOR));
	vbd_set_state(v, XenbusStateConnected);
	/* requests may be there already */
	for (i = 0; i < v->nrings; i++)
		ring_work(&v->rings[i]);
}

static void tag_of(const char *params, char *tag, size_t n)
{
	const char *b = strrchr(params, '/');
	size_t i;

	b = b ? b + 1 : params;
	snprintf(tag, n, "%s", b);
	for (i = 0; tag[i]; i++) {
		if (tag[i] == '.') {
			tag[i] = 0;
			break;
		}
		if (!((tag[i] >= 'a' && tag[i] <= 'z') || (tag[i] >= 'A' && tag[i] <= 'Z') ||
		      (tag[i] >= '0' && tag[i] <= '9') || tag[i] == '_' || tag[i] == '-'))
			tag[i] = '_';
	}
	if (!tag[0])
		snprintf(tag, n, "disk");
}

struct xfb_vbd *vbd_claim(const char *be)
{
	struct xfb_vbd *v;
	char *fe, *params, *mode, tok[32], path[512];
	unsigned int domid, devid;
	off_t size;
	int fd;

	if (sscanf(be, "/local/domain/0/backend/vbd/%u/%u", &domid, &devid) != 2)
		return NULL;
	fe = xs_get(be, "frontend");
	params = xs_get(be, "params");
	mode = xs_get(be, "mode");
	if (!fe || !params) {
		xlog("%s: no frontend or params node; not claiming", be);
		xs_put(be, "hotplug-error", "xfback: no frontend or params");
		goto fail;
	}
	fd = open(params, (mode && !strchr(mode, 'w')) ? O_RDONLY | O_CLOEXEC : O_RDWR | O_CLOEXEC);
	/* a file or a block device: its end is its size */
	if (fd < 0 || (size = lseek(fd, 0, SEEK_END)) < 0) {
		xlog("%s: cannot open %s: %s", be, params, strerror(errno));
		xs_put(be, "hotplug-error", "xfback: cannot open %s", params);
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		close(fd);
		goto fail;
	}
	v->serial = next_serial++;
	v->be = strdup(be);
	v->fe = fe;
	v->params = params;
	v->domid = domid;
	v->devid = devid;
	v->fd = fd;
	v->readonly = mode && !strchr(mode, 'w');
	v->bytes = (uint64_t)size & ~(uint64_t)(XFB_SECTOR - 1);
	v->orid_ring = -1;
	tag_of(params, v->tag, sizeof(v->tag));
	free(mode);
	v->next = vbds;
	vbds = v;
	vlog(v, "claimed %s: %s, %llu bytes%s", be, params, (unsigned long long)v->bytes,
	     v->readonly ? ", read-only" : "");
	xfb_read_misbehave(v);
	snprintf(tok, sizeof(tok), "fe:%u", v->serial);
	snprintf(path, sizeof(path), "%s/state", v->fe);
	xs_watch(xsh, path, tok);
	cfg_read(v);
	if (v->cfg.hold_state) {
		/*
		 * misbehaviour: a new device (a restore, a migration, an
		 * attach) finds its backend Closing or Closed and kept there
		 * for a while, whatever the frontend does; one-shot
		 */
		snprintf(path, sizeof(path), "/xfback/%s/cfg/hold-state", v->tag);
		xs_rm(xsh, XBT_NULL, path);
		v->hold_until = now_ms() + v->cfg.hold_ms;
		vbd_set_state(v, v->cfg.hold_state);
		xfb_fired(v, "held in state %d for %u ms at the claim", v->cfg.hold_state,
			  v->cfg.hold_ms);
	} else {
		advertise(v);
	}
	xs_put(be, "hotplug-status", "connected");
	xs_put(be, "xfback-ready", "1");
	vbd_step(v);
	return v;
fail:
	free(fe);
	free(params);
	free(mode);
	return NULL;
}

void vbd_free(struct xfb_vbd *v)
{
	struct xfb_vbd **p;
	char tok[32], path[512];

	vbd_disconnect(v);
	for (p = &vbds; *p; p = &(*p)->next)
		if (*p == v) {
			*p = v->next;
			break;
		}
	snprintf(tok, sizeof(tok), "fe:%u", v->serial);
	snprintf(path, sizeof(path), "%s/state", v->fe);
	xs_unwatch(xsh, path, tok);
	vlog(v, "released");
	close(v->fd);
	free(v->be);
	free(v->fe);
	free(v->params);
	free(v);
}

/* misbehaviour: unmap everything and take the backend directory away */
void vbd_vanish(struct xfb_vbd *v)
{
	char be[512];

	snprintf(be, sizeof(be), "%s", v->be);
	vbd_disconnect(v);
	xs_rm(xsh, XBT_NULL, be);
	vlog(v, "vanished: removed %s", be);
	vbd_free(v);
}

void vbd_act(struct xfb_vbd *v)
{
	int a = v->action;

	v->action = ACT_NONE;
	if (a == ACT_VANISH) {
		vbd_vanish(v);
	} else if (a == ACT_CLOSE) {
		if (v->act_state == XenbusStateClosed)
			vbd_disconnect(v);
		vbd_set_state(v, v->act_state);
	}
}

/* cfg hold-state: the hold ends, the device starts as a new one would. */
void vbd_hold_over(struct xfb_vbd *v, uint64_t now)
{
	if (!v->hold_until || now < v->hold_until)
		return;
	v->hold_until = 0;
	vlog(v, "hold in state %d over: advertising", v->state);
	advertise(v);
	vbd_step(v);	/* may free v */
}

/*
 * A held device still obeys the toolstack: a detach (it writes Closing or
 * Closed over ours, or online = 0) or the frontend domain's death ends the
 * hold without the advertisement, and the device closes as it would have.
 */
static bool hold_broken(struct xfb_vbd *v)
{
	long bs = read_long(v->be, "state", -1);

	if (bs == v->state && read_long(v->be, "online", 1) && !v->dead)
		return false;
	vlog(v, "hold in state %d ended by the toolstack (state %ld) or the domain's death",
	     v->state, bs);
	v->hold_until = 0;
	v->toolstack_closing = true;
	return true;
}

/* Look at everything again and do what the states ask for. */
void vbd_step(struct xfb_vbd *v)
{
	char *s;
	long bs, fs, online;

	s = xs_get(v->be, NULL);
	if (!s) {
		vlog(v, "backend directory is gone");
		vbd_free(v);
		return;
	}
	free(s);
	/* held (cfg hold-state): nothing moves until vbd_hold_over() */
	if (v->hold_until && !hold_broken(v))
		return;
	bs = read_long(v->be, "state", -1);
	if (bs != v->state && v->state >= 0) {
		/* written by someone else: the toolstack closing the device */
		if (bs == XenbusStateClosing || bs == XenbusStateClosed) {
			vlog(v, "toolstack set state %ld", bs);
			v->toolstack_closing = true;
			v->state = (int)bs;
			if (bs == XenbusStateClosed)
				vbd_disconnect(v);
		} else {
			xs_put(v->be, "state", "%d", v->state);
		}
	}
	online = read_long(v->be, "online", 1);
	fs = v->dead ? -1 : read_long(v->fe, "state", -1);

	switch (fs) {
	case XenbusStateInitialising:
	case XenbusStateInitWait:
		if (v->toolstack_closing || !online) {
			vbd_disconnect(v);
			vbd_set_state(v, XenbusStateClosed);
		} else if (v->state == XenbusStateClosed) {
			vlog(v, "frontend starts again: reconnect");
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
			vbd_set_state(v, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		vbd_disconnect(v);
		vbd_set_state(v, XenbusStateClosed);
		break;
	default:	/* Unknown, gone, or its domain dead */
		vbd_disconnect(v);
		vbd_set_state(v, XenbusStateClosed);
		break;
	}
}
