/*
 * The .sav file of a GBA cartridge: the raw backup contents, as many bytes
 * as the chip holds (the size most GBA emulators and flash-cart tools
 * use).  Reading is strict, because a file that is refused must never be
 * overwritten with a fresh backup; writing is atomic, because a crash in
 * the middle must leave the old save intact.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/gba_cart.h"

/* The kind of chip a type is: a file may change the size within a kind,
 * never the kind. */
typedef enum SaveKind { KIND_NONE, KIND_SRAM, KIND_FLASH, KIND_EEPROM } SaveKind;

static SaveKind kind_of(GbaSaveType t)
{
    switch (t) {
    case GBA_SAVE_SRAM: return KIND_SRAM;
    case GBA_SAVE_FLASH64:
    case GBA_SAVE_FLASH128: return KIND_FLASH;
    case GBA_SAVE_EEPROM512:
    case GBA_SAVE_EEPROM8K: return KIND_EEPROM;
    case GBA_SAVE_NONE: break;
    }
    return KIND_NONE;
}

/* The type whose size a file of size bytes has (NONE: no type has it). */
static GbaSaveType type_of_size(size_t size)
{
    static const GbaSaveType types[] = {GBA_SAVE_EEPROM512, GBA_SAVE_EEPROM8K, GBA_SAVE_SRAM, GBA_SAVE_FLASH64,
                                        GBA_SAVE_FLASH128};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (gba_save_type_size(types[i]) == size)
            return types[i];
    return GBA_SAVE_NONE;
}

/* read(2) until count bytes or the end; -1 on an error. */
static ssize_t read_full(int fd, uint8_t *buf, size_t count)
{
    size_t done = 0;
    while (done < count) {
        ssize_t n = read(fd, buf + done, count - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static bool write_full(int fd, const uint8_t *buf, size_t count)
{
    size_t done = 0;
    while (done < count) {
        ssize_t n = write(fd, buf + done, count - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* Reads the whole file (one byte more than the largest save is asked for,
 * so a longer file shows as too long); -1 with a message on failure. */
static ssize_t read_save_bytes(const char *path, int fd, uint8_t *buf, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot read save file %s: it is a directory", path);
        return -1;
    }
    ssize_t n = read_full(fd, buf, GBA_SAVE_MAX + 1);
    if (n < 0)
        snprintf(err, errlen, "cannot read save file %s: %s", path, strerror(errno));
    return n;
}

/* Whether a file of type file_type can back the cart; a message if not. */
static bool file_fits_cart(const GbaCart *c, const char *path, size_t size, GbaSaveType file_type, char *err,
                           size_t errlen)
{
    if (file_type == GBA_SAVE_NONE) {
        snprintf(err, errlen,
                 "save file %s is %zu bytes, not a GBA save size (512, 8192, 32768, 65536 or 131072); "
                 "it is left alone and nothing will be saved",
                 path, size);
        return false;
    }
    if (c->save_type != GBA_SAVE_NONE && kind_of(file_type) != kind_of(c->save_type)) {
        snprintf(err, errlen,
                 "save file %s is %zu bytes (%s), but the game uses %s; it is left alone and nothing will be saved",
                 path, size, gba_save_type_name(file_type), gba_save_type_name(c->save_type));
        return false;
    }
    return true;
}

static void fresh_backup(GbaCart *c)
{
    memset(c->save, 0xff, sizeof c->save);
    c->save_dirty = false;
    gba_cart_reset(c);
}

static bool refuse_save(GbaCart *c)
{
    fresh_backup(c);
    c->save_locked = true;
    return false;
}

bool gba_cart_read_save(GbaCart *c, const char *path, char *err, size_t errlen)
{
    c->save_locked = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fresh_backup(c); /* first run of this game */
        return true;
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot open save file %s: %s; nothing will be saved", path, strerror(errno));
        return refuse_save(c);
    }
    uint8_t *buf = malloc(GBA_SAVE_MAX + 1);
    if (!buf) {
        close(fd);
        snprintf(err, errlen, "out of memory reading save file %s; nothing will be saved", path);
        return refuse_save(c);
    }
    ssize_t n = read_save_bytes(path, fd, buf, err, errlen);
    close(fd);
    GbaSaveType file_type = n < 0 ? GBA_SAVE_NONE : type_of_size((size_t)n);
    if (n < 0 || !file_fits_cart(c, path, (size_t)n, file_type, err, errlen)) {
        free(buf);
        return refuse_save(c);
    }
    fresh_backup(c);
    memcpy(c->save, buf, (size_t)n);
    free(buf);
    c->save_type = file_type;
    c->eeprom_addr_width = 0; /* the game's first request still decides */
    return true;
}

/* --- atomic writing ------------------------------------------------------- */

/* fsync of the directory holding path, so the rename itself is durable. */
static void sync_parent_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: some file systems refuse it on directories */
        close(fd);
    }
}

/* The mode the new file gets: the old file's, else rw-r--r--. */
static mode_t save_file_mode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (st.st_mode & 07777) : 0644;
}

static bool write_temp(int fd, const char *tmp, const GbaCart *c, uint32_t size, mode_t mode, char *err,
                       size_t errlen)
{
    if (fchmod(fd, mode) != 0 || !write_full(fd, c->save, size) || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write save file %s: %s", tmp, strerror(errno));
        return false;
    }
    return true;
}

bool gba_cart_write_save(GbaCart *c, const char *path, char *err, size_t errlen)
{
    if (c->save_locked) {
        snprintf(err, errlen, "not writing save file %s: it was refused when the game started", path);
        return false;
    }
    uint32_t size = gba_save_type_size(c->save_type);
    if (!size) {
        c->save_dirty = false;
        return true;
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "save file path too long: %s", path);
        return false;
    }
    mode_t mode = save_file_mode(path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file next to %s: %s", path, strerror(errno));
        return false;
    }
    bool ok = write_temp(fd, tmp, c, size, mode, err, errlen);
    if (close(fd) != 0 && ok) {
        snprintf(err, errlen, "cannot write save file %s: %s", tmp, strerror(errno));
        ok = false;
    }
    if (ok && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot replace save file %s: %s", path, strerror(errno));
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        return false;
    }
    sync_parent_dir(path);
    c->save_dirty = false;
    return true;
}
