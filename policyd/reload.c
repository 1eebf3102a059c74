// SPDX-License-Identifier: MIT
/* Re-reading the settings file (SIGHUP, ramsecctl reload): below the verb
 * handlers and the event loop, which both call it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "common/config.h"
#include "store.h"

int pd_reload(struct pd_daemon *d, char *err, size_t len)
{
	struct rs_policy *p = malloc(sizeof(*p));
	int r;

	if (!p)
		return -ENOMEM;
	r = rs_config_load(d->config_path, p, err, len);
	if (r == 0) {
		pd_access_set_zone(p->policies.time_zone);
		if (memcmp(&p->policyd, &d->policy.policyd, sizeof(p->policyd)))
			pd_log(LOG_WARNING, "policyd.* settings change only at restart");
		p->policyd = d->policy.policyd;
		if (d->policy.pref.enable_save_mfa_ticket && !p->pref.enable_save_mfa_ticket &&
		    pd_store_mfa_tickets_clear(d->store, NULL) == 0)
			pd_log(LOG_NOTICE, "enable_save_mfa_ticket turned off: tickets forgotten");
		d->policy = *p;

		pd_log(LOG_NOTICE, "policy reloaded from %s", d->config_path);
	}
	free(p);
	return r;
}
