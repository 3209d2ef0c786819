# Exercise many busybox applets with deterministic output.
#
# Meant to be run BY busybox sh inside the emulated machine:
#     EMU busybox sh tests/debian/busybox_applets.sh WORKDIR
# (tests/debian/run_busybox.sh does that and compares stdout with
# tests/debian/golden/busybox_applets.out).
#
# Applets are called by name: Debian's busybox sh is built with
# FEATURE_SH_STANDALONE, so "sed" means the sed applet, never a host program.
# Many applets run inside the shell's own process (NOFORK/NOEXEC); the others
# are started by execve("/proc/self/exe") and, when that fails (qemu-user
# without binfmt_misc), through $PATH, where run_busybox.sh puts one small
# wrapper per applet that starts a fresh emulator.  The script never runs
# an applet from another applet (find -exec, env CMD, timeout, tar -z on
# create ...), since that goes through execvp and cannot be redirected.
#
# Everything happens inside WORKDIR.  The output has no timestamps, PIDs,
# user names, inode numbers or absolute paths.

W=${1:?usage: busybox sh busybox_applets.sh WORKDIR}
# Refuse to run when an exec'd applet would be a host program found in PATH.
case $(cat --help 2>&1) in
*BusyBox*) ;;
*) echo "busybox_applets.sh: 'cat' is not busybox's applet; run me through tests/debian/run_busybox.sh" >&2
   exit 2 ;;
esac
mkdir -p "$W" || exit 1
cd "$W" || exit 1
W=$(pwd -P)
rm -rf t
mkdir t && cd t || exit 1
umask 022
export TZ=UTC0 LC_ALL=C LANG=C

n_sec=0
section() { n_sec=$((n_sec + 1)); echo "== $n_sec $*"; [ -z "${BB_TIMING:-}" ] || echo "TIMING $n_sec" >&2; }

# ------------------------------------------------------------------ shell
section sh basics
x=5; y=7
echo "sum=$((x + y)) prod=$((x * y)) div=$((y / 2)) mod=$((y % 3)) neg=$((-y % 3))"
echo "shift=$((1 << 40)) big=$((9223372036854775807)) wrap=$((9223372036854775807 + 1))"
echo "ldiv=$((1234567890123 / 1000)) lmod=$((1234567890123 % 1000)) hex=$((0xff)) oct=$((010))"
echo "cmp=$((3 < 4)) $((3 > 4)) tern=$((x > 3 ? 10 : 20)) bits=$((0xf0 & 0x3c)) $((0xf0 | 0x0f)) $((0xff ^ 0x0f))"
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "while i=$i"
s=""; for w in alpha beta gamma; do s="$s${w%a}-"; done; echo "for s=$s"
until [ $i -le 0 ]; do i=$((i - 2)); done; echo "until i=$i"
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
echo "fact 4 = $(fact 4)"
fact_i() { r=1; k=2; while [ $k -le "$1" ]; do r=$((r * k)); k=$((k + 1)); done; }; fact_i 20; echo "fact 20 = $r"
fib() { a=0; b=1; k=0; while [ $k -lt "$1" ]; do t=$((a + b)); a=$b; b=$t; k=$((k + 1)); done; echo $a; }
echo "fib 90 = $(fib 90)"
v="hello.tar.gz"
echo "${v%.*} ${v%%.*} ${v#*.} ${v##*.} ${#v} ${unset_var:-default} ${v:1:4} ${v/l/L} ${v//l/L}"
set -- one "two words" three
echo "argc=$# 2nd=$2"; shift; echo "after shift: $*"
for a in "$@"; do printf '[%s]' "$a"; done; echo
(x=inner; echo "subshell x=$x"); echo "outer x=$x"
{ echo grouped1; echo grouped2; } | sort -r
out=$(echo cmd; echo subst); echo "captured: $out"
echo "backtick: `echo bt`"
case "foo.c" in *.h) echo header ;; *.c) echo source ;; *) echo other ;; esac
f_local() { local lv=in; echo "local=$lv"; }; lv=out; f_local; echo "global=$lv"
cat_heredoc() {
    while IFS= read -r line; do echo "hd: $line"; done
}
cat_heredoc <<EOF
x is $x
sum $((2 + 3))
EOF
cat_heredoc <<'EOF'
literal $x $((1+1))
EOF
cat_heredoc <<-EOF
	tab-stripped
	EOF
