from collections.abc import Iterable, Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command, Script
from containersec.findings import Severity

# Producers whose failure cannot hide a broken build; `yes` even dies of SIGPIPE, which pipefail would
# turn into a failed build.
_HARMLESS_PRODUCERS = frozenset({"echo", "printf", "yes", "true"})


def sets_pipefail(words: Iterable[str]) -> bool:
    """`-o pipefail` among shell or `set` arguments, also in clusters such as `-eo pipefail`, `-euxo`."""
    previous = ""
    for word in words:
        if word == "pipefail" and previous.startswith("-") and not previous.startswith("--") \
                and previous.endswith("o"):
            return True
        previous = word
    return False


def _pipelines(script: Script) -> Iterator[list[Command]]:
    seen: set[int] = set()
    for command in script.commands:
        pipeline = command.pipeline
        if len(pipeline) > 1 and id(pipeline[0]) not in seen and command.wrapper is None:
            seen.add(id(pipeline[0]))
            yield pipeline


def _first_unprotected(script: Script, shell_sets_pipefail: bool) -> list[Command] | None:
    """The first pipeline of `script` (or of a nested `sh -c`/heredoc script) that runs without pipefail."""
    set_at = [c.argv[0].start for c in script.commands if c.name == "set" and c.wrapper is None
              and c.via != "substitution" and sets_pipefail(w.text for w in c.args)]
    for pipeline in _pipelines(script):
        if shell_sets_pipefail or any(at < pipeline[0].argv[0].start for at in set_at):
            continue
        if all(element.name in _HARMLESS_PRODUCERS for element in pipeline[:-1]):
            continue
        return pipeline
    for command in script.commands:
        if command.nested_script is not None and command.nested_script.is_posix:
            found = _first_unprotected(command.nested_script, sets_pipefail(w.text for w in command.args))
            if found is not None:
                return found
    return None


@rule(id="CSD082", slug="pipe-without-pipefail", severity=Severity.WARNING, aliases=("DL4006",),
      summary="Set pipefail before using a pipe in RUN",
      why="A pipeline's status is its last command's: in `curl -f URL | tar -xz` a failed download still "
          "lets the build go on with a broken or empty result. With `-o pipefail` any failing step fails "
          "the RUN.",
      bad="RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt",
      good='SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
           "RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt",
      notes="Unlike hadolint DL4006: `SHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]` is accepted (busybox "
            "ash on Alpine supports it; a /bin/sh without pipefail, such as older dash, fails the build at "
            "once, so accepting it can never hide a failure); `set -o pipefail` (also `set -eo pipefail`, "
            "`set -euxo pipefail`) earlier in the same script counts, including in a heredoc body with its "
            "own shebang (hadolint #806); pipes inside `sh -c '...'` or a heredoc fed to a shell are checked "
            "against that shell's own options (`bash -o pipefail -c '...'` is fine), since SHELL does not "
            "reach them; pipelines fed only by echo, printf, yes or true are not flagged. Exec-form RUN and "
            "non-POSIX SHELLs are skipped. One finding per RUN, on its first unprotected pipeline. An ONBUILD "
            "RUN is judged under the SHELL its stage ends with: the images built on it run the trigger so.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for run in dockerfile.runs():
        script = run.script
        if script is None or not script.is_posix:
            continue
        pipeline = _first_unprotected(script, run.exec_form is None and sets_pipefail(run.shell))
        if pipeline is not None:
            chain = " | ".join(element.name for element in pipeline)
            yield Hit(f"pipe '{chain}' runs without pipefail, so a failure of '{pipeline[0].name}' is hidden: "
                      'add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before this RUN or start the script '
                      "with set -o pipefail", pipeline[0].line, column=pipeline[0].column)
