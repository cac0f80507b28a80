/*
 * Test helper: the flour mill that the EcoSpold 1 tests of the importers (tests/inventories) and
 * of the CLI (tests/cli) read, and a method that counts its CO2.  The mill makes 10 kg flour
 * and 5 kg bran from 20 kg wheat and emits 2 kg CO2; its allocation records (fractions in %, as
 * EcoSpold 1 writes them) give the wheat 80 to the flour and the CO2 60 to the flour, 40 to the
 * bran.  Each test works out its own figures from these.
 */
#ifndef GLCA_TEST_MILL_H
#define GLCA_TEST_MILL_H

#include <stddef.h>

/**
 * The mill's EcoSpold 1 file in `buf` (of `size` bytes) with `wheat_bran_fraction` as the bran's
 * share of the wheat ("20" completes the flour's 80; another value breaks the sum on purpose, at
 * the first allocation record, line 9).
 */
void mill_ecospold1(char *buf, size_t size, const char *wheat_bran_fraction);

/** A method of one category, GWP100, counting carbon-dioxide@air with a factor of 1. */
extern const char mill_co2_method[];

#endif