IFS=: read -r f1 f2 f3 <<EOF
a:b c:d
EOF
echo "read: $f1|$f2|$f3"
false || echo "or-ok"; true && echo "and-ok"
! false && echo "negation-ok"
false | true; echo "pipe status=$?"
set -o pipefail; false | true; echo "pipefail status=$?"; set +o pipefail
eval 'ev=$((6 * 7))'; echo "eval=$ev"
exec 3>fd3.txt; echo "to fd3" >&3; exec 3>&-
while read -r l; do echo "fd3 file: $l"; done <fd3.txt
OPTIND=1
while getopts "ab:c" opt -a -b val -c rest; do echo "getopts $opt ${OPTARG:-}"; OPTARG=; done
trap 'echo "trap USR1"' USR1; kill -USR1 $$; trap - USR1
(exit 3); echo "subshell exit=$?"
sleep 0 & wait $!; echo "wait status=$?"
(exit 42) & wait $!; echo "bg exit=$?"
printf '%s\n' 3 1 2 | while read -r n; do echo "line $n"; done
sh -c 'echo "nested sh: $0 $1"' zero one
t=$(type true); echo "type: ${t%% is *}"
alias ll='echo aliased'
ll
unalias ll
v=a,b,,c; IFS=,; set -- $v; unset IFS; echo "IFS split: $# fields: $1|$2|$3|$4"

# ------------------------------------------------------------------ echo/printf/expr/seq/test
section echo printf expr seq test
echo -n "no-newline"; echo " done"
echo -e 'tab\there\\n' | xxd -p
printf '%d|%5d|%-5d|%05d|%x|%X|%o|%c|%s|%10s|%-10s|\n' 42 42 42 42 255 255 8 A str right left
printf '%.3f|%e|%g|%g|%10.4f\n' 3.14159265 12345.678 0.0001 100000000 2.5
printf '%b\n' 'esc\101\tx'
printf '%s-%s\n' a b c d
printf '%d %i\n' 0x1f -077
expr 3 + 4 \* 5; expr 10 / 3 + 10 % 3; expr 5 \> 3 \& 5 != 6
expr length "hello world"; expr substr "abcdef" 2 3; expr "abc123" : '\([a-z]*\)'
expr 9223372036854775806 + 1
expr 0 + 0; echo "expr zero status=$?"
echo $(seq 5) / $(seq 5 -3 -7) / $(seq -w 8 11)
seq -s , 0 0.25 1.5
[ 5 -gt 3 ] && echo "5>3"; [ abc = abc ] && echo "str eq"; [ -n "x" ] && echo "nonempty"
[ -z "" ] && echo "empty"; test 3 -le 3 && echo "le"; [ ! -e nothere ] && echo "missing"
[ a \< b ] && echo "a<b"; [[ "foo" == f* ]] && echo "glob match"
test 1 -eq 2; echo "test false=$?"; [ 2 -ne 2 ]; echo "ne=$?"
true; echo "true=$?"; false; echo "false=$?"

