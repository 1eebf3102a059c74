#!/bin/bash
# The directory (issue 12): central users and groups made with ramsecctl,
# served by libnss_ramsec.  The whole file runs in a private mount namespace
# whose /etc/nsswitch.conf says "passwd: files ramsec" (the host's is
# untouched); glibc finds build/libnss_ramsec.so.2 through LD_LIBRARY_PATH
# and the module asks the test's policyd (RAMSEC_NSS_SOCKET).
if [ -z "${RS_IN_NS:-}" ]; then
	export RS_IN_NS=1
	exec unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

[ -f "$BUILD/libnss_ramsec.so.2" ] || { echo "t_directory.sh: 0 passed, 1 failed"; exit 1; }
nsswitch_with ramsec
export LD_LIBRARY_PATH="$BUILD"

# dir_fresh [CONF]: a fresh policyd, the module pointed at its socket (in
# policyd's environment too: were it to ask the module, it would ask itself)
dir_fresh() {
	fresh "$@"
	pd_stop
	export RAMSEC_NSS_SOCKET="$T/run/user.sock"
	pd_start
}

# ms CMD...: runs CMD; its output in $OUT, how long it took (ms) in $MS
ms() {
	local t0
	t0=$(date +%s%N)
	OUT=$("$@" 2>&1)
	MS=$((($(date +%s%N) - t0) / 1000000))
}

test_module_exports_only_its_entry_points() {
	OUT=$(nm -D --defined-only "$BUILD/libnss_ramsec.so.2" | awk '{print $3}')
	check "libnss_ramsec exports only _nss_ramsec_* symbols" \
		test -z "$(grep -v '^_nss_ramsec_' <<<"$OUT")"
	check "it has the eleven entry points" test "$(grep -c '^_nss_ramsec_' <<<"$OUT")" -eq 11
	OUT=$(ldd "$BUILD/libnss_ramsec.so.2")
	check "it needs only libc (no libconfig, OpenSSL or libpq in every process)" \
		test -z "$(grep '=>' <<<"$OUT" | grep -v 'libc.so')"
}

test_users_and_groups_through_nss() {
	dir_fresh
	OUT=$(ctl group create rsd_ops 2>&1)
	check "group create" has "group rsd_ops created: gid 200000"
	OUT=$(ctl user create rsd_alice --gecos "Alice A" --groups rsd_ops 2>&1)
	check "user create: the first free uid of the range, its own group" \
		has "user rsd_alice created: uid 200000, gid 200001"
	OUT=$(getent passwd rsd_alice)
	check "getent passwd NAME: the central user" \
		test "$OUT" = "rsd_alice:*:200000:200001:Alice A:/home/rsd_alice:/bin/bash"
	OUT=$(getent passwd 200000)
	check "getent passwd UID" has "rsd_alice:*:200000:"
	OUT=$(store_sql "SELECT created FROM dir_users WHERE name = 'rsd_alice'")
	check "the store says when it was created" test "${OUT:-0}" -gt 1700000000
	OUT=$(getent group rsd_ops)
	check "getent group NAME: with its member" test "$OUT" = "rsd_ops:*:200000:rsd_alice"
	OUT=$(getent group 200001)
	check "getent group GID: the user's own group" test "$OUT" = "rsd_alice:*:200001:"
	OUT=$(id rsd_alice)
	check "id: uid, own group and directory groups (initgroups)" \
		test "$OUT" = "uid=200000(rsd_alice) gid=200001(rsd_alice) groups=200001(rsd_alice),200000(rsd_ops)"
	OUT=$(getent passwd root $U_ALICE)
	check "local accounts still resolve first" has "root:x:0:0"
	check "local accounts still resolve first ($U_ALICE)" has "$U_ALICE:x:"
	OUT=$(getent passwd rsd_nobody; echo "rc=$?")
	check "an unknown name: not found (exit 2)" has "rc=2"
	# su -: a login shell of the central user (its home is not made here:
	# pam_mkhomedir's work; su says so and goes on in /).  The shell's
	# clean environment has not the test's module path: ids, not names
	OUT=$(su - rsd_alice -c 'id -u; id -g' 2>&1)
	check "su - to the central user (as root): a login shell runs as it, in its own group" \
		test "$(grep -E '^[0-9]+$' <<<"$OUT" | tr '\n' ' ')" = "200000 200001 "
	OUT=$(ctl group add-member rsd_ops $U_ALICE 2>&1)
	check "a local account cannot join a directory group" has "no such user in the directory"
}

