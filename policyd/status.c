// SPDX-License-Identifier: MIT
/* The daemon verbs: ping, status, the settings, reload. */
#include <stdio.h>
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
	snprintf(store, sizeof(store), "sqlite %s%s", ok ? "ok" : "failing: ",
		 ok	   ? ""
		 : failing ? failing
			   : "cannot read");
	rs_kv_str(b, json, "store", store);
	rs_kv_str(b, json, "database", d->policy.policyd.database);
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
