// zufang-demo-photos: draws the photos the demo listings name, so that their
// thumbnails show. The demo data names a main photo per listing
// (tb_house_info.mainphoto, served as /media/images/<name>) but ships no
// image; this draws a placeholder for each name that has no file yet: a 4:3
// JPEG (800x600) in a soft colour of its own (derived from the name), a
// house, "示例图片" and the listing's number. Nothing is copied from
// anywhere: every image is drawn here.
//
//   zufang-demo-photos [--limit N] [--media DIR] [--font FILE]
//   zufang-demo-photos --draw NAME NUMBER FILE    one image to FILE, no database
//
//   --limit N      look at the first N listings by houseid (default 10000), so
//                  that a database filled by zufang-gen-listings costs no more
//   --media DIR    the media folder (default: the setting media.root); images
//                  go to DIR/images/
//   --font FILE    the TrueType font to write with (default: a font
//                  fontconfig finds for Chinese, e.g. fonts-wqy-microhei);
//                  without one, the text is drawn in ASCII
//
// Only in a database that holds the demo data (tools/migrate.sh records
// "seed" in schema_migrations when it loads it): a production database
// gets no placeholders. A name that is not a plain file name ending in .jpg
// or .jpeg is left alone, as are the rows zufang-gen-listings made (gen-*);
// a file already there is never touched. Files are written to a temporary
// name and linked into place, so a reader never sees half an image and an
// upload that arrived meanwhile wins.
//
// Settings as the handlers read them ($ZUFANG_ENV, mysql.*, media.root).
// Exit status: 0 done (also: nothing to do); 1 an image could not be written
// or a database error; 64 usage; 69 the database cannot be reached; 78 a bad
// setting.
#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <gd.h>
#include <gdfontg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/cli.h"
#include "base/config.h"
#include "data/db.h"

