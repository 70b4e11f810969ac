"""OpenVEX documents, v0.2.0 (objects) and v0.0.1 (plain strings): `not_affected` and `fixed` suppress."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from containersec.config import ConfigError
from containersec.untrusted import DocumentError, json_data
from containersec.vulnerabilities.group import Vulnerability
from containersec.vulnerabilities.purls import parse_purl, purl_matches

SUPPRESSING = ("not_affected", "fixed")


@dataclass(frozen=True)
class Statement:
    source: str
    vulnerabilities: frozenset[str]  # the name and its aliases
    products: tuple[str, ...]  # purls or image references
    subcomponents: tuple[str, ...]  # package purls inside the products; empty: the whole product
    status: str
    justification: str
    timestamp: str

    def covers(self, vulnerability: Vulnerability) -> bool:
        if not self.vulnerabilities & vulnerability.ids:
            return False
        purl = vulnerability.purl
        names = {name for report, _ in vulnerability.records for name in report.artifact_names}
        for product in self.products:
            if purl and _purl_equal(product, purl):
                return True
            if _is_image(product, names) and (not self.subcomponents or self._names_package(purl)):
                return True
        return False

    def _names_package(self, purl: str | None) -> bool:
        return purl is not None and any(_purl_equal(s, purl) for s in self.subcomponents)


def read_vex(path: str) -> list[Statement]:
    try:
        document = json_data.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise ConfigError(path, None, "no such file") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror}") from None
    except DocumentError as exc:
        raise ConfigError(path, None, f"cannot read as an OpenVEX document: {exc}") from None
    if not isinstance(document, dict) or not str(document.get("@context", "")).startswith("https://openvex.dev/ns"):
        raise ConfigError(path, "@context", "not an OpenVEX document (expected https://openvex.dev/ns...)")
    statements = document.get("statements")
    if not isinstance(statements, list):
        raise ConfigError(path, "statements", "expected a list")
    default_time = _text(document.get("timestamp"))
    return [_statement(path, f"statements[{i}]", entry, default_time) for i, entry in enumerate(statements)]


def applicable(statements: list[Statement], vulnerability: Vulnerability) -> Statement | None:
    """The newest statement about this vulnerability here, when it says not_affected or fixed."""
    covering = [s for s in statements if s.covers(vulnerability)]
    if not covering:
        return None
    newest = max(covering, key=lambda s: s.timestamp)
    return newest if newest.status in SUPPRESSING else None


def _statement(path: str, key: str, entry: Any, default_time: str) -> Statement:
    if not isinstance(entry, dict):
        raise ConfigError(path, key, "expected a mapping")
    vulnerability = entry.get("vulnerability")
    if isinstance(vulnerability, dict):  # v0.2.0
        names = [_text(vulnerability.get("name")), _text(vulnerability.get("@id")),
                 *(_text(a) for a in _list(vulnerability.get("aliases")))]
    else:  # v0.0.1: a plain string
        names = [_text(vulnerability)]
    names = [n for n in names if n]
    if not names:
        raise ConfigError(path, f"{key}.vulnerability", "required")
    status = _text(entry.get("status"))
    if status not in ("not_affected", "affected", "fixed", "under_investigation"):
        raise ConfigError(path, f"{key}.status", f"unknown status {status!r}")
    products: list[str] = []
    subcomponents = [_text(s) for s in _list(entry.get("subcomponents"))]  # v0.0.1 keeps them on the statement
    for product in _list(entry.get("products")):
        if isinstance(product, dict):
            products += [_text(product.get("@id")), _text(_map(product.get("identifiers")).get("purl"))]
            subcomponents += [_text(_map(s).get("@id")) or _text(_map(_map(s).get("identifiers")).get("purl"))
                              for s in _list(product.get("subcomponents"))]
        else:
            products.append(_text(product))
    return Statement(
        source=path,
        vulnerabilities=frozenset(names),
        products=tuple(p for p in products if p),
        subcomponents=tuple(s for s in subcomponents if s),
        status=status,
        justification=_text(entry.get("justification")) or _text(entry.get("impact_statement")),
        timestamp=_text(entry.get("last_updated")) or _text(entry.get("timestamp")) or default_time,
    )


def _purl_equal(rule_text: str, purl: str) -> bool:
    rule = parse_purl(rule_text) if rule_text.startswith("pkg:") else None
    return rule is not None and rule.type != "oci" and purl_matches(rule, purl)


def _is_image(product: str, names: set[str]) -> bool:
    """A `pkg:oci/name@sha256%3A...` purl or a plain reference naming the scanned image."""
    if product in names:
        return True
    digest = None
    if product.startswith("pkg:oci/"):
        version = unquote(product.split("@", 1)[1].split("?", 1)[0]) if "@" in product else ""
        digest = version if version.startswith("sha256:") else None
    elif "@sha256:" in product:
        digest = product.rsplit("@", 1)[1]
    return digest is not None and any(name == digest or name.endswith(f"@{digest}") for name in names)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
