/* Kept for existing includes: the implementation is tests/common/runcmd.c. */
#include "runcmd.h"
