// The estates group: housing estates (contract section 5, "Estates").
//
//   GET    /api/estates/        paginated {"estateid","name"}              (cached 300 s)
//                               ordering: district, hot, name (default -hot; ties by estateid)
//                               filters: name (prefix), dist (district id), minhot, maxhot
//   GET    /api/estates/{id}/   {"estateid","district":{"distid","name"},"name","hot","intro"}
//                                                                          (cached 300 s)
//   POST   /api/estates/        name, district, hot, intro -> 201
//   PUT | PATCH /api/estates/{id}/  the same (PATCH: any of them) -> 200;  DELETE -> 204
//   Writes answer {"estateid","name","hot","intro","district":<distid>}.
//
// Every route, reads included, needs a token and a privilege (tb_privilege
// url /api/estates/; PATCH counts as PUT). Reads are cached under the
// "estates" generation; each write runs in one transaction with its audit
// record (tb_audit, the row before and after in the write's shape) and then
// moves that generation, so the next read sees it. Other groups whose
// answers embed an estate (an agent's detail) put the same generation in
// their cache keys. An estate still used by agents or listings cannot be
// deleted: 400 with a detail saying so.
#ifndef ZUFANG_HANDLERS_ESTATES_ESTATES_H_
#define ZUFANG_HANDLERS_ESTATES_ESTATES_H_

#include "app/fcgi_server.h"

namespace zf::estates {
GroupDefinition Group();
}  // namespace zf::estates

#endif  // ZUFANG_HANDLERS_ESTATES_ESTATES_H_
