/* Pre-copy live migration of the `virt` board (system/migrate.h). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "snapshot/ram.h"
#include "system/migrate.h"
#include "system/sock_uri.h"
#include "system/virt_snapshot.h"

#define ACK_TIMEOUT_MS 30000
#define LOCK_WAIT_MS 5000

typedef enum MigState {
    MIG_SENDING,      /* the thread sends a round */
    MIG_WANT_HARVEST, /* the thread waits for the board's thread to harvest dirty pages */
    MIG_HARVESTED,
    MIG_CONVERGED,    /* the thread is done: the board's thread finishes */
    MIG_FAILED,
    MIG_CANCELLED,
} MigState;

/* Buffered socket ends of the stream: sections are made of many small
 * fields, and a system call each would cost more than the data. */
#define SOCK_BUF_SIZE (1u << 16)

typedef struct SockOut {
    int fd;
    size_t len;
    uint8_t buf[SOCK_BUF_SIZE];
} SockOut;

typedef struct SockIn {
    int fd;
    size_t pos, len;
    uint8_t buf[SOCK_BUF_SIZE];
} SockIn;

static bool sock_out_flush(SockOut *o)
{
    bool ok = sock_write_all(o->fd, o->buf, o->len);
    o->len = 0;
    return ok;
}

static bool sock_out_write(void *opaque, const void *data, size_t len)
{
    SockOut *o = opaque;
    if (o->len + len > SOCK_BUF_SIZE && !sock_out_flush(o))
        return false;
    if (len >= SOCK_BUF_SIZE)
        return sock_write_all(o->fd, data, len);
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    return true;
}

