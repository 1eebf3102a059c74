#!/bin/bash
# End-to-end: a real OpenSSH sshd in its own network namespace, with its
# PAM stack on the freshly built pam_ramsec.so (bind-mounted over /etc/pam.d
# in a private mount namespace: nothing of the host's stack is touched), a
# private policyd under libfaketime, and real ssh clients in two client
# namespaces: 192.0.2.10 / 2001:db8:1::10 (inside the masks) and
# 198.51.100.10 (outside).  Users are created for the run and removed after.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
e2e_up

# --- the checks --------------------------------------------------------------
ssh_pw rs_c1 rse_alice@192.0.2.1 --answer "Password:=$PW"
check "password logon from inside the masks" has "E2E-OK"

ssh_pw rs_c1 rse_alice@2001:db8:1::1 --answer "Password:=$PW"
check "IPv6 source inside the masks" has "E2E-OK"

ssh_pw rs_c2 rse_alice@198.51.100.1 --answer "Password:=$PW"
check "masked-out source: refused" hasnt "E2E-OK"
check "masked-out source: refused before the password prompt" hasnt "Password:"
OUT=$(cat "$T/policyd.log")
check "masked-out source: refused by the masks (policyd's log)" grep -q 'rhost="198.51.100.10" verdict=deny reason="source address not allowed"' "$T/policyd.log"

for i in 1 2 3; do ssh_pw rs_c1 rse_bob@192.0.2.1 --answer "Password:=wrong-$i"; done
ssh_pw rs_c1 rse_bob@192.0.2.1 --answer "Password:=$PW"
check "after 3 wrong passwords the right one is refused" hasnt "E2E-OK"
check "and the lock is shown with the prompt" has "The account is locked after too many failed logon attempts; try again in 60 minutes."

OUT=$(ctl accesskey create rse_bob)
sed -n '/BEGIN OPENSSH/,/END OPENSSH/p' <<<"$OUT" >"$T/bob.key"; chmod 600 "$T/bob.key"
ssh_key rs_c1 "$T/bob.key" rse_bob@192.0.2.1
check "locked by wrong passwords, the user still logs on with an access key (RAM)" has "E2E-OK"
ssh_pw rs_c1 rse_bob@192.0.2.1 --answer "Password:=$PW"
check "while the right password stays refused" hasnt "E2E-OK"
OUT=$(grep 'account(no password) user="rse_bob"' "$T/policyd.log")
check "sshd's key logon reached the account phase without our password step" has "verdict=allow"
ctl user unlock rse_bob >/dev/null
ssh_key rs_c1 "$T/bob.key" rse_bob@192.0.2.1
check "the access key logs on (served by AuthorizedKeysCommand)" has "E2E-OK"
OUT=$(ctl accesskey list rse_bob --json)
check "the key's last use is recorded from SSH_AUTH_INFO_0" python3 -c 'import json,sys; k=json.loads(sys.argv[1]); assert k[0]["last_used_from"]=="192.0.2.10"' "$OUT"
ssh_key rs_c2 "$T/bob.key" rse_bob@198.51.100.1
check "a key logon from outside the masks is refused" hasnt "E2E-OK"
sed -i 's/login_session_duration = 1; };/login_session_duration = 1; exempt_key_logins_from_masks = true; };/' "$T/ramsec.conf"
ctl reload >/dev/null
ssh_key rs_c2 "$T/bob.key" rse_bob@198.51.100.1
check "exempt_key_logins_from_masks: the key logs on from outside the masks" has "E2E-OK"
ssh_pw rs_c2 rse_bob@198.51.100.1 --answer "Password:=$PW"
check "exempt_key_logins_from_masks: a password from there is still refused" hasnt "E2E-OK"
sed -i 's/ exempt_key_logins_from_masks = true;//' "$T/ramsec.conf"
ctl reload >/dev/null
ctl accesskey disable rse_bob "$(ctl accesskey list rse_bob | awk 'NR == 2 {print $1}')" >/dev/null
ssh_key rs_c1 "$T/bob.key" rse_bob@192.0.2.1
check "a disabled access key is refused" hasnt "E2E-OK"

