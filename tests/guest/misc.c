/* Assorted C library and code-generation coverage: qsort, strtod/strtol,
 * snprintf formats, memcpy/memmove, malloc of many sizes (incl. > 1 MiB,
 * mmap-backed), recursion, switch jump tables, function pointers,
 * variadic functions, struct passing/returning, bitfields, 64-bit structs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdarg.h>
#include <ctype.h>
#include <limits.h>
#include <inttypes.h>
#include <stddef.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static unsigned hash(const void *p, size_t n)
{
    const unsigned char *c = p;
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 16777619u;
    return h;
}

/* ---------- qsort / bsearch ---------- */
static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
struct rec { char name[12]; int key; double w; };
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key)
        return x->key - y->key;
    return strcmp(x->name, y->name);
}
static void test_sort(void)
{
    printf("== qsort / bsearch ==\n");
    int v[1000];
    uint32_t s = 12345;
    for (int i = 0; i < 1000; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = (int)(s >> 8) % 10007 - 5000;
    }
    qsort(v, 1000, sizeof v[0], cmp_int);
    int sorted = 1;
    for (int i = 1; i < 1000; i++)
        sorted &= v[i - 1] <= v[i];
    printf("sorted=%d min=%d max=%d median=%d hash=%08x\n", sorted, v[0], v[999], v[500],
           hash(v, sizeof v));
    int key = v[321];
    int *f = bsearch(&key, v, 1000, sizeof v[0], cmp_int);
    printf("bsearch found=%d value=%d\n", f != NULL, f ? *f : 0);
    key = 99999;
    printf("bsearch missing=%d\n", bsearch(&key, v, 1000, sizeof v[0], cmp_int) == NULL);
    struct rec r[] = { { "delta", 3, 1.5 }, { "alpha", 1, 2.5 }, { "charlie", 3, 0.5 },
                       { "bravo", 2, 9.0 }, { "echo", 1, 7.25 } };
    qsort(r, N(r), sizeof r[0], cmp_rec);
    for (unsigned i = 0; i < N(r); i++)
        printf("  %d %s %g\n", r[i].key, r[i].name, r[i].w);
}

/* ---------- string conversions ---------- */
static void test_strto(void)
{
    printf("== strtol / strtoul / strtoll / strtod ==\n");
    const char *ints[] = { "0", "-1", "2147483647", "2147483648", "-2147483649", "0x7fffffff",
                           "0777", "  +42abc", "junk", "9223372036854775807",
                           "18446744073709551615", "-0x10", "1e5" };
    for (unsigned i = 0; i < N(ints); i++) {
        char *end;
        long l = strtol(ints[i], &end, 0);
        long long ll = strtoll(ints[i], NULL, 0);
        unsigned long ul = strtoul(ints[i], NULL, 0);
        unsigned long long ull = strtoull(ints[i], NULL, 10);
        printf("'%s': l=%ld rest='%s' ll=%lld ul=%lu ull=%llu\n", ints[i], l, end, ll, ul, ull);
    }
    printf("base36 zz=%ld base2 101101=%ld\n", strtol("zz", NULL, 36), strtol("101101", NULL, 2));
    const char *dbls[] = { "0", "-0", "3.14159", "1e308", "1e309", "-1e-320", "0x1.8p1",
                           "inf", "-Infinity", "nan", "1.7976931348623157e308",
                           "4.9e-324", "2.5e-324", "123456789012345678901234567890", ".5e1x" };
    for (unsigned i = 0; i < N(dbls); i++) {
        char *end;
        double d = strtod(dbls[i], &end);
        float fl = strtof(dbls[i], NULL);
        printf("'%s': %.17g %a rest='%s' f=%.9g\n", dbls[i], d, d, end, (double)fl);
    }
    printf("atoi=%d atol=%ld atof=%g\n", atoi("  -123xyz"), atol("99999"), atof("2.5e3"));
}