test_what_is_refused() {
	dir_fresh
	ctl group create rsd_ops >/dev/null
	OUT=$(ctl user create root 2>&1)
	check "root: refused" has "useradd's"
	OUT=$(ctl user create $U_BOB 2>&1)
	check "a local user's name: refused" has "is a local account or group"
	OUT=$(ctl user create rsd_bob 2>&1)
	ctl user create rsd_bob >/dev/null 2>&1
	OUT=$(ctl user create rsd_bob 2>&1)
	check "the same name twice: refused" has "has a user or group rsd_bob already"
	OUT=$(ctl user create rsd_ops 2>&1)
	check "a directory group's name: refused" has "has a user or group rsd_ops already"
	OUT=$(ctl user create 'rsd:x' 2>&1)
	check "a name RAM would refuse: refused" has "not a user name we accept"
	OUT=$(ctl user create rsd_c --gecos 'a:b' 2>&1)
	check "a gecos with ':' (a forged passwd line): refused" has "gecos: not a value"
	OUT=$(ctl user create rsd_c --shell 'bin/sh' 2>&1)
	check "a relative shell: refused" has "shell: not a value"
	OUT=$(ctl user create rsd_c --home "/home/$(printf 'x%.0s' $(seq 1 300))" 2>&1)
	check "a home over 255 bytes: refused" has "home: not a value"
	OUT=$(ctl user create rsd_c --uid 100 2>&1)
	check "a uid outside directory.min_id..max_id: refused" has "outside directory.min_id"
	OUT=$(ctl user create rsd_c --groups rsd_none 2>&1)
	check "an unknown group: refused" has "no such group in the directory: rsd_none"
	OUT=$(getent passwd rsd_c; echo "rc=$?")
	check "after every refusal: no user rsd_c" has "rc=2"
	OUT=$(ctl group delete rsd_bob 2>&1)
	check "a user's own group cannot be deleted" has "it is user rsd_bob's own group"
	OUT=$(ctl user create rsd_d --uid 200000 2>&1)
	check "a uid already taken: refused" has "that uid is taken"
}

test_set_and_delete() {
	dir_fresh
	ctl group create rsd_ops >/dev/null
	ctl group create rsd_dev >/dev/null
	ctl user create rsd_alice --groups rsd_ops >/dev/null
	OUT=$(ctl user set rsd_alice --groups rsd_dev 2>&1)
	check "user set --groups" has "user changed"
	OUT=$(getent group rsd_ops rsd_dev)
	check "its groups are now those given" test "$OUT" = "rsd_ops:*:200000:
rsd_dev:*:200001:rsd_alice"
	ctl user set rsd_alice --shell /bin/sh --gecos "Alice B" >/dev/null
	OUT=$(getent passwd rsd_alice)
	check "user set --shell --gecos" has ":Alice B:/home/rsd_alice:/bin/sh"
	ctl group remove-member rsd_dev rsd_alice >/dev/null
	OUT=$(getent group rsd_dev)
	check "group remove-member" test "$OUT" = "rsd_dev:*:200001:"
	ctl group add-member rsd_dev rsd_alice >/dev/null
	OUT=$(ctl user delete rsd_alice 2>&1)
	check "user delete" has "user deleted"
	OUT=$(getent passwd rsd_alice; getent group rsd_alice; echo "rc=$?")
	check "the user and its own group are gone" test "$OUT" = "rc=2"
	OUT=$(getent group rsd_dev)
	check "and its memberships" test "$OUT" = "rsd_dev:*:200001:"
	OUT=$(ctl group delete rsd_dev 2>&1)
	check "group delete" has "group deleted"
	OUT=$(getent group rsd_dev; echo "rc=$?")
	check "the group is gone" has "rc=2"
}

test_ids_skip_local_accounts() {
	local uid
	uid=$(id -u $U_ALICE)
	dir_fresh "directory = { min_id = $uid; max_id = $((uid + 5)); };"
	OUT=$(ctl user create rsd_e 2>&1)
	local got
	got=$(sed -n 's/.*created: uid \([0-9]*\),.*/\1/p' <<<"$OUT")
	check "the range starts at a local uid: a free one is taken ($got)" \
		test -n "$got" -a "$got" -gt "$uid"
	check "(no local account has it)" not getent -s files passwd "$got"
	OUT=$(ctl user create rsd_f --uid "$uid" 2>&1)
	check "a local account's uid: refused" has "that uid is taken"
}

