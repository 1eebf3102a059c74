#!/bin/bash
# Where NSS folds case (LDAP, SSSD), "ALICE" and "alice" are one account:
# one attempt counter, one lock.  The whole file runs in a private mount
# namespace with its own nsswitch.conf ("passwd: files rscase", a test
# module that folds case); the host's is untouched.
if [ -z "${RS_IN_NS:-}" ]; then
	export RS_IN_NS=1
	exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

[ -f "$BUILD/tests/libnss_rscase.so.2" ] || { echo "t_casefold.sh: 0 passed, 1 failed"; exit 1; }
nsswitch_with rscase
export LD_LIBRARY_PATH="$BUILD/tests"

test_one_counter_for_every_spelling() {
	fresh 'password_policy = { max_login_attempts = 4; };'
	check "the test NSS folds case" test "$(getent passwd RST_ALICE | cut -d: -f1)" = "$U_ALICE"
	local u
	for u in RST_ALICE Rst_Alice rst_ALICE; do
		drive "$u" --resp "wrong-password" auth
	done
	OUT=$(ctl user show $U_ALICE)
	check "three spellings, one counter: 3 failures for $U_ALICE" field failures_in_window 3
	drive $U_ALICE --resp "wrong-password" auth
	check "the 4th (as $U_ALICE) locks" has "account is locked"
	drive RST_ALICE --resp "$PW_ALICE" auth
	check "another spelling is locked too, even with the right password" has "account is locked"
	ctl user unlock RST_ALICE >/dev/null
	drive Rst_Alice --resp "$PW_ALICE" auth
	check "unlocked by any spelling; the right password logs on" has "auth: PAM_SUCCESS"
	check "the log names the account as NSS spells it" grep -q "auth user=\"$U_ALICE\".*verdict=allow" "$T/policyd.log"
}

test_policy_managers_see_groups_as_nss_spells_them() {
	groupdel rst_help 2>/dev/null; groupadd rst_help && usermod -a -G rst_help $U_BOB
	fresh
	printf '%s' '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:ManagePolicy","Resource":["policy/*","group/*"]}]}' >"$T/doc.json"
	ctl policy create bob-manages "$T/doc.json" >/dev/null
	ctl policy attach bob-manages --user $U_BOB >/dev/null
	ctl policy create team "$T/doc.json" >/dev/null
	check "the test NSS folds group names" test "$(getent group RST_HELP | cut -d: -f1)" = rst_help
	OUT=$(runuser -u $U_BOB -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" policy attach team --group RST_HELP 2>&1)
	check "another spelling of its own group is still its own group" has "may not attach policies to its own groups"
	groupdel rst_help
}

run_tests