/* ---------- snprintf ---------- */
static void test_printf(void)
{
    printf("== snprintf formats ==\n");
    char b[256];
    int n;
    n = snprintf(b, sizeof b, "[%d|%5d|%-5d|%05d|%+d|% d]", 42, 42, 42, 42, 42, 42);
    printf("%s n=%d\n", b, n);
    n = snprintf(b, sizeof b, "[%u|%x|%X|%#x|%o|%#o|%08x]", 3000000000u, 0xbeefu, 0xbeefu, 255u, 8u,
                 8u, 0x1234u);
    printf("%s n=%d\n", b, n);
    n = snprintf(b, sizeof b, "[%lld|%llu|%llx|%" PRId64 "|%" PRIu64 "]", LLONG_MIN, ULLONG_MAX,
                 0x123456789abcdefull, INT64_MAX, UINT64_MAX);
    printf("%s n=%d\n", b, n);
    n = snprintf(b, sizeof b, "[%hhd|%hhu|%hd|%hu|%ld|%zu|%td]", (signed char)200,
                 (unsigned char)300, (short)70000, (unsigned short)70000, LONG_MIN,
                 (size_t)12345, (ptrdiff_t)-7);
    printf("%s n=%d\n", b, n);
    n = snprintf(b, sizeof b, "[%s|%10s|%-10s|%.3s|%c|%%|%*d|%-*d|%.*f]", "str", "right", "left",
                 "truncate", 'Z', 6, 7, 6, 7, 2, 3.14159);
    printf("%s n=%d\n", b, n);
    n = snprintf(b, sizeof b, "[%e|%E|%g|%G|%.0e|%#.0f|%.10g|%a]", 12345.678, 0.000123, 1e-5,
                 1e20, 5e10, 3.0, 1.0 / 3, 1.0);
    printf("%s n=%d\n", b, n);
    volatile size_t ten = 10;
    n = snprintf(b, ten, "%s", "this is longer than ten");
    printf("truncated='%s' n=%d\n", b, n);
    n = snprintf(NULL, 0, "%d-%d", 123, 456);
    printf("size only n=%d\n", n);
    char big[2000];
    n = snprintf(big, sizeof big, "%0500d|%-300s|%.200f", 1, "x", 1.0);
    printf("big n=%d hash=%08x\n", n, hash(big, strlen(big)));
    int cnt;
    printf("%n", &cnt);
    printf("abc%n\n", &cnt);
    printf("%%n counted %d\n", cnt);
    /* sscanf round-trips */
    int a, bb;
    char w[16];
    double d;
    unsigned x;
    int got = sscanf("  17 -3 word 2.5e2 ff", "%d %d %15s %lf %x", &a, &bb, w, &d, &x);
    printf("sscanf got=%d a=%d b=%d w=%s d=%g x=%u\n", got, a, bb, w, d, x);
}

