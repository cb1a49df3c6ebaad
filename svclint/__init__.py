"""svclint: a static linter for Kubernetes Service manifests.

The library entry point is `svclint.lint(paths, settings)`: what `svclint PATH...` checks,
as a Report (findings, files, objects), without printing or exiting. This module stays light
(the command imports it on every run): the pipeline is imported when `lint` is first called.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: this module imports nothing
if TYPE_CHECKING:
    from typing import Any, Mapping, Sequence

    from svclint.check.engine import Report
    from svclint.check.settings import Settings

__version__ = "0.1.0"
__all__ = ["__version__", "lint"]


def lint(paths: Sequence[str], settings: Settings | Mapping[str, Any] | None = None, *,
         jobs: int | None = 1) -> Report:
    """Lints files and directories (`-`: stdin) as `svclint PATH...` does, and returns the Report.

    `settings` is a `svclint.check.settings.Settings`, or a mapping in the configuration file's
    spelling (`{"node-port-range": "30000-32767", "select": ["SVC1"]}`), or None for the
    defaults. No configuration file is looked up: pass what it would say. `jobs` is the number
    of processes (None: as many as pays, as the command does). Raises
    `svclint.source.discover.InputError` for paths that cannot be read and
    `svclint.check.settings.SettingsError` for a bad setting (the command's exit status 2).
    """
    from svclint.check.engine import lint_paths
    from svclint.check.settings import Settings

    if settings is None:
        settings = Settings()
    elif not isinstance(settings, Settings):
        settings = Settings().updated(settings)
    return lint_paths(list(paths), settings, jobs)