test_enumeration() {
	dir_fresh
	ctl group create rsd_ops >/dev/null
	ctl user create rsd_alice --groups rsd_ops >/dev/null
	OUT=$(getent passwd)
	check "enumeration off (the default): getent passwd lists local accounts only" \
		hasnt "rsd_alice"
	check "(the local ones all there)" has "$U_ALICE:x:"
	# on: 150 users, more than two pages of policyd's answers
	dir_fresh 'directory = { enumerate = true; };'
	local i
	for i in $(seq 1 150); do ctl user create "rsd_e$i" >/dev/null; done
	ctl group create rsd_ops >/dev/null
	ctl group add-member rsd_ops rsd_e7 >/dev/null
	OUT=$(getent passwd)
	check "directory.enumerate: getent passwd lists the local accounts" has "$U_ALICE:x:"
	check "and all 150 central users, each once" \
		test "$(grep -c '^rsd_e[0-9]*:\*:' <<<"$OUT")" -eq 150 -a \
		"$(grep '^rsd_e' <<<"$OUT" | sort -u | wc -l)" -eq 150
	OUT=$(getent group)
	check "getent group lists the directory's groups (with members)" has "rsd_ops:*:"
	check "(its member)" has ":rsd_e7"
}

test_thread_safe() {
	dir_fresh
	ctl group create rsd_ops >/dev/null
	ctl user create rsd_alice --groups rsd_ops >/dev/null
	OUT=$("$BUILD/tests/nss_threads" 16 200 rsd_alice 200000 rsd_ops 200000 2>&1)
	check "16 threads' lookups at once (getpwnam, getpwuid, getgrnam, getgrouplist): all right" \
		has "ok 12800 of 12800"
}

test_policyd_down() {
	dir_fresh
	ctl user create rsd_alice >/dev/null
	pd_stop
	ms getent passwd rsd_alice
	check "policyd stopped: getent finds nothing in $MS ms (< 50)" test -z "$OUT" -a "$MS" -lt 50
	ms getent passwd root
	check "local users still work ($MS ms)" has "root:x:0:0"
	ms id rsd_alice
	check "id: no such user, at once ($MS ms)" has "no such user"
}

test_policyd_never_asks_itself() {
	# policyd runs in this namespace too: its own lookups must not come
	# back to it through the module (its loop would wait on itself)
	dir_fresh
	ctl user create rsd_alice >/dev/null
	local t0=$(date +%s%N)
	drive $U_ALICE --resp "$PW_ALICE" auth
	MS=$((($(date +%s%N) - t0) / 1000000))
	check "a local user's logon with the module in nsswitch ($MS ms)" has "auth: PAM_SUCCESS"
	check "(well under the module's 1 s deadline)" test "$MS" -lt 900
	ms ctl user show rsd_alice
	check "policyd looked the central name up without asking itself ($MS ms)" test "$MS" -lt 900
}

test_central_user_logs_on() {
	dir_fresh 'password_policy = { max_login_attempts = 3; minimum_password_length = 10; };'
	ctl user create rsd_alice >/dev/null
	drive rsd_alice --rhost 192.0.2.1 --resp 'Central-Pass-77' auth
	check "a central user without a password yet: refused" has "auth: PAM_AUTH_ERR"
	OUT=$(echo 'short' | ctl user reset-password rsd_alice 2>&1)
	check "reset-password: the rules apply to central users" has "at least 10 characters"
	OUT=$(echo 'Central-Pass-77' | ctl user reset-password rsd_alice 2>&1)
	check "reset-password sets a central user's password" has "Password reset: rsd_alice"
	OUT=$(getent shadow rsd_alice; echo "rc=$?")
	check "it is not in /etc/shadow (policyd holds it)" has "rc=2"
	OUT=$(store_sql "SELECT hash, lastchg FROM dir_users WHERE name = 'rsd_alice'")
	check "the directory holds a yescrypt hash, set today" \
		grep -q "^\\\$y\\\$.*|$(($(date +%s) / 86400))\$" <<<"$OUT"
	check "never the password itself" not store_holds 'Central-Pass-77'
	drive rsd_alice --rhost 192.0.2.1 --resp 'Central-Pass-77' auth acct
	check "the central user logs on with it, through PAM" has "auth: PAM_SUCCESS"
	check "and its account phase passes" has "acct: PAM_SUCCESS"
	OUT=$(ctl user show rsd_alice)
	check "ramsec knows it as a governed user (last logon recorded)" has "last_logon_source"
	local i
	for i in 1 2 3; do drive rsd_alice --rhost 192.0.2.1 --resp 'wrong-pass-0' auth; done
	drive rsd_alice --rhost 192.0.2.1 --resp 'Central-Pass-77' auth
	check "3 wrong passwords lock a central user as any other" has "account is locked"
	ctl user unlock rsd_alice >/dev/null
	drive rsd_alice --rhost 192.0.2.1 --resp 'Central-Pass-77' auth
	check "unlocked: it logs on again" has "auth: PAM_SUCCESS"
	OUT=$(ctl user delete rsd_alice 2>&1)
	check "user delete" has "user deleted"
	drive rsd_alice --rhost 192.0.2.1 --resp 'Central-Pass-77' auth
	check "deleted: refused" has "auth: PAM_AUTH_ERR"
	OUT=$(ctl user show rsd_alice 2>&1)
	check "its records retired with it" has "retired"
}

