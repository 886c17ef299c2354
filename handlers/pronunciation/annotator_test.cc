// Unit tests of segmentation and reading choice over a fixture dictionary.
#include <boost/test/unit_test.hpp>

#include "annotator.h"
