/* Syscall dispatch and -strace output. */
#include "user/syscall.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user/syscall_list.h"

#define SCION_SYSCALL_DECL(nr, name, fn) int32_t fn(UserProcess *p, const uint32_t a[6]);
SCION_SYSCALLS(SCION_SYSCALL_DECL)
#undef SCION_SYSCALL_DECL

typedef struct SyscallEntry {
    uint32_t nr;
    const char *name;
    SyscallFn fn;
} SyscallEntry;

static const SyscallEntry syscall_table[] = {
#define SCION_SYSCALL_ENTRY(nr, name, fn) {nr, #name, fn},
    SCION_SYSCALLS(SCION_SYSCALL_ENTRY)
#undef SCION_SYSCALL_ENTRY
};

static const SyscallEntry *find_syscall(uint32_t nr)
{
    for (size_t i = 0; i < sizeof syscall_table / sizeof syscall_table[0]; i++)
        if (syscall_table[i].nr == nr)
            return &syscall_table[i];
    return NULL;
}

const char *syscall_name(uint32_t nr)
{
    const SyscallEntry *e = find_syscall(nr);
    return e ? e->name : NULL;
}

int32_t host_result(long r)
{
    return r < 0 ? -errno : (int32_t)r;
}

void syscall_dispatch(UserProcess *p)
{
    ArmCpu *cpu = &p->machine->cpu;
    uint32_t nr = cpu->r[7];
    const uint32_t args[6] = {cpu->r[0], cpu->r[1], cpu->r[2], cpu->r[3], cpu->r[4], cpu->r[5]};
    const SyscallEntry *e = find_syscall(nr);
    Log *log = &p->machine->log;
    if (!e) {
        log_printf(log, "scion: unimplemented syscall %u (0x%x) at pc 0x%08x\n", nr, nr, cpu->common.insn_pc);
        cpu->r[0] = (uint32_t)-ENOSYS;
        return;
    }
    int32_t r = e->fn(p, args);
    if (log_on(log, LOG_STRACE))
        log_printf(log, "%d %s(0x%x, 0x%x, 0x%x, 0x%x, 0x%x, 0x%x) = %d%s%s\n", (int)getpid(), e->name,
                   args[0], args[1], args[2], args[3], args[4], args[5], r, r < 0 && r > -4096 ? " " : "",
                   r < 0 && r > -4096 ? strerror(-r) : "");
    if (!p->exited)
        cpu->r[0] = (uint32_t)r;
}
