"""`containersec image` on a real image (OCI layout, built by umoci) holding one file per credential kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from oci_images import Entry, Layer, build_layout

from containersec.config import Config
from containersec.report import sarif
from containersec.secrets.catalogue import KINDS
from containersec.test.image import check_images
from tests.secret_samples import SAMPLES

TITLES = {kind.id: kind.title for kind in KINDS}
DELETED = "github-fine-grained-pat"
SECRET_RULES = ("CSI027", "CSI028")
KEY_STORE = b"\x30\x82\x0a\x1f\x02\x01\x03\x30\x82\x09\xe5\x06\x09" + bytes(range(64))


def path_of(kind_id: str) -> str:
    return f"/srv/secrets/{kind_id}.txt"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    layers = [
        Layer([Entry("srv"), Entry("srv/secrets"),
               *(Entry(path_of(kind_id).lstrip("/"), text) for kind_id, (text, _) in sorted(SAMPLES.items()))],
              created_by="COPY secrets /srv/secrets # buildkit"),
        Layer(deleted=[path_of(DELETED).lstrip("/")], created_by=f"RUN /bin/sh -c rm {path_of(DELETED)} # buildkit"),
        # A PKCS#12 key store is binary: found by its extension and DER start, not by a catalogue pattern.
        Layer([Entry("srv/tls"), Entry("srv/tls/client.p12", KEY_STORE),
               Entry("srv/tls/trust.jks", b"\xfe\xed\xfe\xed")], created_by="COPY tls /srv/tls # buildkit"),
    ]
    layout = build_layout(tmp_path_factory.mktemp("secrets") / "layout", layers)
    result = check_images([str(layout)], Config())
    assert result.errors == []
    return result


def test_each_credential_kind_is_reported_exactly_once_with_its_kind(report) -> None:  # type: ignore[no-untyped-def]
    found: dict[str, list] = {}
    for finding in report.findings:
        if finding.rule in SECRET_RULES:
            found.setdefault(finding.extra["image"]["path"], []).append(finding)
    assert [f.message.split(" in ")[0] for f in found.pop("/srv/tls/client.p12")] == ["a PKCS#12 key store"]
    assert sorted(found) == sorted(path_of(kind_id) for kind_id in SAMPLES)
    for kind_id in SAMPLES:
        [finding] = found[path_of(kind_id)]
        assert finding.secret_kind == kind_id, (kind_id, finding.message)
        assert finding.to_json()["secret_kind"] == kind_id


def test_the_deleted_file_is_still_reported_from_its_layer(report) -> None:  # type: ignore[no-untyped-def]
    [finding] = [f for f in report.findings if f.extra["image"].get("path") == path_of(DELETED)]
    assert finding.message.startswith(f"{TITLES[DELETED]} 'gith****' in {path_of(DELETED)}, deleted by a later layer")
    assert finding.extra["image"]["layer"]["index"] == 0


def test_no_secret_value_is_printed_and_sarif_names_the_kind(report) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(sarif.render(report))
    text = json.dumps(document)
    for kind_id, (_, value) in SAMPLES.items():
        if not any(kind.id == kind_id and kind.shown for kind in KINDS) and kind_id != "url-password":
            assert value[4:] not in text, kind_id
    kinds = {result["properties"]["secret-kind"] for run in document["runs"] for result in run["results"]
             if result["ruleId"] in SECRET_RULES and "properties" in result}
    assert kinds == set(SAMPLES)


def test_sarif_validates(report) -> None:  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json")
                        .read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(sarif.render(report)), schema)
