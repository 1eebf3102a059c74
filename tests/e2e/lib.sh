#!/bin/bash
# The end-to-end world, shared by run.sh (the checks) and demo.sh (make
# demo): a real OpenSSH sshd in a network namespace of its own, with its
# PAM stack on the freshly built pam_ramsec.so bind-mounted over /etc/pam.d
# in a private mount namespace (the host's stack is untouched), a private
# policyd under libfaketime, throw-away users, and real ssh clients in two
# client namespaces: 192.0.2.10 / 2001:db8:1::10 (inside the masks) and
# 198.51.100.10 (outside).  e2e_up builds it; the EXIT trap removes it.
set -u
B=${B:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD="$ROOT/$B"
HERE="$ROOT/tests/e2e"
PASS=0 FAIL=0 OUT=""

e2e_skip() {
	echo "####################################################################"
	echo "# SKIPPED the end-to-end suite (real sshd): $*"
	echo "####################################################################"
	exit 0
}

e2e_up() {
	[ "$(id -u)" = 0 ] || e2e_skip "it needs root"
	[ -x /usr/sbin/sshd ] || e2e_skip "no /usr/sbin/sshd (openssh-server)"
	ip netns add rs_e2e_probe 2>/dev/null && ip netns del rs_e2e_probe ||
		e2e_skip "no network namespaces here"
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else FAIL=$((FAIL + 1)); echo "not ok - $d"; sed 's/^/#   /' <<<"$OUT" | tail -n 15; fi
}
has() { grep -qF -- "$1" <<<"$OUT"; }
hasnt() { ! grep -qF -- "$1" <<<"$OUT"; }

# sshd refuses an AuthorizedKeysCommand under a world-writable directory
# (/tmp): the run lives under /run
T=$(mktemp -d /run/ramsec-e2e.XXXXXX)
chmod 0755 "$T"
USERS="rse_alice rse_bob rse_carol rse_dave"
PD=""
SSHD=""
cleanup() {
	[ -n "$SSHD" ] && kill "$SSHD" 2>/dev/null
	[ -f "$T/sshd.pid" ] && kill "$(cat "$T/sshd.pid" 2>/dev/null)" 2>/dev/null
	[ -n "$PD" ] && kill "$PD" 2>/dev/null
	wait 2>/dev/null
	[ "${E2E_STORE:-}" = postgresql ] && pg_stop
	for ns in rs_srv rs_c1 rs_c2; do ip netns del $ns 2>/dev/null; done
	for u in $USERS; do userdel "$u" 2>/dev/null; done
	groupdel rse_ops 2>/dev/null
	[ -n "${E2E_KEEP:-}" ] && cp -r "$T" /tmp/e2e-kept
	rm -rf "$T"
}
trap cleanup EXIT

# --- network: a server namespace and two client namespaces -----------------
for ns in rs_srv rs_c1 rs_c2; do ip netns del $ns 2>/dev/null; ip netns add $ns; ip -n $ns link set lo up; done
ip link add rse1a netns rs_c1 type veth peer name rse1b netns rs_srv
ip link add rse2a netns rs_c2 type veth peer name rse2b netns rs_srv
ip -n rs_c1 addr add 192.0.2.10/24 dev rse1a
ip -n rs_c1 addr add 2001:db8:1::10/64 dev rse1a nodad
ip -n rs_srv addr add 192.0.2.1/24 dev rse1b
ip -n rs_srv addr add 2001:db8:1::1/64 dev rse1b nodad
ip -n rs_c2 addr add 198.51.100.10/24 dev rse2a
ip -n rs_srv addr add 198.51.100.1/24 dev rse2b
for l in "rs_c1 rse1a" "rs_srv rse1b" "rs_c2 rse2a" "rs_srv rse2b"; do set -- $l; ip -n $1 link set $2 up; done

# --- users ----------------------------------------------------------------
PW='E2e-Pass-word-1'
for u in $USERS; do
	userdel "$u" 2>/dev/null
	useradd -M -N -d / -s /bin/sh -K UID_MIN=21000 "$u"
	usermod -p "$(mkpasswd -m yescrypt "$PW")" "$u"
done

# --- policyd ---------------------------------------------------------------
# E2E_STORE=postgresql: the state on a private PostgreSQL (tests/pg/pg.sh)
STORE_CONF=""
if [ "${E2E_STORE:-}" = postgresql ]; then
	. "$(dirname "${BASH_SOURCE[0]}")/../pg/pg.sh"
	pg_start "$T/pg" || exit 1
	STORE_CONF="store = \"postgresql\"; postgresql = \"$PG_CONNINFO\"; host_id = \"e2e\";"
	echo "# the store: PostgreSQL"
fi
install -m 0755 "$BUILD/ramsecctl" "$T/ramsecctl"
cat >"$T/ramsec.conf" <<CONF
policyd = { socket = "$T/policyd.sock"; user_socket = "$T/user.sock";
	database = "$T/state/state.db"; key_file = "$T/state/master.key"; $STORE_CONF };
pam = { fail_delay_ms = 0; };
password_policy = { max_login_attempts = 3; minimum_password_length = 10; };
security_preference = { login_network_masks = "192.0.2.0/24; 2001:db8:1::/64";
	login_session_duration = 1; };
CONF
chmod 0644 "$T/ramsec.conf"
echo "+0" >"$T/faketime"
LD_PRELOAD=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 | head -n 1) FAKETIME_TIMESTAMP_FILE="$T/faketime" \
	FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 \
	"$BUILD/ramsec-policyd" --config "$T/ramsec.conf" --foreground 2>"$T/policyd.log" &
