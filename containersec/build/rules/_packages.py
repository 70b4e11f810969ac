"""Shared knowledge about package managers for the package-manager rules (CSD040-CSD079).

A `Manager` names the commands of one tool, its subcommands and the options that consume the next
word, so rules can find the subcommand and the package words of an invocation without mistaking
`apt-get -t bookworm-backports` or `apk --virtual .deps` for packages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from containersec.catalogue import Hit
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import Command, ShellWord
from containersec.findings import Edit
from containersec.patterns import LazyPattern

_PYTHON = LazyPattern(r"python[0-9.]*+")
_PIP = LazyPattern(r"pip[0-9.]*+")
# tree-sitter parses `export` as a declaration, not a command, so look at the script text.
_EXPORT = LazyPattern(r"\bexport\s++([^\n;&|]*+)")


@dataclass(frozen=True)
class Manager:
    """A package manager's command names, its options that take a value and its install subcommands."""

    label: str  # how messages name it
    names: frozenset[str]  # command basenames
    value_options: frozenset[str]  # options whose value is the next word
    install: frozenset[str] = frozenset()  # subcommands that download and install packages
    aliases: tuple[tuple[str, str], ...] = ()  # (short form, subcommand): `dnf in` is `dnf install`

    def matches(self, name: str) -> bool:
        return name in self.names

    def canonical(self, subcommand: str) -> str:
        """The subcommand a short form stands for, so that every rule reads `dnf in` as `dnf install`."""
        return next((full for short, full in self.aliases if short == subcommand), subcommand)


APT = Manager(
    "apt-get", frozenset({"apt-get", "apt"}),
    frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release",
               "-a", "--host-architecture", "-P", "--build-profiles"}),
    frozenset({"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source"}))
# aptitude takes apt's `pkg=version` pins and `-y`, but not apt-get's option names (no
# --no-install-recommends), so it is a manager of its own that only some apt rules check.
APTITUDE = Manager(
    "aptitude", frozenset({"aptitude"}),
    frozenset({"-o", "-t", "--target-release", "-F", "--display-format", "-w", "--width", "-S", "--sort",
               "--add-user-tag", "--remove-user-tag"}),
    frozenset({"install", "reinstall", "safe-upgrade", "full-upgrade", "build-dep"}))
APK = Manager(
    "apk", frozenset({"apk"}),
    frozenset({"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch", "--cache-dir",
               "--keys-dir", "--repositories-file", "--cache-max-age", "--timeout"}),
    frozenset({"add", "upgrade", "fix"}))
_RPM_VALUE_OPTIONS = frozenset({
    "-c", "--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo", "--repo",
    "--repoid", "--repofrompath", "-x", "--exclude", "--setopt", "-d", "--debuglevel", "-e", "--errorlevel",
    "--forcearch", "--downloaddir", "--destdir", "--rpmverbosity", "--disableplugin", "--enableplugin",
    "--color", "--advisory", "--advisories", "--bz", "--cve", "--sec-severity", "--secseverity",
    "--platform-id"})
_RPM_INSTALL = frozenset({"install", "groupinstall", "localinstall", "reinstall", "update", "upgrade",
                          "upgrade-minimal", "distro-sync", "downgrade", "builddep", "group", "module", "makecache"})
# dnf's documented short forms (yum on RHEL 8+ is dnf and takes them too).
_RPM_ALIASES = (("in", "install"), ("rei", "reinstall"), ("up", "upgrade"), ("up-min", "upgrade-minimal"),
                ("update-minimal", "upgrade-minimal"), ("rm", "remove"), ("dsync", "distro-sync"),
                ("dg", "downgrade"), ("grp", "group"), ("mc", "makecache"))
YUM = Manager("yum", frozenset({"yum"}), _RPM_VALUE_OPTIONS, _RPM_INSTALL, _RPM_ALIASES)
DNF = Manager("dnf", frozenset({"dnf", "dnf5", "tdnf"}), _RPM_VALUE_OPTIONS, _RPM_INSTALL, _RPM_ALIASES)
MICRODNF = Manager("microdnf", frozenset({"microdnf"}), _RPM_VALUE_OPTIONS, _RPM_INSTALL)
ZYPPER = Manager(
    "zypper", frozenset({"zypper"}),
    frozenset({"-R", "--root", "-c", "--config", "-r", "--repo", "--from", "-t", "--type", "-D",
               "--reposd-dir", "-C", "--cache-dir", "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir",
               "-p", "--plus-repo", "--plus-content", "--installroot"}),
    frozenset({"install", "in", "update", "up", "patch", "dist-upgrade", "dup", "source-install", "si",
               "install-new-recommends", "inr"}))
