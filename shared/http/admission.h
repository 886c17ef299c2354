// Admission: the gate a routed request passes before its handler runs.
//
// The router knows only this interface; the authentication, privilege and
// throttling layers behind it (auth/, app/services.h) stay out of the HTTP
// layer. A route declares the Access it needs:
//   kPublic     — anyone (a valid token still identifies the user);
//   kSignedIn   — a valid token;
//   kPrivileged — a valid token whose roles hold a privilege for the
//                 request's method and path.
//
// Thread-safety: one Admission per thread, as the Context that carries it.
#ifndef ZUFANG_SHARED_HTTP_ADMISSION_H_
#define ZUFANG_SHARED_HTTP_ADMISSION_H_

#include <optional>

#include "http/http.h"

namespace zf {

enum class Access { kPublic, kSignedIn, kPrivileged };

class Admission {
 public:
  virtual ~Admission() = default;
  // nullopt: go on (req->userid is set); otherwise the answer to send.
  virtual std::optional<Response> Admit(Request* req, Access access) = 0;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_HTTP_ADMISSION_H_