ctl user set rse_carol --password-reset-required on >/dev/null
ssh_pw rs_c1 rse_carol@192.0.2.1 --answer "Password:=$PW" --answer "Current password:=$PW" \
	--answer "New password:=Carol-New-Pass-9" --answer "Retype new password:=Carol-New-Pass-9"
check "forced change at logon: told" has "You are required to change your password now."
check "forced change at logon: then the session runs" has "E2E-OK"
ssh_pw rs_c1 rse_carol@192.0.2.1 --answer "Password:=Carol-New-Pass-9"
check "the new password logs on" has "E2E-OK"

OUT=$(ctl mfa create rse_dave)
SEED=$(sed -n 's/^Key (base32): //p' <<<"$OUT")
ctl mfa bind rse_dave "$(code "$SEED" -1)" "$(code "$SEED" 0)" >/dev/null
echo "+30" >"$T/faketime"
C=$(code "$SEED")
ssh_pw rs_c1 rse_dave@192.0.2.1 --answer "Password:=$PW" --answer "Verification code:=$C"
check "MFA: password and code log on" has "E2E-OK"
ssh_pw rs_c1 rse_dave@192.0.2.1 --answer "Password:=$PW" --answer "Verification code:=$C"
check "MFA: the same code again is refused" hasnt "E2E-OK"

# central users (issue 12): made with ramsecctl, known to sshd through
# libnss_ramsec, their password held by policyd; NAME@ALIAS logon names
sed -i 's/^pam = /directory = { aliases = ["lab.example"]; };\npam = /' "$T/ramsec.conf"
ctl reload >/dev/null
ctl user create rsc_alice >/dev/null
echo "$PW" | ctl user reset-password rsc_alice >/dev/null
OUT=$(ctl mfa create rsc_alice)
CSEED=$(sed -n 's/^Key (base32): //p' <<<"$OUT")
ctl mfa bind rsc_alice "$(code "$CSEED" -1)" "$(code "$CSEED" 0)" >/dev/null
ssh_pw rs_c1 rsc_alice@192.0.2.1 --answer "Password:=$PW" --answer "Verification code:=$(code "$CSEED" 1)"
check "central user: password and code log on through sshd (no /etc/passwd line)" has "E2E-OK"
ssh_pw rs_c1 rsc_alice@lab.example@192.0.2.1 --answer "Password:=$PW" \
	--answer "Verification code:=$(code "$CSEED" 1)"
check "central user as NAME@ALIAS: the code already used is refused" hasnt "E2E-OK"
echo "+60" >"$T/faketime"
ssh_pw rs_c1 rsc_alice@lab.example@192.0.2.1 --answer "Password:=$PW" \
	--answer "Verification code:=$(code "$CSEED" 1)"
check "central user as NAME@ALIAS: password and code log on" has "E2E-OK"
OUT=$(grep 'user="rsc_alice"' "$T/policyd.log" | tail -n 3)
check "policyd saw NAME (the PAM user became NAME)" has "verdict=allow"
OUT=$(ctl accesskey create rsc_alice)
sed -n '/BEGIN OPENSSH/,/END OPENSSH/p' <<<"$OUT" >"$T/calice.key"; chmod 600 "$T/calice.key"
ssh_key rs_c1 "$T/calice.key" rsc_alice@192.0.2.1
check "central user: an access key logs on" has "E2E-OK"
ssh_key rs_c1 "$T/calice.key" rsc_alice@lab.example@192.0.2.1
check "central user as NAME@ALIAS: the access key logs on" has "E2E-OK"
ssh_key rs_c1 "$T/calice.key" rsc_alice@other.example@192.0.2.1
check "an unknown alias: refused" hasnt "E2E-OK"
ssh_pw rs_c2 rsc_alice@198.51.100.1 --answer "Password:=$PW" --answer "Verification code:=x"
check "central user: the masks apply (refused from outside)" hasnt "E2E-OK"

