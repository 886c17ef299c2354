// The catalogue group: house types and tags (contract section 5).
//
//   GET    /api/housetypes/        [{"typeid","name"}] by typeid, not paginated  (cached 86400 s)
//   GET    /api/housetypes/{id}/   {"typeid","name"}                               (cached 86400 s)
//   POST   /api/housetypes/        typeid (given by the client) and name -> 201
//   PUT | PATCH /api/housetypes/{id}/  name -> 200;  DELETE -> 204
//   GET    /api/tags/              paginated {"tagid","content"} by tagid        (cached 3600 s)
//   GET    /api/tags/{id}/         {"tagid","content"}
//   POST   /api/tags/              content (<= 20) -> 201
//   PUT | PATCH /api/tags/{id}/    content -> 200;  DELETE -> 204
//
// Every write needs a token and a privilege (the old site left them open: a
// defect), runs in one transaction with its audit record (tb_audit), and
// moves the resource's cache generation, so the next read sees it. A row
// still used by listings cannot be deleted: 400 with a detail saying so.
#ifndef ZUFANG_HANDLERS_CATALOGUE_CATALOGUE_H_
#define ZUFANG_HANDLERS_CATALOGUE_CATALOGUE_H_

#include "app/fcgi_server.h"

namespace zf::catalogue {
GroupDefinition Group();
}  // namespace zf::catalogue

#endif  // ZUFANG_HANDLERS_CATALOGUE_CATALOGUE_H_