/* ---------- memory ---------- */
static void test_mem(void)
{
    printf("== memcpy / memmove / memset / memcmp ==\n");
    unsigned char buf[300];
    for (int i = 0; i < 300; i++)
        buf[i] = (unsigned char)i;
    memmove(buf + 1, buf, 200); /* overlapping forward */
    printf("memmove fwd: %d %d %d %d hash=%08x\n", buf[0], buf[1], buf[2], buf[200],
           hash(buf, 300));
    for (int i = 0; i < 300; i++)
        buf[i] = (unsigned char)i;
    memmove(buf, buf + 7, 250); /* overlapping backward */
    printf("memmove back: %d %d %d hash=%08x\n", buf[0], buf[1], buf[249], hash(buf, 300));
    /* all small sizes and misalignments */
    unsigned h = 0;
    for (int sz = 0; sz < 70; sz++)
        for (int so = 0; so < 8; so++)
            for (int dof = 0; dof < 8; dof++) {
                unsigned char src[96], dst[96];
                for (int i = 0; i < 96; i++) {
                    src[i] = (unsigned char)(i * 7 + sz);
                    dst[i] = 0xee;
                }
                memcpy(dst + dof, src + so, sz);
                h = h * 31 + hash(dst, sizeof dst);
            }
    printf("memcpy size/alignment sweep hash=%08x\n", h);
    memset(buf, 0xab, 300);
    memset(buf + 3, 0, 17);
    printf("memset hash=%08x\n", hash(buf, 300));
    printf("memcmp: %d %d %d\n", memcmp("abc", "abd", 3) < 0, memcmp("abc", "abc", 3) == 0,
           memcmp("\xff", "\x01", 1) > 0);
    static const char hw[] = "hello world";
    printf("memchr offset=%d strchr=%s strrchr=%s strstr=%s\n",
           (int)((const char *)memchr(hw, 'w', 11) - hw),
           strchr("a/b/c", '/'), strrchr("a/b/c", '/'), strstr("haystack", "st"));
    char s1[64] = "Hello";
    strcat(s1, ", ");
    strncat(s1, "World!!!", (volatile size_t){ 6 });
    printf("strcat: %s len=%zu cmp=%d ncmp=%d casecmp=%d\n", s1, strlen(s1),
           strcmp(s1, "Hello") > 0, strncmp(s1, "Help", 3), strcasecmp("ABC", "abc"));
    char tok[] = "a,b,,c;d";
    printf("strtok:");
    for (char *t = strtok(tok, ",;"); t; t = strtok(NULL, ",;"))
        printf(" <%s>", t);
    printf("\n");
    printf("strspn=%zu strcspn=%zu\n", strspn("aaabbbccc", "ab"), strcspn("hello, world", ", "));
    char up[] = "MiXeD 123";
    for (char *p = up; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    printf("toupper: %s isdigit('7')=%d isalpha('_')=%d\n", up, isdigit('7') != 0,
           isalpha('_') != 0);
}

static void test_malloc(void)
{
    printf("== malloc / realloc / calloc / free ==\n");
    void *ptrs[200];
    size_t sizes[200];
    unsigned h = 0;
    uint32_t s = 777;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 200; i++) {
            s = s * 1664525u + 1013904223u;
            sizes[i] = (s >> 16) % (i % 10 == 0 ? 100000 : 500) + 1;
            ptrs[i] = malloc(sizes[i]);
            memset(ptrs[i], i & 0xff, sizes[i]);
        }
        for (int i = 0; i < 200; i += 2) {
            ptrs[i] = realloc(ptrs[i], sizes[i] * 3);
            memset((char *)ptrs[i] + sizes[i], 0x55, sizes[i] * 2);
        }
        for (int i = 0; i < 200; i++) {
            unsigned char *p = ptrs[i];
            int ok = p[0] == (i & 0xff) && p[sizes[i] - 1] == (i & 0xff);
            if (i % 2 == 0)
                ok &= p[sizes[i] * 3 - 1] == 0x55;
            h = h * 3 + ok;
            free(ptrs[i]);
        }
    }
    printf("malloc rounds ok hash=%08x\n", h);
    /* large allocations > 1 MiB use mmap in glibc */
    for (int mb = 1; mb <= 8; mb *= 2) {
        size_t n = (size_t)mb * 1024 * 1024 + 123;
        unsigned char *p = malloc(n);
        for (size_t i = 0; i < n; i += 4096)
            p[i] = (unsigned char)(i >> 12);
        p[n - 1] = 0x77;
        unsigned sum = 0;
        for (size_t i = 0; i < n; i += 4096)
            sum += p[i];
        printf("malloc %d MiB+123: sum=%u last=%02x aligned8=%d\n", mb, sum, p[n - 1],
               ((uintptr_t)p & 7) == 0);
        p = realloc(p, n * 2);
        printf("  realloc x2 keeps data: %d\n", p[n - 1] == 0x77 && p[4096] == 1);
        free(p);
    }
    int *z = calloc(100000, sizeof(int));
    long zs = 0;
    for (int i = 0; i < 100000; i++)
        zs += z[i];
    printf("calloc zero sum=%ld\n", zs);
    free(z);
    void *al = aligned_alloc(256, 1024);
    printf("aligned_alloc 256: %d\n", ((uintptr_t)al & 255) == 0);
    free(al);
    void *pm = NULL;
    printf("posix_memalign 4096: rc=%d aligned=%d\n", posix_memalign(&pm, 4096, 100),
           ((uintptr_t)pm & 4095) == 0);
    free(pm);
}

