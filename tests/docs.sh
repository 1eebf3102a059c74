#!/bin/bash
# tests/docs.sh --check|--update [BUILD_DIR]
#   --check   the man pages render without warnings, each has EXAMPLES and
#             SEE ALSO, ramsec.conf(5)'s KEYS section is the one the
#             settings table makes (build/tests/settings_man), and
#             ramsecctl(8) names every command of ramsecctl's table
#   --update  writes that section into packaging/man/ramsec.conf.5 (make man)
set -u
mode=${1:---check}
B=${2:-build}
PAGE=packaging/man/ramsec.conf.5
BEGIN='.\" BEGIN KEYS: made by make man from lib/settings_doc.c and lib/policy.c'
END='.\" END KEYS'

# the page with the generated section put between the markers
generated() {
	# ENVIRON, not -v: awk would read the markers' backslashes as escapes
	BEGIN_M=$BEGIN END_M=$END GEN=$1 awk '
		$0 == ENVIRON["BEGIN_M"] { print; while ((getline line < ENVIRON["GEN"]) > 0) print line; skip = 1; next }
		$0 == ENVIRON["END_M"] { skip = 0 }
		!skip { print }' "$PAGE"
}

keys=$(mktemp)
trap 'rm -f "$keys"' EXIT
"$B/tests/settings_man" >"$keys" || { echo "docs: $B/tests/settings_man failed"; exit 1; }
grep -qxF "$BEGIN" "$PAGE" && grep -qxF "$END" "$PAGE" || { echo "docs: $PAGE lacks the KEYS markers"; exit 1; }
if [ "$mode" = --update ]; then
	generated "$keys" >"$PAGE.new" && mv "$PAGE.new" "$PAGE"
	echo "docs: $PAGE: KEYS section written"
	exit 0
fi

fail=0 pass=0
if diff -u "$PAGE" <(generated "$keys") >/dev/null; then
	pass=$((pass + 1)); echo "ok - $PAGE documents every key as the settings table has it"
else
	fail=$((fail + 1)); echo "not ok - $PAGE's KEYS section differs from the settings table: run make man"
fi
for page in packaging/man/*.[58]; do
	warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	text=$(MANWIDTH=80 man -l "$page" 2>/dev/null)
	if [ -z "$warn" ] && grep -q '^EXAMPLES' <<<"$text" && grep -q '^SEE ALSO' <<<"$text"; then
		pass=$((pass + 1)); echo "ok - $page renders, with EXAMPLES"
	else
		fail=$((fail + 1)); echo "not ok - $page: ${warn:-no EXAMPLES or SEE ALSO}"
	fi
done
# ramsecctl(8) names every command of ramsecctl's table (--commands)
page=packaging/man/ramsecctl.8
text=$(MANWIDTH=250 man -l "$page" 2>/dev/null)
missing=""
while IFS=$'\t' read -r words _; do
	read -ra w <<<"$words"
	# the words on one line of the page (alternatives as "enable|disable")
	if ! awk -v a="${w[0]}" -v b="${w[1]:-}" '
		{ n = split($0, t, /[^a-z-]+/); fa = fb = 0
		  for (i = 1; i <= n; i++) { if (t[i] == a) fa = 1; if (t[i] == b) fb = 1 }
		  if (fa && (b == "" || fb)) found = 1 }
		END { exit !found }' <<<"$text"; then
		missing="$missing '$words'"
	fi
done < <("$B/ramsecctl" --commands)
if [ -z "$missing" ]; then
	pass=$((pass + 1)); echo "ok - $page names every command of ramsecctl --commands"
else
	fail=$((fail + 1)); echo "not ok - $page does not name:$missing"
fi
echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
