from collections.abc import Iterator

from containersec.build.rules._packages import (
    PIP,
    final_image_runs,
    has_cache_mount,
    insert_after,
    last_position,
    position,
    run_invocations,
    sets_variable,
    subcommand_word,
)
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_CACHE_SUFFIXES = (".cache/pip", ".cache")


def _removes_cache(command: Command) -> bool:
    return command.name == "rm" and any(w.text.rstrip("/*").rstrip("/").endswith(_CACHE_SUFFIXES)
                                        for w in command.args)


@rule(id="CSD053", slug="pip-no-cache-dir", severity=Severity.WARNING,
      aliases=("DL3042",),
      summary="Use pip install --no-cache-dir",
      why="pip keeps every downloaded wheel and sdist under ~/.cache/pip; in an image layer that cache is "
          "dead weight, often larger than the installed packages.",
      bad="RUN pip install -r requirements.txt",
      good="RUN pip install --no-cache-dir -r requirements.txt",
      fixable=True,
      notes="pip, pip3, pip3.12 and `python -m pip`. Satisfied by --no-cache-dir, PIP_NO_CACHE_DIR (ENV or "
            "ARG in the stage or its parents, an assignment before the command, or an earlier `export` in "
            "the RUN), a cache or tmpfs mount on a directory ending in .cache/pip (or .cache), or an `rm` of "
            "that directory later in the RUN. Only stages whose layers end up in the final image are checked. "
            "The fix inserts ` --no-cache-dir` after `install`.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for run in final_image_runs(dockerfile):
        if has_cache_mount(run, suffixes=_CACHE_SUFFIXES):
            continue
        cleaned_at = last_position(run.commands("rm"), _removes_cache)
        for command in run_invocations(run, PIP):
            word = subcommand_word(command, PIP)
            if word is None or word.text != "install" or command.has_option("--no-cache-dir"):
                continue
            if cleaned_at > position(command) or sets_variable(run, command, "PIP_NO_CACHE_DIR"):
                continue
            yield Hit("'pip install' without --no-cache-dir leaves the download cache in the layer: add "
                      "--no-cache-dir", command.line, column=command.column,
                      edits=insert_after(dockerfile, word, " --no-cache-dir"))
