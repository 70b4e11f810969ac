from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import CREDENTIAL_FILE, Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers
from containersec.test.image.rules._sightings import sighting_hits


@rule(id="CSI027", slug="image-credential-file", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=("CIS-DI-0010",),
      summary="No private keys or credential files in any layer",
      why="Every layer ships: a key deleted by a later RUN is still in the tarball, one `tar -x` away for "
          "anyone who can pull the image.",
      bad="COPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@github.com:org/app.git && rm /root/.ssh/id_rsa",
      good="RUN --mount=type=ssh git clone git@github.com:org/app.git",
      notes="Every layer is read, not only the merged tree. Private keys by content (PEM and OpenSSH headers, "
            "whatever the file is called); AWS credentials with a secret key, Google service account keys, "
            "Docker and kubeconfig credentials, .npmrc with an auth token, .pypirc and .netrc with a password, "
            "git-credentials; and, wherever they are, files whose content is a credential file's (a Docker "
            "config `auth`, Maven settings.xml or NuGet config passwords, .npmrc/.pypirc/.netrc entries, PuTTY "
            "keys). One finding per file, naming the first credential in it (`secret_kind`). Files above "
            "`image.secret-scan-max-bytes` (default 1 MiB) are not read; accept paths with `image.accept-files`.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from sighting_hits(image, CREDENTIAL_FILE, options)