test_central_user_changes_its_password() {
	dir_fresh 'password_policy = { password_reuse_prevention = 2; };'
	ctl user create rsd_bob >/dev/null
	echo 'First-Pass-111' | ctl user reset-password rsd_bob >/dev/null
	# passwd run by the user (setuid: real uid its own): the current one,
	# then the new one twice - through the stack pam-auth-update makes
	drive rsd_bob --ruid rsd_bob --resp 'First-Pass-111' --resp 'Second-Pass-222' \
		--resp 'Second-Pass-222' chauthtok
	check "the central user changes its own password through PAM" has "chauthtok: PAM_SUCCESS"
	drive rsd_bob --resp 'Second-Pass-222' auth
	check "the new one logs on" has "auth: PAM_SUCCESS"
	drive rsd_bob --resp 'First-Pass-111' auth
	check "the old one no longer does" has "auth: PAM_AUTH_ERR"
	drive rsd_bob --ruid rsd_bob --resp 'Second-Pass-222' --resp 'First-Pass-111' \
		--resp 'First-Pass-111' chauthtok
	check "the history applies: the last password is refused" has "chauthtok: PAM_AUTHTOK_ERR"
	drive rsd_bob --ruid rsd_bob --resp 'wrong-current' --resp 'Third-Pass-333' \
		--resp 'Third-Pass-333' chauthtok
	check "a wrong current password: refused" has "chauthtok: PAM_AUTH"
	OUT=$(ctl user show rsd_bob)
	check "and counted on its retry counter (with the old password's logon)" \
		field failures_in_window 2
	drive $U_ALICE --ruid $U_ALICE --resp "$PW_ALICE" --resp 'Local-Pass-444' \
		--resp 'Local-Pass-444' chauthtok
	check "a local user's change still goes to pam_unix (/etc/shadow)" has "chauthtok: PAM_SUCCESS"
	check "(its shadow entry holds the new one)" \
		python3 -c 'import crypt,spwd,sys; h=spwd.getspnam(sys.argv[1]).sp_pwdp; sys.exit(crypt.crypt(sys.argv[2], h) != h)' \
		$U_ALICE 'Local-Pass-444'
	echo "$U_ALICE:$PW_ALICE" | chpasswd
}

test_cache_sees_this_hosts_changes_at_once() {
	dir_fresh
	OUT=$(getent passwd rsd_later; getent passwd rsd_later; echo "rc=$?")
	check "a name no one has: not found (and that answer kept)" has "rc=2"
	ctl user create rsd_later >/dev/null
	OUT=$(getent passwd rsd_later)
	check "created: found at once, not the kept 'no such user'" has "rsd_later:*:"
	ctl user set rsd_later --shell /bin/sh >/dev/null
	OUT=$(getent passwd rsd_later)
	check "changed: the new entry at once" has ":/bin/sh"
	ctl user delete rsd_later >/dev/null
	OUT=$(getent passwd rsd_later; echo "rc=$?")
	check "deleted: gone at once" has "rc=2"
}

