// The one translation unit that defines main() for each Boost.Test binary.
#define BOOST_TEST_MODULE zufang
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>
