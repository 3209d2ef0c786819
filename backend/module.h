/*
 * scion's optional parts that pull in large libraries are shared modules
 * loaded with dlopen on first use, so that a process that does not use them
 * never maps them: the LLVM tier (libscion-llvm.so, LLVM) and the GBA
 * window (libscion-sdl.so, SDL2 and with it about fifty libraries).  A
 * module resolves scion's own functions from the executable
 * (export_dynamic).
 */
#ifndef SCION_MODULE_H
#define SCION_MODULE_H

/* dlopen `file` from $env_var if set, else beside the executable, the
 * build tree or the install directory; NULL if none loads (dlerror() says
 * why for the last one tried). */
void *scion_module_open(const char *file, const char *env_var);

#endif
