/*
 * Sockets.  Socket addresses, socket types and flags are the same in the
 * ARM and x86-64 ABIs; struct msghdr, control messages and the timeval
 * socket options have 32-bit fields in the guest.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "user/sys_util.h"

int32_t sys_socket(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(socket((int)a[0], (int)a[1], (int)a[2]));
}

int32_t sys_socketpair(UserProcess *p, const uint32_t a[6])
{
    int sv[2];
    if (!guest_access_ok(&p->mem, a[3], 8, GPAGE_W))
        return -EFAULT;
    if (socketpair((int)a[0], (int)a[1], (int)a[2], sv) != 0)
        return -errno;
    uint32_t g[2] = {(uint32_t)sv[0], (uint32_t)sv[1]};
    return copy_to_guest(p, a[3], g, sizeof g);
}

int32_t sys_bind(UserProcess *p, const uint32_t a[6])
{
    const void *addr = guest_rbuf(p, a[1], a[2]);
    return addr ? host_result(bind((int)a[0], addr, a[2])) : -EFAULT;
}

int32_t sys_connect(UserProcess *p, const uint32_t a[6])
{
    const void *addr = guest_rbuf(p, a[1], a[2]);
    return addr ? host_result_restart(connect((int)a[0], addr, a[2]), SCION_ERESTARTSYS) : -EFAULT;
}

int32_t sys_listen(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(listen((int)a[0], (int)a[1]));
}

int32_t sys_shutdown(UserProcess *p, const uint32_t a[6])
{
    (void)p;
    return host_result(shutdown((int)a[0], (int)a[1]));
}

/* An address buffer and its length (value-result socklen_t). */
static bool addr_out(UserProcess *p, uint32_t addr, uint32_t lenp, void **buf, socklen_t **len)
{
    *buf = NULL;
    *len = NULL;
    if (!addr)
        return true;
    uint32_t n;
    if (get_u32(p, lenp, &n) || !(*len = guest_wbuf(p, lenp, 4)))
        return false;
    *buf = guest_wbuf(p, addr, n);
    return *buf != NULL;
}

static int32_t accept_common(UserProcess *p, const uint32_t a[6], int flags)
{
    void *addr;
    socklen_t *len;
    if (!addr_out(p, a[1], a[2], &addr, &len))
        return -EFAULT;
    return host_result_restart(accept4((int)a[0], addr, len, flags), SCION_ERESTARTSYS);
}

int32_t sys_accept(UserProcess *p, const uint32_t a[6]) { return accept_common(p, a, 0); }
int32_t sys_accept4(UserProcess *p, const uint32_t a[6]) { return accept_common(p, a, (int)a[3]); }

int32_t sys_getsockname(UserProcess *p, const uint32_t a[6])
{
    void *addr;
    socklen_t *len;
    if (!a[1] || !addr_out(p, a[1], a[2], &addr, &len))
        return -EFAULT;
    return host_result(getsockname((int)a[0], addr, len));
}

int32_t sys_getpeername(UserProcess *p, const uint32_t a[6])
{
    void *addr;
    socklen_t *len;
    if (!a[1] || !addr_out(p, a[1], a[2], &addr, &len))
        return -EFAULT;
    return host_result(getpeername((int)a[0], addr, len));
}

int32_t sys_sendto(UserProcess *p, const uint32_t a[6])
{
    const void *buf = guest_rbuf(p, a[1], a[2]);
    const void *addr = a[4] ? guest_rbuf(p, a[4], a[5]) : NULL;
    if (!buf || (a[4] && !addr))
        return -EFAULT;
    return host_result_restart(sendto((int)a[0], buf, a[2], (int)a[3], addr, a[5]), SCION_ERESTARTSYS);
}

int32_t sys_send(UserProcess *p, const uint32_t a[6])
{
    const uint32_t b[6] = {a[0], a[1], a[2], a[3], 0, 0};
    return sys_sendto(p, b);
}

