// SPDX-License-Identifier: MIT
/*
 * What each setting means, the RAM setting it mirrors and where ramsec
 * differs: the text of ramsec.conf(5)'s KEYS section, which
 * rs_settings_man renders from here and from the settings table of
 * lib/policy.c (range, default), so the page cannot drift from the code.
 * tests/unit/test_policy.c checks that every setting has its entry.
 */
#include <string.h>

#include "ramsec/buf.h"
#include "ramsec/policy.h"

struct doc {
	const char *name, *ram, *text;
};

#define PP "RAM SetPasswordPolicy "
#define SP "RAM SetSecurityPreference "

static const struct doc docs[] = {
    {"password_policy.minimum_password_length", PP "MinimumPasswordLength",
     "Shortest password accepted, in characters (Unicode code points of UTF-8 text)."},
    {"password_policy.require_lowercase_characters", PP "RequireLowercaseCharacters",
     "At least one a-z."},
    {"password_policy.require_uppercase_characters", PP "RequireUppercaseCharacters",
     "At least one A-Z."},
    {"password_policy.require_numbers", PP "RequireNumbers", "At least one 0-9."},
    {"password_policy.require_symbols", PP "RequireSymbols",
     "At least one ASCII punctuation character."},
    {"password_policy.minimum_password_different_character", PP "MinimumPasswordDifferentCharacter",
     "At least this many distinct characters in the password (not a comparison with the old "
     "one); 0 is off."},
    {"password_policy.password_not_contain_user_name", PP "PasswordNotContainUserName",
     "The password must not contain the user name, compared without case."},
    {"password_policy.max_password_age", PP "MaxPasswordAge",
     "Days a password stays valid from when it was last set (by ramsec, or the shadow "
     "entry's last change day if later); 0 is never.  Binds password logons only: a logon "
     "with an SSH key, su from root or cron is not refused for an expired password."},
    {"password_policy.hard_expire", PP "HardExpire",
     "After expiry: true refuses password logons until an administrator resets the "
     "password; false makes the user change it at logon, then go on."},
    {"password_policy.password_reuse_prevention", PP "PasswordReusePrevention",
     "A new password must differ from the last N, the current one included; 0 is off.  Root "
     "has no history."},
    {"password_policy.max_login_attempts", PP "MaxLoginAttemps",
     "N wrong secrets (passwords, verification codes, the current password of a change) "
     "within an hour lock the user for an hour; a logon or a password change clears the "
     "count; 0 is unlimited.  ramsec differs: the lock binds password logons, not SSH keys, "
     "and with 0 a user's own self-service requests are still capped at 5 wrong secrets in "
     "5 minutes."},
    {"password_policy.initial_password_age", PP "(initial password validity)",
     "A password set by an administrator must be changed by the user within N days, else it "
     "counts as expired; 0 is off."},

    {"security_preference.enable_save_mfa_ticket", SP "EnableSaveMFATicket",
     "After an MFA logon the same user from the same address is not asked again for 7 days; "
     "console logons are never remembered."},
    {"security_preference.allow_user_to_change_password", SP "AllowUserToChangePassword",
     "Users may change their own password with passwd; a change forced at logon is always "
     "allowed."},
    {"security_preference.allow_user_to_manage_access_keys", SP "AllowUserToManageAccessKeys",
     "Users may import, list, enable, disable and delete their own access keys."},
    {"security_preference.allow_user_to_manage_mfa_devices", SP "AllowUserToManageMFADevices",
     "Users may bind and remove their own MFA device (removing needs a current code)."},
    {"security_preference.login_session_duration", SP "LoginSessionDuration",
     "Hours a logon session lasts; policyd warns the session's terminal 5 minutes before "
     "and ends it then.  ramsec differs: program users (console logon off) have no "
     "deadline."},
    {"security_preference.login_network_masks", SP "LoginNetworkMasks",
     "Logons are accepted only from these addresses: IPv4/IPv6 CIDRs separated by \";\", at "
     "most 40 and 512 characters; \"\" is anywhere.  A host name is in no mask.  ramsec "
     "differs: the masks bind logons without a password too, unless "
     "exempt_key_logins_from_masks."},
    {"security_preference.mfa_operation_for_login", SP "MFAOperationForLogin",
     "Who gives a verification code at logon: mandatory, every governed user; independent, "
     "users with a bound device and users marked mfa_bind_required; adaptive, users with a "
     "device logging on from an address not seen in 30 days."},
    {"security_preference.max_idle_days_for_users", SP "MaxIdleDaysForUsers",
     "A user without a logon for this many days has console logon (password logons) turned "
     "off until an administrator turns it on."},
    {"security_preference.max_idle_days_for_access_keys", SP "MaxIdleDaysForAccessKeys",
     "An access key unused for this many days (since created, last used or enabled again) "
     "is disabled."},
    {"security_preference.exempt_key_logins_from_masks", NULL,
     "true: a remote logon in which no password was checked (an SSH key, host-based or "
     "GSSAPI; the PAM transaction tells) is not bound by the masks, as RAM exempts access "
     "keys."},
    {"security_preference.local_logons_bypass_masks", NULL,
     "true: a logon without a remote host (console, su, cron) is not bound by the masks."},

    {"root_account.governed", NULL,
     "true: ramsec's rules apply to root, with root's own password rule (6 characters, two of "
     "letters, digits, symbols) and the root_account settings."},
    {"root_account.login_network_masks", "RAM root account login masks",
     "As security_preference.login_network_masks, for root only."},
    {"root_account.mfa_required", "RAM root account MFA",
     "Root gives a verification code at logon; root's MFA does not affect other users."},
    {"root_account.allow_access_keys", NULL, "Access keys for root; RAM advises against them."},

    {"scope.min_uid", NULL, "Users with a uid from min_uid to max_uid are governed."},
    {"scope.max_uid", NULL, "See min_uid; max_uid must be at least min_uid."},
    {"scope.groups", NULL, "Members of these groups are governed too, whatever their uid."},
    {"scope.exclude_users", NULL, "Never governed (service accounts, for instance)."},

    {"policyd.socket", NULL, "The root-only socket: the PAM module and administration."},
    {"policyd.user_socket", NULL, "The self-service socket, open to every local user."},
    {"policyd.database", NULL,
     "The embedded state store (SQLite), with policyd.store = \"sqlite\"."},
    {"policyd.key_file", NULL,
     "32 random bytes made at first start; keys the MFA seeds and unknown names' hashes."},
    {"policyd.pid_file", NULL, "Written by ramsec-policyd --daemon."},
    {"policyd.workers", NULL, "Threads that hash passwords; 0 is one per CPU."},
    {"policyd.store", NULL,
     "\"sqlite\": the embedded store at policyd.database (one host); \"postgresql\": the "
     "fleet's store at policyd.postgresql, shared by every host that names it."},
    {"policyd.postgresql", NULL,
     "The libpq connection string of the fleet store, such as \"host=db.example "
     "dbname=ramsec user=ramsec sslmode=verify-full\".  A password in it is refused unless "
     "the file is root's with mode 0600; prefer ~root/.pgpass or a client certificate."},
    {"policyd.host_id", NULL,
     "This host's name in the fleet (sessions, last logons); \"\" is the host name."},

    {"directory.min_id", NULL,
     "The uids and gids of central users and groups (ramsecctl user create) are taken "
     "from min_id to max_id, skipping any a local account or group holds; keep the range "
     "clear of useradd's (login.defs UID_MIN to UID_MAX) and of systemd's."},
    {"directory.max_id", NULL, "See min_id; max_id must be at least min_id."},
    {"directory.home_base", NULL,
     "Central users' homes are under it (/home/NAME unless --home names another place "
     "under it): pam_mkhomedir makes them as root, so never anywhere else."},
    {"directory.enumerate", NULL,
     "Whether getent passwd and getent group (getpwent) list the directory's users and "
     "groups too; off, they list local ones only (lookups by name or id work either way)."},
    {"directory.aliases", NULL,
     "The fleet's logon-name aliases (RAM's default domain and account alias, at most 32 "
     "bytes each): a central user alice logs on as alice or as alice@ALIAS for any of "
     "them; NAME@ another alias is an unknown user."},

    {"pam.timeout_ms", NULL, "How long the module waits for policyd before it refuses the logon."},
    {"pam.fail_delay_ms", NULL, "Delay after a failed logon."},
    {"pam.break_glass_users", NULL,
     "Users who may still log on at a local console (no remote host, a real console device) "
     "when policyd cannot be reached; logged at alert."},

    {"mfa.code_window", NULL,
     "Time steps accepted either side of the current one, for clock drift."},
    {"mfa.issuer", NULL,
     "The issuer in authenticator apps (otpauth:// URI, QR code); \"\" is the host name."},

    {"policies.default_deny", NULL,
     "true: a governed user's logon that no attached policy allows is refused (RAM's implicit "
     "deny for everyone); false: users without an attached policy log on under the settings "
     "alone, and only users with one need an Allow."},
    {"policies.time_zone", NULL,
     "The time zone (a tz database name such as Europe/Berlin) of ramsec:DayOfWeek and "
     "ramsec:TimeOfDay values that name none; \"\" is the host's.  A name the zone database "
     "(/usr/share/zoneinfo) lacks refuses the file, as any bad value does."},
};

