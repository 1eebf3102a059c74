#!/bin/bash
# Access keys: create/import/list/enable/disable/delete, at most 2, none
# for root, authorized-keys for sshd, last used from SSH_AUTH_INFO_0,
# self-service, idle keys.
. "$(dirname "$0")/lib.sh"

newkey() { rm -f "$T/k$1" "$T/k$1.pub"; ssh-keygen -q -t ed25519 -N "" -C "t$1" -f "$T/k$1"; }
ak_ids() { ctl accesskey list "$1" | awk 'NR > 1 {print $1}'; }

test_create_list_authorized() {
	fresh
	OUT=$(ctl accesskey create $U_ALICE)
	check "create: says which key" grep -qE "^Access key AK[0-9a-f]{16} created for $U_ALICE" <<<"$OUT"
	check "create: prints the private key once (OpenSSH format)" has "-----BEGIN OPENSSH PRIVATE KEY-----"
	sed -n '/BEGIN OPENSSH/,/END OPENSSH/p' <<<"$OUT" >"$T/priv"; chmod 600 "$T/priv"
	local pub id
	pub=$(ssh-keygen -y -f "$T/priv" | awk '{print $1, $2}')
	id=$(ak_ids $U_ALICE)
	OUT=$(ctl authorized-keys $U_ALICE)
	check "authorized-keys serves the public half of the printed private key" has "$pub ramsec:$id"
	OUT=$(ctl accesskey list $U_ALICE --json)
	check "list --json: active, never used" python3 -c 'import json,sys; k=json.loads(sys.argv[1]); assert len(k)==1 and k[0]["status"]=="active" and k[0]["last_used"]=="never"' "$OUT"
	check "list never shows key material" hasnt "AAAA"
}

test_two_keys_at_most() {
	fresh
	newkey 1; newkey 2; newkey 3
	OUT=$(ctl accesskey import $U_ALICE "$(cat "$T/k1.pub")")
	check "import: ok" has "imported for $U_ALICE"
	OUT=$(ctl accesskey import $U_ALICE - <"$T/k2.pub")
	check "import from stdin: ok" has "imported for $U_ALICE"
	OUT=$(ctl accesskey import $U_ALICE "$(cat "$T/k3.pub")" 2>&1)
	check "the 3rd key is refused" has "at most 2 access keys per user; delete one first"
	OUT=$(ctl accesskey import $U_BOB "$(cat "$T/k1.pub")" 2>&1)
	check "the same key for another user is fine" has "imported for $U_BOB"
	OUT=$(ctl accesskey import $U_ALICE "$(cat "$T/k1.pub")" 2>&1)
	check "a duplicate is refused" has "this key is there already"
	for bad in "ssh-ed25519" "ssh-ed25519 !!!!" "ssh-dss AAAAB3NzaC1kc3MAAACBAP" "ssh-rsa $(awk '{print $2}' "$T/k3.pub")" 'command="x" ssh-ed25519 AAAA'; do
		OUT=$(ctl accesskey import $U_BOB "$bad" 2>&1)
		check "not a key ('${bad:0:20}'): refused" has "not an SSH public key"
	done
	OUT=$(ctl accesskey import root "$(cat "$T/k3.pub")" 2>&1)
	check "none for root" has "no access keys for root"
}

test_disable_enable_delete_and_last_used() {
	fresh
	newkey 1
	ctl accesskey import $U_ALICE "$(cat "$T/k1.pub")" >/dev/null
	local id info
	id=$(ak_ids $U_ALICE)
	info="SSH_AUTH_INFO_0=publickey $(awk '{print $1, $2}' "$T/k1.pub")"
	drive $U_ALICE --rhost 192.0.2.9 --env "$info" acct
	check "a key logon passes account" has "acct: PAM_SUCCESS"
	OUT=$(ctl accesskey list $U_ALICE --json)
	check "last used and from where are recorded" python3 -c 'import json,sys; k=json.loads(sys.argv[1]); assert k[0]["last_used"]!="never" and k[0]["last_used_from"]=="192.0.2.9"' "$OUT"
	OUT=$(ctl accesskey disable $U_ALICE "$id")
	OUT=$(ctl authorized-keys $U_ALICE)
	check "a disabled key is no longer served to sshd" hasnt "ramsec:$id"
	drive $U_ALICE --rhost 192.0.2.9 --env "$info" acct
	check "a disabled key is refused in account too" has "error: This access key is disabled."
	ctl accesskey enable $U_ALICE "$id" >/dev/null
	OUT=$(ctl authorized-keys $U_ALICE)
	check "enabled again: served" has "ramsec:$id"
	ctl accesskey delete $U_ALICE "$id" >/dev/null
	OUT=$(ctl accesskey list $U_ALICE)
	check "deleted: gone from the list" hasnt "$id"
	OUT=$(ctl authorized-keys $U_ALICE)
	check "deleted: gone from authorized-keys" test -z "$OUT"
}

test_self_service() {
	fresh
	newkey 1
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" accesskey import $U_ALICE "$(cat "$T/k1.pub")" 2>&1)
	check "users may not manage keys by default" has "allow_user_to_manage_access_keys = false"
	fresh 'security_preference = { allow_user_to_manage_access_keys = true; };'
	newkey 1
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" accesskey import $U_ALICE "$(cat "$T/k1.pub")" 2>&1)
	check "allowed: a user imports their own key" has "imported for $U_ALICE"
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" accesskey list $U_BOB 2>&1)
	check "not someone else's" has "you may only manage your own access keys"
	OUT=$(runuser -u nobody -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" authorized-keys $U_ALICE 2>&1)
	check "an unprivileged AuthorizedKeysCommandUser gets the keys" has "ramsec:AK"
}

test_idle_keys() {
	fresh 'security_preference = { max_idle_days_for_access_keys = 90; };'
	newkey 1
	ctl accesskey import $U_ALICE "$(cat "$T/k1.pub")" >/dev/null
	advance $((90 * 86400 - 60))
	OUT=$(ctl authorized-keys $U_ALICE)
	check "89 days 23:59 unused: still served" has "ramsec:AK"
	advance 60
	OUT=$(ctl authorized-keys $U_ALICE)
	check "90 days unused: no longer served" test -z "$OUT"
	OUT=$(ctl accesskey list $U_ALICE)
	check "and listed as inactive" has "inactive"
	local id
	id=$(ak_ids $U_ALICE)
	ctl accesskey enable $U_ALICE "$id" >/dev/null
	OUT=$(ctl accesskey list $U_ALICE --json)
	check "enable does not touch last used: still never used" python3 -c 'import json,sys; k=json.loads(sys.argv[1]); assert k[0]["last_used"]=="never" and k[0]["status"]=="active"' "$OUT"
	advance $((90 * 86400 - 60))
	OUT=$(ctl authorized-keys $U_ALICE)
	check "re-enabled: not idle again for max_idle_days from enabling" has "ramsec:$id"
	advance 60
	OUT=$(ctl authorized-keys $U_ALICE)
	check "re-enabled and unused for 90 days: idle again" test -z "$OUT"
}

run_tests
