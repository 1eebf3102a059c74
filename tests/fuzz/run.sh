#!/bin/bash
# Builds every libFuzzer harness tests/fuzz/fuzz_*.c with clang and runs
# each for a bounded time:
#
#   tests/fuzz/run.sh BUILDDIR SECONDS
#
# Binaries, logs and crash inputs go to BUILDDIR/fuzz/; each harness NAME
# grows its corpus in BUILDDIR/fuzz/corpus_NAME and is seeded from
# tests/fuzz/corpus_NAME when that exists.  One line per harness; the exit
# status is non-zero when a harness does not build, or finds anything
# (crash, sanitizer report, leak, timeout).  Without clang it prints SKIP
# and exits 0; with clang but no libFuzzer runtime it fails, naming the
# package.  Debian 12 packages: clang, libclang-rt-14-dev, libconfig-dev,
# liboath-dev, libjansson-dev.
#
# Each harness is compiled from the sources it needs, not from the
# project's objects, so that everything it runs is instrumented; the table
# below names them.  A fuzz_*.c missing from it is a build failure.
set -u

# name    | -max_len | sources besides tests/fuzz/fuzz_NAME.c             | libraries
TABLE='
proto     | 70000    | lib/proto.c lib/secret.c                           |
cidr      | 1200     | lib/cidr.c lib/buf.c                               |
pwrules   | 1024     | lib/pwrules.c lib/policy.c lib/cidr.c lib/buf.c    |
akey      | 4096     | lib/akey.c                                         |
totp      | 2048     | lib/totp.c lib/secret.c lib/buf.c                  | -loath
config    | 8192     | common/config.c lib/policy.c lib/cidr.c lib/buf.c  | -lconfig
ramdoc    | 8192     | lib/ramdoc.c lib/ramdoc_eval.c lib/cidr.c lib/buf.c | -ljansson
'

# Debian packages behind the libraries, for a failed build's hint.
declare -A LIB_PKG=([-loath]=liboath-dev [-lconfig]=libconfig-dev [-ljansson]=libjansson-dev)

CC=${FUZZ_CC:-clang}
# -fno-sanitize-recover: an UBSan report is a finding, not a line in a log
# shellcheck disable=SC2054 # the commas belong to -fsanitize=
FLAGS=(-std=gnu11 -g -O1 -Iinclude -I. -D_GNU_SOURCE -fno-omit-frame-pointer
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)

usage() {
	echo "usage: $0 BUILDDIR SECONDS" >&2
	exit 2
}

[ $# -eq 2 ] || usage
case $2 in '' | *[!0-9]* | 0) usage ;; esac
SECS=$2
mkdir -p "$1/fuzz" || exit 1
OUT=$(cd "$1/fuzz" && pwd)
cd "$(dirname "$0")/../.." || exit 1

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: SKIP: $CC not found (Debian: apt-get install clang libclang-rt-14-dev)"
	exit 0
fi

# clang without its compiler-rt cannot link a fuzzer: that is a broken
# setup, not a reason to skip
probe() {
	local dir
	dir=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d && n; }' \
		>"$dir/probe.c"
	"$CC" -fsanitize=fuzzer,address,undefined -o "$dir/probe" "$dir/probe.c" \
		>"$dir/log" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || sed 's/^/  /' "$dir/log" | tail -5 >&2
	rm -rf "$dir"
	return $rc
}
if ! probe; then
	echo "fuzz: FAIL: $CC cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)"
	exit 1
fi

# libconfig 1.5 leaks the text of a string token on a syntax error
# ('""' alone leaks one byte): its bug, not ours, and not one a fuzzer
# should stop at.  Leaks of memory that libconfig did not allocate still
# count.
printf '%s\n' 'leak:libconfig.so' >"$OUT/lsan.supp"
export LSAN_OPTIONS="suppressions=$OUT/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1"

# The table row of harness $1 as "MAXLEN|SOURCES|LIBS", or nothing.
row() {
	local name maxlen srcs libs
	while IFS='|' read -r name maxlen srcs libs; do
		name=${name// /}
		[ "$name" = "$1" ] && echo "${maxlen// /}|$srcs|$libs" && return
	done <<<"$TABLE"
}

# Builds harness $1 into $OUT/fuzz_$1; prints why not on failure.
build() {
	local name=$1 r srcs libs pkgs="" l
	r=$(row "$name")
	if [ -z "$r" ]; then
		echo "fuzz: $name: BUILD FAILED: not in the table of $0"
		return 1
	fi
	IFS='|' read -r _ srcs libs <<<"$r"
	# shellcheck disable=SC2086 # word splitting of the lists is intended
	if ! "$CC" "${FLAGS[@]}" -o "$OUT/fuzz_$name" "tests/fuzz/fuzz_$name.c" $srcs $libs \
		>"$OUT/$name.build.log" 2>&1; then
		for l in $libs; do
			[ -n "${LIB_PKG[$l]:-}" ] && pkgs="$pkgs ${LIB_PKG[$l]}"
		done
		echo "fuzz: $name: BUILD FAILED (log $OUT/$name.build.log${pkgs:+; libraries from the Debian packages$pkgs})"
		grep -m 5 -E 'error:|cannot find|undefined reference' "$OUT/$name.build.log" |
			sed 's/^/  /'
		return 1
	fi
}

# The value of libFuzzer's final statistic $2 in log $1.
final_stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -1
}

# Shows a finding: its kind, the input (hex when short) and how to rerun it.
report_finding() {
	local name=$1 log=$2 art
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	grep -m 1 -E 'check failed: |ERROR: |runtime error: ' "$log" | sed 's/^/  /'
	if [ -n "$art" ] && [ -f "$art" ]; then
		if [ "$(wc -c <"$art")" -le 256 ]; then
			echo "  input (hex): $(od -An -v -tx1 "$art" | tr -d ' \n')"
		fi
		echo "  rerun: $OUT/fuzz_$name $art"
	fi
}

# Runs harness $1 for $SECS seconds; prints its line.
run() {
	local name=$1 maxlen seeds=() rc runs eps files
	local log=$OUT/$name.log
	IFS='|' read -r maxlen _ <<<"$(row "$name")"
	mkdir -p "$OUT/corpus_$name" "$OUT/artifacts"
	[ -d "tests/fuzz/corpus_$name" ] && seeds=("tests/fuzz/corpus_$name")
	"$OUT/fuzz_$name" -max_total_time="$SECS" -max_len="$maxlen" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$OUT/artifacts/${name}-" \
		"$OUT/corpus_$name" "${seeds[@]}" >"$log" 2>&1
	rc=$?
	runs=$(final_stat "$log" number_of_executed_units)
	eps=$(final_stat "$log" average_exec_per_sec)
	files=$(find "$OUT/corpus_$name" -type f | wc -l)
	if [ $rc -ne 0 ]; then
		printf 'fuzz: %-8s FOUND SOMETHING (exit %d after %s runs; log %s)\n' \
			"$name" "$rc" "${runs:-?}" "$log"
		report_finding "$name" "$log"
		return 1
	fi
	printf 'fuzz: %-8s ok  %4ss %10s runs %8s exec/s  corpus %s\n' \
		"$name" "$SECS" "${runs:-?}" "${eps:-?}" "$files"
}

fail=0
built=()
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	if build "$name"; then
		built+=("$name")
	else
		fail=1
	fi
done
for name in "${built[@]}"; do
	run "$name" || fail=1
done
if [ $fail -ne 0 ]; then
	echo "fuzz: FAIL"
	exit 1
fi
echo "fuzz: ${#built[@]} harnesses, no finding in ${SECS}s each"
