/* bench_wait.gba: bench_cpu with a small slice of work per frame and a
 * VBlankIntrWait after it, the way games pace themselves (see bench_cpu.c). */
#define BENCH_WAIT 1
#include "bench_cpu.c"
