#!/usr/bin/env bash
# Installs Apache Flink for the Nexmark comparison (Benchmarks/nexmark/run.sh
# --flink): PyFlink from PyPI ships Flink's jars and runs them on the
# machine's Java (17 or newer). It goes into a virtual environment of its own,
# by default .build/nexmark/flink-venv (FLINK_VENV overrides), so nothing is
# installed system-wide. Run from anywhere; needs python3 with venv, pip and
# network access to PyPI. Never run by CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${FLINK_VENV:-$root/.build/nexmark/flink-venv}"
version="${FLINK_VERSION:-}"   # empty: the newest apache-flink on PyPI

if ! command -v java >/dev/null 2>&1; then
  echo "install-flink.sh: java is not on the PATH; install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)" >&2
  exit 2
fi
java -version 2>&1 | head -1

if [ ! -x "$venv/bin/python" ]; then
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
if [ -n "$version" ]; then
  "$venv/bin/python" -m pip install "apache-flink==$version"
else
  "$venv/bin/python" -m pip install apache-flink
fi
"$venv/bin/python" -c 'import pyflink, importlib.metadata as m; print("PyFlink", m.version("apache-flink"), "installed in", __import__("sys").prefix)'
