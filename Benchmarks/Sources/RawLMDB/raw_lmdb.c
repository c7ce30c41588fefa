#include "RawLMDB.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { max_streams = 100, stream_name_size = 13, id_size = 15 };

struct raw_lmdb {
    MDB_env *env;
    MDB_dbi log, streams, ids, heads, meta, recent_ids;
    int durable;
    uint64_t last;                   /* the last position written */
    uint64_t versions[max_streams];  /* per stream, the last version written (indexed layout) */
    uint64_t positions[max_streams]; /* per stream, the last position written (indexed layout) */
};

/* The ledger's store format 2 constants (StoreLayout.swift). */
enum { checkpoint_interval = 32, recent_ids_limit = 1024 };

raw_lmdb *raw_lmdb_open(const char *path, int durable, int indexed, size_t map_size, int *error) {
    raw_lmdb *db = calloc(1, sizeof *db);
    if (db == NULL) { *error = ENOMEM; return NULL; }
    int rc = mdb_env_create(&db->env);
    if (rc != 0) { free(db); *error = rc; return NULL; }
    db->durable = durable;
    unsigned int flags = MDB_NOTLS | (durable ? 0 : MDB_NOSYNC);
    MDB_txn *txn = NULL;
    if ((rc = mdb_env_set_mapsize(db->env, map_size)) != 0
        || (rc = mdb_env_set_maxdbs(db->env, 16)) != 0
        || (rc = mdb_env_open(db->env, path, flags, 0600)) != 0
        || (rc = mdb_txn_begin(db->env, NULL, 0, &txn)) != 0)
        goto fail;
    if (indexed) {
        if ((rc = mdb_dbi_open(txn, "log", MDB_CREATE, &db->log)) != 0
            || (rc = mdb_dbi_open(txn, "streams", MDB_CREATE, &db->streams)) != 0
            || (rc = mdb_dbi_open(txn, "heads", MDB_CREATE, &db->heads)) != 0
            || (rc = mdb_dbi_open(txn, "ids", MDB_CREATE, &db->ids)) != 0
            || (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &db->meta)) != 0
            || (rc = mdb_dbi_open(txn, "recentIDs", MDB_CREATE, &db->recent_ids)) != 0)
            goto fail;
    } else if ((rc = mdb_dbi_open(txn, NULL, 0, &db->log)) != 0) {
        goto fail;
    }
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc != 0) goto fail;
    *error = 0;
    return db;
fail:
    if (txn != NULL) mdb_txn_abort(txn);
    mdb_env_close(db->env);
    free(db);
    *error = rc;
    return NULL;
}

static void store_big_endian(unsigned char *out, uint64_t value) {
    for (int i = 7; i >= 0; i--) { out[i] = (unsigned char)value; value >>= 8; }
}

static void store_digits(char *out, int width, uint64_t value) {
    for (int i = width - 1; i >= 0; i--) { out[i] = (char)('0' + value % 10); value /= 10; }
}

/* Puts one record under the next position; *position receives it. */
static int put_record(raw_lmdb *db, MDB_txn *txn, const void *record, size_t size, uint64_t *position) {
    uint64_t key = *position + 1;
    unsigned char key_bytes[8];
    store_big_endian(key_bytes, key);
    MDB_val k = { .mv_size = sizeof key_bytes, .mv_data = key_bytes };
    MDB_val v = { .mv_size = size, .mv_data = NULL };
    int rc = mdb_put(txn, db->log, &k, &v, MDB_APPEND | MDB_RESERVE);
    if (rc != 0) return rc;
    memcpy(v.mv_data, record, size);
    if (size >= 24) memcpy((unsigned char *)v.mv_data + 16, &key, sizeof key);
    *position = key;
    return 0;
}

int raw_lmdb_append(raw_lmdb *db, const void *record, size_t size, unsigned count) {
    MDB_txn *txn;
    int rc = mdb_txn_begin(db->env, NULL, 0, &txn);
    if (rc != 0) return rc;
    uint64_t position = db->last;
    for (unsigned i = 0; i < count; i++) {
        if ((rc = put_record(db, txn, record, size, &position)) != 0) { mdb_txn_abort(txn); return rc; }
    }
    rc = mdb_txn_commit(txn);
    if (rc == 0) db->last = position;
    return rc;
}

