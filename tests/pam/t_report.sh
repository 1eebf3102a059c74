#!/bin/bash
# The security report and the credential report on a fixture of users in
# known states; every count and the score asserted, the CSV parsed back.
. "$(dirname "$0")/lib.sh"

# only the test users (uid 20000+) are governed: the host's own users do
# not change the counts
FIXTURE='scope = { min_uid = 20000; max_uid = 20999; };
password_policy = { minimum_password_length = 12; require_lowercase_characters = true;
  require_uppercase_characters = true; require_numbers = true; password_reuse_prevention = 3;
  max_login_attempts = 2; };
security_preference = { login_network_masks = "192.0.2.0/24"; };'

j() { python3 -c "import json,sys; print(json.loads(sys.argv[1])$1)" "$OUT"; }

test_report_counts_and_score() {
	fresh "$FIXTURE"
	OUT=$(ctl mfa create $U_ALICE)
	local seed now
	seed=$(sed -n 's/^Key (base32): //p' <<<"$OUT")
	now=$(date +%s)
	ctl mfa bind $U_ALICE "$(oathtool --totp -b "$seed" --now "@$((now - 30))")" "$(oathtool --totp -b "$seed" --now "@$now")" >/dev/null
	ssh-keygen -q -t ed25519 -N "" -f "$T/kb"
	ctl accesskey import $U_BOB "$(cat "$T/kb.pub")" >/dev/null
	drive $U_BOB --resp x auth
	drive $U_BOB --resp y auth
	OUT=$(ctl report --json)
	check "users: the 2 governed test users" test "$(j '["users"]')" = 2
	check "users with MFA: 1" test "$(j '["users_with_mfa"]')" = 1
	check "users with unused access keys: 1" test "$(j '["users_with_unused_access_keys"]')" = 1
	check "users with old access keys: 0" test "$(j '["users_with_old_access_keys"]')" = 0
	check "root access keys: 0" test "$(j '["root_access_keys"]')" = 0
	check "password strength: high" test "$(j '["password_strength"]')" = high
	check "root MFA: none" test "$(j '["root_mfa"]')" = False
	check "locked users: 1" test "$(j '["users_locked"]')" = 1
	check "score: 100 - 12 (half without MFA) - 10 (root MFA) - 5 (unused key) = 73" test "$(j '["score"]')" = 73
	check "each finding has its fix" python3 -c 'import json,sys; f=json.loads(sys.argv[1])["findings"]; assert f and all(x["fix"] for x in f)' "$OUT"
	OUT=$(ctl report)
	check "text report: the score" has "score                          73/100"
	check "text report: the unlock fix" has "fix: ramsecctl user unlock USER"
	advance $((91 * 86400))
	OUT=$(ctl report --json)
	check "91 days later the key is old: -5, 68" test "$(j '["score"]')" = 68
}

test_break_glass_counts() {
	fresh "$FIXTURE"
	if [ ! -c /dev/console ]; then ok "SKIP: no /dev/console here"; return; fi
	pd_stop
	drive root --tty /dev/console --resp x auth
	pd_start
	OUT=$(ctl report --json)
	check "a break-glass use in the last 30 days is reported" test "$(j '["break_glass_last_30_days"]')" = 1
	advance $((31 * 86400))
	OUT=$(ctl report --json)
	check "31 days later it is not" test "$(j '["break_glass_last_30_days"]')" = 0
}

test_credential_report_csv() {
	fresh "$FIXTURE"
	ssh-keygen -q -t ed25519 -N "" -f "$T/ka"
	ctl accesskey import $U_ALICE "$(cat "$T/ka.pub")" >/dev/null
	drive $U_ALICE --resp "$PW_ALICE" --rhost 192.0.2.1 auth acct
	OUT=$(ctl credential-report)
	check "credential report: parses as CSV, one row per governed user and root" python3 - "$OUT" <<'PY'
import csv, io, sys
rows = list(csv.DictReader(io.StringIO(sys.argv[1])))
users = {r["user"]: r for r in rows}
assert set(users) == {"root", "rst_alice", "rst_bob"}, users.keys()
a = users["rst_alice"]
assert a["password_last_used"] != "never" and a["mfa_active"] == "false"
assert a["access_key_1_id"].startswith("AK") and a["access_key_1_active"] == "true"
assert a["access_key_1_last_used"] == "never" and a["access_key_2_id"] == ""
assert users["rst_bob"]["password_last_used"] == "never"
assert a["password_last_used_host"] != "" and users["rst_bob"]["password_last_used_host"] == ""
PY
}

run_tests
