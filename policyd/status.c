// SPDX-License-Identifier: MIT
/* The daemon verbs: ping, status, the settings, reload. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ramsec/buf.h"
#include "store.h"
#include "verbs.h"
#include "workers.h"

#define RAMSEC_VERSION "0.1.0"

bool pd_ping(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	(void)d;
	(void)w;
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, NULL, false);
	return false;
}

bool pd_status(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char body[RS_BODY_MAX];
	bool json = c->req.flags & RS_FLAG_JSON;
	struct rs_buf buf, *b = &buf;
	struct pd_store_info info;
	char summary[512], store[256];
	const char *failing = pd_store_failing(d->store);
	bool read_ok = pd_store_info(d->store, pd_now(), &info) == 0, ok = read_ok && !failing;

	(void)w;
	rs_buf_init(b, body, sizeof(body));
	rs_policy_summary(&d->policy, summary, sizeof(summary));
	if (json)
		rs_buf_put(b, "{", 1);
	rs_kv_str(b, json, "daemon", "running");
	rs_kv_str(b, json, "version", RAMSEC_VERSION);
	rs_kv_num(b, json, "pid", (long long)getpid());
	rs_kv_num(b, json, "uptime_seconds", (long long)(pd_now() - d->started));
	rs_kv_str(b, json, "config", d->config_path);
	snprintf(store, sizeof(store), "%s %s%s", info.kind, ok ? "ok" : "failing: ",
		 ok	   ? ""
		 : failing ? failing
			   : "cannot read");
	rs_kv_str(b, json, "store", store);
	rs_kv_str(b, json, "database", info.path);
	rs_kv_str(b, json, "host_id", pd_store_host(d->store));
	rs_kv_num(b, json, "schema", read_ok ? info.schema : -1);
	rs_kv_num(b, json, "known_user_records", read_ok ? info.users : -1);
	rs_kv_num(b, json, "unknown_name_records", read_ok ? info.unknown : -1);
	rs_kv_num(b, json, "locked_now", read_ok ? info.locked : -1);
	rs_kv_num(b, json, "workers", pd_workers_alive(d->workers));
	rs_kv_num(b, json, "workers_configured", pd_workers_count(d->workers));
	rs_kv_num(b, json, "password_reply_ms", (long long)pd_costs_ceiling(d));
	rs_kv_str(b, json, "policy", summary);
	rs_kv_num(b, json, "requests", (long long)d->stats.requests);
	rs_kv_num(b, json, "password_verifications", (long long)d->stats.verifications);
	rs_kv_num(b, json, "dummy_hashes", (long long)d->stats.dummy_hashes);
	rs_kv_num(b, json, "failures_recorded", (long long)d->stats.failures);
	rs_kv_num(b, json, "commits", (long long)d->stats.commits);
	rs_kv_num(b, json, "commit_failures", (long long)d->stats.commit_failures);
	rs_kv_num(b, json, "store_retries",
		  (long long)(d->stats.retries + pd_store_retried(d->store)));
	rs_kv_num(b, json, "bad_frames", (long long)d->stats.bad_frames);
	rs_kv_num(b, json, "pending_mfa_evicted", (long long)pd_mfa_evicted());
	if (json)
		rs_buf_put(b, "}\n", 2);
	pd_reply(c, ok ? RS_V_ALLOW : RS_V_ERROR, ok ? RS_R_NONE : RS_R_STORE, NULL, 0, b, false);
	return false;
}

bool pd_settings_show(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char body[RS_BODY_MAX];
	struct rs_buf b;

	(void)w;
	rs_buf_init(&b, body, sizeof(body));
	rs_policy_render(&d->policy, c->req.flags & RS_FLAG_JSON, &b);
	pd_reply(c, RS_V_ALLOW, RS_R_NONE, NULL, 0, &b, false);
	return false;
}

bool pd_reload_verb(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	char err[512];

	(void)w;
	if (pd_reload(d, err, sizeof(err)) < 0)
		pd_reply(c, RS_V_ERROR, RS_R_CONFIG, err, 0, NULL, false);
	else
		pd_reply(c, RS_V_ALLOW, RS_R_NONE, "settings reloaded", 0, NULL, false);
	return false;
}

const int64_t pd_latency_le_us[PD_LATENCY_BUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000,
};

/* One OpenMetrics metric family with one sample. */
static void metric(struct rs_buf *b, const char *name, const char *type, const char *help,
		   long long v)
{
	rs_buf_printf(b, "# TYPE %s %s\n# HELP %s %s\n%s%s %lld\n", name, type, name, help, name,
		      strcmp(type, "counter") ? "" : "_total", v);
}

