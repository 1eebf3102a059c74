#!/bin/bash
# RAM policy documents: stored versioned in policyd, attached to users and
# groups, evaluated at the account phase of real logons (libpam, pamdrive)
# and for delegated administration on the users' socket; simulate agrees.
. "$(dirname "$0")/lib.sh"

KEYINFO="SSH_AUTH_INFO_0=publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7ealD/GCHvfWdLHjV+1AdU/G99BlegJG/g0Pu1RaBN"
G_OPS=rst_ops
G_HELP=rst_help

offset() { tr -d '+' <"$T/faketime"; }
code() { oathtool --totp -b "$SEED" --now "@$(( $(date +%s) + $(offset) + 30 * ${1:-0} ))"; }
enroll() {
	SEED=$(ctl mfa create "$1" | sed -n 's/^Key (base32): //p')
	ctl mfa bind "$1" "$(code -1)" "$(code 0)" >/dev/null
	advance 30 # the next logon's code is a new one
}
restore_alice() { usermod -p "$(mkpasswd -m yescrypt "$PW_ALICE")" $U_ALICE; }
groups_make() {
	groupdel $G_OPS 2>/dev/null; groupdel $G_HELP 2>/dev/null
	groupadd $G_OPS && groupadd $G_HELP &&
		usermod -a -G $G_OPS $U_ALICE && usermod -a -G $G_HELP $U_BOB
}
groups_remove() { groupdel $G_OPS 2>/dev/null; groupdel $G_HELP 2>/dev/null; return 0; }
doc() { printf '%s' "$1" >"$T/doc.json"; }
as_bob() { runuser -u $U_BOB -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" "$@"; }

SSH_ONE_NET_MFA='{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login",
 "Resource":"service/ramsec-test",
 "Condition":{"IpAddress":{"acs:SourceIp":"192.0.2.0/24"},"Bool":{"acs:MFAPresent":"true"}}}]}'

test_documents_stored_versioned() {
	fresh
	doc "$SSH_ONE_NET_MFA"
	OUT=$(ctl policy create ops-ssh "$T/doc.json" 2>&1)
	check "create: version 1" has "policy ops-ssh version 1 created"
	OUT=$(ctl policy create ops-ssh "$T/doc.json" 2>&1); rc=$?
	check "create twice: refused" test $rc -ne 0
	check "create twice: says to update" has "use 'ramsecctl policy update'"
	doc '{"Version":"1","Statement":[{"Effect":"Deny","Action":"ramsec:Login","Resource":"*"}]}'
	OUT=$(ctl policy update ops-ssh "$T/doc.json" 2>&1)
	check "update: version 2 is current" has "version 2 is now the current one"
	OUT=$(ctl policy update no-such "$T/doc.json" 2>&1); rc=$?
	check "update of an unknown name: refused, not created" test $rc -ne 0
	check "says to create it" has "use 'ramsecctl policy create'"
	OUT=$(ctl policy get ops-ssh)
	check "get: the current document" has '"Effect":"Deny"'
	check "get: the versions kept" has "versions kept: 1 2"
	OUT=$(ctl policy get ops-ssh 1 --json)
	check "get VERSION --json: that version, as JSON" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["version"]==1 and d["current"]==2 and d["document"]["Statement"][0]["Effect"]=="Allow"' "$OUT"
	OUT=$(ctl policy rollback ops-ssh 1 2>&1)
	check "rollback: version 1 current again" has "version 1 is the current one"
	OUT=$(ctl policy list)
	check "list: name, version" grep -Eq '^ops-ssh +1 ' <<<"$OUT"
	for i in 3 4 5 6 7; do ctl policy update ops-ssh "$T/doc.json" >/dev/null; done
	OUT=$(ctl policy get ops-ssh)
	check "five versions kept, as RAM" has "versions kept: 3 4 5 6 7"
	OUT=$(ctl policy rollback ops-ssh 1 2>&1); rc=$?
	check "rollback to a dropped version: refused" test $rc -ne 0
	check "every change logged with the uid" grep -q 'policy update name=ops-ssh version=7 by uid 0' "$T/policyd.log"
}