/* ---------- recursion ---------- */
static int ackermann(int m, int n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}
static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }
static int depth(int n)
{
    volatile char pad[100];
    pad[0] = (char)n;
    return n == 0 ? pad[0] : 1 + depth(n - 1);
}
static int hanoi_moves;
static void hanoi(int n, int a, int b, int c)
{
    if (n == 0)
        return;
    hanoi(n - 1, a, c, b);
    hanoi_moves++;
    hanoi(n - 1, c, b, a);
}
static void test_recursion(void)
{
    printf("== recursion ==\n");
    printf("ackermann(2,3)=%d ackermann(3,3)=%d\n", ackermann(2, 3), ackermann(3, 3));
    printf("fib(25)=%llu\n", (unsigned long long)fib(25));
    printf("depth(20000)=%d\n", depth(20000));
    hanoi(16, 1, 2, 3);
    printf("hanoi(16) moves=%d\n", hanoi_moves);
}

/* ---------- switch / function pointers ---------- */
static __attribute__((noinline)) int sw_dense(int x)
{
    switch (x) {
    case 0: return 11;
    case 1: return 22;
    case 2: return 33;
    case 3: return 44;
    case 4: return 55;
    case 5: return 66;
    case 6: return 77;
    case 7: return 88;
    case 8: return 99;
    case 9: return 110;
    case 10: return 121;
    case 11: return 132;
    case 12: return 143;
    case 13: return 154;
    case 15: return 176;
    case 16: return 187;
    case 17: return 198;
    default: return -1;
    }
}
static __attribute__((noinline)) const char *sw_sparse(unsigned x)
{
    switch (x) {
    case 1: return "one";
    case 100: return "hundred";
    case 1000: return "thousand";
    case 65536: return "64k";
    case 0x80000000u: return "top";
    case 0xffffffffu: return "max";
    default: return "other";
    }
}
static __attribute__((noinline)) int sw_char(char c)
{
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 1;
    case 'y': return 2;
    case '0' ... '9': return 3;
    default: return 0;
    }
}
static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_div(int a, int b) { return b ? a / b : 0; }
static int op_mod(int a, int b) { return b ? a % b : 0; }
static int (*const ops[])(int, int) = { op_add, op_sub, op_mul, op_div, op_mod };
static int apply(int (*f)(int, int), int a, int b) { return f(a, b); }

static void test_control(void)
{
    printf("== switch / function pointers ==\n");
    printf("dense:");
    for (int i = -2; i < 20; i++)
        printf(" %d", sw_dense(i));
    printf("\nsparse:");
    static const unsigned sv[] = { 0, 1, 2, 100, 1000, 65536, 65537, 0x80000000u, 0xffffffffu };
    for (unsigned i = 0; i < N(sv); i++)
        printf(" %s", sw_sparse(sv[i]));
    printf("\nchars:");
    for (const char *p = "hey you 42!"; *p; p++)
        printf("%d", sw_char(*p));
    printf("\n");
    int acc = 1000;
    for (int i = 0; i < 50; i++)
        acc = apply(ops[i % 5], acc, i % 7 + 1) + 3 * i;
    printf("fnptr acc=%d\n", acc);
    /* computed goto */
    static void *labels[] = { &&L0, &&L1, &&L2, &&L3 };
    int state = 0, steps = 0, val = 1;
    goto *labels[0];
L0: val = val * 3 + 1; if (++steps > 40) goto done; goto *labels[val % 4];
L1: val = val + 5; if (++steps > 40) goto done; goto *labels[val % 4];
L2: val = val - 1; if (++steps > 40) goto done; goto *labels[val % 4];
L3: val = val / 2 + 7; if (++steps > 40) goto done; goto *labels[val % 4];
done:
    (void)state;
    printf("computed goto steps=%d val=%d\n", steps, val);
}

