// The payments handler group (deposits through Alipay): see payments.h.
#include "payments.h"

int main(int argc, char** argv) { return zf::ServeGroup(zf::payments::Group(), argc, argv); }
