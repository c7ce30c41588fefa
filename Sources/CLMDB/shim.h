#ifndef CLMDB_SHIM_H
#define CLMDB_SHIM_H
#include <lmdb.h>

/// Asks the CPU to start loading the cache line at `address` (a hint; never faults).
static inline void clmdb_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