/* ---------- variadic ---------- */
static double vsum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++) {
        int kind = va_arg(ap, int);
        if (kind == 0)
            s += va_arg(ap, int);
        else if (kind == 1)
            s += va_arg(ap, double);
        else if (kind == 2)
            s += (double)va_arg(ap, long long);
        else
            s += strlen(va_arg(ap, const char *));
    }
    va_end(ap);
    return s;
}
static int vfmt(char *out, size_t n, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int r = vsnprintf(out, n, fmt, ap);
    int r2 = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    return r == r2 ? r : -1;
}
static void test_variadic(void)
{
    printf("== variadic ==\n");
    printf("vsum=%.17g\n", vsum(6, 0, 5, 1, 2.5, 2, 10000000000LL, 3, "four", 0, -3, 1, 0.125));
    char b[128];
    int r = vfmt(b, sizeof b, "%d %s %.2f %lld %c %x", -9, "mid", 2.0 / 3, -1LL, 'q', 48879);
    printf("vfmt: '%s' r=%d\n", b, r);
}

/* ---------- structs ---------- */
struct small { char c; short s; };
struct pair { int a, b; };
struct mixed { double d; int i; float f; char tag[5]; };
struct big { int v[20]; long long ll; };
struct hfa { float x, y, z, w; };   /* homogeneous FP aggregate: VFP registers */
struct dhfa { double a, b; };
struct packed_s { char c; int i; short s; } __attribute__((packed));

static struct small mk_small(char c, short s) { return (struct small){ c, s }; }
static struct pair swap_pair(struct pair p) { return (struct pair){ p.b, p.a }; }
static struct mixed scale(struct mixed m, double k)
{
    m.d *= k;
    m.i = (int)(m.i * k);
    m.f = (float)(m.f * k);
    m.tag[0] = 'S';
    return m;
}
static struct big fill_big(int base, struct big in)
{
    struct big b;
    for (int i = 0; i < 20; i++)
        b.v[i] = in.v[19 - i] + base;
    b.ll = in.ll * 3;
    return b;
}
static struct hfa hfa_add(struct hfa a, struct hfa b, float k)
{
    return (struct hfa){ a.x + b.x * k, a.y + b.y * k, a.z + b.z * k, a.w + b.w * k };
}
static struct dhfa dhfa_mul(struct dhfa a, double k, struct dhfa b)
{
    return (struct dhfa){ a.a * k + b.a, a.b * k + b.b };
}
/* many arguments: mix of core registers, VFP registers and the stack */
static double many_args(int a, double b, int c, float d, long long e, int f, double g, float h,
                        int i, double j, float k, int l, double m, double n, double o,
                        double p, double q, float r, struct pair s, char t)
{
    return a + b + c + d + (double)e + f + g + h + i + j + k + l + m + n + o + p + q + r +
           s.a * 1000 + s.b + t;
}

