// The pronunciation handler group (the article pronunciation API and pages): see pronunciation.h.
#include "pronunciation.h"

int main(int argc, char** argv) { return zf::ServeGroup(zf::pronunciation::Group(), argc, argv); }
