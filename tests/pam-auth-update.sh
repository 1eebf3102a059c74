#!/bin/bash
# The pam-auth-update profiles, run for real in a private mount namespace
# over copies of /etc/pam.d, /usr/share/pam-configs and /var/lib/pam (the
# host's stack is untouched): enabling wires auth, account, password (the
# check before pam_unix) and session; disabling restores the stack.
set -u
if [ "$(id -u)" != 0 ] || ! command -v pam-auth-update >/dev/null; then
	echo "# SKIPPED pam-auth-update profile test: needs root and pam-auth-update"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$T/pam.d" "$T/pam-configs" "$T/varlib"
cp -a /etc/pam.d/. "$T/pam.d/"
cp -a /usr/share/pam-configs/. "$T/pam-configs/"
cp -a /var/lib/pam/. "$T/varlib/" 2>/dev/null
cp "$ROOT"/packaging/pam-configs/* "$T/pam-configs/"
unshare -m bash -s "$T" <<'SH'
set -u
T=$1
mount --bind "$T/pam.d" /etc/pam.d
mount --bind "$T/pam-configs" /usr/share/pam-configs
mount --bind "$T/varlib" /var/lib/pam
export DEBIAN_FRONTEND=noninteractive
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok - $1"; else fail=$((fail+1)); echo "not ok - $1"; fi; }
pam-auth-update --enable ramsec >/dev/null 2>&1
a=/etc/pam.d/common-auth p=/etc/pam.d/common-password
check "auth: pam_ramsec before pam_unix" '[ "$(grep -n "pam_ramsec.so" $a | cut -d: -f1)" -lt "$(grep -n "pam_unix.so" $a | cut -d: -f1)" ]'
check "auth: its success ends the primary block" 'grep -qE "^auth.*success=[0-9]+ ignore=ignore default=die.*pam_ramsec.so" $a'
check "account: pam_ramsec required" 'grep -qE "^account\s+required\s+pam_ramsec.so" /etc/pam.d/common-account'
check "session: pam_ramsec required" 'grep -qE "^session\s+required\s+pam_ramsec.so" /etc/pam.d/common-session'
check "password: the check before pam_unix, which takes its password" 'grep -A1 -E "^password\s+\[success=2 ignore=ignore default=die\]\s+pam_ramsec.so\s*$" $p | grep -q "pam_unix.so.*use_authtok"'
check "password: one instance (it records at pam_end)" '[ "$(grep -c pam_ramsec.so $p)" = 1 ]'
pam-auth-update --disable ramsec >/dev/null 2>&1
check "disabling restores the stack" '! grep -q pam_ramsec /etc/pam.d/common-*'
echo "pam-auth-update: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
SH