const char *rs_setting_doc(const struct rs_setting *s, const char **ret_ram)
{
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		if (strcmp(docs[i].name, s->name))
			continue;
		if (ret_ram)
			*ret_ram = docs[i].ram;
		return docs[i].text;
	}
	return NULL;
}

/* Appends text with roff's specials escaped: a leading '.' or '\'', and
 * '\\' and '-' anywhere. */
static void roff(struct rs_buf *out, const char *text)
{
	if (text[0] == '.' || text[0] == '\'')
		rs_buf_put(out, "\\&", 2);
	for (const char *p = text; *p; p++) {
		if (*p == '\\')
			rs_buf_put(out, "\\e", 2);
		else if (*p == '-')
			rs_buf_put(out, "\\-", 2);
		else
			rs_buf_put(out, p, 1);
	}
}

void rs_settings_man(struct rs_buf *out)
{
	static struct rs_policy defaults;
	const char *group = "";

	rs_policy_init_defaults(&defaults);
	for (size_t i = 0; i < rs_setting_count(); i++) {
		const struct rs_setting *s = rs_setting_at(i);
		const char *ram = NULL, *text = rs_setting_doc(s, &ram);
		char want[128], def[600];
		struct rs_buf d;

		if (strcmp(group, s->group)) {
			group = s->group;
			rs_buf_printf(out, ".SS %s\n", group);
		}
		rs_setting_expected(s, want, sizeof(want));
		rs_buf_init(&d, def, sizeof(def));
		rs_setting_render_value(&defaults, s, false, &d);
		rs_buf_printf(out, ".TP\n.B %s\n", s->key);
		roff(out, text ? text : "(undocumented)");
		rs_buf_printf(out, "\n.br\nValue: ");
		roff(out, want);
		rs_buf_printf(out, "; default ");
		roff(out, def);
		rs_buf_printf(out, ".  %s", ram ? "Mirrors " : "ramsec's own setting.");
		if (ram)
			roff(out, ram);
		rs_buf_printf(out, "%s\n", ram ? "." : "");
	}
}
