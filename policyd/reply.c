// SPDX-License-Identifier: MIT
/*
 * Replies and decision logs: how every handler answers a connection.
 * Replies are encoded here and queued on the connection's outq; the event
 * loop sends them (after the commit when they report a write) and then
 * logs the decision noted for them, with what the user really got.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "ramsec/secret.h"

void pd_iso_time(int64_t t, char *out, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || !gmtime_r(&tt, &tm))
		snprintf(out, len, "never");
	else
		strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Replies can hold secrets (a new device's seed): wiped before freed. */
static void free_out(struct pd_conn *c)
{
	if (c->out)
		rs_secret_wipe(c->out, c->out_len);
	free(c->out);
	c->out = NULL;
}

/* Encodes reply into c's output. */
static void encode(struct pd_conn *c, struct rs_msg *reply)
{
	/* one loop thread: encode into one scratch buffer, keep only what is
	 * used (a 64 KiB allocation per reply cost a page-table flush each) */
	static uint8_t scratch[RS_PROTO_HEADER + RS_PROTO_MAX_PAYLOAD];
	size_t len = 0;

	free_out(c);
	c->out_off = 0;
	reply->id = c->req.id;
	if (rs_proto_encode(reply, scratch, sizeof(scratch), &len) < 0 || !(c->out = malloc(len))) {
		c->close_after = true; /* cannot answer: closing is a denial */
		len = 0;
	} else {
		memcpy(c->out, scratch, len);
		rs_secret_wipe(scratch, len);
	}
	c->out_len = len;
	c->state = PD_WRITE;
}

void pd_reply_msg(struct pd_conn *c, struct rs_msg *reply)
{
	bool queued = c->state == PD_WRITE; /* replaced before it left */

	encode(c, reply);
	if (!queued) {
		c->next_flush = c->outq->head;
		c->outq->head = c;
	}
}

void pd_reply(struct pd_conn *c, enum rs_verdict v, enum rs_reason r, const char *message,
	      uint64_t number, const struct rs_buf *body, bool wrote)
{
	struct rs_msg m;

	rs_msg_init(&m, c->req.type | RS_PROTO_REPLY_BIT, c->req.id);
	m.verdict = (uint8_t)v;
	m.reason = (uint16_t)r;
	m.number = number;
	m.present = 1u << RS_TAG_VERDICT | 1u << RS_TAG_REASON | 1u << RS_TAG_NUMBER;
	if (message && message[0])
		rs_msg_set_str(&m, RS_TAG_MESSAGE, message);
	if (body)
		rs_msg_set_blob(&m, RS_TAG_BODY, body->p, body->len);
	c->needs_commit = wrote;
	pd_reply_msg(c, &m);
}

void pd_reply_decision(struct pd_conn *c, const struct rs_decision *dec, bool wrote)
{
	pd_reply(c, dec->verdict, dec->reason, dec->message, (uint64_t)dec->minutes, NULL, wrote);
}

void pd_reply_error(struct pd_conn *c, enum rs_reason reason)
{
	struct rs_decision dec = {.verdict = RS_V_ERROR, .reason = reason};

	c->note_verdict = RS_V_ERROR; /* if a decision was noted, it failed */
	c->note_reason = (uint16_t)reason;
	pd_reply_decision(c, &dec, false);
}

void pd_reply_withdraw(struct pd_conn *c)
{
	if (c->state == PD_WRITE) {
		for (struct pd_conn **p = &c->outq->head; *p; p = &(*p)->next_flush) {
			if (*p == c) {
				*p = c->next_flush;
				break;
			}
		}
		c->next_flush = NULL;
		free_out(c);
		c->out_len = c->out_off = 0;
		c->state = PD_BUSY;
	}
	c->close_after = false;
	c->needs_commit = false;
	c->noted = false;
	c->not_before = 0;
}

void pd_reply_refusal(struct pd_conn *c, uint8_t type, enum rs_reason reason)
{
	struct rs_msg m;

	rs_msg_init(&m, type | RS_PROTO_REPLY_BIT, c->req.id);
	m.present = 1u << RS_TAG_VERDICT | 1u << RS_TAG_REASON;
	m.verdict = RS_V_ERROR;
	m.reason = (uint16_t)reason;
	if (reason == RS_R_STORE)
		rs_msg_set_str(&m, RS_TAG_MESSAGE,
			       "The logon policy service cannot record this; refused. "
			       "Contact your administrator.");
	c->close_after = true;
	c->needs_commit = false;
	pd_reply_msg(c, &m);
}

void pd_note_decision(struct pd_conn *c, const char *what, const struct pd_who *w,
		      const struct rs_decision *dec)
{
	const struct rs_msg *req = &c->req;
	struct rs_buf b;

	rs_buf_init(&b, c->note, sizeof(c->note));
	rs_buf_printf(&b, "%s user=", what);
	if (w->facts.known)
		rs_buf_log_str(&b, w->facts.user, 64);
	else
		rs_buf_printf(&b, "(unknown)");
	rs_buf_printf(&b, " service=");
	rs_buf_log_str(&b, req->service, 32);
	rs_buf_printf(&b, " rhost=");
	rs_buf_log_str(&b, req->rhost[0] ? req->rhost : "local", 64);
	c->note_verdict = (uint8_t)dec->verdict;
	c->note_reason = (uint16_t)dec->reason;
	c->noted = true;
}

void pd_log_note(struct pd_conn *c, bool refused, struct pd_stats *stats)
{
	if (!c->noted)
		return;
	c->noted = false;
	if (refused)
		stats->decisions[RS_V_ERROR][RS_R_STORE]++;
	else if (c->note_verdict <= RS_V__MAX && c->note_reason < RS_R__MAX)
		stats->decisions[c->note_verdict][c->note_reason]++;
	if (refused)
		pd_log(LOG_ERR,
		       "%s verdict=error reason=\"%s\" (decided %s; not recorded, refused)",
		       c->note, rs_reason_str(RS_R_STORE), rs_verdict_str(c->note_verdict));
	else
		pd_log(c->note_verdict == RS_V_ALLOW || c->note_verdict == RS_V_IGNORE ? LOG_INFO
										       : LOG_NOTICE,
		       "%s verdict=%s reason=\"%s\"", c->note, rs_verdict_str(c->note_verdict),
		       rs_reason_str(c->note_reason));
}