int32_t sys_recvfrom(UserProcess *p, const uint32_t a[6])
{
    void *buf = guest_wbuf(p, a[1], a[2]);
    void *addr;
    socklen_t *len;
    if (!buf || !addr_out(p, a[4], a[5], &addr, &len))
        return -EFAULT;
    return host_result_restart(recvfrom((int)a[0], buf, a[2], (int)a[3], addr, len), SCION_ERESTARTSYS);
}

int32_t sys_recv(UserProcess *p, const uint32_t a[6])
{
    const uint32_t b[6] = {a[0], a[1], a[2], a[3], 0, 0};
    return sys_recvfrom(p, b);
}

/* --- socket options ----------------------------------------------------------- */

static bool is_timeval_option(uint32_t level, uint32_t name)
{
    return level == SOL_SOCKET && (name == SO_RCVTIMEO_OLD || name == SO_SNDTIMEO_OLD);
}

int32_t sys_setsockopt(UserProcess *p, const uint32_t a[6])
{
    if (is_timeval_option(a[1], a[2])) {
        struct timeval tv;
        if (a[4] < 8)
            return -EINVAL;
        if (get_timeval(p, a[3], &tv))
            return -EFAULT;
        return host_result(setsockopt((int)a[0], (int)a[1], (int)a[2], &tv, sizeof tv));
    }
    const void *val = guest_rbuf(p, a[3], a[4]);
    if (!val)
        return -EFAULT;
    return host_result(setsockopt((int)a[0], (int)a[1], (int)a[2], val, a[4]));
}

int32_t sys_getsockopt(UserProcess *p, const uint32_t a[6])
{
    uint32_t glen;
    if (get_u32(p, a[4], &glen))
        return -EFAULT;
    if (is_timeval_option(a[1], a[2])) {
        struct timeval tv;
        socklen_t len = sizeof tv;
        if (glen < 8)
            return -EINVAL;
        if (getsockopt((int)a[0], (int)a[1], (int)a[2], &tv, &len) != 0)
            return -errno;
        if (put_timeval(p, a[3], &tv) || put_u32(p, a[4], 8))
            return -EFAULT;
        return 0;
    }
    void *val = guest_wbuf(p, a[3], glen);
    socklen_t len = glen;
    if (!val)
        return -EFAULT;
    if (getsockopt((int)a[0], (int)a[1], (int)a[2], val, &len) != 0)
        return -errno;
    return put_u32(p, a[4], len);
}

/* --- sendmsg / recvmsg ---------------------------------------------------------- */

/* struct msghdr with 32-bit fields. */
typedef struct GuestMsghdr {
    uint32_t name, namelen, iov, iovlen, control, controllen, flags;
} GuestMsghdr;

#define GUEST_CMSG_HDR 12u
#define GUEST_CMSG_ALIGN(n) (((n) + 3u) & ~3u)

typedef struct MsgConv {
    struct msghdr h;
    struct iovec *iov;
    uint8_t *control;
} MsgConv;

static void msg_free(MsgConv *m)
{
    free(m->iov);
    free(m->control);
}

/* Guest control messages to host layout (for sendmsg). */
static int32_t cmsg_to_host(UserProcess *p, const GuestMsghdr *g, MsgConv *m)
{
    const uint8_t *src = guest_rbuf(p, g->control, g->controllen);
    if (!src)
        return -EFAULT;
    size_t cap = (size_t)g->controllen * 2 + 64, used = 0;
    m->control = calloc(1, cap);
    if (!m->control)
        return -ENOMEM;
    for (uint32_t off = 0; off + GUEST_CMSG_HDR <= g->controllen;) {
        uint32_t w[3];
        memcpy(w, src + off, sizeof w);
        if (w[0] < GUEST_CMSG_HDR || off + w[0] > g->controllen)
            return -EINVAL;
        uint32_t dlen = w[0] - GUEST_CMSG_HDR;
        struct cmsghdr *c = (struct cmsghdr *)(m->control + used);
        c->cmsg_len = CMSG_LEN(dlen);
        c->cmsg_level = (int)w[1];
        c->cmsg_type = (int)w[2];
        memcpy(CMSG_DATA(c), src + off + GUEST_CMSG_HDR, dlen);
        used += CMSG_SPACE(dlen);
        off += GUEST_CMSG_ALIGN(w[0]);
    }
    m->h.msg_control = used ? m->control : NULL;
    m->h.msg_controllen = used;
    return 0;
}

