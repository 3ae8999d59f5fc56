// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: build-time proof that the protocol view of the pure logic
 * (include/xenfront/net_proto.h) is the ABI of xen/interface/io/netif.h.
 */
#include <linux/build_bug.h>
#include <linux/skbuff.h>
#include <linux/stddef.h>
#include <xen/interface/io/netif.h>
#include <xen/page.h>
#include "netfront.h"

void nf_abi_check(void)
{
	/* one granted page per slot: this driver does not split kernel pages */
	BUILD_BUG_ON(XEN_PAGE_SIZE != PAGE_SIZE);
	BUILD_BUG_ON(XEN_PAGE_SIZE != NFP_PAGE_SIZE);
	BUILD_BUG_ON(NFP_RING_SLOTS != __CONST_RING_SIZE(xen_netif_tx, XEN_PAGE_SIZE));
	BUILD_BUG_ON(NFP_RING_SLOTS != __CONST_RING_SIZE(xen_netif_rx, XEN_PAGE_SIZE));
	BUILD_BUG_ON(XEN_NETIF_NR_SLOTS_MIN != NFP_TX_MAX_SLOTS);
	BUILD_BUG_ON(XEN_NETIF_MAX_TX_SIZE != NFP_MAX_TX_SIZE);
	BUILD_BUG_ON(NF_RX_LOW > NF_RING_SIZE);
	BUILD_BUG_ON(NF_TX_MAX_PKT_SLOTS > NF_RING_SIZE);

	BUILD_BUG_ON(sizeof(struct nfp_rx_rsp) != sizeof(struct xen_netif_rx_response));
	BUILD_BUG_ON(offsetof(struct nfp_rx_rsp, id) != offsetof(struct xen_netif_rx_response, id));
	BUILD_BUG_ON(offsetof(struct nfp_rx_rsp, offset) !=
		     offsetof(struct xen_netif_rx_response, offset));
	BUILD_BUG_ON(offsetof(struct nfp_rx_rsp, flags) !=
		     offsetof(struct xen_netif_rx_response, flags));
	BUILD_BUG_ON(offsetof(struct nfp_rx_rsp, status) !=
		     offsetof(struct xen_netif_rx_response, status));
	BUILD_BUG_ON(sizeof(union nfp_rx_slot) != sizeof(struct xen_netif_rx_response));
	BUILD_BUG_ON(sizeof(struct nfp_extra) != sizeof(struct xen_netif_extra_info));
	BUILD_BUG_ON(offsetof(struct nfp_extra, u.gso.size) !=
		     offsetof(struct xen_netif_extra_info, u.gso.size));
	BUILD_BUG_ON(offsetof(struct nfp_extra, u.gso.type) !=
		     offsetof(struct xen_netif_extra_info, u.gso.type));
	BUILD_BUG_ON(offsetof(struct nfp_extra, u.gso.features) !=
		     offsetof(struct xen_netif_extra_info, u.gso.features));

	BUILD_BUG_ON(XEN_NETTXF_csum_blank != NFP_TXF_CSUM_BLANK);
	BUILD_BUG_ON(XEN_NETTXF_data_validated != NFP_TXF_DATA_VALIDATED);
	BUILD_BUG_ON(XEN_NETTXF_more_data != NFP_TXF_MORE_DATA);
	BUILD_BUG_ON(XEN_NETTXF_extra_info != NFP_TXF_EXTRA_INFO);
	BUILD_BUG_ON(XEN_NETRXF_data_validated != NFP_RXF_DATA_VALIDATED);
	BUILD_BUG_ON(XEN_NETRXF_csum_blank != NFP_RXF_CSUM_BLANK);
	BUILD_BUG_ON(XEN_NETRXF_more_data != NFP_RXF_MORE_DATA);
	BUILD_BUG_ON(XEN_NETRXF_extra_info != NFP_RXF_EXTRA_INFO);
	BUILD_BUG_ON(XEN_NETRXF_gso_prefix != NFP_RXF_GSO_PREFIX);
	BUILD_BUG_ON(XEN_NETIF_EXTRA_TYPE_GSO != NFP_EXTRA_GSO);
	BUILD_BUG_ON(XEN_NETIF_EXTRA_TYPE_MCAST_ADD != NFP_EXTRA_MCAST_ADD);
	BUILD_BUG_ON(XEN_NETIF_EXTRA_TYPE_MCAST_DEL != NFP_EXTRA_MCAST_DEL);
	BUILD_BUG_ON(XEN_NETIF_EXTRA_TYPE_HASH != NFP_EXTRA_HASH);
	BUILD_BUG_ON(XEN_NETIF_EXTRA_TYPE_XDP != NFP_EXTRA_XDP);
	BUILD_BUG_ON(XEN_NETIF_EXTRA_TYPE_MAX != NFP_EXTRA_TYPE_LIMIT);
	BUILD_BUG_ON(XEN_NETIF_EXTRA_FLAG_MORE != NFP_EXTRA_FLAG_MORE);
	BUILD_BUG_ON(XEN_NETIF_GSO_TYPE_TCPV4 != NFP_GSO_TCPV4);
	BUILD_BUG_ON(XEN_NETIF_GSO_TYPE_TCPV6 != NFP_GSO_TCPV6);
	BUILD_BUG_ON(XEN_NETIF_RSP_DROPPED != NFP_RSP_DROPPED);
	BUILD_BUG_ON(XEN_NETIF_RSP_ERROR != NFP_RSP_ERROR);
	BUILD_BUG_ON(XEN_NETIF_RSP_OKAY != NFP_RSP_OKAY);
	BUILD_BUG_ON(XEN_NETIF_RSP_NULL != NFP_RSP_NULL);
}
