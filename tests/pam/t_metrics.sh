#!/bin/bash
# ramsecctl metrics: OpenMetrics text that counts what policyd decided, as
# node_exporter's textfile collector reads it.
. "$(dirname "$0")/lib.sh"

# value NAME_AND_LABELS: the sample's value in $OUT (empty when absent)
value() { grep -F -- "$1 " <<<"$OUT" | grep -v '^#' | awk '{ print $NF }'; }

test_counts_what_was_decided() {
	fresh 'password_policy = { max_login_attempts = 3; };'
	for i in 1 2 3 4; do drive $U_ALICE --resp "wrong-$i" auth; done
	drive $U_BOB --resp "$PW_BOB" auth acct
	OUT=$(ctl metrics)
	check "wrong passwords counted by verdict and reason" test "$(value 'ramsec_decisions_total{verdict="deny",reason="wrong password"}')" = 2
	check "the lock counted" test -n "$(value 'ramsec_decisions_total{verdict="deny",reason="account locked"}')"
	check "allowed logons counted" test "$(value 'ramsec_decisions_total{verdict="allow",reason="none"}')" -ge 2
	check "verifications counted" test "$(value ramsec_password_verifications_total)" -ge 3
	check "one user locked now" test "$(value ramsec_locked_users)" = 1
	check "the store is up" test "$(value ramsec_store_up)" = 1
	local count inf
	count=$(value ramsec_request_duration_seconds_count)
	inf=$(value 'ramsec_request_duration_seconds_bucket{le="+Inf"}')
	check "the latency histogram counts every request" test "$count" -ge 8 -a "$count" = "$inf"
	check "ends with # EOF" test "$(tail -n 1 <<<"$OUT")" = "# EOF"
	check "every family has TYPE and HELP, samples named after it" python3 - "$OUT" <<'PY'
import re, sys
fams, cur = {}, None
for line in sys.argv[1].splitlines():
    if line == "# EOF":
        break
    m = re.match(r"# TYPE (\w+) (counter|gauge|histogram)$", line)
    if m:
        cur = m.group(1); fams[cur] = m.group(2); continue
    if line.startswith("# HELP "):
        assert line.split()[2] == cur, line; continue
    name = re.match(r"(\w+)(\{[^}]*\})? (-?[0-9.e+]+)$", line)
    assert name, line
    n = name.group(1)
    assert n.startswith(cur), (n, cur)
    suffix = n[len(cur):]
    assert suffix in {"counter": ["_total"], "gauge": [""], "histogram": ["_bucket", "_sum", "_count"]}[fams[cur]], n
PY
}

test_output_file_is_replaced_at_once() {
	fresh
	ctl metrics --output "$T/ramsec.prom"
	check "--output writes the file" grep -q '^ramsec_requests_total ' "$T/ramsec.prom"
	check "mode 0644 for node_exporter" test "$(stat -c %a "$T/ramsec.prom")" = 644
	check "no temporary file left" bash -c "! ls '$T' | grep -q 'ramsec.prom.*tmp'"
	OUT=$(runuser -u $U_ALICE -- "$BUILD/ramsecctl" --config "$T/ramsec.conf" metrics 2>&1); rc=$?
	check "a user without a policy: refused" test $rc -ne 0
}

run_tests
