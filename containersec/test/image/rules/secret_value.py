from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.secrets import find_secrets
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits


@rule(id="CSI004", slug="image-secret-value", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=("CIS-DI-0010",),
      summary="No credentials in the image's Env, Labels or history",
      why="A token written into the config or a build step's command line ships with every copy of the image; "
          "treat it as leaked and revoke it.",
      bad="ENV GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
      good="RUN --mount=type=secret,id=github_token make fetch",
      notes="Every credential kind of the secret catalogue (docs/secrets.md), in Env and Label values and in "
            "every history entry (as the build stage's secret-value rule finds them). Values are masked: at most "
            "four characters are shown; a config value's finding names its kind (`secret_kind`).")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    seen = set()
    for where, keyword, items in (("Env", "ENV", image.config.env), ("Label", "LABEL",
                                                                      tuple(image.config.labels.items()))):
        for name, value in items:
            if options.key_accepted(name):
                continue
            for secret in find_secrets(value):
                seen.add(secret.masked)
                yield ImageHit(f"{where} {name} holds a {secret.kind} '{secret.masked}': revoke it and pass it at "
                               "run time or as a build secret", keyword=keyword, secret=True, secret_kind=secret.id)
    for hit in history_hits(image, ("CSD096",), options):
        if not any(masked in hit.message for masked in seen):  # the Env value again, in its ENV entry
            yield ImageHit(hit.message, history=hit.history, layer=hit.layer, secret=True)