/* Moves recentIDs into ids once it holds recent_ids_limit entries, as the ledger does. */
static int move_recent_ids(raw_lmdb *db, MDB_txn *txn) {
    MDB_stat stat;
    int rc = mdb_stat(txn, db->recent_ids, &stat);
    if (rc != 0 || stat.ms_entries < recent_ids_limit) return rc;
    MDB_cursor *from, *to;
    if ((rc = mdb_cursor_open(txn, db->recent_ids, &from)) != 0) return rc;
    if ((rc = mdb_cursor_open(txn, db->ids, &to)) != 0) { mdb_cursor_close(from); return rc; }
    MDB_val k, v;
    rc = mdb_cursor_get(from, &k, &v, MDB_FIRST);
    while (rc == 0) {
        if ((rc = mdb_cursor_put(to, &k, &v, MDB_NOOVERWRITE)) != 0) break;
        rc = mdb_cursor_get(from, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(from);
    mdb_cursor_close(to);
    if (rc != MDB_NOTFOUND) return rc;
    return mdb_drop(txn, db->recent_ids, 0);
}

int raw_lmdb_append_indexed(raw_lmdb *db, const void *record, size_t size, unsigned count, unsigned streams) {
    if (streams == 0 || streams > max_streams) return EINVAL;
    MDB_txn *txn;
    int rc = mdb_txn_begin(db->env, NULL, 0, &txn);
    if (rc != 0) return rc;
    MDB_cursor *log = NULL, *stream_index = NULL, *id_index = NULL, *heads = NULL;
    /* Durable groups of fewer than recent_ids_limit events write ids into the small tier and
     * check the big one; others write into ids (recentIDs stays empty in this benchmark). */
    int into_recent = db->durable && count < recent_ids_limit;
    uint64_t position = db->last;
    uint64_t versions[max_streams], positions[max_streams];
    int touched[max_streams] = { 0 };
    memcpy(versions, db->versions, sizeof versions);
    memcpy(positions, db->positions, sizeof positions);
    char stream_key[stream_name_size + 9] = "challenge-c00";
    char id[id_size] = "ev-";
    unsigned char value[16];
    if ((rc = mdb_cursor_open(txn, db->log, &log)) != 0
        || (rc = mdb_cursor_open(txn, db->streams, &stream_index)) != 0
        || (rc = mdb_cursor_open(txn, into_recent ? db->recent_ids : db->ids, &id_index)) != 0
        || (rc = mdb_cursor_open(txn, db->heads, &heads)) != 0)
        goto fail;
    for (unsigned i = 0; i < count; i++) {
        unsigned stream = i % streams;
        uint64_t version = ++versions[stream];
        uint64_t key = position + 1;
        unsigned char key_bytes[8];
        store_big_endian(key_bytes, key);
        MDB_val k = { .mv_size = sizeof key_bytes, .mv_data = key_bytes };
        MDB_val r = { .mv_size = size, .mv_data = NULL };
        if ((rc = mdb_cursor_put(log, &k, &r, MDB_APPEND | MDB_RESERVE)) != 0) goto fail;
        memcpy(r.mv_data, record, size);
        if (size >= 24) memcpy((unsigned char *)r.mv_data + 16, &key, sizeof key);
        /* The link to the stream's previous event, before the 32-byte hash (record format 2). */
        if (size >= 40) memcpy((unsigned char *)r.mv_data + size - 40, &positions[stream], 8);
        position = key;
        store_big_endian(value, position);
        MDB_val v = { .mv_size = 8, .mv_data = value };
        store_digits(stream_key + 11, 2, stream);
        if (version % checkpoint_interval == 0) {
            stream_key[stream_name_size] = 0;
            store_big_endian((unsigned char *)stream_key + stream_name_size + 1, version);
            MDB_val sk = { .mv_size = sizeof stream_key, .mv_data = stream_key };
            if ((rc = mdb_cursor_put(stream_index, &sk, &v, 0)) != 0) goto fail;
        }
        store_digits(id + 3, 12, stream * 10000000000ull + version);
        MDB_val idk = { .mv_size = sizeof id, .mv_data = id }, found;
        if ((rc = mdb_cursor_put(id_index, &idk, &v, MDB_NOOVERWRITE)) != 0) goto fail;
        if (into_recent) {
            rc = mdb_get(txn, db->ids, &idk, &found);
            if (rc == 0) rc = MDB_KEYEXIST;
            if (rc != MDB_NOTFOUND) goto fail;
        }
        positions[stream] = position;
        touched[stream] = 1;
    }
    for (unsigned stream = 0; stream < streams; stream++) {
        if (!touched[stream]) continue;
        store_digits(stream_key + 11, 2, stream);
        store_big_endian(value, versions[stream]);
        store_big_endian(value + 8, positions[stream]);
        MDB_val k = { .mv_size = stream_name_size, .mv_data = stream_key };
        MDB_val v = { .mv_size = 16, .mv_data = value };
        if ((rc = mdb_cursor_put(heads, &k, &v, 0)) != 0) goto fail;
    }
    mdb_cursor_close(log);
    mdb_cursor_close(stream_index);
    mdb_cursor_close(id_index);
    mdb_cursor_close(heads);
    log = stream_index = id_index = heads = NULL;
    if ((rc = move_recent_ids(db, txn)) != 0) goto fail;
    if (position != db->last) {
        unsigned char head[8], hash[32] = { 0 };
        store_big_endian(head, position);
        MDB_val hk = { .mv_size = 4, .mv_data = "head" }, hv = { .mv_size = 8, .mv_data = head };
        MDB_val sk = { .mv_size = 8, .mv_data = "headHash" }, sv = { .mv_size = 32, .mv_data = hash };
        if ((rc = mdb_put(txn, db->meta, &hk, &hv, 0)) != 0 || (rc = mdb_put(txn, db->meta, &sk, &sv, 0)) != 0) goto fail;
    }
    if ((rc = mdb_txn_commit(txn)) != 0) return rc;
    db->last = position;
    memcpy(db->versions, versions, sizeof versions);
    memcpy(db->positions, positions, sizeof positions);
    return 0;
fail:
    if (log != NULL) mdb_cursor_close(log);
    if (stream_index != NULL) mdb_cursor_close(stream_index);
    if (id_index != NULL) mdb_cursor_close(id_index);
    if (heads != NULL) mdb_cursor_close(heads);
    mdb_txn_abort(txn);
    return rc;
}

uint64_t raw_lmdb_count(const raw_lmdb *db) { return db->last; }

void raw_lmdb_close(raw_lmdb *db) {
    if (db == NULL) return;
    mdb_env_close(db->env);
    free(db);
}

/*
 * LMDB 0.9's meta page: a 16-byte page header, then MDB_meta { uint32 magic, uint32 version,
 * void *address, size_t mapsize, MDB_db dbs[2] (48 bytes each), pgno_t last_pg, txnid_t txnid }.
 * Meta pages 0 and 1 sit at offsets 0 and one OS page; the newer carries the larger txnid.
 */
uint64_t raw_lmdb_last_txnid(const char *path) {
    char file[4096];
    if (snprintf(file, sizeof file, "%s/data.mdb", path) >= (int)sizeof file) return 0;
    int fd = open(file, O_RDONLY);
    if (fd < 0) return 0;
    const off_t txnid_offset = 16 + 4 + 4 + sizeof(void *) + sizeof(size_t) + 2 * 48 + sizeof(size_t);
    const off_t page = (off_t)sysconf(_SC_PAGESIZE);
    uint64_t newest = 0;
    for (int meta = 0; meta < 2; meta++) {
        uint32_t magic = 0;
        uint64_t txnid = 0;
        if (pread(fd, &magic, sizeof magic, meta * page + 16) != sizeof magic || magic != 0xBEEFC0DE) continue;
        if (pread(fd, &txnid, sizeof txnid, meta * page + txnid_offset) != sizeof txnid) continue;
        if (txnid > newest) newest = txnid;
    }
    close(fd);
    return newest;
}

const char *raw_lmdb_strerror(int code) { return mdb_strerror(code); }

/* ---- Reading: the replay baselines ---- */

#include <sys/mman.h>

struct raw_lmdb_reader {
    MDB_env *env;
    MDB_dbi log;
    uintptr_t page_mask;
};

raw_lmdb_reader *raw_lmdb_reader_open(const char *path, int *error) {
    raw_lmdb_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) { *error = ENOMEM; return NULL; }
    reader->page_mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
    int rc = mdb_env_create(&reader->env);
    if (rc != 0) { free(reader); *error = rc; return NULL; }
    MDB_txn *txn = NULL;
    /* The map size of an existing store is taken from its meta page when larger. */
    if ((rc = mdb_env_set_maxdbs(reader->env, 128)) != 0
        || (rc = mdb_env_open(reader->env, path, MDB_RDONLY | MDB_NOTLS, 0600)) != 0
        || (rc = mdb_txn_begin(reader->env, NULL, MDB_RDONLY, &txn)) != 0
        || (rc = mdb_dbi_open(txn, "log", 0, &reader->log)) != 0)
        goto fail;
    /* Committing the transaction that opened the handle keeps it for later transactions. */
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc != 0) goto fail;
    *error = 0;
    return reader;
fail:
    if (txn != NULL) mdb_txn_abort(txn);
    mdb_env_close(reader->env);
    free(reader);
    *error = rc;
    return NULL;
}

