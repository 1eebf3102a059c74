#!/bin/bash
# login_network_masks: checked before the password is asked, in auth and
# again in account (key logins); root's own masks.
. "$(dirname "$0")/lib.sh"

KEYINFO="SSH_AUTH_INFO_0=publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7ealD/GCHvfWdLHjV+1AdU/G99BlegJG/g0Pu1RaBN"
MASKS='security_preference = { login_network_masks = "192.0.2.0/24; 2001:db8::/32"; };'

# auth_from RHOST: a password logon of alice from RHOST ("" = none)
auth_from() {
	if [ -n "$1" ]; then drive $U_ALICE --rhost "$1" --resp "$PW_ALICE" auth acct
	else drive $U_ALICE --resp "$PW_ALICE" auth acct; fi
}

test_masks_ipv4_ipv6_mapped() {
	fresh "$MASKS"
	auth_from 192.0.2.77
	check "IPv4 inside the mask: logon succeeds" has "acct: PAM_SUCCESS"
	auth_from 198.51.100.7
	check "IPv4 outside: refused" has "auth: PAM_AUTH_ERR"
	check "IPv4 outside: refused before the password prompt" bash -c "! grep -q '^prompt:' <<<\"\$0\"" "$OUT"
	check "IPv4 outside: the message names the address" has "error: Access denied: logons from 198.51.100.7 are not allowed for this account."
	auth_from ::ffff:192.0.2.9
	check "IPv4-mapped IPv6 matches the IPv4 mask" has "acct: PAM_SUCCESS"
	auth_from ::ffff:198.51.100.9
	check "IPv4-mapped outside is refused, shown as IPv4" has "logons from 198.51.100.9 are not allowed"
	auth_from 2001:db8::1:5
	check "IPv6 inside: logon succeeds" has "acct: PAM_SUCCESS"
	auth_from 2001:db9::1
	check "IPv6 outside: refused" has "logons from 2001:db9::1 are not allowed"
	auth_from fe80::1%eth0
	check "link-local with a zone outside: refused" has "logons from fe80::1 are not allowed"
}

test_masks_hostnames_and_junk() {
	fresh "$MASKS"
	for rh in host.example.com 192.0.2.1.example.com 010.0.0.1 192.0.2 0xc0000201 '[192.0.2.1]' "$(head -c 1024 /dev/zero | tr '\0' a)"; do
		auth_from "$rh"
		check "rhost '${rh:0:24}' is in no mask" has "error: Access denied: the source address is not allowed for this account (it is not an IP address)."
	done
}

test_masks_local_logons() {
	fresh "$MASKS"
	auth_from ""
	check "no PAM_RHOST (console): local, allowed" has "acct: PAM_SUCCESS"
	fresh 'security_preference = { login_network_masks = "192.0.2.0/24"; local_logons_bypass_masks = false; };'
	auth_from ""
	check "local_logons_bypass_masks = false: local logon refused" has "error: Access denied: local logons are not allowed for this account."
}

test_root_has_own_masks() {
	fresh 'security_preference = { login_network_masks = "192.0.2.0/24"; }; root_account = { login_network_masks = "203.0.113.0/24"; };'
	drive root --rhost 192.0.2.5 --resp x auth
	check "root from the users' mask: refused by root's own" has "logons from 192.0.2.5 are not allowed"
	drive root --rhost 203.0.113.5 --resp x auth
	check "root from root's mask: asked for the password" prompted
	auth_from 203.0.113.5
	check "users from root's mask: refused" has "logons from 203.0.113.5 are not allowed"
}

test_key_login_account_phase() {
	fresh "$MASKS"' password_policy = { max_login_attempts = 2; };'
	drive $U_ALICE --rhost 198.51.100.7 acct
	check "key login from outside the masks: account refused" has "acct: PAM_PERM_DENIED"
	check "key login refused with the mask message" has "logons from 198.51.100.7 are not allowed"
	drive $U_ALICE --rhost 192.0.2.8 acct
	check "key login from inside: account allowed" has "acct: PAM_SUCCESS"
	drive $U_ALICE --rhost 192.0.2.8 --resp x auth
	drive $U_ALICE --rhost 192.0.2.8 --resp x auth
	drive $U_ALICE --rhost 192.0.2.8 --env "$KEYINFO" acct
	check "locked user: a key logon is not locked (RAM: the lock is for passwords)" has "acct: PAM_SUCCESS"
	drive $U_ALICE --rhost 192.0.2.8 --resp "$PW_ALICE" auth acct
	check "locked user: the right password is refused" has "auth: PAM_AUTH_ERR"
	check "logons without a password are logged as such" grep -q 'account(no password) user="rst_alice"' "$T/policyd.log"
}

test_key_logins_exempt_setting() {
	fresh 'security_preference = { login_network_masks = "192.0.2.0/24"; exempt_key_logins_from_masks = true; };'
	drive $U_ALICE --rhost 198.51.100.7 --env "$KEYINFO" acct
	check "exempt_key_logins_from_masks: key login from outside allowed" has "acct: PAM_SUCCESS"
	drive $U_ALICE --rhost 198.51.100.7 acct
	check "exempt_key_logins_from_masks: any remote logon without a password is exempt (sshd tells the account phase no key)" has "acct: PAM_SUCCESS"
	drive $U_ALICE --rhost 198.51.100.7 --resp "$PW_ALICE" --resp "$PW_ALICE" auth acct
	check "exempt_key_logins_from_masks: not a password logon" has "not allowed"
	drive $U_ALICE --rhost 198.51.100.7 --resp "$PW_ALICE" auth
	check "exempt_key_logins_from_masks: password logons still masked" has "not allowed"
}

test_password_logon_account_not_key() {
	fresh 'security_preference = { login_network_masks = "192.0.2.0/24"; exempt_key_logins_from_masks = true; };'
	drive $U_ALICE --rhost 192.0.2.4 --resp "$PW_ALICE" auth acct
	check "password logon passes account" has "acct: PAM_SUCCESS"
	check "and is logged as a password logon" grep -q 'info\]: account user="rst_alice"' "$T/policyd.log"
}

run_tests
