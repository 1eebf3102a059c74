#!/bin/bash
# The fleet: three policyd instances as three hosts (a, b, c: own configs,
# sockets, host_id and PAM services) on one private PostgreSQL 15 started
# here (tests/pg/pg.sh: initdb and pg_ctl as nobody, a Unix socket only).
# Real libpam drives every logon (pamdrive), as tests/pam does.
set -u
export B=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
if [ "$(id -u)" != 0 ]; then
	echo "# SKIPPED: the fleet tests need root (test users, /etc/shadow)"
	exit 0
fi
. tests/fleet/lib.sh

test_lockout_exact_across_hosts() {
	fleet_up 'password_policy = { max_login_attempts = 5; };'
	local i hosts=($HOSTS) pids=()
	for i in $(seq 1 32); do
		on "${hosts[$((i % 3))]}" drive $U_ALICE --resp "wrong-$i" auth >/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	local n
	n=$(verifications)
	OUT="verifications: $n"
	check "32 parallel wrong passwords over 3 hosts: exactly 5 checked in the fleet" [ "$n" -eq 5 ]
	echo "# storm: 32 wrong passwords, $n verifications fleet-wide (max_login_attempts = 5)"
	for i in $HOSTS; do
		on "$i" drive $U_ALICE --resp "$PW_ALICE" auth
		check "host $i refuses the right password (locked fleet-wide)" has "auth: PAM_AUTH_ERR"
	done
	OUT=$(on c ctl user show $U_ALICE)
	check "host c shows the lock" field locked yes
	on b ctl user unlock $U_ALICE >/dev/null
	for i in $HOSTS; do
		on "$i" drive $U_ALICE --resp "$PW_ALICE" auth
		check "unlocked on b: host $i lets the right password in" has "auth: PAM_SUCCESS"
	done
}

test_current_password_exact_across_hosts() {
	fleet_up 'password_policy = { max_login_attempts = 3; };'
	local i hosts=($HOSTS) pids=() n
	for i in $(seq 1 12); do
		on "${hosts[$((i % 3))]}" drive $U_ALICE --ruid $U_ALICE --resp "guess-$i" chauthtok \
			>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	n=$(verifications)
	OUT="verifications: $n"
	check "12 parallel wrong current passwords (passwd) over 3 hosts: exactly 3 checked" [ "$n" -eq 3 ]
	OUT=$(on b ctl user show $U_ALICE)
	check "and the user is locked fleet-wide" field locked yes
}

test_code_accepted_once() {
	fleet_up
	enroll_on a $U_BOB
	check "MFA bound on host a" has "bound"
	next_step
	local c h ok
	c=$(code)
	ok=$(at_once "auth: PAM_SUCCESS" drive_print $U_BOB --resp "$PW_BOB" --resp "$c" auth)
	OUT="accepted $ok"
	check "one code sent to the three hosts in parallel: accepted exactly once" [ "$ok" -eq 1 ]
	echo "# OTP once: 1 code, 3 hosts in parallel, $ok accepted"
	ok=0
	for h in $HOSTS; do
		on "$h" drive $U_BOB --resp "$PW_BOB" --resp "$c" auth
		has "auth: PAM_SUCCESS" && ok=$((ok + 1))
	done
	OUT="accepted $ok"
	check "the same code again on each host: refused everywhere" [ "$ok" -eq 0 ]
	next_step
	on c drive $U_BOB --resp "$PW_BOB" --resp "$(code)" auth
	check "bound on a, a code logon on c" has "auth: PAM_SUCCESS"
}

test_keys_and_state_shared() {
	fleet_up
	local out id
	out=$(on a ctl accesskey create $U_ALICE)
	id=$(on a ctl accesskey list $U_ALICE | awk 'NR == 2 {print $1}')
	OUT=$(on b ctl authorized-keys $U_ALICE)
	check "an access key created on a is served by b's authorized-keys" \
		grep -q "$(on a ctl authorized-keys $U_ALICE | awk '{print $2}')" <<<"$OUT"
	on c ctl accesskey disable $U_ALICE "$id" >/dev/null
	OUT=$(on b ctl authorized-keys $U_ALICE)
	check "disabled on c: no longer served by b" hasnt "ssh-ed25519"
	on b drive $U_ALICE --resp "$PW_ALICE" auth acct
	OUT=$(on a ctl user show $U_ALICE)
	check "a logon on b is the last logon a shows" field last_logon_host host-b
	OUT=$(on a ctl credential-report)
	check "the credential report covers the fleet: a's shows b's logon" grep -q "^$U_ALICE,[0-9]*,local,host-b," <<<"$OUT"
}

