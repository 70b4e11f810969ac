from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.secrets import is_secret_name
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits


@rule(id="CSI003", slug="image-secret-name", severity=Severity.WARNING, stage=Stage.TEST,
      aliases=("CIS-DI-0010",),
      summary="No secrets in the image's Env, Labels or history",
      why="Env and Labels are in the image config and ARG values in its history: anyone who can pull the image "
          "reads them with `docker inspect` or `docker history`.",
      bad="ARG NPM_TOKEN\nENV API_TOKEN=$NPM_TOKEN",
      good="RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci",
      notes="Names are judged as the build stage's secret-env-name rule does (GPG_KEY, *_FILE, *_PATH and "
            "*_ID are not secrets). Label names have `.` and `-` read as `_`. History entries are checked for "
            "the ARG values a RUN saw (`|1 TOKEN=...`); ENV entries are left to the config's Env. Accept "
            "names with `image.accept-keys`.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    for name, _ in image.config.env:
        if is_secret_name(name) and not options.key_accepted(name):
            yield ImageHit(f"Env {name} looks like a secret; it is stored in the image config, readable by "
                           "anyone who can pull the image: pass it at run time or as a build secret",
                           keyword="ENV", secret=True)
    for name in image.config.labels:
        if is_secret_name(name.replace(".", "_").replace("-", "_")) and not options.key_accepted(name):
            yield ImageHit(f"Label {name} looks like a secret; labels are public image metadata",
                           keyword="LABEL", secret=True)
    # ENV entries repeat what the config's Env holds, reported above.
    for hit in history_hits(image, ("CSD095",), options, skip_keywords=frozenset({"ENV"})):
        yield ImageHit(hit.message, history=hit.history, layer=hit.layer, secret=True)