/* The sum of the bytes at p..p+n as little-endian 64-bit words, then the tail byte by byte. */
static inline uint64_t sum_words(const unsigned char *p, size_t n) {
    uint64_t sum = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, sizeof word);
        sum += word;
    }
    for (; i < n; i++) sum += p[i];
    return sum;
}

/* The ledger's ScanPageReleaser and ScanResidency, in C (see Sources/Ledger/Ledger/Ledger+Read.swift
 * and Sources/Ledger/Storage/ScanResidency.swift): the scan reports the 2 MiB blocks of the map
 * it enters, eight at a time; beyond a budget of 64 MiB of blocks (the ledger's default until
 * it went to 32 MiB; kept here so that the README's figures for this scan stay comparable)
 * the least recently used are unmapped with MADV_DONTNEED. */
enum { block_shift = 21, release_budget_blocks = 32, release_batch = 8 };

struct page_releaser {
    uintptr_t page_mask;
    uint64_t clock;
    uintptr_t held[release_budget_blocks + release_batch];
    uint64_t used[release_budget_blocks + release_batch];
    unsigned held_count;
    uintptr_t batch[release_batch];
    unsigned batch_count;
    uintptr_t last_block, lowest, highest;
};

static void releaser_flush(struct page_releaser *r) {
    for (unsigned i = 0; i < r->batch_count; i++) {
        unsigned j = 0;
        while (j < r->held_count && r->held[j] != r->batch[i]) j++;
        if (j == r->held_count) r->held[r->held_count++] = r->batch[i];
        r->used[j] = ++r->clock;
    }
    r->batch_count = 0;
    r->last_block = UINTPTR_MAX;
    while (r->held_count > release_budget_blocks) {
        unsigned oldest = 0;
        for (unsigned j = 1; j < r->held_count; j++) if (r->used[j] < r->used[oldest]) oldest = j;
        uintptr_t start = r->held[oldest] << block_shift, end = (r->held[oldest] + 1) << block_shift;
        if (start < (r->lowest & r->page_mask)) start = r->lowest & r->page_mask;
        if (end > ((r->highest + ~r->page_mask) & r->page_mask)) end = (r->highest + ~r->page_mask) & r->page_mask;
        if (end > start) madvise((void *)start, end - start, MADV_DONTNEED);
        r->held_count--;
        r->held[oldest] = r->held[r->held_count];
        r->used[oldest] = r->used[r->held_count];
    }
}