test_sessions_per_host() {
	fleet_up
	python3 tests/pam/ptyhold.py "$FLEET/tty.out" "$BUILD/tests/pamdrive" --confdir "${HT[b]}/pam.d" \
		--service ramsec-test --user $U_ALICE --tty @PTY --hold 60 open &
	local holder=$! i
	for i in $(seq 1 50); do on b ctl session list | grep -q $U_ALICE && break; sleep 0.1; done
	OUT=$(on b ctl session list)
	check "a session opened on b is in b's list" has "$U_ALICE"
	OUT=$(on a ctl session list)
	check "not in a's own list (deadlines stay with their host)" hasnt "$U_ALICE"
	OUT=$(on a ctl session list --all-hosts)
	check "session list --all-hosts on a shows it" has "$U_ALICE"
	check "with its host" has "host-b"
	kill $holder 2>/dev/null
	wait $holder 2>/dev/null
}

test_outage() {
	fleet_up 'password_policy = { max_login_attempts = 5; };'
	on a drive $U_ALICE --resp wrong-1 auth
	on b ctl accesskey create $U_BOB >/dev/null
	pg_halt fast
	local t0 t1
	t0=$(date +%s%N)
	on a drive $U_ALICE --resp "$PW_ALICE" auth acct
	t1=$(date +%s%N)
	check "database down: the right password is refused (fail closed)" has "auth: PAM_AUTH_ERR"
	OUT="$OUT
took $(((t1 - t0) / 1000000)) ms"
	check "and within the PAM timeout (3 s)" [ $(((t1 - t0) / 1000000)) -lt 3000 ]
	echo "# outage: refused in $(((t1 - t0) / 1000000)) ms"
	OUT=$(on a ctl status 2>&1)
	check "status says the store is failing" grep -q '^store  *postgresql failing' <<<"$OUT"
	# root at a console: break-glass, as when policyd itself is down
	OUT=$(on a "${BUILD}/tests/pamdrive" --confdir "${HT[a]}/pam.d" --service ramsec-test \
		--user root --tty /dev/console --resp x auth 2>&1)
	check "break-glass: root at the console falls through to the rest of the stack" has "auth: PAM_SUCCESS"
	OUT=$(on a "${BUILD}/tests/pamdrive" --confdir "${HT[a]}/pam.d" --service ramsec-test \
		--user $U_ALICE --tty /dev/console --resp "$PW_ALICE" auth 2>&1)
	check "but not a governed user at the console" has "auth: PAM_AUTH_ERR"
	pg_ctl_start
	sleep 1
	on a drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "database back: logons resume without restarting policyd" has "acct: PAM_SUCCESS"
	OUT=$(on c ctl user show $U_ALICE 2>&1)
	check "state intact: the failure counted before the outage was cleared by the logon" field failures_in_window 0
	OUT=$(on c ctl accesskey list $U_BOB 2>&1)
	check "state intact: the key made before the outage" has "AK"
	OUT=$(on a ctl status)
	check "status: the store ok again" field store "postgresql ok"
}

test_kill9_loses_nothing_acknowledged() {
	fleet_up
	local i made=0 killer
	echo '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:Login","Resource":"*"}]}' \
		>"$FLEET/doc.json"
	( sleep 0.4; kill -9 "${HP[a]}" ) &
	killer=$!
	for i in $(seq 1 250); do
		on a ctl policy create "p$i" "$FLEET/doc.json" >/dev/null 2>&1 || break
		made=$((made + 1))
	done
	wait $killer
	wait "${HP[a]}" 2>/dev/null
	HP[a]=""
	local n
	n=$(on b ctl policy list | grep -c '^p[0-9]')
	OUT="acknowledged $made, stored $n"
	check "kill -9 mid-run: every policy a acknowledged is on b ($made of them)" [ "$n" -ge "$made" ]
	check "and policyd a was killed mid-run" [ "$made" -lt 250 ] && [ "$made" -gt 0 ]
	echo "# kill -9: $made acknowledged, $n stored"
	on a pd_start
	OUT=$(on a ctl policy list)
	check "a restarted: it has them too" [ "$(grep -c '^p[0-9]' <<<"$OUT")" -eq "$n" ]
}

test_host_with_another_key_refused() {
	fleet_up
	on c pd_stop
	head -c 32 /dev/urandom >"${HT[c]}/state/master.key"
	on c pd_start 2>/dev/null
	check "a host whose key file is not the fleet's does not start" not on c ctl status
	check "and says why" grep -q "key file is not the fleet's" "${HT[c]}/policyd.log"
	HP[c]=""
	install -m 0600 "${HT[a]}/state/master.key" "${HT[c]}/state/master.key"
	on c pd_start
	check "the fleet's key file copied: it starts" on c ctl status
}

