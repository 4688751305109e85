// RocksDB's C API (the disk state backend, `flow run --state-backend rocksdb`).
// Debian/Ubuntu: apt-get install librocksdb-dev (Scripts/bootstrap.sh does).
#ifndef FLOW_CROCKSDB_SHIM_H
#define FLOW_CROCKSDB_SHIM_H
#include <stdlib.h>
#include <rocksdb/c.h>
#endif
