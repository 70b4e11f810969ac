"""The jinja2 environment for the Markdown templates in containersec/report/templates.

Autoescaping HTML is the floor; every untrusted value also goes through the `md` filter, which escapes
Markdown as well (see markdown.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from containersec.github.markdown import escape_markdown

if TYPE_CHECKING:
    import jinja2


def environment() -> jinja2.Environment:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("containersec.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = lambda value: Markup(escape_markdown(str(value)))
    return env
