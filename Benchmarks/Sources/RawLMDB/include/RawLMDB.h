/*
 * RawLMDB: the baselines the ledger's append and replay benchmarks are measured against.
 *
 * Straight C over liblmdb, no Swift, so a baseline is LMDB itself. A deferred store is opened
 * with MDB_NOSYNC (as the ledger's Durability.deferred), a durable one with neither
 * MDB_NOSYNC nor MDB_NOMETASYNC (as Durability.full: every commit flushes data, then meta).
 * Both use MDB_NOTLS, as the ledger does.
 *
 * Two shapes of store:
 * - log only (raw_lmdb_append): fixed-size records keyed by an 8-byte big-endian counter,
 *   appended with MDB_APPEND into one database. The baseline the targets name.
 * - the ledger's layout (raw_lmdb_append_indexed): the same records, plus for each one the
 *   index entries the ledger writes, in databases named as the ledger's. A context figure:
 *   what the ledger's on-disk layout costs in LMDB alone, before any Swift, encoding or
 *   hashing, so that the gap to the log-only baseline splits into layout and implementation.
 */
#ifndef RAW_LMDB_H
#define RAW_LMDB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An open store; owned by the caller, released by raw_lmdb_close. */
typedef struct raw_lmdb raw_lmdb;

/*
 * Opens (creating) a store in the existing directory `path` with a map of `map_size` bytes.
 * `durable` non-zero: every commit is flushed; zero: MDB_NOSYNC. `indexed` non-zero: the
 * ledger's layout (use raw_lmdb_append_indexed); zero: log only (use raw_lmdb_append).
 * Returns NULL and sets *error to the LMDB or errno code on failure.
 */
raw_lmdb *raw_lmdb_open(const char *path, int durable, int indexed, size_t map_size, int *error);

/*
 * Appends `count` copies of the `size`-byte `record` in one write transaction, each under
 * the next key (1, 2, ... as 8 bytes big-endian) with MDB_APPEND | MDB_RESERVE, the key also
 * stored at byte offset 16 of the record (as the ledger stores a record's position).
 * Returns 0 or the LMDB code of the failing call (the transaction is then aborted).
 * Call from one thread at a time: it begins and commits on the calling thread.
 */
int raw_lmdb_append(raw_lmdb *db, const void *record, size_t size, unsigned count);

/*
 * The ledger's writes (store format 2) for `count` events in one write transaction, event i
 * going to stream i % `streams` (at most 100 streams, named "challenge-cNN"), each through one
 * cursor per database:
 * - `log`: the record, as raw_lmdb_append does, with the stream's previous position in the
 *   8 bytes before its last 32 (record format 2's link);
 * - `streams`: for every 32nd version of a stream, key stream name, 0, version (8 bytes
 *   big-endian) -> position;
 * - the id, "ev-" and 12 digits (stream * 10^10 + version, as the concurrent benchmark numbers
 *   its events) -> position, with MDB_NOOVERWRITE (the duplicate check and the insert in one
 *   descent): durable stores with fewer than 1024 events per transaction write `recentIDs` and
 *   look the id up in `ids`; others write `ids`; `recentIDs` is moved into `ids` once it holds
 *   1024 entries;
 * - `heads`: once per stream per transaction, stream name -> version, position;
 * - `meta`: once per transaction, "head" -> position and "headHash" -> 32 bytes.
 * No hashing and no planning: the least any implementation of the layout must write.
 * Returns 0 or the LMDB code of the failing call.
 */
int raw_lmdb_append_indexed(raw_lmdb *db, const void *record, size_t size, unsigned count, unsigned streams);

/* The number of records stored. */
uint64_t raw_lmdb_count(const raw_lmdb *db);

/* Closes the store. */
void raw_lmdb_close(raw_lmdb *db);

/*
 * The id of the last transaction committed to the LMDB store in directory `path`, read from
 * the two meta pages of its data file (LMDB 0.9 layout) without opening the environment, so
 * it may be called while this process has the store open through another library: LMDB
 * forbids opening one environment twice in a process. The difference between two readings
 * is the number of commits in between. Returns 0 when the file cannot be read.
 */
uint64_t raw_lmdb_last_txnid(const char *path);

/*
 * Reading: the baselines of the projection replay benchmarks.
 *
 * A reader opens an existing ledger store read-only (MDB_RDONLY | MDB_NOTLS, as the ledger's
 * reads run) and its `log` database, and keeps the environment open across scans, as an open
 * ledger does. Each scan is one read transaction walking the whole log with a cursor
 * (MDB_FIRST, then MDB_NEXT). Never open a store this way in a process that also has it open
 * through the ledger: LMDB forbids opening one environment twice in a process.
 */
typedef struct raw_lmdb_reader raw_lmdb_reader;

/* What a scan does with each record. */
enum raw_lmdb_scan_mode {
    /* Walk the cursor only: count the records and their sizes, read no value byte. */
    RAW_LMDB_SCAN_WALK = 0,
    /* Sum every byte of every value with 8-byte word loads (and byte loads for the tail). */
    RAW_LMDB_SCAN_TOUCH = 1,
    /* As RAW_LMDB_SCAN_TOUCH, and unmap the pages behind the scan as the ledger's long scans
     * do (ScanPageReleaser: after 64 MiB, in intervals of 65536 records, two intervals behind;
     * madvise MADV_DONTNEED), so that the cost of keeping the resident set bounded shows. */
    RAW_LMDB_SCAN_TOUCH_RELEASING = 2,
};

typedef struct raw_lmdb_scan_result {
    uint64_t records;  /* values read */
    uint64_t bytes;    /* their total size */
    uint64_t checksum; /* the word sum (touching modes) or a fold of the sizes (walk) */
} raw_lmdb_scan_result;

/* Opens the ledger store in directory `path` read-only. Returns NULL and sets *error on failure. */
raw_lmdb_reader *raw_lmdb_reader_open(const char *path, int *error);

/* Scans every record of the log in one read transaction. Returns 0 or an LMDB code. */
int raw_lmdb_reader_scan(raw_lmdb_reader *reader, int mode, raw_lmdb_scan_result *result);

/* Closes the reader's environment. */
void raw_lmdb_reader_close(raw_lmdb_reader *reader);

/* A static description of an LMDB or errno code. */
const char *raw_lmdb_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