/* Host control messages back to the guest (after recvmsg). */
static void cmsg_to_guest(UserProcess *p, GuestMsghdr *g, const MsgConv *m)
{
    uint32_t used = 0;
    struct msghdr h = m->h;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
        uint32_t dlen = (uint32_t)(c->cmsg_len - CMSG_LEN(0));
        uint32_t glen = GUEST_CMSG_HDR + dlen;
        if (used + glen > g->controllen) {
            g->flags |= MSG_CTRUNC;
            break;
        }
        uint32_t w[3] = {glen, (uint32_t)c->cmsg_level, (uint32_t)c->cmsg_type};
        copy_to_guest(p, g->control + used, w, sizeof w);
        copy_to_guest(p, g->control + used + GUEST_CMSG_HDR, CMSG_DATA(c), dlen);
        used += GUEST_CMSG_ALIGN(glen);
    }
    g->controllen = used < g->controllen ? used : g->controllen;
}

static int32_t msg_from_guest(UserProcess *p, const GuestMsghdr *g, MsgConv *m, bool receiving)
{
    memset(m, 0, sizeof *m);
    if (g->iovlen > 1024)
        return -EMSGSIZE;
    m->iov = calloc(g->iovlen + 1, sizeof *m->iov);
    if (!m->iov)
        return -ENOMEM;
    const uint32_t *giov = guest_rbuf(p, g->iov, g->iovlen * 8);
    if (!giov)
        return -EFAULT;
    for (uint32_t i = 0; i < g->iovlen; i++) {
        m->iov[i].iov_len = giov[2 * i + 1];
        m->iov[i].iov_base = receiving ? guest_wbuf(p, giov[2 * i], giov[2 * i + 1])
                                       : (void *)guest_rbuf(p, giov[2 * i], giov[2 * i + 1]);
        if (!m->iov[i].iov_base)
            return -EFAULT;
    }
    m->h.msg_iov = m->iov;
    m->h.msg_iovlen = g->iovlen;
    if (g->name) {
        m->h.msg_name = receiving ? guest_wbuf(p, g->name, g->namelen) : (void *)guest_rbuf(p, g->name, g->namelen);
        if (!m->h.msg_name)
            return -EFAULT;
        m->h.msg_namelen = g->namelen;
    }
    if (!g->control || !g->controllen)
        return 0;
    if (!receiving)
        return cmsg_to_host(p, g, m);
    m->h.msg_controllen = (size_t)g->controllen * 2 + 64;
    m->control = calloc(1, m->h.msg_controllen);
    m->h.msg_control = m->control;
    return m->control ? 0 : -ENOMEM;
}

int32_t sys_sendmsg(UserProcess *p, const uint32_t a[6])
{
    GuestMsghdr g;
    MsgConv m;
    if (copy_from_guest(p, &g, a[1], sizeof g))
        return -EFAULT;
    int32_t r = msg_from_guest(p, &g, &m, false);
    if (r == 0)
        r = host_result_restart(sendmsg((int)a[0], &m.h, (int)a[2]), SCION_ERESTARTSYS);
    msg_free(&m);
    return r;
}

int32_t sys_recvmsg(UserProcess *p, const uint32_t a[6])
{
    GuestMsghdr g;
    MsgConv m;
    if (copy_from_guest(p, &g, a[1], sizeof g))
        return -EFAULT;
    int32_t r = msg_from_guest(p, &g, &m, true);
    if (r == 0)
        r = host_result_restart(recvmsg((int)a[0], &m.h, (int)a[2]), SCION_ERESTARTSYS);
    if (r >= 0) {
        g.namelen = m.h.msg_namelen;
        g.flags = (uint32_t)m.h.msg_flags;
        if (g.control && g.controllen)
            cmsg_to_guest(p, &g, &m);
        else
            g.controllen = 0;
        if (copy_to_guest(p, a[1], &g, sizeof g))
            r = -EFAULT;
    }
    msg_free(&m);
    return r;
}