# ------------------------------------------------------------------ files
section files mkdir/touch/ls/cp/mv/rm/ln
mkdir -p d/sub/deep d/other
touch d/a.txt d/b.log d/sub/c.txt d/sub/deep/e.txt
echo content >d/other/f.txt
echo $(ls -a d); ls -F d; ls -R d
cp d/other/f.txt d/copy.txt; cp -r d/sub d/subcopy
mv d/copy.txt d/moved.txt; [ -e d/copy.txt ] || echo "moved away"
ln -s other/f.txt d/link; readlink d/link; l=$(ls -l d/link); echo "d/link${l##* d/link}"
while read -r l; do echo "via link: $l"; done <d/link
ln d/moved.txt d/hard; link d/moved.txt d/hard2; unlink d/hard2
rm d/hard; rm -r d/subcopy; rmdir d/other 2>/dev/null || echo "rmdir non-empty refused"
chmod 750 d/a.txt; chmod u+x,o+r d/b.log
touch -d '2001-02-03 04:05:06' d/a.txt; mkfifo d/fifo; truncate -s 1000 d/big
stat -c '%n %s %a %h %F' d/a.txt d/b.log d/moved.txt d/fifo d/big; stat -c '%n %a %F' d/sub d/link
stat -c '%Y %n' d/a.txt; rm d/fifo
date -u -r d/a.txt '+%Y-%m-%d %H:%M:%S'
echo "$(basename /x/y/file.tar.gz) $(basename /x/y/file.tar.gz .gz) $(dirname /x/y/file) $(dirname file)"
r=$(realpath d/link); echo "${r#$W/}"; cd d/sub && r=$(realpath ../../d/./a.txt) && echo "${r#$W/}"; cd ../..
r=$(pwd); echo "W${r#$W}"
find d -name '*.txt' | sort
find d -type d -o -type l -o -name '*.log' -o -size +1 | sort
find d -newer d/a.txt -name 'c.txt'
find d/sub -type f -name '*.txt' -print0 | xargs -0 -n 1 echo | sort

# ------------------------------------------------------------------ data
section generate data
awk 'BEGIN { for (i = 1; i <= 3000; i++) printf "%d %d %s\n", i, (i * 7919) % 1009, substr("abcdefghijklmnopqrstuvwxyz", i % 26 + 1, 3) }' >data.txt
awk 'BEGIN { s = 12345; for (i = 0; i < 16384; i++) { s = (s * 1103515245 + 12345) % 2147483648; printf "%c", int(s / 65536) % 94 + 33 } }' >rand.txt
wc data.txt rand.txt; wc -l <data.txt
md5sum data.txt rand.txt; sha1sum data.txt; sha256sum data.txt rand.txt >sums; sha256sum -c sums
sha512sum rand.txt; sha3sum rand.txt; crc32 data.txt
echo -n abc | sha256sum

section head tail cut tr
head -n 3 data.txt; head -c 20 data.txt; echo
tail -n 2 data.txt; tail -n +2999 data.txt; tail -c 10 data.txt
cut -d' ' -f2,3 data.txt | head -n 3; cut -c1-4 data.txt | head -n 2
tr a-z A-Z <<EOF
Hello World 123
EOF
echo "Hello World aaabbbccc" | tr -s ab | tr -d lo
echo "a-b-c" | tr - '\n'
section sort uniq
sort -n -k2 data.txt | head -n 4
sort -k2,2n -k1,1nr data.txt | head -n 3
sort -r -k3 data.txt | head -n 3
set -- $(cut -d' ' -f3 data.txt | sort -u); echo "$# distinct: $1 $2 ${26}"
echo $(sort -n <<EOF
10
9
100
-1
EOF
)
sort -t: -k2 -n <<EOF
b:2
a:10
c:1
EOF
cut -d' ' -f3 data.txt | sort | uniq -c | sort -k1,1nr -k2 | head -n 3
uniq -c <<EOF
a
a
b
c
c
c
EOF
section sed
sed -n '5,7p' data.txt
sed -e 's/\([0-9]*\) \([0-9]*\)/\2:\1/' -e 3q data.txt
sed -e '/^1 /d' -e 's/ /_/g' -e 3q data.txt
sed -n -e '$=' -e '/^3000 /s/ /,/gp' data.txt
sed -E -e 's/([a-z])([0-9])/\2\1/' -e '1!G;h;$!d' -e 'y/abc/xyz/' <<EOF
a1
b2
c3
EOF
printf 'abc\n' >inplace.txt; sed -i 's|b|/|' inplace.txt; while read -r l; do echo "$l"; done <inplace.txt
section awk
awk '{ s += $2; n[$3]++; if ($2 > 1000) c++ } NR % 1000 == 0 { print NR, $0, NF, length($0) }
     END { print "sum", s, "avg", s / NR, "n", NR, "count>1000:", c + 0; for (k in n) if (n[k] > 115) print "freq", k, n[k] }' data.txt | sort