test_errors_name_the_place() {
	fresh
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0/8"}}}]}'
	OUT=$(ctl policy create bad "$T/doc.json" 2>&1); rc=$?
	check "a bad CIDR: refused" test $rc -ne 0
	check "a bad CIDR: the place and the value" has 'Statement[0].Condition.IpAddress.acs:SourceIp: "10.0.0/8" is not an address or CIDR'
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login","Resource":"*","Condition":{"IpAddressX":{"acs:SourceIp":"10.0.0.0/8"}}}]}'
	OUT=$(ctl policy create bad "$T/doc.json" 2>&1)
	check "an unknown operator: named" has "IpAddressX"
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Logon","Resource":"*"}]}'
	OUT=$(ctl policy create bad "$T/doc.json" 2>&1)
	check "an unknown action: named" has "ramsec:Logon"
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login","Resource":"*","Condition":{"StringEquals":{"ramsec:DayOfWeek":"Mon Mars/Olympus"}}}]}'
	OUT=$(ctl policy create bad "$T/doc.json" 2>&1)
	check "an unknown time zone: named" has "Mars/Olympus"
	python3 -c 'import json; print(json.dumps({"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login","Resource":["service/s%d" % i for i in range(700)]}]}))' >"$T/doc.json"
	OUT=$(ctl policy create big "$T/doc.json" 2>&1); rc=$?
	check "over 6,144 characters: refused" test $rc -ne 0
	check "over 6,144 characters: says so" has "6144"
	OUT=$(ctl policy create 'no/slash' "$T/doc.json" 2>&1)
	check "a bad policy name: refused" has "letters, digits and hyphens"
	OUT=$(ctl policy list)
	check "nothing bad was stored" bash -c "[ \$(wc -l <<<\"\$0\") -eq 1 ]" "$OUT"
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":["ramsec:GetPolicy","ramsec:ForgetUser"],"Resource":"*"}]}'
	ctl policy create reader "$T/doc.json" >/dev/null
	ctl policy attach reader --user $U_BOB >/dev/null
	OUT=$(as_bob policy get "$(printf 'x\033[31mred')" 2>&1)
	check "a policy name with control characters: refused before anything" has "letters, digits and hyphens"
	OUT=$(as_bob user forget "$(printf 'ghost\033[31m')" 2>&1)
	check "a user name no account could have: no such user" has "no such user"
	check "neither reaches the log" bash -c "! grep -q \$'\033' '$T/policyd.log'"
}

test_group_policy_one_network_with_mfa() {
	groups_make
	fresh
	enroll $U_ALICE
	doc "$SSH_ONE_NET_MFA"
	ctl policy create ops-ssh "$T/doc.json" >/dev/null
	OUT=$(ctl policy attach ops-ssh --group $G_OPS 2>&1)
	check "attach to a group" has "attached to group $G_OPS"
	OUT=$(ctl policy list-for $U_ALICE)
	check "list-for: inherited through the group" grep -Eq "^ops-ssh +group $G_OPS" <<<"$OUT"
	drive $U_ALICE --rhost 192.0.2.5 --resp "$PW_ALICE" --resp "$(code)" auth acct
	check "from the network, with a code: logged on" has "acct: PAM_SUCCESS"
	OUT2=$(ctl policy simulate $U_ALICE --service ramsec-test --source 192.0.2.5 --mfa yes --method password)
	check "simulate agrees: allow, by the statement" grep -q '^allow: policy ops-ssh v1 Statement\[0\] (Allow)' <<<"$OUT2"
	advance 30
	drive $U_ALICE --rhost 198.51.100.7 --resp "$PW_ALICE" --resp "$(code)" auth acct
	check "from elsewhere: refused at the account phase" has "acct: PAM_PERM_DENIED"
	check "from elsewhere: the user is told" has "Logon not allowed from this address."
	check "the refusal is logged with its explanation" grep -q 'account user="rst_alice" service="ramsec-test" rhost="198.51.100.7" by="implicit deny" verdict=deny' "$T/policyd.log"
	OUT=$(ctl policy simulate $U_ALICE --service ramsec-test --source 198.51.100.7 --mfa yes)
	check "simulate agrees: deny, implicit" has "deny: implicit deny"
	drive $U_ALICE --rhost 192.0.2.5 --env "$KEYINFO" acct
	check "a key logon gives no code: refused" has "acct: PAM_PERM_DENIED"
	check "a key logon: told a code is needed" has "Logon not allowed without a verification code."
	OUT=$(ctl policy simulate $U_ALICE --service ramsec-test --source 192.0.2.5 --method publickey --json)
	check "simulate --json agrees: deny" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["decision"]=="deny" and d["policies"]==1' "$OUT"
	drive $U_BOB --rhost 198.51.100.7 --resp "$PW_BOB" auth acct
	check "a user without a policy: the settings alone (default_deny off)" has "acct: PAM_SUCCESS"
	sed -i '$a policies = { default_deny = true; };' "$T/ramsec.conf"
	ctl reload >/dev/null
	drive $U_BOB --rhost 198.51.100.7 --resp "$PW_BOB" auth acct
	check "default_deny: no Allow, refused" has "acct: PAM_PERM_DENIED"
	OUT=$(ctl policy simulate $U_BOB --service ramsec-test)
	check "simulate agrees with default_deny" has "deny: implicit deny (no policy attached; policies.default_deny)"
	OUT=$(ctl policy delete ops-ssh 2>&1); rc=$?
	check "delete while attached: refused" test $rc -ne 0
	check "delete while attached: says where" has "attached to group $G_OPS"
	ctl policy detach ops-ssh --group $G_OPS >/dev/null
	OUT=$(ctl policy delete ops-ssh 2>&1)
	check "detached: deleted" has "policy deleted"
	groups_remove
}

