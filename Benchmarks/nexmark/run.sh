#!/usr/bin/env bash
# The Nexmark benchmark suite, one command (see Benchmarks/nexmark/README.md):
#   Benchmarks/nexmark/run.sh            quick mode, 100,000 events
#   Benchmarks/nexmark/run.sh --full     10,000,000 events
#   Benchmarks/nexmark/run.sh --flink    also Apache Flink (install-flink.sh first)
# Builds flow in release mode unless --flow PATH is given.
set -euo pipefail
exec python3 "$(dirname "$0")/run.py" "$@"