namespace {

constexpr int kExitFailed = 1;

constexpr int kExitSoftware = 70;


constexpr int kWidth = 800;
constexpr int kHeight = 600;
constexpr int kJpegQuality = 85;
const char kGeneratedPrefix[] = "gen-";  // zufang-gen-listings' rows

const char kUsage[] =
    "usage: zufang-demo-photos [--limit N] [--media DIR] [--font FILE]\n"
    "       zufang-demo-photos --draw NAME NUMBER FILE\n"
    "  draws a placeholder JPEG under MEDIA/images/ for each demo listing's\n"
    "  mainphoto that has no file yet (only in a database holding the demo data)\n";

struct Rgb {
  int r, g, b;
};

// HSL (h in degrees, s and l in 0..1) to RGB.
Rgb Hsl(double h, double s, double l) {
  h = std::fmod(std::fmod(h, 360.0) + 360.0, 360.0);
  double c = (1 - std::fabs(2 * l - 1)) * s;
  double x = c * (1 - std::fabs(std::fmod(h / 60.0, 2.0) - 1));
  double m = l - c / 2;
  double r = 0, g = 0, b = 0;
  if (h < 60) {
    r = c, g = x;
  } else if (h < 120) {
    r = x, g = c;
  } else if (h < 180) {
    g = c, b = x;
  } else if (h < 240) {
    g = x, b = c;
  } else if (h < 300) {
    r = x, b = c;
  } else {
    r = c, b = x;
  }
  auto byte = [m](double v) { return std::clamp(static_cast<int>(std::lround((v + m) * 255)), 0, 255); };
  return Rgb{byte(r), byte(g), byte(b)};
}

int Colour(const Rgb& c, int alpha = 0) { return gdTrueColorAlpha(c.r, c.g, c.b, alpha); }

// FNV-1a 64, then MurmurHash3's finaliser (names that differ in a few
// characters would otherwise share their low bits, and so their hue): the
// same name gives the same colour on every machine.
uint64_t NameHash(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char ch : name) {
    h ^= ch;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Code points of a UTF-8 string (invalid bytes become U+FFFD).
std::vector<uint32_t> CodePoints(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

// A font file that holds every character of `text`, found by fontconfig
// (asked for Chinese); "" when there is none.
std::string FindFont(const std::string& text) {
  if (!FcInit()) return "";
  std::string file;
  FcPattern* pattern = FcNameParse(reinterpret_cast<const FcChar8*>(":lang=zh-cn"));
  if (pattern != nullptr) {
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result = FcResultNoMatch;
    FcPattern* match = FcFontMatch(nullptr, pattern, &result);
    if (match != nullptr) {
      FcChar8* path = nullptr;
      FcCharSet* charset = nullptr;
      if (FcPatternGetString(match, FC_FILE, 0, &path) == FcResultMatch &&
          FcPatternGetCharSet(match, FC_CHARSET, 0, &charset) == FcResultMatch) {
        bool all = true;
        for (uint32_t cp : CodePoints(text)) {
          if (cp > ' ' && !FcCharSetHasChar(charset, cp)) all = false;
        }
        if (all) file = reinterpret_cast<const char*>(path);
      }
      FcPatternDestroy(match);
    }
    FcPatternDestroy(pattern);
  }
  return file;
}

const char kCaption[] = "示例图片";
const char kListing[] = "房源";

struct Text {
  std::string font;  // "" : gd's built-in ASCII font
};

// Writes `s` with its baseline at (x, y) in a TrueType font, or the built-in
// font; returns false when the TrueType font failed (then nothing is drawn).
bool DrawText(gdImagePtr im, const Text& text, int colour, double points, int x, int y, const std::string& s) {
  int box[8];
  char* error = gdImageStringFT(im, box, colour, const_cast<char*>(text.font.c_str()), points, 0.0, x, y,
                                const_cast<char*>(s.c_str()));
  return error == nullptr;
}

void DrawAsciiText(gdImagePtr im, int colour, int x, int y_top, const std::string& s) {
  gdImageString(im, gdFontGetGiant(), x, y_top, reinterpret_cast<unsigned char*>(const_cast<char*>(s.c_str())),
                colour);
}

// The placeholder for listing `number`, its colours from `name`.
gdImagePtr Draw(const std::string& name, long long number, const Text& text) {
  gdImagePtr im = gdImageCreateTrueColor(kWidth, kHeight);
  if (im == nullptr) return nullptr;
  uint64_t h = NameHash(name);
  double hue = static_cast<double>(h % 360);
  double sun_hue = hue + 35 + static_cast<double>((h >> 16) % 30);

  // Sky: a soft gradient of the listing's hue; the ground a deeper tint.
  const int horizon = 440;
  for (int y = 0; y < horizon; ++y) {
    double t = static_cast<double>(y) / horizon;
    gdImageLine(im, 0, y, kWidth - 1, y, Colour(Hsl(hue, 0.45, 0.90 - 0.08 * t)));
  }
  for (int y = horizon; y < kHeight; ++y) {
    double t = static_cast<double>(y - horizon) / (kHeight - horizon);
    gdImageLine(im, 0, y, kWidth - 1, y, Colour(Hsl(hue + 20, 0.30, 0.72 - 0.08 * t)));
  }
  gdImageAlphaBlending(im, 1);
  gdImageFilledEllipse(im, 660, 120, 120, 120, Colour(Hsl(sun_hue, 0.75, 0.92), 30));

  const Rgb ink = Hsl(hue, 0.35, 0.28);
  const int ink_c = Colour(ink);
  // The house: chimney behind the roof, the roof over the walls.
  gdImageSetThickness(im, 6);
  gdImageFilledRectangle(im, 470, 175, 510, 260, Colour(Hsl(hue, 0.40, 0.50)));
  gdImageRectangle(im, 470, 175, 510, 260, ink_c);
  gdImageFilledRectangle(im, 260, 290, 540, 470, Colour(Hsl(hue, 0.25, 0.97)));
  gdImageRectangle(im, 260, 290, 540, 470, ink_c);
  gdPoint roof[3] = {{225, 300}, {400, 155}, {575, 300}};
  gdImageFilledPolygon(im, roof, 3, Colour(Hsl(hue, 0.45, 0.55)));
  gdImagePolygon(im, roof, 3, ink_c);
  // Door and windows.
  gdImageFilledRectangle(im, 372, 370, 428, 470, Colour(Hsl(hue, 0.40, 0.42)));
  gdImageRectangle(im, 372, 370, 428, 470, ink_c);
  gdImageFilledEllipse(im, 417, 422, 10, 10, Colour(Hsl(sun_hue, 0.70, 0.80)));
  const int glass = Colour(Hsl(hue + 180, 0.40, 0.85));
  for (int x0 : {290, 450}) {
    gdImageFilledRectangle(im, x0, 330, x0 + 60, 390, glass);
    gdImageRectangle(im, x0, 330, x0 + 60, 390, ink_c);
    gdImageSetThickness(im, 3);
    gdImageLine(im, x0 + 30, 330, x0 + 30, 390, ink_c);
    gdImageLine(im, x0, 360, x0 + 60, 360, ink_c);
    gdImageSetThickness(im, 6);
  }
  gdImageSetThickness(im, 1);

  // The words, on a translucent band so they read on any colour.
  const int band = Colour(Rgb{255, 255, 255}, 50);
  gdImageFilledRectangle(im, 0, 24, 300, 96, band);
  gdImageFilledRectangle(im, 0, 520, 300, 580, band);
  std::string number_text = std::to_string(number);
  bool drawn = false;
  if (!text.font.empty()) {
    drawn = DrawText(im, text, ink_c, 34, 36, 76, kCaption) &&
            DrawText(im, text, ink_c, 24, 36, 562, std::string(kListing) + " " + number_text);
  }
  if (!drawn) {
    DrawAsciiText(im, ink_c, 36, 52, "SAMPLE PHOTO");
    DrawAsciiText(im, ink_c, 36, 542, "LISTING " + number_text);
  }
  return im;
}

// Writes `im` as a JPEG into `path`, through a temporary file linked into
// place (never replacing a file). *existed: a file was there already.
bool WriteJpeg(gdImagePtr im, const std::string& path, bool* existed, std::string* error) {
  *existed = false;
  int size = 0;
  void* data = gdImageJpegPtr(im, &size, kJpegQuality);
  if (data == nullptr || size <= 0) {
    *error = "JPEG encoding failed";
    return false;
  }
  // A name of its own, also against another container on the same volume.
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = mkostemp(tmp.data(), O_CLOEXEC);
  bool ok = fd >= 0 && fchmod(fd, 0644) == 0;
  if (!ok) *error = "cannot create " + tmp + ": " + strerror(errno);
  const char* p = static_cast<const char*>(data);
  for (ssize_t left = size; ok && left > 0;) {
    ssize_t n = write(fd, p, static_cast<size_t>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "cannot write " + tmp + ": " + strerror(errno);
      ok = false;
      break;
    }
    p += n;
    left -= n;
  }
  if (ok && fsync(fd) != 0) {
    *error = "cannot write " + tmp + ": " + strerror(errno);
    ok = false;
  }
  if (fd >= 0 && close(fd) != 0 && ok) {
    *error = "cannot write " + tmp + ": " + strerror(errno);
    ok = false;
  }
  gdFree(data);
  if (ok && link(tmp.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) {
      *existed = true;
    } else {
      *error = "cannot store " + path + ": " + strerror(errno);
      ok = false;
    }
  }
  if (fd >= 0) unlink(tmp.c_str());
  return ok;
}

// A plain file name (letters, digits, _ - . and no leading dot) ending in
// .jpg or .jpeg: nothing that could leave the images folder.
bool PlainJpegName(const std::string& name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.';
    if (!ok) return false;
  }
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto ends = [&lower](const char* suffix) {
    size_t n = strlen(suffix);
    return lower.size() > n && lower.compare(lower.size() - n, n, suffix) == 0;
  };
  return ends(".jpg") || ends(".jpeg");
}


int Usage(const std::string& why) { return zf::UsageError("zufang-demo-photos", kUsage, why); }

Text ChooseFont(const std::string& font_option) {
  Text text;
  text.font = font_option.empty() ? FindFont(std::string(kCaption) + kListing + "0123456789") : font_option;
  return text;
}

int DrawOne(const std::string& name, long long number, const std::string& file, const Text& text) {
  gdImagePtr im = Draw(name, number, text);
  if (im == nullptr) {
    fprintf(stderr, "zufang-demo-photos: cannot make an image\n");
    return kExitFailed;
  }
  bool existed = false;
  std::string error;
  bool ok = WriteJpeg(im, file, &existed, &error);
  gdImageDestroy(im);
  if (!ok || existed) {
    fprintf(stderr, "zufang-demo-photos: %s\n", existed ? (file + " exists: not replaced").c_str() : error.c_str());
    return kExitFailed;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t limit = 10000;
  std::string media, font;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--draw") {
      if (argc - i != 4) return Usage("--draw takes NAME NUMBER FILE, and comes last");
      int64_t number = 0;
      if (!zf::ParseIntArg(argv[i + 2], 0, 1LL << 40, &number)) return Usage("NUMBER must be a listing number");
      int rc = DrawOne(argv[i + 1], number, argv[i + 3], ChooseFont(font));
      gdFontCacheShutdown();
      return rc;
    } else if (arg == "--limit" && has_value) {
      if (!zf::ParseIntArg(argv[++i], 1, 100000000, &limit)) return Usage("--limit must be a positive number");
    } else if (arg == "--media" && has_value) {
      media = argv[++i];
    } else if (arg == "--font" && has_value) {
      font = argv[++i];
    } else {
      return Usage("unexpected argument \"" + arg + "\"");
    }
  }

  zf::Config config;
  zf::DbSettings db_settings;
  zf::Status s = zf::LoadDbSettingsFromEnvironment(&config, &db_settings);
  if (s.ok() && media.empty()) s = config.GetString("media.root", &media);
  if (!s.ok()) {
    fprintf(stderr, "zufang-demo-photos: configuration error: %s\n", s.message().c_str());
    return zf::kExitConfig;
  }
  struct stat st;
  if (stat(media.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "zufang-demo-photos: configuration error: the media folder %s is not a folder\n", media.c_str());
    return zf::kExitConfig;
  }
  s = zf::InitDbDriver();
  if (!s.ok()) {
    fprintf(stderr, "zufang-demo-photos: %s\n", s.ToString().c_str());
    return kExitSoftware;
  }
  db_settings.replicas.clear();  // what is loaded now, from the primary
  zf::DbConnections conns(db_settings);
  zf::Db db(&conns);
  auto fail = [](const std::string& what, const zf::Status& failure) {
    fprintf(stderr, "zufang-demo-photos: %s: %s\n", what.c_str(), failure.ToString().c_str());
    return failure.IsUnavailable() ? zf::kExitUnavailable : kExitFailed;
  };

  zf::Rows rows;
  s = db.Query("SELECT COUNT(*) FROM schema_migrations WHERE version = 'seed'", {}, &rows);
  if (!s.ok()) return fail("reading schema_migrations", s);
  if (rows.empty() || rows[0].Int(0) == 0) {
    printf("zufang-demo-photos: this database holds no demo data: no photos drawn\n");
    return 0;
  }
  s = db.Query("SELECT houseid, mainphoto FROM tb_house_info ORDER BY houseid LIMIT ?", {zf::Param(limit)}, &rows);
  if (!s.ok()) return fail("reading the listings", s);

  std::string dir = media + "/images";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "zufang-demo-photos: cannot create %s: %s\n", dir.c_str(), strerror(errno));
    return kExitFailed;
  }
  Text text = ChooseFont(font);
  int drawn = 0, present = 0, left_alone = 0, failed = 0;
  for (const zf::Row& row : rows) {
    const std::string& name = row.Str(1);
    if (name.compare(0, strlen(kGeneratedPrefix), kGeneratedPrefix) == 0 || !PlainJpegName(name)) {
      ++left_alone;
      continue;
    }
    std::string path = dir + "/" + name;
    if (lstat(path.c_str(), &st) == 0) {
      ++present;
      continue;
    }
    gdImagePtr im = Draw(name, row.Int(0), text);
    if (im == nullptr) {
      ++failed;
      continue;
    }
    bool existed = false;
    std::string error;
    if (!WriteJpeg(im, path, &existed, &error)) {
      fprintf(stderr, "zufang-demo-photos: %s\n", error.c_str());
      ++failed;
    } else if (existed) {
      ++present;
    } else {
      ++drawn;
    }
    gdImageDestroy(im);
  }
  gdFontCacheShutdown();
  printf("zufang-demo-photos: %d drawn, %d already there, %d left alone (not a demo photo name), in %s%s\n", drawn,
         present, left_alone, dir.c_str(), text.font.empty() ? " (no Chinese font: ASCII text)" : "");
  if (failed > 0) {
    fprintf(stderr, "zufang-demo-photos: %d could not be written\n", failed);
    return kExitFailed;
  }
  return 0;
}
