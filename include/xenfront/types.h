/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Portable fixed-size types for the protocol-logic files that are compiled
 * both into the modules and into the user-space unit tests (tests/unit).
 * Those files include only this header (and each other), never kernel
 * headers.
 */
#ifndef XENFRONT_TYPES_H
#define XENFRONT_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
#endif

#endif /* XENFRONT_TYPES_H */
