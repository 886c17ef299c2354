#include "catalogue.h"

#include "resource/handler_kit.h"
#include "resource/resource.h"

namespace zf::catalogue {

namespace {

// typeid is the client's on create, checked (not moved) on updates.
const Resource kHouseTypes = {
    .name = "housetypes",
    .table = "tb_house_type",
    .noun = "house type",
    .fields = {{"typeid", "typeid", FieldType::kInt, kPrimaryKey | kClientKey | kUnique},
               {"name", "name", FieldType::kText, kRequired, 255}},
    .shown = {"housetypes"},
    .list = {.paginated = false, .shows = {"typeid", "name"}, .ttl = kHouseTypesTtl},
    .detail_ttl = kHouseTypesTtl,
};

const Resource kTags = {
    .name = "tags",
    .table = "tb_tag",
    .noun = "tag",
    .fields = {{"tagid", "tagid", FieldType::kInt, kPrimaryKey},
               {"content", "content", FieldType::kText, kRequired, 20}},
    .shown = {"tags"},
    .list = {.shows = {"tagid", "content"}, .ttl = kTagsListTtl},
    .detail_ttl = 0,  // a tag's detail is read afresh
};

}  // namespace

const Router<Context>& Routes() {
  static const Router<Context> router([] {
    std::vector<Router<Context>::Route> routes;
    ResourceRoutes<Context, kHouseTypes>::AddTo(&routes, "/api/housetypes/", "/api/housetypes/{id}/", Access::kPublic);
    ResourceRoutes<Context, kTags>::AddTo(&routes, "/api/tags/", "/api/tags/{id}/", Access::kPublic);
    return routes;
  }());
  return router;
}

GroupDefinition Group() {
  return RoutedGroup<Context>("catalogue", Routes, [](ThreadServices* services) { return Context{services}; });
}

}  // namespace zf::catalogue
