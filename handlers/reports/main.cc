// The reports handler group (workbooks, chart data, stored reports): see reports.h.
#include "reports.h"

int main(int argc, char** argv) { return zf::ServeGroup(zf::reports::Group(), argc, argv); }
