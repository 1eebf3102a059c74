#!/bin/sh
# Runs every cmocka unit test binary given; fails when one fails.
fail=0
for t in "$@"; do
	echo "== $t"
	"$t" || fail=1
done
exit $fail
