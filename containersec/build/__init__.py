"""The build stage: Dockerfiles, their model, rules and fixes."""

from containersec.build.engine import discover, read_source
from containersec.build.parse import parse_dockerfile
from containersec.build.rules._images import parse_image
from containersec.build.rules._labels import LABEL_TYPES
from containersec.build.rules._labels import shown as shown_label_value
from containersec.build.rules._secrets import find_secrets, is_secret_name, may_name_secret, secret_file_kind

__all__ = ["LABEL_TYPES", "discover", "find_secrets", "is_secret_name", "may_name_secret", "parse_dockerfile",
           "parse_image", "read_source", "secret_file_kind", "shown_label_value"]
