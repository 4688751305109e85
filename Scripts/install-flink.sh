#!/bin/sh
# Installs PyFlink (Apache Flink for Python, which ships Flink itself) for
# `flow run --engine flink`. Needs python3 with pip and a Java 11 or 17 JDK.
# Several people may run this at once: installs are serialized with a lock,
# and nothing is done when PyFlink is already importable.
set -e
if python3 -c 'import pyflink' 2>/dev/null; then
  echo "PyFlink is already installed: $(python3 -c 'import pyflink, os; print(os.path.dirname(pyflink.__file__))')"
  exit 0
fi
command -v java >/dev/null 2>&1 || { echo "install-flink.sh: Flink needs Java (11 or 17) on the PATH" >&2; exit 1; }
flock /tmp/flink-install.lock sh -c "python3 -c 'import pyflink' 2>/dev/null || python3 -m pip install apache-flink"
python3 -c 'import pyflink' && echo "PyFlink installed"
