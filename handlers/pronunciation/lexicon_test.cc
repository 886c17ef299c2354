// Unit tests of the lexicon compiler and of Open over a fixture dictionary.
#include <boost/test/unit_test.hpp>

#include "lexicon.h"
#include "lexicon_build.h"

using namespace zf::pronunciation;

BOOST_AUTO_TEST_CASE(NormalizeTailoComposesAndLowers) {
  BOOST_TEST(NormalizeTailo("A\xCC\x81ng") == "\xC3\xA1ng");  // A + U+0301 -> á
}
