// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfnetback: the IP endpoint on the vif's link.  MAC 00:16:3e:99:00:01,
 * IPv4 10.0.9.1/24; answers ARP requests for that address, ICMP echo
 * requests, and UDP datagrams to port 7 (echoed back).  Everything else a
 * guest sends (IPv6, other addresses, fragments) is consumed and ignored.
 */
#include <stdio.h>
#include <string.h>
#include "xfnetback.h"

const uint8_t xfn_mac[6] = { 0x00, 0x16, 0x3e, 0x99, 0x00, 0x01 };
static const uint8_t xfn_ip[4] = { 10, 0, 9, 1 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

#define ETH_HLEN	14u
#define ETH_MIN		60u
#define ET_IPV4		0x0800
#define ET_ARP		0x0806
#define IPP_ICMP	1
#define IPP_UDP		17

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t x)
{
	p[0] = (uint8_t)(x >> 8);
	p[1] = (uint8_t)x;
}

/* the Internet checksum's running sum over a byte string */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		sum += get16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* a slot in the reply queue, or NULL (full: the reply is dropped) */
static struct xfn_frame *reply_slot(struct xfn_vif *v)
{
	struct xfn_frame *fr;

	if (v->qcount >= XFN_QLEN) {
		v->n_qdrop++;
		return NULL;
	}
	fr = &v->q[(v->qhead + v->qcount) % XFN_QLEN];
	memset(fr->data, 0, ETH_MIN);
	return fr;
}

static void reply_queue(struct xfn_vif *v, struct xfn_frame *fr, unsigned int len)
{
	fr->len = len < ETH_MIN ? ETH_MIN : len;
	v->qcount++;
}

static void arp_input(struct xfn_vif *v, const uint8_t *f, unsigned int len)
{
	const uint8_t *a = f + ETH_HLEN;
	struct xfn_frame *fr;
	uint8_t *r;

	if (len < ETH_HLEN + 28 || get16(a) != 1 || get16(a + 2) != ET_IPV4 ||
	    a[4] != 6 || a[5] != 4 || get16(a + 6) != 1 || memcmp(a + 24, xfn_ip, 4))
		return;
	v->n_arp++;
	fr = reply_slot(v);
	if (!fr)
		return;
	r = fr->data;
	memcpy(r, a + 8, 6);		/* to the sender's hardware address */
	memcpy(r + 6, xfn_mac, 6);
	put16(r + 12, ET_ARP);
	r += ETH_HLEN;
	put16(r, 1);
	put16(r + 2, ET_IPV4);
	r[4] = 6;
	r[5] = 4;
	put16(r + 6, 2);		/* reply */
	memcpy(r + 8, xfn_mac, 6);
	memcpy(r + 14, xfn_ip, 4);
	memcpy(r + 18, a + 8, 10);	/* target: the sender's MAC and IP */
	reply_queue(v, fr, ETH_HLEN + 28);
}

/* the IPv4 reply's header: addresses swapped, fresh TTL and checksum */
static void ip_reply_header(uint8_t *ip, const uint8_t *req, unsigned int hl, unsigned int tot)
{
	static uint16_t ident;

	memcpy(ip, req, hl);
	put16(ip + 2, (uint16_t)tot);
	put16(ip + 4, ident++);
	put16(ip + 6, 0);
	ip[8] = 64;
	memcpy(ip + 12, req + 16, 4);
	memcpy(ip + 16, req + 12, 4);
	put16(ip + 10, 0);
	put16(ip + 10, csum_fold(csum_add(0, ip, hl)));
}

/* ICMP echo reply or UDP echo; req points at the IPv4 header */
static void ip_echo(struct xfn_vif *v, const uint8_t *f, const uint8_t *req,
		    unsigned int hl, unsigned int tot)
{
	unsigned int plen = tot - hl;
	const uint8_t *p = req + hl;
	struct xfn_frame *fr;
	uint8_t *ip, *q;
	uint32_t sum;

	if (req[9] == IPP_ICMP) {
		if (plen < 8 || p[0] != 8 || p[1] != 0)
			return;
		v->n_icmp++;
	} else if (req[9] == IPP_UDP) {
		if (plen < 8 || get16(p + 2) != 7 || get16(p + 4) > plen || get16(p + 4) < 8)
			return;
		plen = get16(p + 4);
		tot = hl + plen;
		v->n_udp++;
	} else {
		return;
	}
	if (ETH_HLEN + tot > XFN_FRAME_MAX)
		return;
	fr = reply_slot(v);
	if (!fr)
		return;
	memcpy(fr->data, f + 6, 6);
	memcpy(fr->data + 6, xfn_mac, 6);
	put16(fr->data + 12, ET_IPV4);
	ip = fr->data + ETH_HLEN;
	ip_reply_header(ip, req, hl, tot);
	q = ip + hl;
	memcpy(q, p, plen);
	if (req[9] == IPP_ICMP) {
		q[0] = 0;
		put16(q + 2, 0);
		put16(q + 2, csum_fold(csum_add(0, q, plen)));
	} else {
		put16(q, get16(p + 2));
		put16(q + 2, get16(p));
		put16(q + 6, 0);
		/* pseudo-header: addresses, protocol, length */
		sum = csum_add(0, ip + 12, 8);
		sum += IPP_UDP + plen;
		sum = csum_add(sum, q, plen);
		put16(q + 6, csum_fold(sum) ? csum_fold(sum) : 0xffff);
	}
	reply_queue(v, fr, ETH_HLEN + tot);
}

static void ipv4_input(struct xfn_vif *v, const uint8_t *f, unsigned int len)
{
	const uint8_t *ip = f + ETH_HLEN;
	unsigned int hl, tot;

	if (len < ETH_HLEN + 20 || (ip[0] >> 4) != 4)
		return;
	hl = (ip[0] & 15u) * 4u;
	tot = get16(ip + 2);
	if (hl < 20 || tot < hl || ETH_HLEN + tot > len || memcmp(ip + 16, xfn_ip, 4))
		return;
	if (csum_fold(csum_add(0, ip, hl)) != 0)
		return;
	/* fragments are not reassembled */
	if (get16(ip + 6) & 0x3fff)
		return;
	ip_echo(v, f, ip, hl, tot);
}

void frame_input(struct xfn_vif *v, const uint8_t *f, unsigned int len)
{
	if (len < ETH_HLEN)
		return;
	if (memcmp(f, xfn_mac, 6) && memcmp(f, bcast, 6)) {
		v->n_other++;
		return;
	}
	switch (get16(f + 12)) {
	case ET_ARP:
		arp_input(v, f, len);
		break;
	case ET_IPV4:
		ipv4_input(v, f, len);
		break;
	default:
		v->n_other++;
		break;
	}
}