# review 1: settings show is anyone's; the connection string's password
# must never be in it
test_review_password_never_shown() {
	fleet_down
	pg_empty
	T=${HT[a]}
	sed -i 's/user=ramsec"/user=ramsec password=Db-Secret-9"/' "$T/ramsec.conf"
	chmod 0600 "$T/ramsec.conf"
	on a pd_start
	printf 'policyd = { user_socket = "%s/run/user.sock"; };\n' "$T" >"$FLEET/user.conf"
	chmod 0644 "$FLEET/user.conf"
	OUT=$(runuser -u $U_BOB -- "$BUILD/ramsecctl" --config "$FLEET/user.conf" settings show 2>&1)
	check "settings show to a user: the connection string is there" has "dbname=ramsec"
	check "but not its password" hasnt "Db-Secret-9"
	OUT=$(on a ctl settings show --json)
	check "nor to root, in JSON" hasnt "Db-Secret-9"
	sed -i 's/ password=Db-Secret-9//' "$T/ramsec.conf"
	chmod 0644 "$T/ramsec.conf"
}

# review 2: a policy changed on one host is in force on the others
test_review_policy_change_reaches_every_host() {
	fleet_up
	local h
	echo '{"Version":"1","Statement":[{"Effect":"Deny","Action":"ramsec:Login","Resource":"*"}]}' \
		>"$FLEET/deny.json"
	for h in $HOSTS; do on "$h" drive $U_ALICE --resp "$PW_ALICE" auth acct; done
	on a ctl policy create deny-alice "$FLEET/deny.json" >/dev/null
	on a ctl policy attach deny-alice --user $U_ALICE >/dev/null
	sleep 1.2
	for h in $HOSTS; do
		on "$h" drive $U_ALICE --resp "$PW_ALICE" auth acct
		check "a Deny attached on a: host $h refuses within a second" has "acct: PAM_PERM_DENIED"
	done
	on c ctl policy detach deny-alice --user $U_ALICE >/dev/null
	sleep 1.2
	on a drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "detached on c: host a lets her in again" has "acct: PAM_SUCCESS"
}

# bob_shows_alice: user show as bob, answering the code prompt with $CODE
bob_shows_alice() {
	echo "$CODE" | runuser -u $U_BOB -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" user show $U_ALICE
}

# review 3: an administrator's own code (acs:MFAPresent) is used once and
# its wrong guesses counted, fleet-wide
test_review_caller_code_once() {
	fleet_up 'password_policy = { max_login_attempts = 5; };'
	enroll_on a $U_BOB
	echo '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ramsec:GetUser","Resource":"user/*","Condition":{"Bool":{"acs:MFAPresent":"true"}}}]}' \
		>"$FLEET/mfa-get.json"
	on a ctl policy create mfa-get "$FLEET/mfa-get.json" >/dev/null
	on a ctl policy attach mfa-get --user $U_BOB >/dev/null
	sleep 1.2
	local ok pids=() i
	next_step
	CODE=$(code)
	ok=$(at_once '^user ' bob_shows_alice)
	OUT="accepted by $ok"
	check "the caller's code sent to three hosts at once: accepted by one" [ "$ok" -eq 1 ]
	CODE=000000
	for i in $(seq 1 15); do
		(on "$(echo $HOSTS | cut -d' ' -f$((i % 3 + 1)))" bob_shows_alice >/dev/null 2>&1) &
		pids+=($!)
	done
	wait "${pids[@]}"
	OUT=$(on b ctl user show $U_BOB)
	check "15 wrong caller codes over 3 hosts: the caller locked at 5" field locked yes
	check "with 5 failures counted, not more" field failures_in_window 5
}

# review 4: a database that stops answering (its backends stopped) holds
# policyd's loop at most 2 s, then a new connection serves
test_review_stalled_database() {
	fleet_up
	on a drive $U_ALICE --resp "$PW_ALICE" auth acct
	local pids t0 t1
	pids=$(pg_sql "SELECT pid FROM pg_stat_activity WHERE application_name = 'ramsec-policyd'")
	kill -STOP $pids
	t0=$(date +%s%N)
	on a drive $U_ALICE --resp "$PW_ALICE" auth acct
	t1=$(date +%s%N)
	check "backends stopped: the logon is refused (fail closed)" hasnt "acct: PAM_SUCCESS"
	OUT="took $(((t1 - t0) / 1000000)) ms"
	check "within the PAM timeout (3 s)" [ $(((t1 - t0) / 1000000)) -lt 3000 ]
	echo "# stalled database: refused in $(((t1 - t0) / 1000000)) ms"
	OUT=$(on a ctl status 2>&1)
	check "policyd's loop is not stuck: status answers" has "store"
	# alice's lock row stays with the stopped backend's open transaction;
	# a new connection is tried after the backoff (100 ms at first)
	sleep 0.3
	on a drive $U_BOB --resp "$PW_BOB" auth acct
	check "a new connection serves the next logon (another user)" has "acct: PAM_SUCCESS"
	kill -CONT $pids
	sleep 0.5
	on a drive $U_ALICE --resp "$PW_ALICE" auth acct
	check "the backends going on: her logon works again" has "acct: PAM_SUCCESS"
}

