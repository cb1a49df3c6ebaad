"""Snapshot files: whole reports kept under tests/snapshots/, not written out in test code.

A test hands the text it got to `snapshot(name, text)`; the text is compared with
tests/snapshots/<test module>/<name>. When the output changes on purpose (a new rule, a new
field, a reworded message), rewrite the files and review the diff like code:

    pytest --update-snapshots

Volatile parts are replaced before comparing, so that a snapshot holds the same text on
every machine: the temporary directories and the repository's path, and svclint's version.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from svclint import __version__

UPDATE_COMMAND = "pytest --update-snapshots"


class Snapshots:
    def __init__(self, directory: Path, update: bool) -> None:
        self.directory = directory
        self.update = update

    def __call__(self, name: str, text: str, *, replace: dict[str, str] | None = None) -> None:
        """Asserts that `text`, normalised, is the snapshot `name`; `replace` maps further
        volatile strings (a test's tmp_path) to placeholders."""
        actual = normalise(text, replace or {})
        path = self.directory / name
        if self.update:
            if not path.exists() or path.read_text(encoding="utf-8") != actual:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(actual, encoding="utf-8", newline="\n")
            return
        if not path.exists():
            raise AssertionError(f"no snapshot {path.relative_to(path.parents[3])}: "
                                 f"run `{UPDATE_COMMAND}` and review the new file")
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                                f"snapshot {name}", "actual output"))
            raise AssertionError(f"the output differs from the snapshot {name}; if the change is meant, "
                                 f"run `{UPDATE_COMMAND}` and review the diff:\n{diff}")


def normalise(text: str, replace: dict[str, str]) -> str:
    for volatile, placeholder in sorted(replace.items(), key=lambda item: -len(item[0])):  # longest first
        text = text.replace(volatile, placeholder)
    text = text.replace(str(Path(__file__).resolve().parents[1]), "<repo>")
    text = re.sub(r"/tmp/pytest-of-[^/\s\"']+/pytest-\d+/[^/\s\"']+", "<tmp>", text)
    text = text.replace(f'"{__version__}"', '"<version>"')  # SARIF's version and semanticVersion
    text = text.replace(f"svclint {__version__}", "svclint <version>")
    return text
