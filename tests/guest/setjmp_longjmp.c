/* setjmp/longjmp: across functions, nested buffers, preserved volatile locals,
 * floating-point callee-saved registers, sigsetjmp/siglongjmp with mask. */
#include <stdio.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

static jmp_buf outer, inner;
static int depth_reached;

static void dive(int depth, int target, jmp_buf *where, int val)
{
    char pad[64];
    memset(pad, depth, sizeof pad);
    depth_reached = depth;
    if (depth == target)
        longjmp(*where, val);
    if (depth > 100000)
        return;
    dive(depth + 1, target, where, val + pad[5] * 0);
    printf("unreachable %d\n", depth);
}

static int nested(void)
{
    volatile int stage = 0;
    int r = setjmp(inner);
    if (r == 0) {
        stage = 1;
        dive(0, 5, &inner, 11);
    } else if (r == 11) {
        printf("inner caught %d at depth %d stage %d\n", r, depth_reached, stage);
        stage = 2;
        dive(0, 3, &outer, 22); /* jump past this frame to the outer setjmp */
    }
    printf("nested: unreachable\n");
    return -1;
}

static double fp_work(double x)
{
    /* keep values in callee-saved VFP registers across the call */
    register double a = x * 2, b = x * 3, c = x * 4;
    __asm__ volatile("" : "+w"(a), "+w"(b), "+w"(c));
    return a + b + c;
}

static jmp_buf fpbuf;
static void fp_jump(void) { longjmp(fpbuf, 7); }

static sigjmp_buf sbuf;
static void on_usr1(int sig)
{
    (void)sig;
    siglongjmp(sbuf, 1);
}

int main(void)
{
    /* 1. simple */
    jmp_buf b;
    volatile int count = 0;
    int r = setjmp(b);
    printf("setjmp returned %d count %d\n", r, count);
    if (count < 3) {
        count++;
        longjmp(b, count * 10);
    }

    /* 2. longjmp with 0 becomes 1 */
    r = setjmp(b);
    if (r == 0)
        longjmp(b, 0);
    printf("longjmp(0) -> %d\n", r);

    /* 3. nested across functions */
    volatile int local = 123;
    r = setjmp(outer);
    if (r == 0) {
        local = 456;
        nested();
    } else {
        printf("outer caught %d at depth %d local %d\n", r, depth_reached, local);
    }

    /* 4. deep recursion unwound */
    for (int t = 0; t < 5; t++) {
        r = setjmp(outer);
        if (r == 0)
            dive(0, 100 * t, &outer, t + 1);
        printf("deep %d -> %d depth %d\n", t, r, depth_reached);
    }

    /* 5. callee-saved floating point registers restored */
    volatile double keep = 1.25;
    register double d8 __asm__("d8") = 3.5;
    __asm__ volatile("" : "+w"(d8));
    if ((r = setjmp(fpbuf)) == 0) {
        double v = fp_work(keep);
        printf("fp_work %g\n", v);
        fp_jump();
    }
    __asm__ volatile("" : "+w"(d8));
    printf("after fp longjmp r=%d keep=%g d8=%g\n", r, keep, d8);

    /* 6. sigsetjmp/siglongjmp from a signal handler restores the mask */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    for (int savemask = 0; savemask < 2; savemask++) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (sigsetjmp(sbuf, savemask) == 0) {
            raise(SIGUSR1);
            printf("not reached\n");
        }
        sigset_t cur;
        sigprocmask(SIG_SETMASK, NULL, &cur);
        printf("siglongjmp savemask=%d: SIGUSR1 blocked afterwards=%d\n", savemask,
               sigismember(&cur, SIGUSR1));
    }
    printf("done\n");
    return 0;
}