PD=$!
ctl() { "$T/ramsecctl" --config "$T/ramsec.conf" "$@"; }
for _ in $(seq 1 100); do ctl status >/dev/null 2>&1 && break; sleep 0.05; done

# --- sshd with its PAM stack on the built module ---------------------------
mkdir -p "$T/pam.d" /run/sshd
M="$BUILD/pam_ramsec.so config=$T/ramsec.conf"
cat >"$T/pam.d/sshd" <<PAMD
auth	[success=done ignore=ignore default=die]	$M
auth	required	pam_deny.so
account	required	$M
account	required	pam_permit.so
password	[success=done ignore=ignore default=die]	$M
password	required	pam_unix.so use_authtok yescrypt
password	required	$M record
session	required	$M
session	required	pam_permit.so
PAMD
ssh-keygen -q -t ed25519 -N "" -f "$T/hostkey"
cat >"$T/sshd_config" <<SSHD
Port 2222
ListenAddress 0.0.0.0
ListenAddress ::
HostKey $T/hostkey
PidFile $T/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile none
AuthorizedKeysCommand $T/ramsecctl --config $T/ramsec.conf authorized-keys %u
AuthorizedKeysCommandUser nobody
ExposeAuthInfo yes
UseDNS no
PermitRootLogin no
PrintMotd no
LogLevel VERBOSE
SSHD
# the directory's users through the built libnss_ramsec (docs/DIRECTORY.md):
# sshd's own nsswitch.conf names it, its lookups ask this policyd
sed 's/^passwd:.*/passwd: files ramsec/; s/^group:.*/group: files ramsec/' /etc/nsswitch.conf \
	>"$T/nsswitch.conf"
ip netns exec rs_srv env LD_LIBRARY_PATH="$BUILD" RAMSEC_NSS_SOCKET="$T/user.sock" unshare -m sh -c \
	"mount --bind '$T/pam.d' /etc/pam.d && mount --bind '$T/nsswitch.conf' /etc/nsswitch.conf &&
	 exec /usr/sbin/sshd -D -e -f '$T/sshd_config'" 2>"$T/sshd.log" &
SSHD=$!
for _ in $(seq 1 50); do ip netns exec rs_c1 bash -c 'echo >/dev/tcp/192.0.2.1/2222' 2>/dev/null && break; sleep 0.1; done

SSHOPT="-p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5 -o NumberOfPasswordPrompts=1"
# ssh_pw NS USER@HOST ANSWERS...: keyboard-interactive, answering prompts
ssh_pw() {
	local ns=$1 dest=$2; shift 2
	OUT=$(timeout 60 ip netns exec "$ns" python3 "$HERE/sshdrive.py" "$@" -- ssh $SSHOPT \
		-o PreferredAuthentications=keyboard-interactive "$dest" echo E2E-OK 2>&1)
}
ssh_key() {
	local ns=$1 key=$2 dest=$3
	OUT=$(timeout 60 ip netns exec "$ns" ssh $SSHOPT -o PreferredAuthentications=publickey \
		-o IdentitiesOnly=yes -i "$key" "$dest" echo E2E-OK 2>&1)
}
code() { oathtool --totp -b "$1" --now "@$(( $(date +%s) + $(tr -d '+' <"$T/faketime") + 30 * ${2:-0} ))"; }


}