test_reports_include_central_users() {
	dir_fresh
	ctl user create rsd_rep >/dev/null
	echo 'Report-Pass-99' | ctl user reset-password rsd_rep >/dev/null
	ctl mfa create rsd_rep >/dev/null
	OUT=$(ctl credential-report)
	check "credential report: the central user, with where its account lives" python3 - "$OUT" <<'PY'
import csv, io, sys
rows = {r["user"]: r for r in csv.DictReader(io.StringIO(sys.argv[1]))}
assert rows["rsd_rep"]["account"] == "directory", rows["rsd_rep"]
assert rows["rsd_rep"]["uid"] == "200000"
assert rows["rsd_rep"]["password_enabled"] == "true"
assert rows["rst_alice"]["account"] == "local" and rows["root"]["account"] == "local"
PY
	OUT=$(ctl report --json)
	check "report: the central user counts among the users" python3 - "$OUT" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["users"] == 4, r  # root, the two test users and the central one
PY
}

test_review_store_ids_never_served() {
	# a row written into the database directly (another host's root, a
	# database account): uid 0 or a local gid is not served, nor logs on
	dir_fresh
	ctl group create rsd_g >/dev/null
	ctl user create rsd_evil --groups rsd_g >/dev/null
	echo 'Evil-Pass-123' | ctl user reset-password rsd_evil >/dev/null
	store_sql "UPDATE dir_users SET uid = 0 WHERE name = 'rsd_evil'" >/dev/null
	store_sql "UPDATE dir_groups SET gid = $(getent group sudo | cut -d: -f3) WHERE name = 'rsd_g'" \
		>/dev/null
	OUT=$(getent passwd rsd_evil; getent passwd 0 | grep -v '^root:'; echo "rc=$?")
	check "a directory row with uid 0: not served" test "$OUT" = "rc=1"
	OUT=$(getent group rsd_g; echo "rc=$?")
	check "a directory group with sudo's gid: not served" has "rc=2"
	drive rsd_evil --resp 'Evil-Pass-123' auth
	check "and the user of such a row does not log on" has "auth: PAM_AUTH_ERR"
	check "policyd says why" grep -q "the directory holds uid 0, outside" "$T/policyd.log"
}

test_review_names_and_paths() {
	dir_fresh
	local n
	for n in ROOT Rsd_caps 0 admin wheel sudo systemd-x rsd_a\$; do
		OUT=$(ctl user create "$n" 2>&1)
		check "user name '$n': refused" has "useradd's"
	done
	OUT=$(ctl group create SUDO 2>&1)
	check "group SUDO (sudo matches group names without case): refused" has "useradd's"
	OUT=$(ctl user create "$(tr a-z A-Z <<<"$U_ALICE" | tr A-Z a-z)" 2>&1)
	check "a local name: refused" has "is a local account or group"
	OUT=$(ctl user create rsd_h --home /etc/systemd/system/ssh.service.d 2>&1)
	check "a home outside directory.home_base (pam_mkhomedir makes it as root): refused" \
		has "home: not a value"
	OUT=$(ctl user create rsd_h --home /home/../root 2>&1)
	check "a home with '..': refused" has "home: not a value"
	OUT=$(ctl user create rsd_h --shell '/bin/sh -c id' 2>&1)
	check "a shell not in /etc/shells: refused" has "shell: not a value"
	OUT=$(ctl user create rsd_h --home /home/elsewhere/rsd_h --shell /bin/sh 2>&1)
	check "a home under /home and a listed shell: fine" has "user rsd_h created"
}

test_review_delegates_and_groups() {
	dir_fresh
	ctl group create rsd_team >/dev/null
	ctl group create rsd_admins >/dev/null
	ctl user create rsd_u1 >/dev/null
	ctl user create rsd_boss >/dev/null
	cat >"$T/doc.json" <<'JSON'
{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ramsec:ManageDirectory",
 "Resource": ["user/rsd_*", "group/rsd_team"]}]}
JSON
	ctl policy create dir-team "$T/doc.json" >/dev/null
	ctl policy attach dir-team --user rsd_boss >/dev/null
	boss() { runuser -u rsd_boss -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" "$@" 2>&1; }
	OUT=$(boss group add-member rsd_team rsd_u1)
	check "a delegate adds a member to a group its policy names" has "member added"
	OUT=$(boss group add-member rsd_admins rsd_u1)
	check "but not to another group" hasnt "member added"
	OUT=$(boss user set rsd_u1 --groups rsd_admins)
	check "nor through user set --groups (root's)" has "--groups is root's"
	OUT=$(boss user create rsd_u2 --groups rsd_admins)
	check "nor through user create --groups" has "--groups is root's"
	OUT=$(boss group add-member rsd_team rsd_boss)
	check "a delegate never adds itself to a group" has "does not let a user add itself"
	OUT=$(ctl group add-member rsd_u1 rsd_boss 2>&1)
	check "no one joins another user's own group" has "is user rsd_u1's own group"
	OUT=$(getent group rsd_admins rsd_u1)
	check "(those groups have no new members)" test "$OUT" = "rsd_admins:*:200001:
rsd_u1:*:200002:"
	# the caps, enforced
	store_sql "INSERT INTO dir_members(grp, usr) SELECT 'rsd_team', 'm' || x FROM
		(WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 1023)
		 SELECT x FROM s) t" >/dev/null
	OUT=$(ctl group add-member rsd_team rsd_boss 2>&1)
	check "a group of 1024 members takes no more" has "has 1024 members"
}