static inline void releaser_note(struct page_releaser *r, const void *data, size_t size) {
    uintptr_t address = (uintptr_t)data, block = address >> block_shift;
    if (block == r->last_block) return;
    r->last_block = block;
    if (address < r->lowest) r->lowest = address;
    if (address + size > r->highest) r->highest = address + size;
    for (unsigned i = 0; i < r->batch_count; i++) if (r->batch[i] == block) return;
    r->batch[r->batch_count++] = block;
    if (r->batch_count == release_batch) releaser_flush(r);
}

int raw_lmdb_reader_scan(raw_lmdb_reader *reader, int mode, raw_lmdb_scan_result *result) {
    MDB_txn *txn;
    MDB_cursor *cursor;
    int rc = mdb_txn_begin(reader->env, NULL, MDB_RDONLY, &txn);
    if (rc != 0) return rc;
    if ((rc = mdb_cursor_open(txn, reader->log, &cursor)) != 0) { mdb_txn_abort(txn); return rc; }
    struct page_releaser releaser = { .page_mask = reader->page_mask, .lowest = UINTPTR_MAX, .last_block = UINTPTR_MAX };
    uint64_t records = 0, bytes = 0, checksum = 0;
    MDB_val key, value;
    rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST);
    while (rc == 0) {
        records++;
        bytes += value.mv_size;
        switch (mode) {
        case RAW_LMDB_SCAN_WALK:
            checksum = checksum * 31 + value.mv_size;
            break;
        case RAW_LMDB_SCAN_TOUCH_RELEASING:
            releaser_note(&releaser, value.mv_data, value.mv_size);
            /* fall through */
        default:
            checksum += sum_words(value.mv_data, value.mv_size);
            break;
        }
        rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT);
    }
    if (mode == RAW_LMDB_SCAN_TOUCH_RELEASING) releaser_flush(&releaser);
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    if (rc != MDB_NOTFOUND) return rc;
    result->records = records;
    result->bytes = bytes;
    result->checksum = checksum;
    return 0;
}

void raw_lmdb_reader_close(raw_lmdb_reader *reader) {
    if (reader == NULL) return;
    mdb_env_close(reader->env);
    free(reader);
}