# a RAM policy on a group: sshd only from the admin network, and only with a code
groupdel rse_ops 2>/dev/null; groupadd rse_ops && usermod -a -G rse_ops rse_dave
cat >"$T/ops.json" <<'JSON'
{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ramsec:Login",
 "Resource": "service/sshd",
 "Condition": {"IpAddress": {"acs:SourceIp": "192.0.2.0/24"}, "Bool": {"acs:MFAPresent": "true"}}}]}
JSON
ctl policy create ops-ssh "$T/ops.json" >/dev/null && ctl policy attach ops-ssh --group rse_ops >/dev/null
echo "+60" >"$T/faketime"
ssh_pw rs_c1 rse_dave@192.0.2.1 --answer "Password:=$PW" --answer "Verification code:=$(code "$SEED")"
check "policy: from the admin network with a code, sshd logs on" has "E2E-OK"
OUT=$(ctl policy simulate rse_dave --service sshd --source 192.0.2.10 --mfa yes --method password)
check "policy: simulate agrees (allow, the statement)" has "allow: policy ops-ssh v1 Statement[0] (Allow)"
echo "+90" >"$T/faketime"
ssh_pw rs_c1 rse_dave@2001:db8:1::1 --answer "Password:=$PW" --answer "Verification code:=$(code "$SEED")"
check "policy: another network (inside the masks) is refused" hasnt "E2E-OK"
check "policy: refused in the account phase, with the explanation" grep -q 'account user="rse_dave" service="sshd" rhost="2001:db8:1::10" by="implicit deny" verdict=deny' "$T/policyd.log"
OUT=$(ctl policy simulate rse_dave --service sshd --source 2001:db8:1::10 --mfa yes --method password)
check "policy: simulate agrees (deny, from this address)" has "the user is told: Logon not allowed from this address."
OUT=$(ctl accesskey create rse_dave)
sed -n '/BEGIN OPENSSH/,/END OPENSSH/p' <<<"$OUT" >"$T/dave.key"; chmod 600 "$T/dave.key"
ssh_key rs_c1 "$T/dave.key" rse_dave@192.0.2.1
check "policy: a key logon gives no code, refused" hasnt "E2E-OK"
OUT=$(ctl policy simulate rse_dave --service sshd --source 192.0.2.10 --method publickey)
check "policy: simulate agrees (deny without a code)" has "Logon not allowed without a verification code."
ctl policy detach ops-ssh --group rse_ops >/dev/null
ssh_key rs_c1 "$T/dave.key" rse_dave@192.0.2.1
check "policy detached: the key logs on again" has "E2E-OK"

# a session outliving login_session_duration (1 h) is ended, warned first
timeout 90 ip netns exec rs_c1 python3 "$HERE/sshdrive.py" --answer "Password:=$PW" -- \
	ssh $SSHOPT -tt -o PreferredAuthentications=keyboard-interactive rse_alice@192.0.2.1 \
	'echo SESSION-UP; sleep 80; echo SESSION-SURVIVED' >"$T/session.out" 2>&1 &
S=$!
for _ in $(seq 1 50); do grep -q SESSION-UP "$T/session.out" 2>/dev/null && break; sleep 0.2; done
echo "+$((90 + 3600 - 200))" >"$T/faketime"
sleep 7
echo "+$((90 + 3600 + 10))" >"$T/faketime"
wait $S
OUT=$(cat "$T/session.out")
check "the session's terminal was warned before the end" has "this session ends in 4 minutes"
check "the whole SSH connection ended at the deadline" hasnt "SESSION-SURVIVED"

echo "e2e${E2E_STORE:+ ($E2E_STORE)}: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