PIP = Manager(
    "pip", frozenset({"pip"}),
    frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
               "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--platform",
               "--python-version", "--implementation", "--abi", "--trusted-host", "--src", "--upgrade-strategy",
               "--progress-bar", "--log", "--proxy", "--retries", "--timeout", "--cache-dir", "--global-option",
               "--install-option", "--no-binary", "--only-binary", "--config-settings", "-C", "--python",
               "--root-user-action", "--exists-action", "--report", "--cert", "--client-cert", "--keyring-provider",
               "--group"}),
    frozenset({"install"}))
YARN = Manager(
    "yarn", frozenset({"yarn"}),
    frozenset({"--cwd", "--cache-folder", "--modules-folder", "--network-timeout", "--mutex", "--registry"}),
    frozenset({"install", "add"}))


def invocations(dockerfile: Dockerfile, manager: Manager) -> Iterator[tuple[Instruction, Command]]:
    """Every command of `manager` in every RUN; `python -m pip ...` comes as a `pip ...` command."""
    if manager is PIP:
        for run in dockerfile.runs():
            for command in run.commands():
                pip = as_pip(command)
                if pip is not None:
                    yield run, pip
        return
    for run, command in dockerfile.commands(*manager.names):
        if not (manager is APT and command.has_option(*_APT_SIMULATE)):
            yield run, command


def apt_setting(command: Command, key: str) -> str | None:
    """The value an apt command sets for configuration `key` with `-o Key=value` (case-insensitive key)."""
    found = None
    for value in command.option_values("-o", "--option"):
        name, _, setting = value.partition("=")
        if name.strip().lower() == key.lower():
            found = setting.strip().strip("\"'").lower()
    return found


# apt-get's dry-run switches: the command installs nothing, so no install rule applies.
_APT_SIMULATE = ("-s", "--simulate", "--just-print", "--dry-run", "--recon", "--no-act")


def run_invocations(run: Instruction, manager: Manager) -> list[Command]:
    """The commands of `manager` in one RUN, in source order."""
    if manager is PIP:
        return [pip for pip in map(as_pip, run.commands()) if pip is not None]
    return list(run.commands(*manager.names))


def as_pip(command: Command) -> Command | None:
    """`pip3 ...`, `python3 -m pip ...` as a command named pip (None for anything else)."""
    name = command.name
    if _PIP.fullmatch(name):
        return command
    if not _PYTHON.fullmatch(name):
        return None
    words = command.argv
    for index in range(1, len(words) - 1):
        text = words[index].text
        if text == "-m" and words[index + 1].text == "pip":
            return dataclasses.replace(command, argv=words[index + 1:])
        if text == "-mpip":
            return dataclasses.replace(command, argv=words[index:])
        if not text.startswith("-"):
            return None
    return None


def subcommand_word(command: Command, manager: Manager) -> ShellWord | None:
    positional = command.positionals(manager.value_options)
    return positional[0] if positional else None


def subcommand(command: Command, manager: Manager) -> str:
    """The subcommand, short forms expanded."""
    word = subcommand_word(command, manager)
    return manager.canonical(word.text) if word is not None else ""


def package_words(command: Command, manager: Manager) -> list[ShellWord]:
    """The words after the subcommand that are not options or option values."""
    return command.positionals(manager.value_options)[1:]


def position(command_or_word: Command | ShellWord) -> tuple[int, int]:
    return command_or_word.line, command_or_word.column


def last_position(commands: Iterable[Command], predicate: Callable[[Command], bool]) -> tuple[int, int]:
    """Where the last command matching `predicate` is ((0, 0) when none does)."""
    return max((position(c) for c in commands if predicate(c)), default=(0, 0))


def _mount_targets(instruction: Instruction) -> Iterator[str]:
    for mount in instruction.flag_values("mount"):
        fields = {}
        for part in mount.split(","):
            key, _, value = part.partition("=")
            fields[key.strip().lower()] = value.strip().strip("'\"")
        if fields.get("type") in ("cache", "tmpfs"):
            target = fields.get("target") or fields.get("dst") or fields.get("destination")
            if target:
                yield target.rstrip("/") or "/"


