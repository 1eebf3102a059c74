#!/bin/bash
# make demo: ramsec in front of a real sshd, in private network namespaces
# with throw-away users and state (nothing of the host's /etc/pam.d or users
# is touched), walked through step by step with what the user sees.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
say() { printf '\n=== %s\n' "$*"; }
show() { grep -v '^$' <<<"$OUT" | sed 's/^/    | /'; }
e2e_up

say "1. alice logs on with her password from 192.0.2.10 (inside login_network_masks)"
ssh_pw rs_c1 rse_alice@192.0.2.1 --answer "Password:=$PW"
show

say "2. an administrator requires a new password; alice tries a weak one, then a good one"
ctl user set rse_alice --password-reset-required on
ssh_pw rs_c1 rse_alice@192.0.2.1 --answer "Password:=$PW" --answer "Current password:=$PW" \
	--answer "New password:=weak" --answer "Retype new password:=weak" \
	--answer "New password:=Alice-Better-Pass-7" --answer "Retype new password:=Alice-Better-Pass-7"
show

say "3. someone guesses bob's password: locked after 3 tries (max_login_attempts = 3)"
for i in 1 2 3; do ssh_pw rs_c1 rse_bob@192.0.2.1 --answer "Password:=guess-$i"; done
ssh_pw rs_c1 rse_bob@192.0.2.1 --answer "Password:=$PW"
show
ctl user show rse_bob | grep -E '^(locked|failures_in_window|lock_minutes_left) ' | sed 's/^/    ramsecctl: /'

say "4. alice from 198.51.100.10, outside the masks: refused before any prompt"
ssh_pw rs_c2 rse_alice@198.51.100.1 --answer "Password:=Alice-Better-Pass-7"
show
grep 'rhost="198.51.100.10"' "$T/policyd.log" | tail -n 1 | sed 's/^/    policyd log: /'

say "5. dave binds an authenticator (two consecutive codes), then logs on with a code"
OUT=$(ctl mfa create rse_dave)
SEED=$(sed -n 's/^Key (base32): //p' <<<"$OUT")
head -n 30 <<<"$OUT" | sed 's/^/    /'
ctl mfa bind rse_dave "$(code "$SEED" -1)" "$(code "$SEED" 0)"
echo "+30" >"$T/faketime"
ssh_pw rs_c1 rse_dave@192.0.2.1 --answer "Password:=$PW" --answer "Verification code:=$(code "$SEED")"
show

say "6. the security report of this little host"
ctl report | sed 's/^/    /'

say "done: the namespaces, users and state are removed"
