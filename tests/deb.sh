#!/bin/bash
# Builds the Debian package from a copy of the tree (dpkg-buildpackage -us
# -uc -b), runs lintian on it (no errors allowed), checks its contents and
# keeps it in build/deb.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir "$W/ramsec-0.1.0"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard | (cd "$ROOT" && xargs -0 cp --parents -t "$W/ramsec-0.1.0")
cp -r "$W/ramsec-0.1.0/packaging/debian" "$W/ramsec-0.1.0/debian"
(cd "$W/ramsec-0.1.0" && dpkg-buildpackage -us -uc -b >"$W/build.log" 2>&1) || {
	tail -n 30 "$W/build.log"; echo "deb: 0 passed, 1 failed"; exit 1; }
deb=$(ls "$W"/ramsec_*.deb)
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok - $1"; else fail=$((fail+1)); echo "not ok - $1"; fi; }
lint=$(lintian --no-tag-display-limit "$deb" 2>&1)
check "dpkg-buildpackage builds ramsec_*.deb" '[ -f "$deb" ]'
check "lintian: no errors" '! grep -q "^E:" <<<"$lint"'
files=$(dpkg-deb -c "$deb")
for f in ./usr/sbin/ramsec-policyd ./usr/bin/ramsecctl security/pam_ramsec.so ./etc/ramsec/ramsec.conf \
	./usr/share/man/man8/ramsecctl.8 ./usr/share/man/man5/ramsec.conf.5 ramsec-policyd.service \
	ramsec-policyd.socket ./usr/share/pam-configs/ramsec \
	./usr/share/bash-completion/completions/ramsecctl ramsec-metrics.timer ramsec-metrics.service; do
	check "the package holds $f" 'grep -qF -- "$f" <<<"$files"'
done
check "the config is a conffile" 'dpkg-deb -e "$deb" "$W/ctl" && grep -q "^/etc/ramsec/ramsec.conf$" "$W/ctl/conffiles"'
comp() { # comp WORDS...: what the shipped completion offers for the last word
	bash -c 'source packaging/bash-completion/ramsecctl; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_ramsecctl; echo "${COMPREPLY[*]}"' comp "$@"
}
CTL="$ROOT/build/ramsecctl" # the completion asks it for its command table
check "bash completion: verbs" '[[ " $(cd "$ROOT" && comp "$CTL" u) " == *" user "* ]]'
check "bash completion: user verbs" '[[ " $(cd "$ROOT" && comp "$CTL" user f) " == " forget " ]]'
check "bash completion: user names" '[[ " $(cd "$ROOT" && comp "$CTL" user show roo) " == *" root "* ]]'
check "bash completion: policy verbs" '[[ " $(cd "$ROOT" && comp "$CTL" policy at) " == " attach " ]]'
check "bash completion: options" '[[ " $(cd "$ROOT" && comp "$CTL" policy attach p --g) " == " --group " ]]'
check "bash completion: group names" '[[ " $(cd "$ROOT" && comp "$CTL" policy attach p --group roo) " == " root " ]]'
check "state is removed on purge only" 'grep -A2 "purge" "$W/ctl/postrm" | grep -q "rm -rf /var/lib/ramsec"'
grep "^E:\|^W:" <<<"$lint" | head -n 10 | sed 's/^/# /'
mkdir -p "$ROOT/build/deb" && cp "$deb" "$ROOT/build/deb/" && echo "# kept in build/deb/$(basename "$deb")"
echo "deb: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