def has_cache_mount(instruction: Instruction, *paths: str, suffixes: tuple[str, ...] = ()) -> bool:
    """Whether a `--mount=type=cache|tmpfs` targets one of `paths` or a path ending in one of `suffixes`."""
    wanted = {p.rstrip("/") for p in paths}
    return any(target in wanted or target.endswith(suffixes) for target in _mount_targets(instruction))


def removes(command: Command, *paths: str) -> bool:
    """Whether `command` is an `rm` of one of `paths` (or of something inside them, `dir/*` included)."""
    if command.name != "rm":
        return False
    for word in command.args:
        target = word.text.rstrip("/")
        for path in paths:
            if target == path or target.startswith(path + "/"):
                return True
    return False


def final_image_runs(dockerfile: Dockerfile) -> Iterator[Instruction]:
    """RUNs (ONBUILD RUN included) of the stages whose layers end up in the final image."""
    final = dockerfile.final_stage
    if final is None:
        return
    kept = {id(stage) for stage in final.ancestry()}
    for run in dockerfile.runs():
        if run.stage is not None and id(run.stage) in kept:
            yield run


def uncleaned(dockerfile: Dockerfile, manager: Manager, triggers: Callable[[Command], bool],
              cleans: Callable[[Command], bool], cache_paths: tuple[str, ...],
              cache_suffixes: tuple[str, ...] = ()) -> Iterator[tuple[Instruction, Command]]:
    """Per RUN in the final image, the last `manager` command that `triggers` with no cleaning after it.

    A cache or tmpfs mount on one of `cache_paths` makes the RUN clean.
    """
    for run in final_image_runs(dockerfile):
        commands = run_invocations(run, manager)
        last = next((c for c in reversed(commands) if triggers(c)), None)
        if last is None or has_cache_mount(run, *cache_paths, suffixes=cache_suffixes):
            continue
        if last_position(run.commands(), cleans) < position(last):
            yield run, last


@lru_cache(maxsize=8)
def _line_starts(text: str) -> tuple[int, ...]:
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return tuple(starts)


def line_offset(dockerfile: Dockerfile, line: int) -> int:
    return _line_starts(dockerfile.text)[line - 1]


def insert_after(dockerfile: Dockerfile, word: ShellWord, text: str) -> tuple[Edit, ...]:
    """An Edit inserting `text` right after `word`; none when the word is not found where it says it is
    (exec-form RUN, or a word spelled differently in the source)."""
    source = dockerfile.lines[word.line - 1] if 0 < word.line <= len(dockerfile.lines) else ""
    start = word.column - 1
    if source[start:start + len(word.raw)] != word.raw:
        return ()
    offset = line_offset(dockerfile, word.line) + start + len(word.raw)
    return (Edit(offset, offset, text),)


def vcs_ref(url: str, marker: str) -> str:
    """The commit or tag a version-control source names: what follows `marker` (pip's `@`, npm's `#`).

    For pip the ref follows an `@` in the path, so `git+ssh://git@host/repo` (a user name) names none, and
    the `#egg=`/`#subdirectory=` fragment is not a ref.
    """
    if marker == "#":
        return url.partition("#")[2]
    path = url.partition("#")[0].partition("://")[2].partition("/")[2]
    return path.rpartition("@")[2] if "@" in path else ""


def has_variable(text: str) -> bool:
    return "$" in text or "`" in text


def is_path_or_url(text: str) -> bool:
    return text.startswith(("/", "./", "../", "~", "http://", "https://", "file:", "ftp://"))


def fed_by_yes(command: Command) -> bool:
    """`yes | apt-get install ...`: the prompts are answered by the pipe."""
    index = command.pipe_index
    return index > 0 and command.pipeline[index - 1].name == "yes"


def unanswered_prompts(dockerfile: Dockerfile, manager: Manager, prompting: frozenset[str],
                       answered: Callable[[Command], bool]) -> Iterator[tuple[Command, ShellWord]]:
    """Commands of `manager` whose subcommand in `prompting` asks for confirmation nobody gives."""
    for _, command in invocations(dockerfile, manager):
        word = subcommand_word(command, manager)
        if (word is not None and manager.canonical(word.text) in prompting and not answered(command)
                and not fed_by_yes(command)):
            yield command, word


def missing_yes_hits(dockerfile: Dockerfile, manager: Manager, prompting: frozenset[str],
                     answered: Callable[[Command], bool], switch: str = "-y") -> Iterator[Hit]:
    for command, word in unanswered_prompts(dockerfile, manager, prompting, answered):
        yield Hit(f"'{command.name} {word.text}' without {switch}: the build cannot answer the confirmation "
                  f"prompt; add {switch}", command.line, column=command.column,
                  edits=insert_after(dockerfile, word, f" {switch}"))


