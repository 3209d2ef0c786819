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
#include "backend/llvm_memory.h"
#include "translator/helpers.h"

/* Measured on bzip2 -9 (2 MiB, threshold 2000): dropping GVN, DSE and the
 * second instcombine/simplifycfg round made the cold run 1.37x and the warm
 * run 1.08x faster (compiling 29% less time). */
#define JIT_PASSES "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)"

/* Constants and types interned in an LLVMContext live as long as it does:
 * a fresh context every so many units keeps a guest that generates code
 * forever from growing LLVM's memory. */
#define UNITS_PER_CONTEXT 256

/* Measured on bzip2 -9 (2 MiB), warm code cache, so only code speed
 * counts: the default level runs 2.1x faster than None (FastISel), which
 * compiles a block about 5x faster.  Regions are hot code: speed wins. */
#define CODEGEN_LEVEL LLVMCodeGenLevelDefault

/* Linked units and their data; the bound of the LLVM tier's code.  A
 * bzip2 -9 run links 340 units in about 1 MiB. */
#define CODE_HEAP_SIZE (64u << 20)

typedef struct LlvmBackend {
    Log *log;
    LlvmMemory *memory;
    LLVMOrcLLJITRef lljit;
    LLVMOrcJITDylibRef dylib;
    LLVMContextRef ctx;
    unsigned ctx_units;
    LLVMTargetMachineRef tm;
    char target_id[4096];
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
    define_symbol(be, "scion_sys_load", (void *)scion_sys_load);
    define_symbol(be, "scion_sys_store", (void *)scion_sys_store);
    define_symbol(be, "scion_chain_miss", (void *)scion_chain_miss);
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
        tm = LLVMCreateTargetMachine(target, triple, cpu, features, CODEGEN_LEVEL, LLVMRelocPIC,
                                     LLVMCodeModelSmall);
        unsigned major, minor, patch;
        LLVMGetVersion(&major, &minor, &patch);
        snprintf(be->target_id, sizeof be->target_id, "llvm %u.%u.%u %s %s %s passes %s codegen %d", major, minor,
                 patch, triple, cpu, features, JIT_PASSES, (int)CODEGEN_LEVEL);
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
    llvm_memory_free(be->memory); /* after the JIT, which frees its objects into it */
    if (be->tm)
        LLVMDisposeTargetMachine(be->tm);
    if (be->ctx)
        LLVMContextDispose(be->ctx);
    free(be);
}

static LLVMOrcObjectLayerRef object_layer(void *opaque, LLVMOrcExecutionSessionRef es, const char *triple)
{
    (void)triple;
    return llvm_memory_object_layer(((LlvmBackend *)opaque)->memory, es);
}

static void *backend_create(Log *log)
{
    LlvmBackend *be = calloc(1, sizeof *be);
    if (!be)
        return NULL;
    be->log = log;
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    if (!(be->memory = llvm_memory_new(CODE_HEAP_SIZE))) {
        log_printf(log, "scion: no memory for the LLVM tier's code\n");
        backend_destroy(be);
        return NULL;
    }
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder(); /* LLVMOrcCreateLLJIT takes it */
    LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator(builder, object_layer, be);
    if (!report(be, LLVMOrcCreateLLJIT(&be->lljit, builder), "JIT creation")) {
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

static const char *backend_target_id(void *opaque)
{
    return ((LlvmBackend *)opaque)->target_id;
}

static void recycle_context(LlvmBackend *be)
{
    if (++be->ctx_units < UNITS_PER_CONTEXT)
        return;
    LLVMContextDispose(be->ctx);
    be->ctx = LLVMContextCreate();
    be->ctx_units = 0;
}

/* Emit, optimise and compile one unit to an object file in memory. */
static bool backend_compile(void *opaque, const JitUnit *unit, uint8_t **object, size_t *size)
{
    LlvmBackend *be = opaque;
    LLVMModuleRef mod = llvm_emit_unit(be->ctx, unit);
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    LLVMErrorRef err = LLVMRunPasses(mod, JIT_PASSES, be->tm, opts);
    LLVMDisposePassBuilderOptions(opts);
    LLVMMemoryBufferRef obj = NULL;
    char *msg = NULL;
    bool ok = report(be, err, "optimisation");
    if (ok && LLVMTargetMachineEmitToMemoryBuffer(be->tm, mod, LLVMObjectFile, &msg, &obj)) {
        log_printf(be->log, "scion: LLVM code generation failed: %s\n", msg);
        LLVMDisposeMessage(msg);
        ok = false;
    }
    LLVMDisposeModule(mod);
    recycle_context(be);
    if (!ok)
        return false;
    *size = LLVMGetBufferSize(obj);
    *object = malloc(*size);
    if (*object)
        memcpy(*object, LLVMGetBufferStart(obj), *size);
    LLVMDisposeMemoryBuffer(obj);
    return *object != NULL;
}

static JitFn backend_load(void *opaque, const uint8_t *object, size_t size, const char *name, void **resource)
{
    LlvmBackend *be = opaque;
    LLVMMemoryBufferRef obj = LLVMCreateMemoryBufferWithMemoryRangeCopy((const char *)object, size, name);
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(be->dylib);
    if (!report(be, LLVMOrcLLJITAddObjectFileWithRT(be->lljit, rt, obj), "object add")) {
        LLVMOrcReleaseResourceTracker(rt);
        return NULL;
    }
    LLVMOrcExecutorAddress addr = 0;
    if (!report(be, LLVMOrcLLJITLookup(be->lljit, &addr, name), "link")) {
        report(be, LLVMOrcResourceTrackerRemove(rt), "code removal");
        LLVMOrcReleaseResourceTracker(rt);
        return NULL;
    }
    *resource = rt;
    return (JitFn)llvm_memory_executable(be->memory, (uintptr_t)addr);
}

static void backend_remove(void *opaque, void *resource)
{
    LlvmBackend *be = opaque;
    LLVMOrcResourceTrackerRef rt = resource;
    report(be, LLVMOrcResourceTrackerRemove(rt), "code removal");
    LLVMOrcReleaseResourceTracker(rt);
}

static void *backend_writable(void *opaque, void *executable)
{
    return llvm_memory_writable(((LlvmBackend *)opaque)->memory, executable);
}

static bool backend_owns_code(void *opaque, uintptr_t pc)
{
    return llvm_memory_contains(((LlvmBackend *)opaque)->memory, pc);
}

static bool backend_fork_child(void *opaque)
{
    return llvm_memory_fork_child(((LlvmBackend *)opaque)->memory);
}

static const JitBackendOps llvm_ops = {
    .fork_child = backend_fork_child,
    .writable = backend_writable,
    .owns_code = backend_owns_code,
    .create = backend_create,
    .target_id = backend_target_id,
    .compile = backend_compile,
    .load = backend_load,
    .remove = backend_remove,
    .destroy = backend_destroy,
};

const JitBackendOps *scion_llvm_backend_ops(void);

const JitBackendOps *scion_llvm_backend_ops(void)
{
    return &llvm_ops;
}
