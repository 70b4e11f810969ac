"""The account files of the merged tree, as rows of colon-separated fields."""

from collections.abc import Iterator

from containersec.test.image.model import Filesystem


def rows(filesystem: Filesystem, path: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each entry of `path`; comments and blank lines skipped."""
    data = filesystem.accounts.get(path, b"")
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line.split(":")
