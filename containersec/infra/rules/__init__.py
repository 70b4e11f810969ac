"""Kubernetes manifest rules: one module per rule, registered on import.

Every module in this package is imported, so adding a rule means adding one module (and its test).
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
