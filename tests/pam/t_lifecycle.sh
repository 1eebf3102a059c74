#!/bin/bash
# Records belong to the account they were made for: a deleted account's
# access keys, MFA device, history and sessions are retired, never served
# to a new account that reuses the name (or the uid) - whether policyd saw
# the deletion happen or was down meanwhile.
. "$(dirname "$0")/lib.sh"
# a fleet's user is its name on every host, retired by user forget, not by
# one host's passwd file (docs/FLEET.md; tests/fleet/run.sh)
sqlite_only "a host's own account lifecycle" || {
	echo "$(basename "$0"): 0 passed, 0 failed"
	exit 0
}

C=rst_carl
C_UID=20950
C_PW='Carl-Pass-word-1'

carl_add() { # carl_add [useradd options]: the account, with a password
	useradd -N -s /usr/sbin/nologin -u $C_UID "$@" $C
	usermod -p "$(mkpasswd -m yescrypt "$C_PW")" $C
}
carl_del() { userdel "$@" $C 2>/dev/null; return 0; }

# retired_within SECONDS: polls user show until a retired account shows
retired_within() {
	local i
	for i in $(seq 1 $(($1 * 10))); do
		OUT=$(ctl user show $C 2>&1)
		grep -q '^retired ' <<<"$OUT" && return 0
		sleep 0.1
	done
	return 1
}

# give_carl_state: an access key, a bound MFA device and a history entry
give_carl_state() {
	ssh-keygen -q -t ed25519 -N "" -f "$T/carl_key"
	ctl accesskey import $C "$(cat "$T/carl_key.pub")" >/dev/null
	local seed now
	seed=$(ctl mfa create $C | sed -n 's/^Key (base32): //p')
	now=$(date +%s)
	ctl mfa bind $C "$(oathtool --totp -b "$seed" --now "@$((now - 30))")" \
		"$(oathtool --totp -b "$seed" --now "@$now")" >/dev/null
	printf '%s\n' "$C_PW" | ctl user reset-password $C >/dev/null
}

test_deleted_while_running() {
	carl_del; carl_add -M
	fresh 'password_policy = { password_reuse_prevention = 3; };'
	give_carl_state
	OUT=$(ctl authorized-keys $C)
	check "before: the key is served" has "ramsec:AK"
	carl_del
	check "userdel: the account is retired within seconds (policyd watches /etc)" retired_within 3
	check "and user show says what it held" has "holds 1 access key(s), an MFA device"
	check "logged at notice" grep -q "notice\].*account user=\"$C\" (uid $C_UID, account [0-9]*) retired: the account was deleted" "$T/policyd.log"
	carl_add -M
	usermod -p "$(mkpasswd -m yescrypt 'New-Carl-Pass-2')" $C
	OUT=$(ctl authorized-keys $C)
	check "a new $C with the same uid: the old key is not served" test -z "$OUT"
	OUT=$(ctl user show $C)
	check "the new account has no MFA device" field mfa none
	check "the old one is shown as retired" has "account was deleted"
	OUT=$(printf '%s\n' "$C_PW" | ctl policy check-password $C 2>&1)
	check "nor the old one's password history" has "acceptable"
	OUT=$(ctl user show $C)
	check "but since the old one had MFA, the new one must bind a device (MFA never dropped silently)" field mfa_bind_required yes
	drive $C --no-info 1 --resp "New-Carl-Pass-2" auth
	check "so its next password logon is asked to bind one" has "Multi-factor authentication is required"
	ctl user set $C --mfa-bind-required off >/dev/null
	drive $C --resp "New-Carl-Pass-2" auth
	check "an administrator may lift that; then a password logs on" has "auth: PAM_SUCCESS"
	OUT=$(ctl user forget $C)
	check "user forget removes what the deleted account left" has "1 retired account of $C forgotten; its current account is kept"
	OUT=$(ctl user show $C)
	check "and user show no longer lists it" hasnt "retired"
	carl_del
}