RPM_PROMPTING = frozenset({"install", "groupinstall", "localinstall", "reinstall", "remove", "erase", "update",
                           "upgrade", "upgrade-minimal", "downgrade", "distro-sync", "group", "module", "autoremove",
                           "builddep", "swap"})


def rpm_answered(command: Command) -> bool:
    return command.has_option("-y", "--assumeyes") or "--setopt=assumeyes=1" in command.options()


def clean_all(command: Command, manager: Manager) -> bool:
    """`yum clean all` (also `clean packages`), `zypper clean`/`zypper cc` (any scope)."""
    words = [w.text for w in command.positionals(manager.value_options)]
    if manager is ZYPPER:
        return bool(words) and words[0] in ("clean", "cc")
    return len(words) > 1 and words[0] == "clean" and any(w in ("all", "packages") for w in words[1:])


def cache_cleanup_hits(dockerfile: Dockerfile, manager: Manager, triggers: frozenset[str],
                       cleaners: tuple[Manager, ...], cache_paths: tuple[str, ...], clean: str) -> Iterator[Hit]:
    """Installs by `manager` in the final image with no `clean` (by any of `cleaners`) or rm of the cache
    after them in the same RUN."""

    def cleans(command: Command) -> bool:
        return removes(command, *cache_paths) or any(
            c.matches(command.name) and clean_all(command, c) for c in cleaners)

    def installs(command: Command) -> bool:
        return subcommand(command, manager) in triggers

    for _, command in uncleaned(dockerfile, manager, installs, cleans, cache_paths):
        yield Hit(f"'{command.name} {subcommand(command, manager)}' without '{clean}' after it in the same RUN: "
                  f"the package cache stays in the layer; end the RUN with '{clean}'", command.line,
                  column=command.column)


def sets_variable(run: Instruction, command: Command, name: str) -> bool:
    """Whether `name` is in the environment of `command`: an ENV or ARG (with a value) earlier in its stage
    or the stages it is built on, an assignment before the command (`X=1 pip ...`, `env X=1 pip ...`), or an
    `export X=...` earlier in the same RUN."""
    prefix = name + "="
    if name in command.assignments or any(
            w.text.startswith(prefix) for c in _wrappers(command) for w in c.args):
        return True
    if name in _exported_names(command.script.text()):
        return True
    stage = run.stage
    if stage is None:
        return False
    for current in stage.ancestry():
        line = current.variables_set.get(name)
        if line is not None and (current is not stage or line < run.line):
            return True
    return False


@lru_cache(maxsize=64)
def _exported_names(script: str) -> frozenset[str]:
    return frozenset(word.split("=", 1)[0] for exported in _EXPORT.finditer(script)
                     for word in exported[1].split() if "=" in word)


def _wrappers(command: Command) -> Iterator[Command]:
    wrapper = command.wrapper
    while wrapper is not None:
        yield wrapper
        wrapper = wrapper.wrapper


def unpinned_hits(dockerfile: Dockerfile, manager: Manager, subcommands: frozenset[str],
                  is_pinned: Callable[[str], bool], example: Callable[[Command, str], str],
                  package_words_of: Callable[[Command], list[ShellWord]] | None = None) -> Iterator[Hit]:
    """A Hit on every package word of `manager` install commands that `is_pinned` rejects.

    Words with a variable are skipped: their value is decided at build time (often the pinned version).
    """
    for _, command in invocations(dockerfile, manager):
        if subcommand(command, manager) not in subcommands:
            continue
        words = package_words_of(command) if package_words_of is not None else package_words(command, manager)
        for word in words:
            text = word.text
            if text and not has_variable(text) and not is_pinned(text):
                yield Hit(f"pin a version for '{text}' ({example(command, text)})", word.line, column=word.column)


RPM_INSTALLS = frozenset({"install", "reinstall", "localinstall"})


def rpm_pinned(word: str) -> bool:
    """`name-version[-release]`: the part after the last `-` starts with a digit (or an epoch `N:`).

    Exempt: .rpm files, paths and URLs, `@group`/`@module:stream`, `name:stream`, and provides such as
    `dnf-command(config-manager)`.
    """
    if word.endswith(".rpm") or is_path_or_url(word) or word.startswith("@") or "(" in word or ":" in word:
        return True
    _, dash, version = word.rpartition("-")
    return bool(dash) and version[:1].isdigit()
