"""The build stage: Dockerfiles, their model, rules and fixes."""

from containersec.build.parse import parse_dockerfile
from containersec.build.rules._secrets import find_secrets, is_secret_name, may_name_secret, secret_file_kind

__all__ = ["find_secrets", "is_secret_name", "may_name_secret", "parse_dockerfile", "secret_file_kind"]