test_migration_by_several_hosts_at_once() {
	fleet_down
	pg_empty
	local h
	for h in $HOSTS; do
		T=${HT[$h]}
		rm -rf "$T/run" "$T/policyd.log"
		"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --foreground >>"$T/policyd.log" 2>&1 &
		HP[$h]=$!
	done
	sleep 2
	for h in $HOSTS; do
		OUT=$(on "$h" ctl status 2>&1)
		check "three hosts created the schema at once: $h is up" field store "postgresql ok"
	done
	OUT=$(pg_sql "SELECT version FROM ramsec_schema")
	check "one schema version row" [ "$OUT" = 13 ]
}

# getent_on HOST ARGS...: getent through libnss_ramsec asking HOST's policyd
# (a private mount namespace whose nsswitch.conf names ramsec)
getent_on() {
	local h=$1
	shift
	nsswitch_file ramsec >"$FLEET/nsswitch.conf"
	RAMSEC_NSS_SOCKET="${HT[$h]}/run/user.sock" LD_LIBRARY_PATH="$BUILD" unshare -m sh -c \
		'mount --bind "$0" /etc/nsswitch.conf && exec getent "$@"' "$FLEET/nsswitch.conf" "$@"
}

test_directory_across_hosts() {
	fleet_up 'password_policy = { max_login_attempts = 5; };'
	on b ctl group create rsd_fops >/dev/null
	OUT=$(on a ctl user create rsd_fleet --groups rsd_fops 2>&1)
	check "a central user created on a (with a group made on b)" has "user rsd_fleet created"
	echo 'Fleet-Pass-88' | on a ctl user reset-password rsd_fleet >/dev/null
	OUT=$(getent_on c passwd rsd_fleet)
	check "c's NSS knows it at once" has "rsd_fleet:*:200000:200001:"
	OUT=$(getent_on b group rsd_fops)
	check "b's NSS has its group with the member" has "rsd_fops:*:200000:rsd_fleet"
	OUT=$(on c drive_print rsd_fleet --rhost 192.0.2.1 --resp 'Fleet-Pass-88' auth acct)
	check "it logs on at c with the password set on a" has "auth: PAM_SUCCESS"
	for _ in 1 2 3 4 5; do on b drive rsd_fleet --rhost 192.0.2.1 --resp 'wrong-pass' auth; done
	OUT=$(on a drive_print rsd_fleet --rhost 192.0.2.1 --resp 'Fleet-Pass-88' auth)
	check "5 wrong on b lock it on a too" has "account is locked"
	getent_on c passwd rsd_fleet >/dev/null # c keeps that answer
	on b ctl user delete rsd_fleet >/dev/null
	OUT=$(getent_on a passwd rsd_fleet; echo "rc=$?")
	check "deleted on b: gone from a's NSS" has "rc=2"
	local waited=0
	while getent_on c passwd rsd_fleet >/dev/null && [ $waited -lt 80 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	check "and from c's, whose cached answer lasts at most 5 s (${waited}00 ms)" \
		test $waited -le 55
	OUT=$(on c drive_print rsd_fleet --rhost 192.0.2.1 --resp 'Fleet-Pass-88' auth)
	check "and refused at c" has "auth: PAM_AUTH_ERR"
	# two hosts creating users at the same moment: distinct ids
	local pids=() h i=0
	for h in $HOSTS; do
		i=$((i + 1))
		(on "$h" ctl user create "rsd_at$i" >"$FLEET/out-$h" 2>&1) &
		pids+=($!)
	done
	wait "${pids[@]}"
	OUT=$(cat "$FLEET"/out-a "$FLEET"/out-b "$FLEET"/out-c)
	check "three hosts create users at once: all three made" test "$(grep -c created <<<"$OUT")" = 3
	check "with three different uids" \
		test "$(sed -n 's/.*uid \([0-9]*\),.*/\1/p' <<<"$OUT" | sort -u | wc -l)" = 3
}

T=""
for t in $(declare -F | awk '{print $3}' | grep '^test_' | grep -e "${ONLY:-}"); do
	echo "# $t"
	"$t"
done
fleet_down
echo "fleet: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
