"""The image checks end to end: open each input, read its config and layers once, run the rules, apply policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from containersec.catalogue import Rule
from containersec.config import Config, active_rules
from containersec.findings import Finding, InputError, Report, Stage, StageSummary, Suppression
from containersec.test.image.archive import (
    ArchiveError,
    LayerRef,
    Selected,
    Store,
    list_images,
    select,
    split_reference,
)
from containersec.test.image.history import redact
from containersec.test.image.layers import Budget, LayerError, LayerFacts, read_layer
from containersec.test.image.locate import DockerfileLocator
from containersec.test.image.model import Filesystem, Image, ImageConfig, ImageHit
from containersec.test.image.options import ImageOptions, image_options
from containersec.test.image.rules._layers import LAYER_CHECKS

PREFIX = "CSI"


def image_rules(config: Config) -> list[Rule]:
    return active_rules(config, Stage.TEST, PREFIX)


def config_findings(image_config: Mapping[str, Any], config: Config, *, path: str, line: int = 1,
                    extra: Mapping[str, object] | None = None) -> list[Finding]:
    """Findings of every config-only image rule on an OCI image config blob (no layers needed).

    Each finding is placed at `path`:`line` and carries `extra` in its JSON object besides its own "image"
    facts (history entry, layer index). Raises ConfigError for a bad `image:` section, and RuntimeError when
    a rule fails (a bug: the findings would be incomplete).
    """
    options = image_options(config)
    image = Image(ImageConfig.from_json(image_config))
    rules = [rule for rule in image_rules(config) if rule.check not in LAYER_CHECKS]
    findings, errors = _findings(image, rules, options, lambda hit: (path, line), {})
    if errors:
        raise RuntimeError("; ".join(errors))
    for finding in findings:
        facts = finding.extra.pop("image")
        finding.extra.update(extra or {})
        own = finding.extra.get("image")
        finding.extra["image"] = {**own, **facts} if isinstance(own, Mapping) else facts
    return findings


def check_images(arguments: Sequence[str], config: Config, *, dockerfile: str | None = None,
                 platform: str | None = None) -> Report:
    """Check each image (PATH, PATH:TAG or PATH@DIGEST); unreadable ones become errors, the rest are checked."""
    options = image_options(config)
    rules = image_rules(config)
    report = Report(stages=(Stage.TEST,))
    locator = None
    if dockerfile is not None:
        try:
            locator = DockerfileLocator.read(dockerfile)
            report.sources[dockerfile] = locator.text  # the text report quotes the instruction's line
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            report.errors.append(InputError(dockerfile, f"cannot use as --dockerfile: {exc}", Stage.TEST))
    for argument in arguments:
        _check_one(report, argument, rules, options, locator, platform, config.show_suppressed)
    report.notices.extend(_exception_notices(options))
    report.sort()
    return report


def _check_one(report: Report, argument: str, rules: list[Rule], options: ImageOptions,
               locator: DockerfileLocator | None, platform: str | None, show_suppressed: bool) -> None:
    path, reference = split_reference(argument)
    report.files += 1
    store = None
    try:
        store = Store(path)
        selected = select(store, reference, platform)
        config = ImageConfig.from_json(selected.config)
        if config.diff_ids and len(config.diff_ids) != len(selected.layers):
            raise ArchiveError(f"the config lists {len(config.diff_ids)} layers (rootfs.diff_ids), the manifest "
                               f"{len(selected.layers)}")
        filesystem = Filesystem()
        budget = Budget()
        facts = [_read(store, layer, filesystem, options, budget) for layer in selected.layers]
    except (ArchiveError, LayerError) as exc:
        report.errors.append(InputError(argument, str(exc), Stage.TEST))
        return
    except OSError as exc:
        report.errors.append(InputError(argument, f"cannot read: {exc.strerror or exc}", Stage.TEST))
        return
    except Exception as exc:  # a reader bug stays this image's error: the others are still checked
        report.errors.append(InputError.unexpected(argument, exc, Stage.TEST))
        return
    finally:
        if store is not None:
            store.close()
    image = Image(config, filesystem)
    truncated = [f.index for f in facts if f.truncated_tail]
    if truncated:
        report.notices.append(f"{argument}: layer {', '.join(map(str, truncated))} ends without the tar "
                              "end-of-archive blocks (as umoci 0.4 writes them); every complete member was read "
                              "and the digests match")

    def location(hit: ImageHit) -> tuple[str, int]:
        if locator is None:
            return path, 1  # the file, without a :TAG or @DIGEST (kept in the "image" facts)
        return locator.path, locator.line(config, hit)

    image_facts = {"image": argument, "format": selected.format, "reference": selected.reference,
                   "config_digest": selected.config_digest, "platform": selected.platform}
    findings, errors = _findings(image, rules, options, location, image_facts, layers=facts,
                                 hidden_line=locator.holds_secret if locator is not None else None,
                                 show_suppressed=show_suppressed)
    report.findings.extend(findings)
    report.errors.extend(InputError(argument, message, Stage.TEST) for message in errors)
    report.summaries.append(_summary(argument, selected, facts, filesystem, len(findings)))
    report.extra.setdefault("images", []).append({
        "path": argument, "format": selected.format, "reference": selected.reference,
        "manifest_digest": selected.manifest_digest, "config_digest": selected.config_digest,
        "platform": selected.platform,
        # `digest` is the stored (compressed) blob's, as the manifest names it; `blob_digest` says so explicitly.
        "layers": [{"index": f.index, "digest": f.blob_digest, "blob_digest": f.blob_digest, "diff_id": f.diff_id,
                    "size": f.compressed_bytes, "entries": f.entries} for f in facts],
        "paths": len(filesystem.files), "findings": len(findings)})


def list_contents(arguments: Sequence[str]) -> Report:
    """What each input holds (names, digests, platforms), checking nothing: `containersec image --list`."""
    report = Report(stages=(Stage.TEST,))
    for argument in arguments:
        report.files += 1
        store = None
        try:
            store = Store(split_reference(argument)[0])
            images = list_images(store)
        except ArchiveError as exc:
            report.errors.append(InputError(argument, str(exc), Stage.TEST))
            continue
        except OSError as exc:
            report.errors.append(InputError(argument, f"cannot read: {exc.strerror or exc}", Stage.TEST))
            continue
        finally:
            if store is not None:
                store.close()
        report.extra.setdefault("contents", []).append({"path": argument, "images": images})
        rows = tuple((", ".join(image["names"]) or "(no name)",
                      f"{image['platform'] or 'no platform'}, config {image['config_digest'] or '-'}"
                      + (f", manifest {image['manifest_digest']}" if image["manifest_digest"] else ""))
                     for image in images)
        report.summaries.append(StageSummary(Stage.TEST, f"{argument}: {len(images)} images", rows))
    listed = sum(len(entry["images"]) for entry in report.extra.get("contents", []))  # type: ignore[index, arg-type]
    report.footer = f"{listed} images in {report.files} input{'' if report.files == 1 else 's'}"
    return report


def _read(store: Store, layer: LayerRef, filesystem: Filesystem, options: ImageOptions, budget: Budget) -> LayerFacts:
    with store.open(layer.location, f"layer {layer.index} blob") as handle:
        try:
            return read_layer(handle, index=layer.index, media_type=layer.media_type, blob_digest=layer.blob_digest,
                              diff_id=layer.diff_id, filesystem=filesystem,
                              scan_limit=options.secret_scan_max_bytes, accepted=options.file_accepted,
                              budget=budget)
        except LayerError as exc:
            raise LayerError(f"layer {layer.index} ({layer.location}) {exc}") from None


def _findings(image: Image, rules: list[Rule], options: ImageOptions, location: Callable[[ImageHit], tuple[str, int]],
              facts: dict[str, object], *, layers: Sequence[LayerFacts] = (),
              hidden_line: Callable[[int], bool] | None = None,
              show_suppressed: bool = False) -> tuple[list[Finding], list[str]]:
    """Findings of `rules`; with `hidden_line`, they are placed on Dockerfile lines, hidden where it says the
    line's own text holds a secret (whatever the finding is about: a secret in a file is no secret of the line).
    Findings an exception covers are left out, or with `show_suppressed` kept as suppressed."""
    findings: list[Finding] = []
    errors: list[str] = []
    today = dt.date.today()
    for rule in rules:
        if image.filesystem is None and rule.check in LAYER_CHECKS:
            continue
        try:
            hits = list(rule.check(image, options))
        except Exception as exc:  # a rule bug must not hide the other rules' results
            errors.append(f"internal error in rule {rule.id} {rule.slug}: {type(exc).__name__}: {exc}")
            continue
        for hit in hits:
            exception = _exception_for(options, rule, hit, today)
            if exception is not None and not show_suppressed:
                continue
            path, line = location(hit)
            findings.append(Finding(
                rule=rule.id, name=rule.slug, severity=rule.severity, stage=rule.stage, path=path, line=line,
                message=hit.message, aliases=rule.aliases, secret=hidden_line is not None and hidden_line(line),
                secret_kind=hit.secret_kind,
                extra={"image": {**facts, **_hit_facts(image, hit, layers)}},
                suppression=None if exception is None else Suppression(
                    "external", f"{options.exceptions[exception].reason} (image.exceptions[{exception}])")))
    return findings, errors


def _hit_facts(image: Image, hit: ImageHit, layers: Sequence[LayerFacts]) -> dict[str, object]:
    facts: dict[str, object] = {}
    if hit.path is not None:
        facts["path"] = hit.path
    if hit.layer is not None:
        entry = image.config.entry_of_layer(hit.layer)
        read = layers[hit.layer] if hit.layer < len(layers) else None
        diff_id = read.diff_id if read is not None else (
            image.config.diff_ids[hit.layer] if hit.layer < len(image.config.diff_ids) else None)
        # `digest` is the diff_id (of the uncompressed layer, as the config lists it), kept for the contract;
        # `diff_id` and `blob_digest` (the stored blob, as the manifest names it) say which is which.
        facts["layer"] = {"index": hit.layer, "digest": diff_id, "diff_id": diff_id,
                          "blob_digest": read.blob_digest if read is not None else None,
                          "created_by": redact(entry.created_by) if entry else None}
    if hit.history is not None:
        facts["history"] = {"index": hit.history, "created_by": redact(image.config.history[hit.history].created_by)}
    return facts


def _exception_for(options: ImageOptions, rule: Rule, hit: ImageHit, today: dt.date) -> int | None:
    """The index of the first live `image.exceptions` entry that covers the hit, or None."""
    for index, exception in enumerate(options.exceptions):
        if rule.id not in exception.rules or (exception.expires is not None and exception.expires < today):
            continue
        if not exception.paths or (hit.path is not None and any(fnmatchcase(hit.path, p) for p in exception.paths)):
            return index
    return None


def _exception_notices(options: ImageOptions) -> list[str]:
    today = dt.date.today()
    return [f"image.exceptions[{index}] ({', '.join(sorted(e.rules))}) expired on {e.expires}; not applied"
            for index, e in enumerate(options.exceptions) if e.expires is not None and e.expires < today]


def _summary(argument: str, selected: Selected, facts: Sequence[LayerFacts], filesystem: Filesystem,
             count: int) -> StageSummary:
    deleted = sum(1 for s in filesystem.sightings if not filesystem.still_present(s.path, s.layer))
    rows = (("format", selected.format), ("reference", selected.reference or "-"),
            ("platform", selected.platform or "not declared"),
            ("layers", str(len(facts))), ("layer bytes", f"{sum(f.compressed_bytes for f in facts):,}"),
            ("paths", f"{len(filesystem.files):,}"), ("secrets only in deleted files", str(deleted)),
            ("findings", str(count)))
    return StageSummary(Stage.TEST, f"image {argument}", rows)
