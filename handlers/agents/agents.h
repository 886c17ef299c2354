// The agents group: estate agents and the estates they serve (contract
// section 5, "Agents").
//
//   GET    /api/agents/        paginated {"agentid","name","tel","servstar"},
//                              by servstar descending, ties by agentid;
//                              filters name (prefix) and servstar (at least) (cached 120 s)
//   GET    /api/agents/{id}/   {"agentid","estates":[{"estateid","name"} <= 5, by hot
//                              descending],"name","tel","servstar","realstar",
//                              "profstar","certificated"}                        (cached 300 s)
//   POST   /api/agents/        name, tel required; stars 0 and certificated false by default -> 201
//   PUT | PATCH /api/agents/{id}/   -> 200 (PATCH: any subset of the fields)
//   DELETE /api/agents/{id}/   -> 204
// Writes answer {"agentid","name","tel","servstar","realstar","profstar","certificated"}.
//
// Every write needs a token and a privilege (the old site left them open: a
// defect), runs in one transaction with its audit record (tb_audit), and
// moves the "agents" cache generation, so the next read sees it. The detail
// also shows estates, so its cache key carries the "estates" generation too:
// an estate renamed through the estates group shows at once.
//
// Deleting an agent removes the agent's own estate links (tb_agent_estate,
// each audited) in the same transaction; an agent that listings
// (tb_house_info) still name cannot be deleted: 400 with a detail saying so,
// and nothing changes.
#ifndef ZUFANG_HANDLERS_AGENTS_AGENTS_H_
#define ZUFANG_HANDLERS_AGENTS_AGENTS_H_

#include "app/fcgi_server.h"

namespace zf::agents {
GroupDefinition Group();
}  // namespace zf::agents

#endif  // ZUFANG_HANDLERS_AGENTS_AGENTS_H_