test_explicit_deny_wins() {
	fresh
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:*","Resource":"*"}]}'
	ctl policy create all "$T/doc.json" >/dev/null
	doc '{"Version":"1","Statement":[{"Effect":"Deny","Action":"ramsec:Login","Resource":"service/ramsec-*","Condition":{"NotIpAddress":{"acs:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}}]}'
	ctl policy create only-lab "$T/doc.json" >/dev/null
	ctl policy attach all --user $U_ALICE >/dev/null
	ctl policy attach only-lab --user $U_ALICE >/dev/null
	drive $U_ALICE --rhost 2001:db8::7 --resp "$PW_ALICE" auth acct
	check "allowed, and no Deny applies: logged on" has "acct: PAM_SUCCESS"
	drive $U_ALICE --rhost ::ffff:198.51.100.9 --resp "$PW_ALICE" auth acct
	check "an explicit Deny wins over the Allow (v4-mapped source)" has "acct: PAM_PERM_DENIED"
	OUT=$(ctl policy simulate $U_ALICE --service ramsec-test --source ::ffff:198.51.100.9)
	check "simulate names the Deny" has "deny: policy only-lab v1 Statement[0] (Deny)"
	drive $U_ALICE --rhost host.example.com --resp "$PW_ALICE" auth acct
	check "a host name is not an address: the NotIpAddress Deny applies" has "acct: PAM_PERM_DENIED"
}

