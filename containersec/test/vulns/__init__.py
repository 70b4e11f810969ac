"""The test stage's `containersec vulns`: the policy of `containersec.vulnerabilities` as rules over reports.

The exports load on first use: `containersec lint` imports this package's `rules` module for the catalogue,
and must not pay for the readers, the policy or their libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from containersec.test.vulns.engine import check_reports
    from containersec.test.vulns.expiry import check_exceptions

__all__ = ["check_exceptions", "check_reports"]
_EXPORTS = {"check_reports": "containersec.test.vulns.engine", "check_exceptions": "containersec.test.vulns.expiry"}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
