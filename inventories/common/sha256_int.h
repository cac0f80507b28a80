/*
 * Internals of sha256.c: the block compression with its two implementations (portable C and
 * the x86 SHA extensions), exposed so the tests can check one against the other on machines
 * that have both.
 */
#ifndef GLCA_SHA256_INT_H
#define GLCA_SHA256_INT_H

#include <glca/inventories.h>

#include <stdbool.h>
#include <stdint.h>

/* Whether this processor has the SHA extensions (and we were built for x86-64). */
bool glca_inventories__sha256_accelerated(void);

/* Compress `nblocks` 64-byte blocks into `h`; the portable code unless `accelerated` and the
 * processor supports it. */
void glca_inventories__sha256_blocks(uint32_t h[8], const unsigned char *p, size_t nblocks,
                                     bool accelerated);

#endif
