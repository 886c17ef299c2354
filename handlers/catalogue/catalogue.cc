#include "catalogue.h"

#include "resource/handler_kit.h"
#include "resource/resource.h"

namespace zf::catalogue {

namespace {

constexpr int kHouseTypesTtl = 86400;
constexpr int kTagsListTtl = 3600;

// typeid is the client's on create, checked (not moved) on updates.
const Resource kHouseTypes = {
    .name = "housetypes", .table = "tb_house_type", .noun = "house type",
    .collection = "/api/housetypes/", .item = "/api/housetypes/{id}/",
    .fields = {Int("typeid", kPrimaryKey | kClientKey | kUnique), Text("name", 255, kRequired)},
    .shown = {"housetypes"},
    .list = {.paginated = false, .shows = {"typeid", "name"}, .ttl = kHouseTypesTtl},
    .detail_ttl = kHouseTypesTtl,
};

// A tag's detail is read afresh (detail_ttl 0); its list is cached.
const Resource kTags = {
    .name = "tags", .table = "tb_tag", .noun = "tag", .collection = "/api/tags/", .item = "/api/tags/{id}/",
    .fields = {Int("tagid", kPrimaryKey), Text("content", 20, kRequired)},
    .shown = {"tags"},
    .list = {.shows = {"tagid", "content"}, .ttl = kTagsListTtl},
};

}  // namespace

GroupDefinition Group() { return ResourceGroup<kHouseTypes, kTags>("catalogue"); }

}  // namespace zf::catalogue