static void test_structs(void)
{
    printf("== structs ==\n");
    struct small sm = mk_small('x', -1234);
    printf("small: %c %d size=%zu\n", sm.c, sm.s, sizeof sm);
    struct pair p = swap_pair((struct pair){ 1, 2 });
    printf("pair: %d %d\n", p.a, p.b);
    struct mixed m = scale((struct mixed){ 1.5, 10, 2.5f, "abcd" }, 2.0);
    printf("mixed: %g %d %g %s size=%zu\n", m.d, m.i, (double)m.f, m.tag, sizeof m);
    struct big in;
    for (int i = 0; i < 20; i++)
        in.v[i] = i * i;
    in.ll = 1LL << 40;
    struct big b = fill_big(100, in);
    printf("big: v0=%d v19=%d ll=%lld\n", b.v[0], b.v[19], b.ll);
    struct hfa h = hfa_add((struct hfa){ 1, 2, 3, 4 }, (struct hfa){ 0.5f, 0.25f, 0.125f, 1 }, 4);
    printf("hfa: %g %g %g %g\n", (double)h.x, (double)h.y, (double)h.z, (double)h.w);
    struct dhfa dh = dhfa_mul((struct dhfa){ 1.25, -2 }, 3, (struct dhfa){ 0.5, 0.25 });
    printf("dhfa: %g %g\n", dh.a, dh.b);
    printf("many_args=%.17g\n", many_args(1, 2.5, 3, 4.25f, 5000000000LL, 6, 7.5, 8.5f, 9, 10.25,
                                          11.5f, 12, 13, 14, 15, 16, 17, 18.5f,
                                          (struct pair){ 19, 20 }, 'A'));
    struct packed_s ps = { 'p', 0x12345678, 0x4321 };
    unsigned char raw[sizeof ps];
    memcpy(raw, &ps, sizeof ps);
    printf("packed size=%zu bytes:", sizeof ps);
    for (size_t i = 0; i < sizeof ps; i++)
        printf(" %02x", raw[i]);
    volatile struct packed_s *vps = &ps;
    printf(" i=%x s=%x\n", vps->i, vps->s);
    /* unaligned accesses through memcpy and packed structs */
    unsigned char ub[16];
    for (int i = 0; i < 16; i++)
        ub[i] = (unsigned char)(i * 17);
    uint32_t u32;
    uint64_t u64;
    uint16_t u16;
    memcpy(&u32, ub + 1, 4);
    memcpy(&u64, ub + 3, 8);
    memcpy(&u16, ub + 5, 2);
    printf("unaligned: %08x %016llx %04x\n", u32, (unsigned long long)u64, u16);
    /* struct arrays and copies */
    struct mixed arr[4];
    for (int i = 0; i < 4; i++)
        arr[i] = scale((struct mixed){ i, i, (float)i, "z" }, i + 1);
    struct mixed copy[4];
    memcpy(copy, arr, sizeof arr);
    double tot = 0;
    for (int i = 0; i < 4; i++)
        tot += copy[i].d + copy[i].i + copy[i].f;
    printf("struct array total=%g\n", tot);
}

/* ---------- misc integer / long long / endianness ---------- */
static void test_misc(void)
{
    printf("== misc ==\n");
    union { uint32_t u; unsigned char c[4]; } e = { 0x01020304 };
    printf("little-endian bytes: %d %d %d %d\n", e.c[0], e.c[1], e.c[2], e.c[3]);
    printf("sizeof: char=%zu short=%zu int=%zu long=%zu ll=%zu ptr=%zu double=%zu ldouble=%zu\n",
           sizeof(char), sizeof(short), sizeof(int), sizeof(long), sizeof(long long),
           sizeof(void *), sizeof(double), sizeof(long double));
    printf("char signed=%d\n", (char)-1 < 0);
    div_t dv = div(-17, 5);
    ldiv_t ldv = ldiv(17L, -5L);
    lldiv_t lldv = lldiv(-100000000000LL, 7);
    printf("div: %d %d ldiv: %ld %ld lldiv: %lld %lld\n", dv.quot, dv.rem, ldv.quot, ldv.rem,
           lldv.quot, lldv.rem);
    printf("abs=%d labs=%ld llabs=%lld\n", abs(-5), labs(-6L), llabs(-7LL));
    srand(42);
    int r1 = rand();
    srand(42);
    printf("rand repeatable=%d\n", r1 == rand());
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
static void test_strsort(void)
{
    const char *w[] = { "pear", "apple", "fig", "banana", "cherry", "apple2", "Apple", "" };
    qsort(w, N(w), sizeof w[0], cmp_strp);
    printf("sorted words:");
    for (unsigned i = 0; i < N(w); i++)
        printf(" '%s'", w[i]);
    printf("\n");
}

int main(void)
{
    test_sort();
    test_strto();
    test_printf();
    test_mem();
    test_malloc();
    test_recursion();
    test_control();
    test_variadic();
    test_structs();
    test_misc();
    test_strsort();
    printf("done\n");
    return 0;
}
