from collections.abc import Iterator

from containersec.build.rules._packages import (
    APK,
    final_image_runs,
    has_cache_mount,
    insert_after,
    last_position,
    position,
    removes,
    run_invocations,
    subcommand_word,
)
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_CACHE = "/var/cache/apk"


@rule(id="CSD048", slug="apk-no-cache", severity=Severity.INFO,
      aliases=("DL3019", "DS025", "DKL-DI-0004"),
      summary="Use apk add --no-cache",
      why="Without --no-cache apk keeps the package index under /var/cache/apk, several megabytes that stay "
          "in the layer; --no-cache fetches the index on the fly and stores nothing.",
      bad="RUN apk add curl",
      good="RUN apk add --no-cache curl",
      fixable=True,
      notes="`apk add --no-network` downloads nothing and is not flagged. A cache or tmpfs mount "
            "on /var/cache/apk, or an `rm` of /var/cache/apk later in the same RUN, "
            "satisfies it. Only stages whose layers end up in the final image are checked (a builder stage "
            "that is only copied from adds nothing to the image). The fix inserts ` --no-cache` after `add`.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for run in final_image_runs(dockerfile):
        if has_cache_mount(run, _CACHE):
            continue
        commands = run_invocations(run, APK)
        cleaned_at = last_position(run.commands("rm"), lambda rm: removes(rm, _CACHE))
        for command in commands:
            word = subcommand_word(command, APK)
            if word is None or word.text != "add" or command.has_option("--no-cache", "--no-network"):
                continue
            if cleaned_at > position(command):
                continue
            yield Hit("'apk add' without --no-cache leaves the package index in the layer: add --no-cache",
                      command.line, column=command.column, edits=insert_after(dockerfile, word, " --no-cache"))