test_weekday_hours_under_faketime() {
	fresh 'policies = { time_zone = "Europe/Berlin"; };'
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login","Resource":"service/*","Condition":{"StringEquals":{"ramsec:DayOfWeek":["Mon","Tue","Wed","Thu","Fri"]},"DateGreaterThanEquals":{"ramsec:TimeOfDay":"08:00"},"DateLessThan":{"ramsec:TimeOfDay":"18:00"}}}]}'
	ctl policy create office-hours "$T/doc.json" >/dev/null
	ctl policy attach office-hours --user $U_ALICE >/dev/null
	# policyd's clock to a UTC time, as an offset (libfaketime)
	at() { printf "%+d\n" $(($(date -ud "$1" +%s) - $(date +%s))) >"$T/faketime"; }
	at "2026-12-07 09:30:00" # Monday, UTC: 10:30 in Berlin
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "Monday 10:30 Berlin: logged on" has "acct: PAM_SUCCESS"
	at "2026-12-07 17:30:00" # 18:30 in Berlin
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "Monday 18:30 Berlin: refused" has "acct: PAM_PERM_DENIED"
	check "told: not at this time" has "Logon not allowed at this time."
	at "2026-12-05 10:00:00" # Saturday
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "Saturday: refused" has "acct: PAM_PERM_DENIED"
	# DST began on 2026-03-29: 08:00 in Berlin is 07:00 UTC before, 06:00 after
	at "2026-03-30 06:30:00"
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "after the DST change, 06:30 UTC is 08:30 in Berlin: logged on" has "acct: PAM_SUCCESS"
	at "2026-03-27 06:30:00"
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "before it, 06:30 UTC is 07:30 in Berlin: refused" has "acct: PAM_PERM_DENIED"
	OUT=$(ctl policy simulate $U_ALICE --service login --time 2026-03-30T08:30:00+02:00)
	check "simulate with --time agrees (allow)" has "allow: policy office-hours v1 Statement[0] (Allow)"
	OUT=$(ctl policy simulate $U_ALICE --service login --time 2026-03-27T07:30:00+01:00)
	check "simulate with --time agrees (deny)" has "the user is told: Logon not allowed at this time."
	printf 'policies = { time_zone = "Mars/Olympus"; };\n' >"$T/bad.conf"
	OUT=$(ctl settings check "$T/bad.conf" 2>&1); rc=$?
	check "a time zone the zone database lacks: settings check refuses it" test $rc -ne 0
	check "and says so" has "is not a time zone of the zone database"
	echo "+0" >"$T/faketime"
}

HELPDESK='{"Version":"1","Statement":[
 {"Effect":"Allow","Action":["ramsec:UnlockUser","ramsec:ResetPassword","ramsec:GetUser"],"Resource":"user/*"},
 {"Effect":"Deny","Action":"ramsec:*","Resource":"user/root"}]}'

test_helpdesk_unlocks_but_not_root() {
	groups_make
	fresh 'password_policy = { max_login_attempts = 2; };'
	for _ in 1 2; do drive $U_ALICE --resp wrong-one auth; done
	OUT=$(as_bob user unlock $U_ALICE 2>&1); rc=$?
	check "without a policy: a user cannot unlock another" test $rc -ne 0
	check "without a policy: this needs root" has "this needs root, or a policy that allows it"
	doc "$HELPDESK"
	ctl policy create helpdesk "$T/doc.json" >/dev/null
	ctl policy attach helpdesk --group $G_HELP >/dev/null
	OUT=$(as_bob user unlock $U_ALICE 2>&1)
	check "helpdesk: unlocks a user" has "$U_ALICE unlocked"
	check "the delegated action is logged with the caller" grep -q "ramsec:UnlockUser on user/$U_ALICE by uid $(id -u $U_BOB) ($U_BOB): allowed by policy helpdesk v1 Statement\[0\] (Allow)" "$T/policyd.log"
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "and the user logs on again" has "acct: PAM_SUCCESS"
	OUT=$(as_bob user unlock root 2>&1); rc=$?
	check "helpdesk: root is denied" test $rc -ne 0
	check "helpdesk: root is administered by root only" has "administered by root only"
	OUT=$(echo 'Another-Pass-42x' | as_bob user reset-password root 2>&1); rc=$?
	check "helpdesk: cannot reset root's password" test $rc -ne 0
	OUT=$(as_bob user set $U_ALICE --console-logon off 2>&1); rc=$?
	check "helpdesk: nothing more (user set)" test $rc -ne 0
	OUT=$(as_bob policy create mine "$T/doc.json" 2>&1); rc=$?
	check "helpdesk: nothing more (policies)" test $rc -ne 0
	OUT=$(as_bob status 2>&1); rc=$?
	check "helpdesk: nothing more (status)" test $rc -ne 0
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:GetStatus","Resource":"host"}]}'
	ctl policy create monitor "$T/doc.json" >/dev/null
	ctl policy attach monitor --group $G_HELP >/dev/null
	OUT=$(as_bob metrics 2>&1)
	check "GetStatus on resource host: metrics for a monitoring user" has "# EOF"
	OUT=$(echo 'Another-Pass-42x' | as_bob user reset-password $U_ALICE 2>&1)
	check "helpdesk: resets a user's password" has "Password reset: $U_ALICE must change it within 14 days."
	drive $U_ALICE --resp 'Another-Pass-42x' auth acct
	check "the new password logs on" has "auth: PAM_SUCCESS"
	OUT=$(ctl user show $U_ALICE)
	check "reset: the password is an initial one" field password_initial yes
	OUT=$(echo 'short' | as_bob user reset-password $U_ALICE 2>&1); rc=$?
	check "reset: the rules apply" test $rc -ne 0
	restore_alice
	groups_remove
}

test_admin_policy_asks_for_a_code() {
	groups_make
	fresh 'password_policy = { max_login_attempts = 5; };'
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:UnlockUser","Resource":"group/'$G_OPS'","Condition":{"Bool":{"acs:MFAPresent":"true"}}}]}'
	ctl policy create unlock-ops "$T/doc.json" >/dev/null
	ctl policy attach unlock-ops --user $U_BOB >/dev/null
	OUT=$(as_bob user unlock $U_ALICE 2>&1 </dev/null); rc=$?
	check "a policy that wants MFA, no device: refused" test $rc -ne 0
	check "says a code is needed" has "no bound MFA device"
	enroll $U_BOB
	OUT=$(echo 000000 | as_bob user unlock $U_ALICE 2>&1); rc=$?
	check "a wrong code: refused" test $rc -ne 0
	OUT=$(ctl user show $U_BOB)
	check "the wrong code counts on the caller's attempts" field failures_in_window 1
	OUT=$(code | as_bob user unlock $U_ALICE 2>&1)
	check "the right code: allowed (the resource is the target's group)" has "$U_ALICE unlocked"
	OUT=$(code | as_bob user unlock $U_SYS 2>&1); rc=$?
	check "a user outside the group: refused" test $rc -ne 0
	groups_remove
}

test_forgetting_an_account_detaches() {
	fresh
	doc "$SSH_ONE_NET_MFA"
	ctl policy create p "$T/doc.json" >/dev/null
	ctl policy attach p --user $U_ALICE >/dev/null
	OUT=$(ctl policy list-for $U_ALICE)
	check "list-for: own" grep -Eq '^p +own' <<<"$OUT"
	OUT=$(ctl policy attach p --user nosuchuser 2>&1); rc=$?
	check "attach to an unknown user: refused" test $rc -ne 0
	OUT=$(ctl policy attach p --group nosuchgroup 2>&1)
	check "attach to an unknown group: refused" has "no such group"
}

# --- the outside review of the policies (each a regression test) ---------

DENY_ALL='{"Version":"1","Statement":[{"Effect":"Deny","Action":"ramsec:*","Resource":"*"}]}'
ALLOW_ALL='{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:*","Resource":"*"}]}'

test_review_big_groups_fail_closed() {
	groups_make
	fresh
	# a member list far over 4 KiB (names need not be users)
	python3 - "$G_OPS" <<'PY'
import sys
g = sys.argv[1]
lines = open("/etc/group").read().splitlines()
out = []
for l in lines:
    f = l.split(":")
    if f[0] == g:
        f[3] = ",".join([m for m in f[3].split(",") if m] + ["rst_fake%04d" % i for i in range(900)])
        l = ":".join(f)
    out.append(l)
open("/etc/group", "w").write("\n".join(out) + "\n")
PY
	doc "$DENY_ALL"
	ctl policy create nologin "$T/doc.json" >/dev/null
	OUT=$(ctl policy attach nologin --group $G_OPS 2>&1)
	check "a group with a long member list can be attached" has "attached to group $G_OPS"
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "its Deny applies to its members (no 4 KiB limit)" has "acct: PAM_PERM_DENIED"
	OUT=$(ctl policy list-for $U_ALICE)
	check "list-for sees it" has "group $G_OPS"
	groups_remove
	fresh
	local extra="" i
	for i in $(seq -w 1 66); do groupadd "rst_many$i" && extra="$extra,rst_many$i"; done
	usermod -a -G "${extra#,}" $U_ALICE
	doc "$ALLOW_ALL"
	ctl policy create all "$T/doc.json" >/dev/null
	ctl policy attach all --group rst_many66 >/dev/null
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "more groups than policyd reads: refused, not guessed" has "acct: PAM_PERM_DENIED"
	check "and logged" grep -q 'its groups cannot all be read' "$T/policyd.log"
	for i in $(seq -w 1 66); do groupdel "rst_many$i"; done
}

test_review_delegates_never_reach_root() {
	groups_make
	fresh
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":["ramsec:ResetPassword","ramsec:ManageMFA","ramsec:ManageAccessKeys","ramsec:UnlockUser"],"Resource":"user/*"}]}'
	ctl policy create wide "$T/doc.json" >/dev/null
	ctl policy attach wide --group $G_HELP >/dev/null
	local before
	before=$(getent shadow root | cut -d: -f2)
	OUT=$(echo 'Another-Pass-42x' | as_bob user reset-password root 2>&1); rc=$?
	check "user/* does not reach root's password" test $rc -ne 0
	check "says why" has "administered by root only"
	check "root's shadow entry is untouched" test "$(getent shadow root | cut -d: -f2)" = "$before"
	OUT=$(as_bob mfa create root 2>&1); rc=$?
	check "nor root's MFA device" test $rc -ne 0
	usermod -L $U_ALICE
	OUT=$(echo 'Another-Pass-42x' | as_bob user reset-password $U_ALICE 2>&1); rc=$?
	check "a locked account is not unlocked by a delegated reset" test $rc -ne 0
	check "says why" has "no password or is locked"
	check "still locked" bash -c "getent shadow $U_ALICE | cut -d: -f2 | grep -q '^!'"
	usermod -U $U_ALICE
	groups_remove
}

test_review_caller_code_is_capped() {
	groups_make
	fresh # max_login_attempts = 0: no lockout, only the self-service cap
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:GetUser","Resource":"user/*","Condition":{"Bool":{"acs:MFAPresent":"true"}}}]}'
	ctl policy create mfa-show "$T/doc.json" >/dev/null
	ctl policy attach mfa-show --user $U_BOB >/dev/null
	enroll $U_BOB
	for i in 1 2 3 4 5; do echo 00000$i | as_bob user show $U_ALICE >/dev/null 2>&1; done
	OUT=$(code | as_bob user show $U_ALICE 2>&1); rc=$?
	check "after 5 wrong codes the right one is refused too" test $rc -ne 0
	check "every wrong code logged" bash -c "[ \$(grep -c 'mfa admin user=\"$U_BOB\" by uid' '$T/policyd.log') -ge 5 ]"
	groups_remove
}

test_review_group_cache_slot_is_not_shared() {
	groups_make
	fresh
	# a user whose name falls in the group cache slot of bob's
	local twin
	twin=$(python3 -c '
def h(s):
    x = 2166136261
    for c in s.encode():
        x = ((x ^ c) * 16777619) & 0xffffffff
    return x % 256
want = h("rst_bob")
print(next("rst_t%d" % i for i in range(100000) if h("rst_t%d" % i) == want))')
	useradd -M -N -s /usr/sbin/nologin -K UID_MIN=20000 "$twin"
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:UnlockUser","Resource":"user/*"},{"Effect":"Deny","Action":"ramsec:*","Resource":"*","Condition":{"StringEquals":{"ramsec:UserGroup":"'$G_HELP'"}}}]}'
	ctl policy create contract "$T/doc.json" >/dev/null
	ctl policy attach contract --user $U_BOB >/dev/null
	OUT=$(as_bob user unlock "$twin" 2>&1); rc=$?
	check "the caller's groups stay the caller's whoever the target ($twin)" test $rc -ne 0
	check "the Deny on the caller's group decides" has "Statement[1] (Deny)"
	userdel "$twin"
	groups_remove
}

test_review_no_silent_limits() {
	fresh
	doc "$ALLOW_ALL"
	local i
	for i in $(seq 1 70); do ctl policy create "a$i" "$T/doc.json" >/dev/null && ctl policy attach "a$i" --user $U_ALICE >/dev/null; done
	doc "$DENY_ALL"
	ctl policy create zz-deny "$T/doc.json" >/dev/null
	ctl policy attach zz-deny --user $U_ALICE >/dev/null
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "a Deny after 70 Allows still wins" has "acct: PAM_PERM_DENIED"
	for i in $(seq 72 256); do ctl policy create "b$i" "$T/doc.json" >/dev/null; done
	OUT=$(ctl policy create one-too-many "$T/doc.json" 2>&1); rc=$?
	check "policy 257: refused" test $rc -ne 0
	check "says the limit" has "at most 256 policies"
	OUT=$(ctl policy list)
	check "policy list shows all 256" test "$(($(wc -l <<<"$OUT") - 1))" -eq 256
}

test_review_unknown_caller_gets_nothing() {
	fresh
	useradd --badname -M -N -s /usr/sbin/nologin -K UID_MIN=20000 'rst@corp' || return
	doc "$ALLOW_ALL"
	ctl policy create all "$T/doc.json" >/dev/null
	ctl policy attach all --group root >/dev/null
	OUT=$(runuser -u 'rst@corp' -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" user unlock $U_ALICE 2>&1); rc=$?
	check "a caller whose name policyd does not accept gets no policy" test $rc -ne 0
	userdel 'rst@corp'
}

test_review_policy_managers_cannot_raise_themselves() {
	groups_make
	useradd -o -u 0 -g 0 -M -N -s /usr/sbin/nologin rst_toor # a uid-0 alias
	groupadd rst_adm && usermod -a -G rst_adm rst_toor
	PAM_GROUP='pam = { timeout_ms = 3000; fail_delay_ms = 0; break_glass_users = ["root", "'$U_SYS'"]; };' fresh
	# bob may manage every policy, user and group: only the rules below stop him
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:ManagePolicy","Resource":["policy/*","user/*","group/*"]}]}'
	ctl policy create bob-manages "$T/doc.json" >/dev/null
	ctl policy attach bob-manages --user $U_BOB >/dev/null
	doc "$ALLOW_ALL"
	ctl policy create team-bob "$T/doc.json" >/dev/null
	OUT=$(as_bob policy attach team-bob --user root 2>&1)
	check "not to root" has "may not attach policies to root, the break-glass users or itself"
	OUT=$(as_bob policy attach team-bob --user rst_toor 2>&1)
	check "not to a uid-0 alias" has "may not attach policies to root"
	OUT=$(as_bob policy attach team-bob --user $U_SYS 2>&1)
	check "not to a break-glass user" has "may not attach policies to root"
	OUT=$(as_bob policy attach team-bob --user $U_BOB 2>&1)
	check "not to itself" has "may not attach policies to root, the break-glass users or itself"
	OUT=$(as_bob policy attach team-bob --group $G_HELP 2>&1)
	check "not to its own group" has "may not attach policies to its own groups"
	OUT=$(as_bob policy attach team-bob --group rst_adm 2>&1)
	check "not to a group of a uid-0 account" has "a group of root or a break-glass user"
	OUT=$(as_bob policy attach team-bob --group root 2>&1)
	check "not to group root" has "a group of root or a break-glass user"
	OUT=$(as_bob policy attach team-bob --user $U_ALICE 2>&1)
	check "to another user: yes" has "attached to user $U_ALICE"
	doc "$DENY_ALL"
	ctl policy create root-net "$T/doc.json" >/dev/null
	ctl policy attach root-net --user root >/dev/null
	OUT=$(as_bob policy update root-net "$T/doc.json" 2>&1)
	check "a policy in force for root: not updated by a delegate" has "root's to change"
	OUT=$(as_bob policy detach root-net --user root 2>&1)
	check "nor detached" has "root's to change"
	OUT=$(as_bob policy delete root-net 2>&1)
	check "nor deleted" has "root's to change"
	ctl policy attach team-bob --user $U_BOB >/dev/null
	OUT=$(as_bob policy update team-bob "$T/doc.json" 2>&1)
	check "a policy in force for itself: not changed by it" has "in force for itself"
	userdel -f rst_toor; groupdel rst_adm # -f: uid 0 always has processes
	groups_remove
}

test_review2_credentials_only_for_usable_accounts() {
	groups_make
	fresh
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":["ramsec:ManageAccessKeys","ramsec:ManageMFA","ramsec:GetUser","ramsec:ListAccessKeys"],"Resource":"user/*"}]}'
	ctl policy create keys "$T/doc.json" >/dev/null
	ctl policy attach keys --user $U_BOB >/dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$T/k" -C test
	usermod -L $U_ALICE
	OUT=$(as_bob accesskey import $U_ALICE "$(cat "$T/k.pub")" 2>&1); rc=$?
	check "no access key for a locked account" test $rc -ne 0
	check "says why" has "no password or is locked"
	OUT=$(as_bob mfa create $U_ALICE 2>&1); rc=$?
	check "no MFA device for a locked account" test $rc -ne 0
	usermod -U $U_ALICE
	OUT=$(as_bob accesskey import $U_SYS "$(cat "$T/k.pub")" 2>&1)
	check "none for an account ramsec does not govern" has "does not govern this account"
	OUT=$(as_bob accesskey import $U_ALICE "$(cat "$T/k.pub")" 2>&1)
	check "a usable account: yes" has "imported for $U_ALICE"
	OUT=$(as_bob user show root 2>&1)
	check "reading root is no change: allowed" has "user                   root"
	groups_remove
}

test_review2_limits_refuse_only_whom_they_touch() {
	fresh
	doc "$DENY_ALL"
	ctl policy create deny-alice "$T/doc.json" >/dev/null
	ctl policy attach deny-alice --user $U_ALICE >/dev/null
	pd_stop
	# a store from elsewhere with more policies than policyd holds
	local doc='{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login","Resource":"*"}]}' \
		p="" v="" i
	for i in $(seq -f %03g 0 299); do
		p="$p${p:+, }('a$i', 1, 0, 0)"
		v="$v${v:+, }('a$i', 1, '$doc', 0, 0)"
	done
	store_sql "INSERT INTO policies(name, current, created, updated) VALUES $p"
	store_sql "INSERT INTO policy_versions(name, version, doc, created, created_by) VALUES $v"
	pd_start
	drive $U_BOB --resp "$PW_BOB" auth acct
	check "past the limit: a user with no policy still logs on" has "acct: PAM_SUCCESS"
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "a user whose policy was not loaded is refused" has "acct: PAM_PERM_DENIED"
	check "and the log says why" grep -q 'past the 256 policyd holds' "$T/policyd.log"
	fresh
	groupadd rst_a_group_name_longer_than_thirty_two && usermod -a -G rst_a_group_name_longer_than_thirty_two $U_ALICE
	doc "$ALLOW_ALL"
	ctl policy create all "$T/doc.json" >/dev/null
	ctl policy attach all --user $U_BOB >/dev/null
	drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "a long group name does not refuse a user with no policy" has "acct: PAM_SUCCESS"
	groupdel rst_a_group_name_longer_than_thirty_two
	OUT=$(ctl user forget rst_nobody_knows 2>&1)
	sed -i 's/^pam = .*/pam = { timeout_ms = 3000; fail_delay_ms = 0; break_glass_users = ["root", "rst_gone"]; };/' "$T/ramsec.conf"
	ctl reload >/dev/null
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:ForgetUser","Resource":"user/*"}]}'
	ctl policy create forget "$T/doc.json" >/dev/null
	ctl policy attach forget --user $U_BOB >/dev/null
	OUT=$(as_bob user forget rst_gone 2>&1)
	check "a break-glass name NSS does not know: root's to forget" has "administered by root only"
}

test_review3_deny_and_self() {
	groups_make
	local long=rst_a_group_name_well_over_thirty_two_chars
	# groupadd refuses such names; LDAP and AD do not
	echo "$long:x:45123:$U_ALICE" >>/etc/group
	fresh
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":["ramsec:UnlockUser","ramsec:SetUser","ramsec:ManagePolicy"],"Resource":["user/*","policy/*","group/'$G_OPS'"]},{"Effect":"Deny","Action":"ramsec:*","Resource":"group/'$long'"}]}'
	ctl policy create helper "$T/doc.json" >/dev/null
	ctl policy attach helper --user $U_BOB >/dev/null
	OUT=$(as_bob user unlock $U_ALICE 2>&1); rc=$?
	check "a target in a group with a long name: refused, not its Deny skipped" test $rc -ne 0
	OUT=$(as_bob user set $U_BOB --console-logon on 2>&1); rc=$?
	check "delegated rights do not apply to oneself" test $rc -ne 0
	check "says why" has "does not let a user administer its own account"
	sed -i "/^$long:/d" /etc/group
	fresh
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:ManagePolicy","Resource":["policy/*","user/'$U_ALICE'"]}]}'
	ctl policy create bob-manages "$T/doc.json" >/dev/null
	ctl policy attach bob-manages --user $U_BOB >/dev/null
	doc "$ALLOW_ALL"
	ctl policy create ops-all "$T/doc.json" >/dev/null
	ctl policy attach ops-all --user $U_SYS >/dev/null
	OUT=$(as_bob policy update ops-all "$T/doc.json" 2>&1)
	check "no new version of a policy attached to a principal it may not administer" has "attached to principals the caller may not administer"
	ctl policy detach ops-all --user $U_SYS >/dev/null
	ctl policy attach ops-all --user $U_ALICE >/dev/null
	OUT=$(as_bob policy update ops-all "$T/doc.json" 2>&1)
	check "one attached to principals it may administer: yes" has "version 2 is now the current one"
	fresh 'security_preference = { allow_user_to_manage_access_keys = true; };'
	doc '{"Version":"1","Statement":[{"Effect":"Deny","Action":"ramsec:ManageAccessKeys","Resource":"*"}]}'
	ctl policy create no-keys "$T/doc.json" >/dev/null
	ctl policy attach no-keys --user $U_BOB >/dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$T/k" -C test
	OUT=$(as_bob accesskey import $U_BOB "$(cat "$T/k.pub")" 2>&1); rc=$?
	check "an explicit Deny wins over allow_user_to_manage_access_keys" test $rc -ne 0
	check "names the Deny" has "policy no-keys v1 Statement[0] (Deny)"
	groups_remove
}

test_review3_unreadable_accounts_count_as_protected() {
	groups_make
	groupadd rst_adm2
	# an account entry larger than policyd reads, then a uid-0 alias in rst_adm2
	python3 - "$(getent group rst_adm2 | cut -d: -f3)" <<'PY'
import sys
with open("/etc/passwd", "a") as f:
    f.write("rst_huge:x:45124:45124:%s:/nonexistent:/usr/sbin/nologin\n" % ("g" * 70000))
    f.write("rst_toor2:x:0:%s::/nonexistent:/usr/sbin/nologin\n" % sys.argv[1])
PY
	fresh
	doc '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:ManagePolicy","Resource":["policy/*","group/*"]}]}'
	ctl policy create bob-manages "$T/doc.json" >/dev/null
	ctl policy attach bob-manages --user $U_BOB >/dev/null
	ctl policy create team "$T/doc.json" >/dev/null
	OUT=$(as_bob policy attach team --group rst_adm2 2>&1); rc=$?
	check "accounts that cannot all be read: a group counts as root's" test $rc -ne 0
	sed -i '/^rst_huge:/d; /^rst_toor2:/d' /etc/passwd
	groupdel rst_adm2
	groups_remove
}

test_review3_scope_fails_closed() {
	groupdel rst_scope 2>/dev/null; groupadd rst_scope
	local i extra=""
	for i in $(seq -w 1 260); do groupadd "rst_g$i" && extra="$extra,rst_g$i"; done
	usermod -a -G "${extra#,}" $U_SYS
	fresh 'scope = { groups = ["rst_scope"]; };'
	OUT=$(ctl user show $U_SYS)
	check "groups past what policyd reads: governed, not let through" field governed yes
	for i in $(seq -w 1 260); do groupdel "rst_g$i"; done
	groupdel rst_scope
	fresh 'scope = { groups = ["rst_scope"]; };'
	OUT=$(ctl user show $U_SYS)
	check "a scope group that does not exist: the uid range decides" field governed no
}

test_readme_tutorial_policies_are_valid() {
	fresh
	# the JSON heredocs of the README's tutorial, stored as written there
	awk -v dir="$T" '/<<.JSON.$/ { n++; f = dir "/readme-" n ".json"; on = 1; next }
		/^JSON$/ { on = 0; next } on { print > f }' "$ROOT/README.md"
	local n=0 f
	for f in "$T"/readme-*.json; do
		n=$((n + 1))
		OUT=$(ctl policy create "readme-$n" "$f" 2>&1)
		check "README policy $n is valid" has "created"
	done
	check "the README has its three policies" test $n -eq 3
	ctl policy attach readme-3 --user $U_BOB >/dev/null
	OUT=$(as_bob user unlock root 2>&1)
	check "README helpdesk policy: root refused" has "administered by root only"
	OUT=$(as_bob user unlock $U_ALICE 2>&1)
	check "README helpdesk policy: a user unlocked" has "$U_ALICE unlocked"
}

run_tests
