#!/bin/bash
# The man pages render without warnings and each has its examples.
set -u
fail=0 pass=0
for page in packaging/man/*.[58]; do
	warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	text=$(MANWIDTH=80 man -l "$page" 2>/dev/null)
	if [ -z "$warn" ] && grep -q '^EXAMPLES' <<<"$text" && grep -q '^SEE ALSO' <<<"$text"; then
		pass=$((pass + 1)); echo "ok - $page renders, with EXAMPLES"
	else
		fail=$((fail + 1)); echo "not ok - $page: ${warn:-no EXAMPLES or SEE ALSO}"
	fi
done
echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
