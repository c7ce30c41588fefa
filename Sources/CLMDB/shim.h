#ifndef CLMDB_SHIM_H
#define CLMDB_SHIM_H
#include <lmdb.h>
#include <errno.h>
#include <stddef.h>
#include <sys/uio.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

/// Asks the CPU to start loading the cache line at `address` (a hint; never faults).
static inline void clmdb_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// A pidfd for the calling process (pidfd_open(2)), or -1 with errno set where there is none.
static inline int clmdb_pidfd_open_self(void) {
#if defined(__linux__) && defined(SYS_pidfd_open)
    return (int)syscall(SYS_pidfd_open, getpid(), 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/// process_madvise(2): `advice` over `count` ranges of the process `pidfd` names, in one
/// call (Linux 5.10; any advice for the calling process since 6.13, and since 6.16 one TLB
/// flush for all the ranges of a MADV_DONTNEED). Returns the bytes advised, or -1 with errno.
static inline long clmdb_process_madvise(int pidfd, const struct iovec *ranges, size_t count, int advice) {
#if defined(__linux__) && defined(SYS_process_madvise)
    return syscall(SYS_process_madvise, pidfd, ranges, count, advice, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}
#endif
