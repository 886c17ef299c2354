// The settings schema: every key a settings file may set, with its type,
// bounds, default and meaning, in one static table (settings_schema.cc).
//
// Config's getters take defaults and bounds from here, so no call site
// carries its own; Config::Load refuses a file that sets a key missing from
// the table (naming the nearest known key) or a value its type does not
// allow; `zufang-settings get KEY` prints a key's effective value for the
// shell scripts, and `zufang-settings schema --markdown` the README's
// settings table.
//
// Adding a key: one line in kSettings (settings_schema.cc), then
// `make settings-files` to refresh the README (a unit test compares them).
//
// A key is either literal ("jobs.lease_s") or a pattern whose one segment
// `<name>` stands for any [a-z0-9_-]+ ("group.<name>.threads" matches
// "group.districts.threads").
#ifndef ZUFANG_SHARED_SETTINGS_SCHEMA_H_
#define ZUFANG_SHARED_SETTINGS_SCHEMA_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace zf {

enum class SettingType {
  kInt,       // a whole number from min to max (or one of `words`)
  kDuration,  // kInt counting `unit`s (s or ms)
  kBool,      // on/off, true/false, yes/no, 1/0
  kEnum,      // one of `words`
  kString,    // text as `format` describes; checked by the code reading it
  kList,      // comma-separated items as `format` describes
  kEnvVar,    // names the environment variable holding a secret; empty: none
  kRate,      // requests per period, as DRF writes them (30/min)
  kSize,      // an Nginx size: digits, then k, m or g
};

struct SettingSpec {
  const char* key;
  SettingType type;
  // As a settings file writes it; nullptr: no default (the code reading the
  // key stops naming it when it is unset).
  const char* default_value;
  long min;
  long max;
  const char* unit;    // "s", "ms", "bytes", "KiB" or nullptr (kInt, kDuration)
  const char* words;   // "|"-separated: kEnum's choices, kInt's non-numbers ("auto")
  const char* format;  // kString and kList: what a value looks like (Markdown)
  const char* meaning;
};

// The table, in the order the README lists it.
const SettingSpec* SettingsBegin();
const SettingSpec* SettingsEnd();

// The entry `key` is or matches; nullptr when none.
const SettingSpec* FindSetting(std::string_view key);

// The known key nearest to `key` by edit distance (patterns filled in with
// the segment `key` has in their <name> place), or "" when none is near
// enough to be a likely misspelling.
std::string NearestSetting(std::string_view key);

// Empty when `value` suits `spec`; otherwise what was expected, e.g.
// "expected an integer from 1 to 256" (callers add the key and the value).
std::string CheckSettingValue(const SettingSpec& spec, const std::string& value);

// Optimal string alignment distance (a transposition counts as one edit).
size_t EditDistance(std::string_view a, std::string_view b);

// A key's values ("1–64", "`on`, `off`") and default ("`8`", "empty", "—":
// none) as the table writes them (Markdown).
std::string SettingValues(const SettingSpec& spec);
std::string SettingDefault(const SettingSpec& spec);

// The schema as a Markdown table (key, values, default, meaning): the
// README's settings table, between kSettingsTableBegin and kSettingsTableEnd.
std::string SettingsMarkdown();
extern const char kSettingsTableBegin[];
extern const char kSettingsTableEnd[];

// What lies between the two markers of a document (a README), markers
// excluded; false when either is missing or they are out of order.
bool ExtractSettingsTable(const std::string& document, std::string* table);

}  // namespace zf

#endif  // ZUFANG_SHARED_SETTINGS_SCHEMA_H_
