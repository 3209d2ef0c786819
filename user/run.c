/* The user-mode execution loop: blocks, syscalls, faults, signals. */
#include "user/run.h"

#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "user/signal.h"
#include "user/syscall.h"

static void report_unimplemented(UserProcess *p)
{
    Machine *m = p->machine;
    uint32_t pc = m->cpu.r[15];
    uint8_t bytes[4] = {0};
    size_t n = guest_fetch(&p->mem, pc, bytes, 4);
    char text[80];
    unsigned size;
    translator_disasm(m->translator, bytes, n, pc, m->cpu.thumb, text, sizeof text, &size);
    uint32_t word = 0;
    for (unsigned i = 0; i < size && i < n; i++)
        word |= (uint32_t)bytes[i] << (8 * i);
    if (m->cpu.thumb && size == 4)
        word = (word & 0xffff) << 16 | word >> 16;
    fprintf(stderr, "scion: unimplemented instruction at 0x%08x: %0*x  %s (%s)\n", pc, size * 2, word, text,
            m->cpu.thumb ? "Thumb" : "ARM");
}

/* Back at the faulting instruction after a host fault: restore its mode. */
static void resume_at_fault(UserProcess *p)
{
    ArmCpu *cpu = &p->machine->cpu;
    cpu->common.store_log = NULL; /* a fault inside a -jit check interpreter run */
    arm_resume_insn(cpu);
    fesetenv(FE_DFL_ENV);
}

static void handle_exit(UserProcess *p, int kind)
{
    ArmCpu *cpu = &p->machine->cpu;
    switch (kind) {
    case IR_EXIT_JUMP:
    case IR_EXIT_INDIRECT:
    case IR_EXIT_YIELD:
        break;
    case IR_EXIT_SYSCALL:
        syscall_dispatch(p);
        break;
    case IR_EXIT_UNDEF:
        signal_deliver_sync(p, SIGILL, 1 /* ILL_ILLOPC */, cpu->r[15]);
        break;
    case IR_EXIT_BKPT:
        signal_deliver_sync(p, SIGTRAP, 1 /* TRAP_BRKPT */, cpu->r[15]);
        break;
    case IR_EXIT_UNIMPL:
        report_unimplemented(p);
        p->exited = true;
        p->exit_status = 128 + SIGILL;
        break;
    case STEP_TIER_MISMATCH:
        p->exited = true;
        p->exit_status = 125;
        break;
    case STEP_FETCH_FAULT:
        signal_deliver_sync(p, SIGSEGV, (p->mem.flags[cpu->r[15] / GUEST_PAGE] & GPAGE_MAPPED) ? 2 : 1,
                            cpu->r[15]);
        break;
    default:
        fprintf(stderr, "scion: internal error: unknown block exit %d\n", kind);
        abort();
    }
}

int user_run(UserProcess *p)
{
    Machine *m = p->machine;
    user_process_start(p);
    signal_install_host_handlers(p);
    /* No mask saving: the host mask mirrors the guest's and is set by delivery. */
    if (sigsetjmp(p->fault_jmp, 0)) {
        resume_at_fault(p);
        if (p->fault_signo)
            signal_deliver_sync(p, p->fault_signo, p->fault_code, p->fault_addr);
        else
            m->resume_lower_tier = true; /* a fault in LLVM code (signal.c) */
    }
    while (!p->exited) {
        /* Cleared before looking at pending signals: one arriving later sets it again. */
        m->cpu.common.exit_request = 0;
        if (signal_work_pending(p))
            signal_deliver_pending(p);
        if (p->exited)
            break;
        handle_exit(p, machine_run(m));
    }
    return p->exit_status;
}