test_review_alias_of_a_later_local_account() {
	dir_fresh 'directory = { aliases = ["lab.example"]; };'
	ctl user create rsd_late >/dev/null
	# made where useradd does not see the directory (with it, useradd
	# refuses the name: it exists)
	umount /etc/nsswitch.conf
	useradd -M -N -s /usr/sbin/nologin rsd_late
	nsswitch_with ramsec
	OUT=$(getent passwd rsd_late@lab.example; echo "rc=$?")
	userdel rsd_late
	check "NAME@ALIAS where a local account took NAME: no one" has "rc=2"
}

test_alias_logon_names() {
	dir_fresh 'directory = { aliases = ["lab.example", "acme.onaliyun.com"]; };
		password_policy = { max_login_attempts = 3; };'
	ctl user create rsd_alice >/dev/null
	echo 'Alias-Pass-555' | ctl user reset-password rsd_alice >/dev/null
	OUT=$(getent passwd rsd_alice@lab.example)
	check "getent passwd NAME@ALIAS: the user, by its name" \
		test "$OUT" = "rsd_alice:*:200000:200000::/home/rsd_alice:/bin/bash"
	OUT=$(getent passwd rsd_alice@LAB.Example rsd_alice@acme.onaliyun.com | wc -l)
	check "any alias, in any case" test "$OUT" = 2
	OUT=$(getent passwd rsd_alice@other.example; echo "rc=$?")
	check "another alias: no one" has "rc=2"
	OUT=$(getent passwd $U_ALICE@lab.example; echo "rc=$?")
	check "a local account has no alias" has "rc=2"
	OUT=$(id -un rsd_alice@lab.example)
	check "id NAME@ALIAS: NAME" test "$OUT" = rsd_alice
	drive rsd_alice@lab.example --rhost 192.0.2.1 --resp 'Alias-Pass-555' auth user acct
	check "NAME@ALIAS logs on through PAM" has "auth: PAM_SUCCESS"
	check "as NAME: the PAM user is NAME from then on" has "user: rsd_alice"
	check "its account phase passes" has "acct: PAM_SUCCESS"
	drive rsd_alice@lab.example --rhost 192.0.2.1 --resp 'wrong-pass-1' auth
	drive rsd_alice@acme.onaliyun.com --rhost 192.0.2.1 --resp 'wrong-pass-2' auth
	drive rsd_alice --rhost 192.0.2.1 --resp 'wrong-pass-3' auth
	drive rsd_alice@lab.example --rhost 192.0.2.1 --resp 'Alias-Pass-555' auth
	check "one retry counter for NAME and every NAME@ALIAS: locked" has "account is locked"
	ctl user unlock rsd_alice >/dev/null
	local ghost known
	drive rsd_alice@other.example --rhost 192.0.2.1 --resp 'Alias-Pass-555' auth user
	ghost=$OUT
	check "an unknown alias: refused" has "auth: PAM_AUTH_ERR"
	check "(the PAM user is left as typed)" has "user: rsd_alice@other.example"
	drive rsd_nobody --rhost 192.0.2.1 --resp 'Alias-Pass-555' auth
	known=$(grep -v '^user:' <<<"$ghost")
	check "an unknown alias gets what an unknown user gets (same prompts, same result)" \
		test "$known" = "$OUT"
	drive $U_ALICE@lab.example --rhost 192.0.2.1 --resp "$PW_ALICE" auth
	check "a local account by NAME@ALIAS: an unknown user" has "auth: PAM_AUTH_ERR"
	OUT=$(su -s /bin/sh rsd_alice@lab.example -c 'id -un' 2>&1)
	check "su NAME@ALIAS (as root): runs as NAME" test "$OUT" = rsd_alice
}

run_tests
