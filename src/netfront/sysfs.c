// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront diagnostics in sysfs.
 *
 * Per device, /sys/bus/xen/devices/vif-N/netfront/: the negotiated
 * connection and the resources the driver holds (what the leak soak
 * compares), plus the event counters.  Module-wide,
 * /sys/module/xen_netfront/totals/: the same resources summed over live
 * devices, and what removed devices still held when they were freed
 * (should stay zero).  See src/netfront/README.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>
#include "netfront.h"

static struct nf_dev *nf_from_dev(struct device *dev)
{
	struct xenfront_device *xf = dev_get_drvdata(dev);

	return xf ? xenfront_get_drvdata(xf) : NULL;
}

static const char *const nf_link_names[] = {
	[NF_LINK_IDLE] = "idle",
	[NF_LINK_WAIT] = "waiting-for-backend",
	[NF_LINK_CONNECTED] = "connected",
	[NF_LINK_CLOSING] = "closing",
};

static ssize_t link_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct nf_dev *nf = nf_from_dev(dev);
	enum nf_link l;

	if (!nf)
		return -ENODEV;
	l = READ_ONCE(nf->link);
	return sysfs_emit(buf, "%s%s%s%s\n", nf_link_names[l],
			  READ_ONCE(nf->frozen) ? " frozen" : "",
			  READ_ONCE(nf->restoring) ? " restoring" : "",
			  READ_ONCE(nf->broken) ? " broken" : "");
}
static DEVICE_ATTR_RO(link);

static ssize_t features_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct nf_dev *nf = nf_from_dev(dev);
	struct nfp_backend_feat f;

	if (!nf)
		return -ENODEV;
	f = nf->feat;
	return sysfs_emit(buf, "queues=%u split-evtchn=%d sg=%d gso-tcpv4=%d gso-tcpv6=%d csum=%d csum6=%d trusted=%d\n",
			  READ_ONCE(nf->nr_queues), f.split_evtchn, f.sg, f.gso_tcpv4,
			  f.gso_tcpv6, f.ipv4_csum, f.ipv6_csum, nf->trusted);
}
static DEVICE_ATTR_RO(features);

/* One line with every resource count: what the soak compares. */
static ssize_t resources_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct nf_dev *nf = nf_from_dev(dev);
	struct nf_resources r;

	if (!nf)
		return -ENODEV;
	nf_resources(nf, &r);
	return sysfs_emit(buf, "grants=%lu rx_posted=%lu tx_skbs=%lu pages=%lu evtchns=%lu\n",
			  r.grants, r.rx_posted, r.tx_skbs, r.pages, r.evtchns);
}
static DEVICE_ATTR_RO(resources);

#define NF_RES_ATTR(field)							\
static ssize_t field##_show(struct device *dev, struct device_attribute *a,	\
			    char *buf)						\
{										\
	struct nf_dev *nf = nf_from_dev(dev);					\
	struct nf_resources r;							\
										\
	if (!nf)								\
		return -ENODEV;							\
	nf_resources(nf, &r);							\
	return sysfs_emit(buf, "%lu\n", r.field);				\
}										\
static DEVICE_ATTR_RO(field)

NF_RES_ATTR(grants);
NF_RES_ATTR(rx_posted);
NF_RES_ATTR(tx_skbs);
NF_RES_ATTR(pages);

#define NF_EV_ATTR(name, ev)							\
static ssize_t name##_show(struct device *dev, struct device_attribute *a,	\
			   char *buf)						\
{										\
	struct nf_dev *nf = nf_from_dev(dev);					\
										\
	if (!nf)								\
		return -ENODEV;							\
	return sysfs_emit(buf, "%lu\n", nf_event_read(nf, ev));			\
}										\
static DEVICE_ATTR_RO(name)

NF_EV_ATTR(announces, NF_EV_ANNOUNCES);
NF_EV_ATTR(connects, NF_EV_CONNECTS);
NF_EV_ATTR(restores, NF_EV_RESTORES);
NF_EV_ATTR(broken, NF_EV_BROKEN);

static ssize_t malformed_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct nf_dev *nf = nf_from_dev(dev);

	if (!nf)
		return -ENODEV;
	return sysfs_emit(buf, "%lu\n", nf_event_read(nf, NF_EV_RX_MALFORMED) +
			  nf_event_read(nf, NF_EV_TX_MALFORMED) +
			  nf_event_read(nf, NF_EV_XS_INVALID));
}
static DEVICE_ATTR_RO(malformed);

/* Every event counter, "name value" per line. */
static ssize_t counters_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct nf_dev *nf = nf_from_dev(dev);
	unsigned int i;
	int n = 0;

	if (!nf)
		return -ENODEV;
	for (i = 0; i < NF_NR_EVENTS; i++)
		n += sysfs_emit_at(buf, n, "%s %lu\n", nf_event_names[i], nf_event_read(nf, i));
	return n;
}
static DEVICE_ATTR_RO(counters);

static struct attribute *nf_dev_attrs[] = {
	&dev_attr_link.attr,
	&dev_attr_features.attr,
	&dev_attr_resources.attr,
	&dev_attr_grants.attr,
	&dev_attr_rx_posted.attr,
	&dev_attr_tx_skbs.attr,
	&dev_attr_pages.attr,
	&dev_attr_malformed.attr,
	&dev_attr_announces.attr,
	&dev_attr_connects.attr,
	&dev_attr_restores.attr,
	&dev_attr_broken.attr,
	&dev_attr_counters.attr,
	NULL,
};

const struct attribute_group nf_dev_group = {
	.name = "netfront",
	.attrs = nf_dev_attrs,
};

/* ---- module-wide totals ---- */

static struct kobject *nf_totals_kobj;

static ssize_t live_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	unsigned long devices, left[4];
	struct nf_resources r;

	nf_module_totals(&r, &devices, left);
	return sysfs_emit(buf, "devices=%lu grants=%lu rx_posted=%lu tx_skbs=%lu pages=%lu evtchns=%lu\n",
			  devices, r.grants, r.rx_posted, r.tx_skbs, r.pages, r.evtchns);
}

static ssize_t leftover_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	unsigned long devices, left[4];
	struct nf_resources r;

	nf_module_totals(&r, &devices, left);
	return sysfs_emit(buf, "grants=%lu rx_posted=%lu tx_skbs=%lu pages=%lu\n",
			  left[0], left[1], left[2], left[3]);
}

static struct kobj_attribute nf_live_attr = __ATTR_RO(live);
static struct kobj_attribute nf_leftover_attr = __ATTR_RO(leftover);

static struct attribute *nf_totals_attrs[] = {
	&nf_live_attr.attr,
	&nf_leftover_attr.attr,
	NULL,
};

static const struct attribute_group nf_totals_group = {
	.attrs = nf_totals_attrs,
};

int nf_totals_init(void)
{
	int err;

	nf_totals_kobj = kobject_create_and_add("totals", &THIS_MODULE->mkobj.kobj);
	if (!nf_totals_kobj)
		return -ENOMEM;
	err = sysfs_create_group(nf_totals_kobj, &nf_totals_group);
	if (err) {
		kobject_put(nf_totals_kobj);
		nf_totals_kobj = NULL;
	}
	return err;
}

void nf_totals_exit(void)
{
	if (!nf_totals_kobj)
		return;
	sysfs_remove_group(nf_totals_kobj, &nf_totals_group);
	kobject_put(nf_totals_kobj);
	nf_totals_kobj = NULL;
}
