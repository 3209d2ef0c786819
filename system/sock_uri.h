/*
 * Socket addresses written as URIs, for the monitor and live migration:
 *   unix:PATH             a UNIX stream socket
 *   tcp:HOST:PORT         TCP on an IPv4 address (listening: the address
 *                         given, e.g. 127.0.0.1 to stay on this machine)
 *
 *   int fd = sock_uri_listen("unix:/tmp/mig", err, sizeof err);
 *   int c = sock_uri_connect("tcp:127.0.0.1:4444", err, sizeof err);
 */
#ifndef SCION_SOCK_URI_H
#define SCION_SOCK_URI_H

#include <stdbool.h>
#include <stddef.h>

/* A listening socket (a stale UNIX socket file is replaced), or -1 with err set. */
int sock_uri_listen(const char *uri, char *err, size_t errlen);
/* A connected socket, or -1 with err set. */
int sock_uri_connect(const char *uri, char *err, size_t errlen);
/* The UNIX socket path of uri (for unlinking), or NULL. */
const char *sock_uri_unix_path(const char *uri);
/* Writes all of data (no SIGPIPE); false if the peer went away. */
bool sock_write_all(int fd, const void *data, size_t len);
/* Reads exactly len bytes; false at end of stream or on error. */
bool sock_read_all(int fd, void *data, size_t len);

#endif