test_recreated_while_down() {
	carl_del -r; rm -rf "/tmp/rst_carl_home"
	carl_add -m -d /tmp/rst_carl_home
	fresh
	give_carl_state
	pd_stop
	carl_del -r
	carl_add -m -d /tmp/rst_carl_home
	pd_start
	OUT=$(ctl authorized-keys $C)
	check "deleted and re-created (same name, uid, home path) while policyd was down: no key served" test -z "$OUT"
	OUT=$(ctl user show $C)
	check "retired at start-up: the home directory is another" has "re-created (its home directory is another)"
	check "the new account has no MFA device" field mfa none
	carl_del -r
}

test_home_made_later_is_the_account() {
	carl_del; rm -rf "/tmp/rst_carl_home"
	carl_add -M -d /tmp/rst_carl_home
	fresh
	give_carl_state
	install -d -o $C -m 0700 /tmp/rst_carl_home # pam_mkhomedir at the first logon
	pd_stop; pd_start
	OUT=$(ctl authorized-keys $C)
	check "a home directory made after the account: still the same account" has "ramsec:AK"
	rm -rf /tmp/rst_carl_home
	carl_del
}

test_uid_changed_while_down() {
	carl_del; carl_add -M
	fresh
	give_carl_state
	pd_stop
	carl_del
	useradd -M -N -s /usr/sbin/nologin -u $((C_UID + 1)) $C
	pd_start
	OUT=$(ctl authorized-keys $C)
	check "re-created with another uid while policyd was down: no key served" test -z "$OUT"
	OUT=$(ctl user show $C)
	check "retired: its uid changed" has "its uid changed"
	carl_del
}

# usermod -l: the same account under a new name keeps its device and keys
test_rename_keeps_the_account() {
	carl_del -r; rm -rf /tmp/rst_carl_home; userdel rst_carl2 2>/dev/null
	carl_add -m -d /tmp/rst_carl_home
	fresh
	give_carl_state
	usermod -l rst_carl2 $C
	sleep 1 # the watcher looks within a fraction of a second
	OUT=$(ctl authorized-keys rst_carl2)
	check "renamed (same uid and home directory): its key is served under the new name" has "ramsec:AK"
	OUT=$(ctl user show rst_carl2)
	check "and its MFA device is kept" field mfa bound
	check "nothing retired" hasnt "retired"
	check "logged as a rename" grep -q "renamed from \"$C\" to \"rst_carl2\"" "$T/policyd.log"
	usermod -l $C rst_carl2
	sleep 1
	OUT=$(ctl authorized-keys $C)
	check "renamed back: still the same account" has "ramsec:AK"
	pd_stop
	usermod -u $((C_UID + 2)) $C
	pd_start
	OUT=$(ctl user show $C)
	check "usermod -u (it keeps the home directory) while policyd was down: the same account" field mfa bound
	carl_del -r
}

# usermod -l of an account with no home directory: no fact proves it the
# same, so the new name starts empty - but must bind MFA again
test_rename_without_home_keeps_mfa_required() {
	carl_del; userdel rst_carl2 2>/dev/null
	carl_add -M
	fresh
	give_carl_state
	usermod -l rst_carl2 $C
	sleep 1
	OUT=$(ctl authorized-keys rst_carl2)
	check "renamed without a home directory: the old key is not served (no proof)" test -z "$OUT"
	OUT=$(ctl user show rst_carl2)
	check "but the new name must bind an MFA device: never silently without" field mfa_bind_required yes
	userdel rst_carl2
}

test_forget_a_name_nss_no_longer_knows() {
	carl_del; carl_add -M
	fresh
	give_carl_state
	carl_del
	retired_within 3
	OUT=$(ctl user show $C)
	check "a deleted name: user show lists what is left" has "holds 1 access key(s), an MFA device"
	OUT=$(ctl user forget $C)
	check "user forget works for a name NSS no longer knows" has "1 retired account of $C forgotten"
	OUT=$(ctl user show $C 2>&1)
	check "then nothing is left of it" has "no such user"
}

run_tests