static bool sock_in_read(void *opaque, void *data, size_t len)
{
    SockIn *in = opaque;
    uint8_t *p = data;
    while (len) {
        if (in->pos == in->len) {
            if (len >= SOCK_BUF_SIZE) /* big payloads: straight into place */
                return sock_read_all(in->fd, p, len);
            ssize_t n;
            while ((n = read(in->fd, in->buf, SOCK_BUF_SIZE)) < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            in->pos = 0;
            in->len = (size_t)n;
        }
        size_t n = in->len - in->pos < len ? in->len - in->pos : len;
        memcpy(p, in->buf + in->pos, n);
        in->pos += n;
        p += n;
        len -= n;
    }
    return true;
}

typedef struct Migration {
    VirtBoard *b;
    Monitor *mon;
    int fd;
    SockOut *out;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    MigState state;
    char *header;
    uint8_t *send_map; /* pages of the round being sent */
    uint64_t harvested;
    unsigned rounds;
    uint64_t ram_pages, start_ns;
    SnapSink sink;
} Migration;

static uint64_t ram_pages(const VirtBoard *b)
{
    return b->ram_size >> SNAP_PAGE_BITS;
}

static void set_state(Migration *m, MigState s)
{
    pthread_mutex_lock(&m->lock);
    if (m->state != MIG_CANCELLED)
        m->state = s;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

/* Asks the board's thread for the pages dirtied since the last harvest. */
static bool harvest(Migration *m)
{
    pthread_mutex_lock(&m->lock);
    if (m->state == MIG_CANCELLED) {
        pthread_mutex_unlock(&m->lock);
        return false;
    }
    m->state = MIG_WANT_HARVEST;
    machine_request_exit(&m->b->m);
    while (m->state == MIG_WANT_HARVEST)
        pthread_cond_wait(&m->cond, &m->lock);
    bool ok = m->state == MIG_HARVESTED;
    m->state = ok ? MIG_SENDING : m->state;
    pthread_mutex_unlock(&m->lock);
    return ok;
}

static void send_round(Migration *m, const uint8_t *pages)
{
    SnapRamStats st;
    snap_ram_write(&m->sink, m->b->ram, m->b->ram_size, pages, 1, &st);
    if (!m->sink.failed && !sock_out_flush(m->out))
        m->sink.failed = true;
    m->ram_pages += st.pages_sent;
    m->rounds++;
}

/* RAM while the guest runs: everything, then what it dirtied, until a
 * round is small or enough rounds went by. */
static void *precopy_main(void *opaque)
{
    Migration *m = opaque;
    snap_write_header(&m->sink, m->header);
    send_round(m, NULL);
    while (!m->sink.failed && harvest(m)) {
        bool last = m->harvested <= MIGRATE_FINAL_PAGES || m->rounds + 1 >= MIGRATE_MAX_ROUNDS;
        send_round(m, m->send_map);
        if (last)
            break;
    }
    set_state(m, m->sink.failed ? MIG_FAILED : MIG_CONVERGED);
    return NULL;
}

static void migration_free(VirtBoard *b)
{
    Migration *m = b->migration;
    sysmem_track_dirty(&b->mem, NULL);
    free(b->dirty);
    b->dirty = NULL;
    if (m->fd >= 0)
        close(m->fd);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->cond);
    free(m->send_map);
    free(m->header);
    free(m->out);
    free(m);
    b->migration = NULL;
}

static void report(VirtBoard *b, Monitor *mon, const char *msg)
{
    snprintf(b->migrate_info, sizeof b->migrate_info, "%s", msg);
    char line[sizeof b->migrate_info + 1];
    snprintf(line, sizeof line, "%s\n", msg);
    monitor_notify(mon, line);
    fprintf(stderr, "scion: %s\n", msg);
}

void migrate_start(VirtBoard *b, Monitor *mon, const char *uri)
{
    char err[512];
    if (b->migration || b->run_state == VIRT_POSTMIGRATE) {
        monitor_printf(mon, "error: a migration is %s\n", b->migration ? "already running" : "already done");
        return;
    }
    Migration *m = calloc(1, sizeof *m);
    SockOut *out = calloc(1, sizeof *out);
    b->dirty = calloc(ram_pages(b), 1);
    if (!m || !out || !b->dirty || !(m->send_map = calloc(ram_pages(b), 1))) {
        free(m ? m->send_map : NULL);
        free(m);
        free(out);
        free(b->dirty);
        b->dirty = NULL;
        monitor_printf(mon, "error: out of memory\n");
        return;
    }
    *m = (Migration){.b = b, .mon = mon, .fd = -1, .out = out, .send_map = m->send_map, .start_ns = virt_host_ns()};
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    b->migration = m;
    m->header = virt_snapshot_header(b, true, err, sizeof err);
    if (m->header)
        m->fd = sock_uri_connect(uri, err, sizeof err);
    out->fd = m->fd;
    m->sink = (SnapSink){sock_out_write, out, 0, 0, false};
    if (m->fd < 0 || (sysmem_track_dirty(&b->mem, b->dirty), pthread_create(&m->thread, NULL, precopy_main, m))) {
        monitor_printf(mon, "error: migration not started: %s\n", m->fd < 0 ? err : "cannot start a thread");
        migration_free(b);
        return;
    }
    monitor_printf(mon, "migration to %s started\n", uri);
}

/* Waits for the target's acknowledgement that it loaded everything. */
static bool target_acknowledged(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char ack = 0;
    return poll(&p, 1, ACK_TIMEOUT_MS) == 1 && read(fd, &ack, 1) == 1 && ack == MIGRATE_ACK;
}

/* The guest stands still: the last pages, the devices, the end marker. */
static void finish(VirtBoard *b, Migration *m)
{
    char msg[512], err[256] = "";
    bool was_running = b->run_state == VIRT_RUNNING;
    uint64_t t0 = virt_host_ns();
    virt_pause(b);
    sysmem_harvest_dirty(&b->mem, m->send_map);
    send_round(m, m->send_map);
    virt_snapshot_write_devices(b, &m->sink);
    snap_write_end(&m->sink);
    bool ok = !m->sink.failed && sock_out_flush(m->out) && target_acknowledged(m->fd);
    uint64_t downtime = virt_host_ns() - t0;
    if (!ok) {
        snprintf(err, sizeof err, "%s", m->sink.failed ? "the connection broke" : "the target did not confirm");
        if (was_running)
            virt_resume(b);
        snprintf(msg, sizeof msg, "migration failed (%s); this machine runs on", err);
    } else {
        b->run_state = VIRT_POSTMIGRATE;
        for (unsigned i = 0; i < b->nblk; i++) /* the target takes the disks over */
            virtio_blk_unlock(&b->blk[i]);
        snprintf(msg, sizeof msg,
                 "migration completed: %u rounds, %llu pages, %llu bytes, total %.3f s, downtime %.1f ms", m->rounds,
                 (unsigned long long)m->ram_pages, (unsigned long long)m->sink.bytes,
                 (double)(virt_host_ns() - m->start_ns) * 1e-9, (double)downtime * 1e-6);
    }
    report(b, m->mon, msg);
}

void migrate_service(VirtBoard *b)
{
    Migration *m = b->migration;
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    MigState s = m->state;
    if (s == MIG_WANT_HARVEST) {
        m->harvested = sysmem_harvest_dirty(&b->mem, m->send_map);
        m->state = MIG_HARVESTED;
        pthread_cond_broadcast(&m->cond);
    }
    pthread_mutex_unlock(&m->lock);
    if (s != MIG_CONVERGED && s != MIG_FAILED)
        return;
    pthread_join(m->thread, NULL);
    if (s == MIG_CONVERGED)
        finish(b, m);
    else
        report(b, m->mon, "migration failed (the connection broke); this machine runs on");
    migration_free(b);
}

void migrate_cancel(VirtBoard *b)
{
    Migration *m = b->migration;
    if (!m)
        return;
    set_state(m, MIG_CANCELLED);
    shutdown(m->fd, SHUT_RDWR); /* a send in progress fails at once */
    pthread_join(m->thread, NULL);
    migration_free(b);
}

/* --- target -------------------------------------------------------------- */

static bool receive_stream(VirtBoard *b, int fd, SockIn *in, char *err, size_t errlen)
{
    SnapSource src = {.read = sock_in_read, .opaque = in, .live = true};
    char *header = snap_read_header(&src, err, errlen);
    if (!header)
        return false;
    bool ok = virt_snapshot_load(b, &src, header, err, errlen);
    free(header);
    if (ok && !sock_write_all(fd, (char[]){MIGRATE_ACK}, 1)) {
        snprintf(err, errlen, "the source went away before the acknowledgement");
        ok = false;
    }
    if (ok)
        fprintf(stderr, "scion: incoming migration loaded (%llu bytes, %u sections)\n",
                (unsigned long long)src.bytes, src.sections);
    return ok;
}

static bool receive(VirtBoard *b, int fd, char *err, size_t errlen)
{
    SockIn *in = calloc(1, sizeof *in);
    if (!in) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    in->fd = fd;
    bool ok = receive_stream(b, fd, in, err, errlen);
    free(in);
    return ok;
}

/* The source lets its disks go once it has our acknowledgement. */
static void take_disk_locks(VirtBoard *b)
{
    for (unsigned i = 0; i < b->nblk; i++) {
        bool locked = false;
        for (int tries = 0; tries < LOCK_WAIT_MS / 10 && !(locked = virtio_blk_lock(&b->blk[i])); tries++)
            usleep(10000);
        if (!locked)
            fprintf(stderr, "scion: warning: disk image '%s' is still locked by another process\n",
                    b->drive_path[i]);
    }
}

bool migrate_incoming(VirtBoard *b, const char *uri)
{
    char err[512];
    int lfd = sock_uri_listen(uri, err, sizeof err);
    if (lfd < 0) {
        fprintf(stderr, "scion: -incoming: %s\n", err);
        return false;
    }
    fprintf(stderr, "scion: waiting for a migration on %s\n", uri);
    int fd;
    while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0 && errno == EINTR)
        continue;
    close(lfd);
    const char *path = sock_uri_unix_path(uri);
    if (path)
        unlink(path);
    bool ok = fd >= 0 && receive(b, fd, err, sizeof err);
    if (ok)
        take_disk_locks(b);
    if (!ok)
        fprintf(stderr, "scion: incoming migration failed: %s\n", fd < 0 ? strerror(errno) : err);
    if (fd >= 0)
        close(fd);
    return ok;
}
