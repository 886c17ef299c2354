// The accounts group: logins (local and company directory), token
// revocation, SMS codes, registration, users.
//
// Routes (contract sections 3 and 5, "Accounts"):
//   POST   /api/tokens/          log in: user name, phone or e-mail + password
//                                 (+ captcha, captcha_id after failed logins: login_guard.h)
//   GET    /captcha/             a new captcha: the PNG (id in Captcha-Id and the
//                                cookie captcha_id), or with Accept: application/json
//                                {"captcha_id":…,"image":"data:image/png;base64,…"}
//   DELETE /api/tokens/{token}/  revoke one's own token (needs a token)
//   GET    /api/mobile/{tel}/    send a 6-digit SMS code (queued job)
//   POST   /api/users/           register with an SMS code (staff holding the
//                                privilege POST /api/users/: without one)
//   GET    /api/users/           list users (privilege GET /api/users/);
//                                `username`: names starting with it
//   GET    /api/users/{id}/      one user: oneself, or with the privilege
//   PUT    /api/users/{id}/      update realname, tel, email, sex: likewise; a
//                                new tel needs `code`, the SMS code sent to it
//   DELETE /api/users/{id}/      remove a user (privilege; never oneself; 400
//                                while they still have listings)
//   GET    /api/users/{id}/privileges/  roles and privileges: oneself, or with
//                                the privilege (pages show what a role may use)
//   GET    /api/users/{id}/houseinfos/  the listings the user published, newest
//                                first (paginated; oneself or with the privilege)
//
// Local users' passwords are argon2id; a legacy MD5 is accepted once and
// replaced. A login that matches no local user (or matches a user provisioned
// from the directory) is checked against LDAP; the first success provisions a
// local user whose roles follow the directory groups (ldap.group_roles).
#ifndef ZUFANG_HANDLERS_ACCOUNTS_ACCOUNTS_H_
#define ZUFANG_HANDLERS_ACCOUNTS_ACCOUNTS_H_

#include <map>
#include <memory>
#include <string>

#include "app/fcgi_server.h"
#include "auth/ldap_client.h"
#include "http/router.h"
#include "app/services.h"
#include "login_guard.h"

namespace zf::accounts {

struct AccountSettings {
  bool ldap_enabled = false;
  LdapSettings ldap;
  std::map<std::string, int> group_roles;  // directory group cn -> tb_role.roleid
  int code_ttl_s = 1800;                   // an SMS code stays valid
  int code_resend_s = 120;                 // no new code for the same phone before
  std::string time_zone = "+08:00";
  LoginGuardSettings login;               // failed logins and the captcha (login_guard.h)
};

// Reads ldap.*, sms.code_* and login.* keys; errors name the key.
Status LoadAccountSettings(const Config& config, AccountSettings* out);

struct Context {
  const AccountSettings* settings;
  const UserDirectory* directory;      // null when ldap.enabled is off
  ThreadServices* services;
};

// Which of the three login forms a name has ("" for none).
std::string LoginKind(const std::string& name);  // "username", "tel", "email"
bool IsUsername(const std::string& s);
bool IsPhone(const std::string& s);
bool IsEmail(const std::string& s);
bool IsHanName(const std::string& s);  // 2-20 characters U+4E00..U+9FA5

// DATETIME text from MariaDB ("2026-11-22 13:05:57[.123]") as DRF renders it
// in the configured zone ("2026-11-22T13:05:57.123000+08:00").
std::string RenderDateTime(const std::string& db_value, const std::string& time_zone);

const Router<Context>& Routes();
GroupDefinition Group();

}  // namespace zf::accounts

#endif  // ZUFANG_HANDLERS_ACCOUNTS_ACCOUNTS_H_
