"""The baseline svclint is measured against: read each manifest file and parse it, nothing more.

    python benchmarks/bare_parse.py PATH...

Finds files as svclint does (directories walked for .yaml/.yml/.json), reads each one,
and consumes `yaml.load_all(text, Loader=yaml.CSafeLoader)`.
"""

from __future__ import annotations

import os
import sys

import yaml

SUFFIXES = (".yaml", ".yml", ".json")


def files_under(path: str) -> list[str]:
    if not os.path.isdir(path):
        return [path]
    found = []
    for directory, subdirs, names in os.walk(path):
        subdirs.sort()
        found.extend(os.path.join(directory, n) for n in sorted(names) if n.endswith(SUFFIXES))
    return found


def main(paths: list[str]) -> int:
    documents = 0
    for path in (f for p in paths for f in files_under(p)):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        for _ in yaml.load_all(text, Loader=yaml.CSafeLoader):
            documents += 1
    print(f"{documents} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
