// The listings group: rental listings and their photos (contract section 5,
// "Listings" and "Photos").
//
// Reads:
//   GET /api/houseinfos/              paginated list, filters title, minprice,
//                                     maxprice, minarea, maxarea, type,
//                                     district (city or county); ordering
//                                     pubdate, price (default -pubdate)   (cached 120 s)
//   GET /api/houseinfos/{id}/         one listing with photos, district, type,
//                                     agent, estate and tags                (cached 300 s)
//   GET /api/houseinfos/{id}/photos/  [{"photoid","path"}]
// Photos (multipart; real JPEG, PNG, GIF or WebP by their magic bytes; at
// most 2621440 bytes; stored under media.root/images/ by content hash and
// served by Nginx at /media/images/):
//   POST   /api/photos/                        field mainphoto -> {"code":300001,...}
//   POST   /api/houseinfos/{id}/photos/        field photo -> 201 {"photoid","path"}
//   DELETE /api/houseinfos/{id}/photos/{photoid}/  -> 204
// A failed upload leaves no file and no row behind.
// Writes (PUT, PATCH, DELETE of a listing; adding or removing its photos)
// need the privilege and then the listing: only its publisher
// (tb_house_info.userid), the user of the agent it names (tb_agent.tel =
// tb_user.tel) or a 管理员 may make them; others get 403 (resource.h,
// OwnerRule). A missing listing is 404 first. Lists in bodies (`tags`) hold
// at most app.max_list_items ids, all checked in one query.
// A page costs the same few queries whatever its size: the district's level
// (when filtered), the count (from tb_house_count for the search form's
// filters), the page (ids found on an index, then joined to their district
// and type), and the tags of the page's listings in one IN query; a house
// type is looked up only when the count is 0 (else its listings prove it).
#ifndef ZUFANG_HANDLERS_LISTINGS_LISTINGS_H_
#define ZUFANG_HANDLERS_LISTINGS_LISTINGS_H_

#include "app/fcgi_server.h"
#include "http/router.h"
#include "app/services.h"
#include "resource/media.h"

namespace zf::listings {

constexpr int kListTtl = 120;  // the list answers' max-age (contract)
// How long a list page and a search's count stay in memcached. Every hit
// checks them against the write log, so their age is no staleness: they
// are kept until the log no longer reaches back to them, a generation they
// are kept under moves, or this long. A short life here (it was the
// max-age) made every page of a search mix expire within the same seconds
// and be read again at once, counts of 100-400 ms among them.
constexpr int kListKeepSeconds = 3600;
constexpr int kDetailTtl = 300;

struct Context {
  ThreadServices* services;
  MediaStore* media;       // the process's photo store (resource/media.h)
  int64_t plan_min_walk;   // listings.plan_min_walk (search_plan.h)
  int64_t title_frequent_gram;  // listings.title_frequent_gram
};


const Router<Context>& Routes();
GroupDefinition Group();

}  // namespace zf::listings

#endif  // ZUFANG_HANDLERS_LISTINGS_LISTINGS_H_
