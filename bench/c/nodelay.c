/*
 * nodelay.c - LD_PRELOAD shim that switches on TCP_NODELAY for every TCP
 * socket a program connects. Used only for Paho C, which has no option for
 * it: with Nagle's algorithm on, a PUBLISH written right after a small
 * acknowledgement waits for the broker's delayed ACK (~40 ms on Linux).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    static connect_fn real;
    int one = 1;

    if (real == NULL) {
        real = (connect_fn)dlsym(RTLD_NEXT, "connect");
    }
    if (addr != NULL && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return real(fd, addr, len);
}
