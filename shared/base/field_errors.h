// Field errors as DRF's serializers report them, in the order they were
// found: {"username":["该字段是必填项。"],"non_field_errors":[…]}.
// Messages come from the catalogue (messages.h); a Status carries the whole
// set to the one function that renders it (ErrorResponse, http/http.h).
#ifndef ZUFANG_SHARED_BASE_FIELD_ERRORS_H_
#define ZUFANG_SHARED_BASE_FIELD_ERRORS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/messages.h"

namespace zf {

class FieldErrors {
 public:
  using Entry = std::pair<std::string, std::vector<std::string>>;

  void Add(const std::string& field, Msg msg, std::string_view arg = {}) { AddText(field, Message(msg, arg)); }
  bool empty() const { return errors_.empty(); }
  bool Has(const std::string& field) const {
    for (const Entry& e : errors_) {
      if (e.first == field) return true;
    }
    return false;
  }
  const std::vector<Entry>& entries() const { return errors_; }

 private:
  void AddText(const std::string& field, std::string text) {
    for (Entry& e : errors_) {
      if (e.first == field) {
        e.second.push_back(std::move(text));
        return;
      }
    }
    errors_.push_back({field, {std::move(text)}});
  }

  std::vector<Entry> errors_;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_BASE_FIELD_ERRORS_H_