bool pd_metrics(struct pd_daemon *d, struct pd_conn *c, struct pd_who *w)
{
	static char body[RS_BODY_MAX];
	const struct pd_stats *st = &d->stats;
	struct pd_store_info info;
	bool read_ok = pd_store_info(d->store, pd_now(), &info) == 0;
	uint64_t n = 0;
	struct rs_buf b;

	(void)w;
	rs_buf_init(&b, body, sizeof(body));
	rs_buf_printf(
	    &b, "# TYPE ramsec_decisions counter\n"
		"# HELP ramsec_decisions Logon decisions as logged, by verdict and reason.\n");
	for (int v = 1; v <= RS_V__MAX; v++)
		for (int r = 0; r < RS_R__MAX; r++)
			if (st->decisions[v][r])
				rs_buf_printf(
				    &b,
				    "ramsec_decisions_total{verdict=\"%s\",reason=\"%s\"} "
				    "%llu\n",
				    rs_verdict_str((unsigned)v), rs_reason_str((unsigned)r),
				    (unsigned long long)st->decisions[v][r]);
	metric(&b, "ramsec_requests", "counter", "Requests served.", (long long)st->requests);
	metric(&b, "ramsec_password_verifications", "counter",
	       "Passwords checked against a real hash.", (long long)st->verifications);
	metric(&b, "ramsec_dummy_hashes", "counter",
	       "Hashes of a dummy, for unknown names and unusable entries.",
	       (long long)st->dummy_hashes);
	metric(&b, "ramsec_failures_recorded", "counter",
	       "Wrong secrets counted on a user's attempts.", (long long)st->failures);
	metric(&b, "ramsec_locked_users", "gauge",
	       "Users locked now (-1: the store cannot be read).", read_ok ? info.locked : -1);
	metric(&b, "ramsec_store_commits", "counter", "Store commits.", (long long)st->commits);
	metric(&b, "ramsec_store_errors", "counter", "Store commits that failed.",
	       (long long)st->commit_failures);
	metric(&b, "ramsec_store_retries", "counter",
	       "Statements and requests run again after a conflict in the store.",
	       (long long)(st->retries + pd_store_retried(d->store)));
	metric(&b, "ramsec_store_up", "gauge", "1 when the store works.",
	       read_ok && !pd_store_failing(d->store));
	metric(&b, "ramsec_bad_frames", "counter", "Frames refused as malformed.",
	       (long long)st->bad_frames);
	metric(&b, "ramsec_pending_mfa_evicted", "counter",
	       "Pending MFA steps pushed out to make room.", (long long)pd_mfa_evicted());
	metric(&b, "ramsec_workers", "gauge", "Password worker threads alive.",
	       pd_workers_alive(d->workers));
	rs_buf_printf(&b, "# TYPE ramsec_request_duration_seconds histogram\n"
			  "# HELP ramsec_request_duration_seconds From a request read to its reply "
			  "sent.\n");
	for (int i = 0; i <= PD_LATENCY_BUCKETS; i++) {
		n += st->latency[i];
		if (i < PD_LATENCY_BUCKETS)
			rs_buf_printf(&b,
				      "ramsec_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				      (double)pd_latency_le_us[i] / 1e6, (unsigned long long)n);
	}
	rs_buf_printf(&b,
		      "ramsec_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
		      "ramsec_request_duration_seconds_sum %.6f\n"
		      "ramsec_request_duration_seconds_count %llu\n",
		      (unsigned long long)n, (double)st->latency_sum_us / 1e6,
		      (unsigned long long)n);
	metric(&b, "ramsec_uptime_seconds", "gauge", "Seconds since policyd started.",
	       (long long)(pd_now() - d->started));
	rs_buf_printf(&b, "# EOF\n");
	pd_reply(c, b.overflow ? RS_V_ERROR : RS_V_ALLOW, b.overflow ? RS_R_INTERNAL : RS_R_NONE,
		 NULL, 0, b.overflow ? NULL : &b, false);
	return false;
}
