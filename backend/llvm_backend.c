/*
 * The LLVM code generator for tier 1, built as the shared module
 * libscion-llvm.so (see jit_backend.h).
 *
 * It owns an LLJIT, an LLVM context and a target machine for this host,
 * runs a short pass pipeline, emits an object file itself and gives LLJIT
 * only objects to link.  Each object gets its own resource tracker, so
 * invalidated code is freed.  Helpers and the memory slow paths are
 * absolute symbols pointing at this process's functions.
 */
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/jit_backend.h"
#include "backend/llvm_emit.h"
#include "translator/helpers.h"

#define JIT_PASSES "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,gvn,dse,instcombine<no-verify-fixpoint>,simplifycfg)"

typedef struct LlvmBackend {
    Log *log;
    LLVMOrcLLJITRef lljit;
    LLVMOrcJITDylibRef dylib;
    LLVMContextRef ctx;
    LLVMTargetMachineRef tm;
} LlvmBackend;

static bool report(LlvmBackend *be, LLVMErrorRef err, const char *what)
{
    if (!err)
        return true;
    char *msg = LLVMGetErrorMessage(err);
    log_printf(be->log, "scion: LLVM %s failed: %s\n", what, msg);
    LLVMDisposeErrorMessage(msg);
    return false;
}

static void define_symbol(LlvmBackend *be, const char *name, void *addr)
{
    LLVMOrcCSymbolMapPair pair = {
        .Name = LLVMOrcLLJITMangleAndIntern(be->lljit, name),
        .Sym = {.Address = (LLVMOrcExecutorAddress)(uintptr_t)addr,
                .Flags = {.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable}},
    };
    report(be, LLVMOrcJITDylibDefine(be->dylib, LLVMOrcAbsoluteSymbols(&pair, 1)), "symbol definition");
}

static void define_runtime_symbols(LlvmBackend *be)
{
    char name[96];
    for (unsigned i = 0; i < HELPER_COUNT; i++) {
        snprintf(name, sizeof name, "helper_%s", helper_info[i].name);
        define_symbol(be, name, (void *)helper_info[i].fn);
    }
    define_symbol(be, "scion_mem_load", (void *)scion_mem_load);
    define_symbol(be, "scion_mem_store", (void *)scion_mem_store);
}

static LLVMTargetMachineRef host_target_machine(LlvmBackend *be)
{
    char *triple = LLVMGetDefaultTargetTriple(), *err = NULL;
    LLVMTargetRef target;
    LLVMTargetMachineRef tm = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &err)) {
        log_printf(be->log, "scion: LLVM has no target for %s: %s\n", triple, err);
        LLVMDisposeMessage(err);
    } else {
        char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
        tm = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelDefault, LLVMRelocPIC,
                                     LLVMCodeModelSmall);
        LLVMDisposeMessage(cpu);
        LLVMDisposeMessage(features);
    }
    LLVMDisposeMessage(triple);
    return tm;
}

static void backend_destroy(void *opaque)
{
    LlvmBackend *be = opaque;
    if (!be)
        return;
    if (be->lljit)
        LLVMOrcDisposeLLJIT(be->lljit);
    if (be->tm)
        LLVMDisposeTargetMachine(be->tm);
    if (be->ctx)
        LLVMContextDispose(be->ctx);
    free(be);
}

static void *backend_create(Log *log)
{
    LlvmBackend *be = calloc(1, sizeof *be);
    if (!be)
        return NULL;
    be->log = log;
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    if (!report(be, LLVMOrcCreateLLJIT(&be->lljit, NULL), "JIT creation")) {
        be->lljit = NULL;
        backend_destroy(be);
        return NULL;
    }
    be->dylib = LLVMOrcLLJITGetMainJITDylib(be->lljit);
    be->ctx = LLVMContextCreate();
    be->tm = host_target_machine(be);
    if (!be->tm) {
        backend_destroy(be);
        return NULL;
    }
    define_runtime_symbols(be);
    return be;
}

/* Emit, optimise and compile one block to an object file in memory. */
static LLVMMemoryBufferRef compile_object(LlvmBackend *be, const InterpCode *code, const char *name)
{
    LLVMModuleRef mod = llvm_emit_block(be->ctx, code, name);
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    LLVMErrorRef err = LLVMRunPasses(mod, JIT_PASSES, be->tm, opts);
    LLVMDisposePassBuilderOptions(opts);
    LLVMMemoryBufferRef obj = NULL;
    char *msg = NULL;
    if (report(be, err, "optimisation") && LLVMTargetMachineEmitToMemoryBuffer(be->tm, mod, LLVMObjectFile, &msg, &obj)) {
        log_printf(be->log, "scion: LLVM code generation failed: %s\n", msg);
        LLVMDisposeMessage(msg);
        obj = NULL;
    }
    LLVMDisposeModule(mod);
    return obj;
}

static JitFn backend_compile(void *opaque, const InterpCode *code, const char *name, void **resource)
{
    LlvmBackend *be = opaque;
    LLVMMemoryBufferRef obj = compile_object(be, code, name);
    if (!obj)
        return NULL;
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(be->dylib);
    if (!report(be, LLVMOrcLLJITAddObjectFileWithRT(be->lljit, rt, obj), "object add")) {
        LLVMOrcReleaseResourceTracker(rt);
        return NULL;
    }
    LLVMOrcExecutorAddress addr = 0;
    if (!report(be, LLVMOrcLLJITLookup(be->lljit, &addr, name), "link")) {
        LLVMOrcResourceTrackerRemove(rt);
        LLVMOrcReleaseResourceTracker(rt);
        return NULL;
    }
    *resource = rt;
    return (JitFn)(uintptr_t)addr;
}

static void backend_remove(void *opaque, void *resource)
{
    LlvmBackend *be = opaque;
    LLVMOrcResourceTrackerRef rt = resource;
    report(be, LLVMOrcResourceTrackerRemove(rt), "code removal");
    LLVMOrcReleaseResourceTracker(rt);
}

static const JitBackendOps llvm_ops = {
    .create = backend_create,
    .compile = backend_compile,
    .remove = backend_remove,
    .destroy = backend_destroy,
};

const JitBackendOps *scion_llvm_backend_ops(void);

const JitBackendOps *scion_llvm_backend_ops(void)
{
    return &llvm_ops;
}
