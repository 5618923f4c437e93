/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "namespaces/ns.h"
#include "base/banned.h"

DEFINE_CLEANUP_FUNC(struct mnl_socket *, mnl_socket_close)

/* Sends one request and waits for its acknowledgement.  Returns 0 or -errno. */
static int rtnl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        unsigned portid = mnl_socket_get_portid(nl);
        ssize_t n;

        if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
                return -errno;
        n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0)
                return -errno;
        if (mnl_cb_run(buf, (size_t) n, nlh->nlmsg_seq, portid, NULL, NULL) < 0)
                return -errno;
        return 0;
}

int ns_loopback_up(struct error_info *err)
{
        char buf[MNL_SOCKET_BUFFER_SIZE];
        _cleanup_(mnl_socket_closep) struct mnl_socket *nl = NULL;
        struct nlmsghdr *nlh;
        struct ifinfomsg *ifm;
        int r;

        nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!nl)
                return error_set(err, errno, "open rtnetlink socket");
        if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return error_set(err, errno, "bind rtnetlink socket");

        nlh = mnl_nlmsg_put_header(buf);
        nlh->nlmsg_type = RTM_NEWLINK;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
        nlh->nlmsg_seq = (uint32_t) time(NULL);
        ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
        ifm->ifi_family = AF_UNSPEC;
        ifm->ifi_change = IFF_UP;
        ifm->ifi_flags = IFF_UP;
        mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");

        r = rtnl_talk(nl, nlh);
        if (r < 0)
                return error_set(err, -r, "set link 'lo' up");
        return 0;
}