awk 'BEGIN { printf "%.6f %.3e %d %s\n", 355 / 113, 6.02e23, 2147483647 + 1, 4503599627370496 * 2; print int(-3.7), int(3.7), 7 % 3, -7 % 3
  print 1 / 3, 2 / 3 * 3, 1e300 * 1e10, -1e300 * 1e10, 0.1 + 0.2, 1e-5, 123456789012, 3.0
  x = 1; for (i = 0; i < 64; i++) x *= 2; printf "%.0f %.17g %d\n", x, 1 / 7, "42abc" + 1
  s = "Hello, World"; print toupper(s), tolower(s), length(s), substr(s, 8), index(s, "W"); n = split("a:b:c", arr, ":"); print n, arr[3]
  gsub(/o/, "0", s); print s; print sprintf("%5s|%-5s|", "r", "l"); print match("foobar", /ob/), RSTART, RLENGTH
  x = 0; while (x < 3) { x++; if (x == 2) continue; print "x", x }; do { x-- } while (x > 0); print "end", x
  OFS = "-"; $0 = "a b c"; $1 = $1; print; print 017, 0x11; print f(10), f(20) }
  function f(n) { return n <= 1 ? 1 : n * f(n - 1) }'
awk '{ $2 = "[" $2 "]"; print; print NF; a[NR] = $1 } END { for (i = NR; i > 0; i--) printf "%s ", a[i]; print "" }' <<EOF
x y z
1 2 3
EOF
section grep
grep -c 'abc' data.txt; grep -v -c 'a' data.txt; grep -E '^(1|2)0{2} ' data.txt
grep -n 'xyz' data.txt | head -n 3; grep -w -i -e '17' -e 'ABC' data.txt | head -n 3
grep -o -F 'z a' data.txt | head -n 2
grep -r -l content d | sort
grep -q nomatchatall data.txt; echo "grep -q status=$?"
egrep -c '^[0-9]+ 0 ' data.txt
section paste rev fold nl tac expand
printf '1\n2\n3\n' >p1; printf 'a\nb\nc\n' >p2
paste p1 p2; paste -d, p1 p2; paste -s -d+ p1
rev p2 p1
echo "abcdefghijklmnopqrstuvwxyz" | fold -w 10; echo "one two three four five six" | fold -s -w 10
nl p2; echo $(tac p1)
printf 'a\tb\tc\n' | expand -t 4; printf 'a       b\n' | unexpand -a | xxd -p
section od xxd hexdump
printf 'ABC\001\377\n' >bin.dat
od -c bin.dat; od -An -tx1 -tu2 bin.dat; od -tx4 -N 8 rand.txt
xxd bin.dat; xxd -l 16 -c 8 rand.txt
xxd -p bin.dat | xxd -r -p | od -An -to1
hexdump -C -n 32 rand.txt; hexdump -e '4/1 "%02x " "\n"' -n 8 rand.txt
strings -n 3 bin.dat
section dd
dd if=rand.txt of=dd.out bs=1000 skip=3 count=5 2>/dev/null; md5sum dd.out
dd if=rand.txt bs=1 count=16 skip=100 2>/dev/null | xxd -p
dd if=/dev/zero of=zero.out bs=512 count=4 2>/dev/null; md5sum zero.out
dd if=rand.txt of=notrunc.out bs=4096 count=2 2>/dev/null; dd if=bin.dat of=notrunc.out bs=1 seek=10 conv=notrunc 2>/dev/null; sha1sum notrunc.out
printf 'abc' | dd conv=swab 2>/dev/null; echo
section base64 cmp diff
base64 bin.dat; base64 rand.txt >rand.b64; head -n 2 rand.b64; base64 -d rand.b64 | md5sum
echo "aGVsbG8gd29ybGQK" | base64 -d
cp data.txt data2.txt; cmp data.txt data2.txt && echo "cmp same"
sed '5s/^5 /5X/' data.txt >data3.txt; cmp data.txt data3.txt; echo "cmp status=$?"
cmp -l bin.dat rand.txt 2>/dev/null | head -n 3
printf 'a\nb\nc\nd\n' >da; printf 'a\nB\nc\nd\ne\n' >db
diff -u da db >patch.diff; echo "diff status=$?"; { read -r h; read -r h; while read -r l; do echo "$l"; done; } <patch.diff
diff -U0 da db | sed -n '3,$p'; diff da da && echo "diff same"
cp da da2; patch da2 <patch.diff >/dev/null; cmp da2 db && echo "patched equal"
section factor bc
factor 1 2 360 9973 600851475143 4294967297 1000000007 18446744073709551615
bc <<EOF
define f(n) {
 if (n < 2) return n
 return f(n-1) + f(n-2)
}
f(15)
2^100; 7/3; scale=20; 1/7; sqrt(2)
obase=16; 255; ibase=16; obase=A; FF
EOF
echo '4*a(1)' | bc -l
section date cal
date -u -d '2001-02-03 04:05:06' '+%Y-%m-%d %H:%M:%S %a %b %j %u %s'
date -u -d @1234567890; date -u -d @2147483647 '+%c'
date -d '2024-02-29 12:00' '+%s %F %T'
date -u -d '1999-12-31 23:59:59' '+%D %r %y %e %U %W %V %G'
cal 2 2000; cal 9 1752
section archive tar gzip bzip2 cpio
mkdir -p arc/sub; printf 'file one\n' >arc/one.txt; printf 'file two\n' >arc/sub/two.txt
cp data.txt arc/data.txt
tar -cf arc.tar arc/one.txt arc/sub/two.txt arc/data.txt; tar -tf arc.tar
mkdir x1 && cd x1 && tar -xf ../arc.tar && cd ..; find x1 -type f | sort; md5sum x1/arc/data.txt x1/arc/sub/two.txt
tar -xOf arc.tar arc/one.txt
gzip -c data.txt >data.gz; gzip -t data.gz && echo "gzip -t ok"; stat -c '%s' data.gz
gzip -c <data.txt | md5sum; zcat data.gz | cmp - data.txt && echo "zcat roundtrip ok"
cp rand.txt r2.txt; gzip -1 r2.txt; [ -e r2.txt ] || echo "gzip removed original"; gunzip r2.txt.gz; md5sum r2.txt
bzip2 -c data.txt | md5sum; bzip2 -c rand.txt >rand.bz2; stat -c '%s' rand.bz2
bunzip2 -c rand.bz2 | md5sum
tar -cf - arc/one.txt | gzip -c >arc.tgz; tar -xzOf arc.tgz
bzip2 arc.tar; echo $(tar -tjf arc.tar.bz2)
cpio -o -H newc <<EOF 2>/dev/null >arc.cpio
arc/one.txt
arc/sub/two.txt
EOF
cpio -t <arc.cpio 2>/dev/null
mkdir x2 && cd x2 && cpio -i -d <../arc.cpio 2>/dev/null && cd ..; find x2 -type f | sort
uuencode -m bin.dat bin.dat | { read -r h; echo "${h% *}"; while read -r l; do echo "$l"; done; }
uuencode bin.dat bin.dat | uudecode -o - | xxd -p
section misc
yes abc | head -n 2
echo "tee test" | tee tee1.txt tee2.txt; while read -r l; do echo "tee file: $l"; done <tee2.txt
FOO=bar; export FOO; env -i A=1 B=two; env | grep -E '^(TZ|FOO)=' | sort
sleep 0; echo "sleep ok"; usleep 1; echo "usleep ok"
ipcalc -n -b -m -p 192.168.10.77/20
mkpasswd -m sha512 password saltsalt; mkpasswd -m md5 password saltsalt
printf 'line1\r\nline2\r\n' | dos2unix | xxd -p; printf 'x\n' | unix2dos | xxd -p
getopt -o ab:c --long long: -- -a -b foo --long=bar x y
printf 'one\ntwo\n' | xargs echo args:; echo "a b c d e" | xargs -n 2 echo pair:
echo "hi" | cat - p1; cat -n p2; cat -A bin.dat; echo
printf 'hello\n' >ed.txt; printf '1s/hello/goodbye/\na\nappended\n.\nw\nq\n' | ed ed.txt; while read -r l; do echo "ed: $l"; done <ed.txt
shred -n 1 -u tee1.txt 2>/dev/null; [ -e tee1.txt ] || echo "shred removed"
echo "ascii A=$(printf '%d' "'A")"
which nonexistent_prog_xyz >/dev/null; echo "which missing=$?"

section done
cd "$W" && rm -rf t
echo "all sections done: $n_sec"
