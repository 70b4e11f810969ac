"""Tar headers from outside with a size limit on the ones tarfile reads whole.

A PAX extended header (`x`, `g`) or a GNU long name or link (`L`, `K`) is read into memory in one piece
before its member is seen: a 1 MB gzip layer holding one 1 GiB PAX header drove a run to 7.5 GB. Real
ones hold a path and a few keywords, so anything past the limit is refused before it is read.
"""

from __future__ import annotations

import tarfile
from typing import Any

from containersec.untrusted.limits import DocumentError

MAX_HEADER_BYTES = 1024 * 1024
_READ_WHOLE = {tarfile.GNUTYPE_LONGNAME: "GNU long name", tarfile.GNUTYPE_LONGLINK: "GNU long link name",
               tarfile.XHDTYPE: "PAX extended header", tarfile.XGLTYPE: "PAX global header",
               tarfile.SOLARIS_XHDTYPE: "Solaris extended header"}


class BoundedTarInfo(tarfile.TarInfo):
    """Pass as `tarfile.open(..., tarinfo=BoundedTarInfo)`; a header over the limit raises DocumentError."""

    def _proc_member(self, tarfile: Any) -> Any:
        kind = _READ_WHOLE.get(self.type)
        if kind is not None and self.size > MAX_HEADER_BYTES:
            raise DocumentError(f"a {kind} of {self.size:,} bytes, more than the {MAX_HEADER_BYTES:,} allowed")
        return super()._proc_member(tarfile)
