/* unix: and tcp: socket URIs (system/sock_uri.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "system/sock_uri.h"

typedef union SockAddr {
    struct sockaddr sa;
    struct sockaddr_un un;
    struct sockaddr_in in;
} SockAddr;

const char *sock_uri_unix_path(const char *uri)
{
    return !strncmp(uri, "unix:", 5) && uri[5] ? uri + 5 : NULL;
}

static bool parse_tcp(const char *rest, struct sockaddr_in *in)
{
    char host[64];
    const char *colon = strrchr(rest, ':');
    if (!colon || (size_t)(colon - rest) >= sizeof host)
        return false;
    snprintf(host, sizeof host, "%.*s", (int)(colon - rest), rest);
    if (!strcmp(host, "localhost"))
        strcpy(host, "127.0.0.1");
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port <= 0 || port > 65535)
        return false;
    *in = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    return inet_pton(AF_INET, host, &in->sin_addr) == 1;
}

/* The address of uri and its length, or 0 if uri is malformed. */
static socklen_t parse_uri(const char *uri, SockAddr *a)
{
    memset(a, 0, sizeof *a);
    const char *path = sock_uri_unix_path(uri);
    if (path) {
        if (strlen(path) >= sizeof a->un.sun_path)
            return 0;
        a->un.sun_family = AF_UNIX;
        strcpy(a->un.sun_path, path);
        return sizeof a->un;
    }
    if (!strncmp(uri, "tcp:", 4) && parse_tcp(uri + 4, &a->in))
        return sizeof a->in;
    return 0;
}

static int bad_uri(const char *uri, char *err, size_t errlen)
{
    snprintf(err, errlen, "bad address '%s' (unix:PATH or tcp:127.0.0.1:PORT)", uri);
    return -1;
}

static int failed(int fd, const char *what, const char *uri, char *err, size_t errlen)
{
    snprintf(err, errlen, "cannot %s '%s': %s", what, uri, strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

int sock_uri_listen(const char *uri, char *err, size_t errlen)
{
    SockAddr a;
    socklen_t len = parse_uri(uri, &a);
    if (!len)
        return bad_uri(uri, err, errlen);
    struct stat st;
    if (a.sa.sa_family == AF_UNIX && lstat(a.un.sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(a.un.sun_path); /* left by a scion that did not exit cleanly */
    int fd = socket(a.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0 && a.sa.sa_family == AF_INET)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, &a.sa, len) != 0 || listen(fd, 4) != 0)
        return failed(fd, "listen on", uri, err, errlen);
    return fd;
}

int sock_uri_connect(const char *uri, char *err, size_t errlen)
{
    SockAddr a;
    socklen_t len = parse_uri(uri, &a);
    if (!len)
        return bad_uri(uri, err, errlen);
    int fd = socket(a.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, &a.sa, len) != 0)
        return failed(fd, "connect to", uri, err, errlen);
    int one = 1;
    if (a.sa.sa_family == AF_INET)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool sock_write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool sock_read_all(int fd, void *data, size_t len)
{
    uint8_t *p = data;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}
