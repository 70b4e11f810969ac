"""RUN scripts through a real shell parser (tree-sitter-bash): commands, words, pipelines, nesting.

tree-sitter is error-tolerant (a broken script still yields the commands it can see), fast, and keeps
byte positions, so every command maps back to its Dockerfile line. Commands inside `$(...)`, backticks,
`<(...)`, `sh -c '...'` strings, heredocs fed to a shell, and behind wrappers such as `sudo` or `env`
are all reported, each marked with how it was reached.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from containersec.dockerfile.linemap import LineMap

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
WRAPPERS = frozenset({"sudo", "doas", "env", "exec", "command", "nice", "nohup", "time", "builtin", "su-exec",
                      "gosu", "chroot", "stdbuf", "timeout", "xargs"})
# Wrapper options that consume the next word.
_WRAPPER_VALUE_OPTIONS = {
    "sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group"},
    "env": {"-u", "--unset", "-C", "--chdir", "-S", "--split-string"},
    "nice": {"-n", "--adjustment"},
    "stdbuf": {"-i", "-o", "-e"},
    "timeout": {"-s", "--signal", "-k", "--kill-after"},
    "xargs": {"-I", "-n", "-P", "-L", "-d", "-a", "-E", "-s", "--max-args", "--max-procs", "--delimiter"},
}
# Wrappers whose first positional word is not the command (gosu USER cmd, chroot DIR cmd, timeout 5 cmd).
_WRAPPER_SKIP_POSITIONAL = {"gosu": 1, "su-exec": 1, "chroot": 1, "timeout": 1}
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_MAX_NESTING = 8
# Levels of the syntax tree the walk goes down (the corpus's deepest RUN has 38). Each command below a
# `$(...)` keeps the text of its words, so 20,000 nested substitutions took 1.6 GB: past this depth the
# script's commands are not read, and the engine says so.
MAX_SYNTAX_DEPTH = 200


@cache
def _parser() -> Parser:
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_bash.language()))


@dataclass(frozen=True)
class ShellWord:
    """One word of a shell command, with its place in the script."""

    text: str  # quotes removed, expansions kept as written
    raw: str
    line: int
    start: int  # byte offsets in the script
    end: int
    kind: str  # tree-sitter node type: word, string, raw_string, concatenation, expansion, ...
    column: int = 1

    @property
    def is_literal(self) -> bool:
        """No expansion or substitution: the word's value is known."""
        return "$" not in self.text and "`" not in self.text

    @property
    def is_option(self) -> bool:
        return self.text.startswith("-") and self.text != "-"


@dataclass
class Command:
    """One simple command of a script, and how it was reached (substitution, `sh -c`, wrapper, ...)."""

    argv: list[ShellWord]
    line: int
    end_line: int
    script: Script
    column: int = 1
    assignments: dict[str, str] = field(default_factory=dict)
    via: str = ""  # "", "substitution", "sh -c", "heredoc", "wrapper"
    in_subshell: bool = False  # inside `( ... )`: its `cd`, `set` and variables end with the subshell
    wrapper: Command | None = None
    pipeline: list[Command] = field(default_factory=list)  # first command of each element of its pipeline
    pipe_position: int = -1  # which element of `pipeline` it belongs to (a `{ ...; }` group has several)
    nested_script: Script | None = None  # `sh -c '...'` or a heredoc fed to a shell

    @cached_property
    def name(self) -> str:
        return os.path.basename(self.argv[0].text) if self.argv else ""

    @property
    def args(self) -> list[ShellWord]:
        return self.argv[1:]

    @property
    def pipe_index(self) -> int:
        return self.pipe_position if self.pipeline else -1

    def options(self) -> list[str]:
        """Option words before `--`."""
        found = []
        for word in self.args:
            if word.text == "--":
                break
            if word.is_option:
                found.append(word.text)
        return found

    def has_option(self, *names: str) -> bool:
        """Whether any of `names` is given: `--long`, `--long=value`, or `-x` alone or in a cluster."""
        longs = {n for n in names if n.startswith("--")}
        shorts = {n[1:] for n in names if not n.startswith("--") and len(n) == 2}
        for option in self.options():
            if option.startswith("--"):
                if option.split("=", 1)[0] in longs:
                    return True
            elif (option[1:].isalpha() and shorts.intersection(option[1:])) or option in names:
                return True
        return False

    def option_value(self, *names: str) -> str | None:
        """The value of `--name=value`, `--name value` or `-n value` (the last given)."""
        values = self.option_values(*names)
        return values[-1] if values else None

    def option_values(self, *names: str) -> list[str]:
        """Every value given to `names` (`-o X`, `-oX`, `--option=X`, `--option X`), in order."""
        return [value for _, value in self.option_words(*names)]

    def option_words(self, *names: str) -> Iterator[tuple[ShellWord, str]]:
        """(word naming the option, value) for each value given to `names`, in order."""
        words = self.args
        for index, word in enumerate(words):
            text = word.text
            if text == "--":
                break
            for name in names:
                if text == name and index + 1 < len(words):
                    yield word, words[index + 1].text
                elif name.startswith("--") and text.startswith(name + "="):
                    yield word, text[len(name) + 1:]
                elif not name.startswith("--") and text.startswith(name) and len(text) > len(name) == 2:
                    yield word, text[2:]

    def positionals(self, value_options: frozenset[str] | set[str] = frozenset()) -> list[ShellWord]:
        """Non-option words; options listed in `value_options` consume the following word."""
        found: list[ShellWord] = []
        skip = False
        after_dashes = False
        for word in self.args:
            if skip:
                skip = False
                continue
            if after_dashes:
                found.append(word)
            elif word.text == "--":
                after_dashes = True
            elif word.is_option:
                skip = word.text in value_options
            else:
                found.append(word)
        return found

    def subcommand(self, value_options: frozenset[str] | set[str] = frozenset()) -> str | None:
        positional = self.positionals(value_options)
        return positional[0].text if positional else None


@dataclass
class Script:
    """One shell program: a RUN's script, or a nested one (`sh -c`, heredoc fed to a shell)."""

    source: bytes
    line_of: Callable[[int], int]
    dialect: str  # basename of the interpreter: sh, bash, ... or pwsh/cmd/python for non-shell bodies
    column_of: Callable[[int], int] = lambda _: 1
    depth: int = 0
    parent: Script | None = None
    too_deep: bool = False  # nested past MAX_SYNTAX_DEPTH: the commands below it were not read
    _commands: list[Command] | None = field(default=None, repr=False)

    @property
    def is_posix(self) -> bool:
        return self.dialect in SHELLS

    @property
    def commands(self) -> list[Command]:
        """The script's commands, parsed on first use: ShellCheck can be started before the parser loads."""
        if self._commands is None:
            self._commands = []
            if self.is_posix:
                _analyse(self)
        return self._commands

    @commands.setter
    def commands(self, commands: list[Command]) -> None:
        self._commands = commands

    def all_commands(self, *names: str) -> Iterator[Command]:
        """Every command, nested scripts' included, in source order; only those named, if names are given."""
        if not names:
            return iter(self._flat)
        if len(names) == 1:
            return iter(self._by_name.get(names[0], ()))
        wanted = set(names)
        return (c for c in self._flat if c.name in wanted)

    @cached_property
    def _flat(self) -> list[Command]:
        flat: list[Command] = []
        for command in self.commands:
            flat.append(command)
            if command.nested_script is not None:
                flat.extend(command.nested_script._flat)
        return flat

    @cached_property
    def _by_name(self) -> dict[str, list[Command]]:
        index: dict[str, list[Command]] = {}
        for command in self._flat:
            index.setdefault(command.name, []).append(command)
        return index

    @cached_property
    def lowered(self) -> bytes:
        """The source in lower case, computed once for the rules' quick substring tests."""
        return self.source.lower()

    def text(self) -> str:
        return self.source.decode("utf-8", "replace")


def build_script(pieces: list[tuple[str, int] | tuple[str, int, int]], dialect: str) -> Script:
    """A script from (text, source line[, source column]) pieces; byte offsets map back to the source."""
    starts: list[int] = []
    lines: list[int] = []
    columns: list[int] = []
    chunks: list[bytes] = []
    length = 0
    for piece in pieces:
        data = piece[0].encode("utf-8", "surrogatepass")
        starts.append(length)
        lines.append(piece[1])
        columns.append(piece[2] if len(piece) > 2 else 1)
        chunks.append(data)
        length += len(data)
    line_map = LineMap(starts or [0], lines or [1], columns or [1])
    return Script(b"".join(chunks), line_map.line_of, dialect, line_map.column_of)


def _analyse(script: Script) -> None:
    tree = _parser().parse(script.source)
    by_node: dict[int, Command] = {}
    pipelines: list[Any] = []
    redirected: list[Any] = []
    unwrapped: dict[int, list[Command]] = {}
    stack: list[tuple[Node, bool, bool, int]] = [(tree.root_node, False, False, 0)]
    while stack:
        node, in_substitution, in_subshell, level = stack.pop()
        node_type = node.type
        if node_type == "command":
            command = _command(script, node, "substitution" if in_substitution else "")
            command.in_subshell = in_subshell
            by_node[node.id] = command
            script.commands.append(command)
            unwrapped[node.id] = _unwrap(command)
            script.commands.extend(unwrapped[node.id])
        elif node_type == "pipeline":
            pipelines.append(node)
        elif node_type == "redirected_statement":
            redirected.append(node)
        if level >= MAX_SYNTAX_DEPTH:
            script.too_deep = True
            continue
        children = node.children
        nested = in_substitution or node_type in _SUBSTITUTIONS
        subshell = in_subshell or node_type == "subshell"
        stack.extend((child, nested, subshell, level + 1) for child in reversed(children))
    # Outer pipelines come first, so a pipeline nested in a group overrides for its own commands.
    for node in pipelines:
        groups = [group for group in (_element_commands(child, by_node) for child in node.named_children) if group]
        firsts = [group[0] for group in groups]
        for position, group in enumerate(groups):
            for command in group:
                command.pipeline, command.pipe_position = firsts, position
    for command in script.commands:
        if command.wrapper is not None:
            command.pipeline, command.pipe_position = command.wrapper.pipeline, command.wrapper.pipe_position
    for node in redirected:
        body = node.child_by_field_name("body")
        if body is not None and body.id in by_node:
            _feed_heredoc(script, node, [by_node[body.id], *unwrapped.get(body.id, ())])
    for command in list(script.commands):
        _nest_shell_c(script, command)


def _element_commands(element: Node, by_node: dict[int, Command]) -> list[Command]:
    """Commands of one pipeline element (a command, or every command of a `{ ...; }` group or subshell),
    leaving out `$(...)` substitutions, whose output is not what the pipe carries."""
    found = []
    stack = [element]
    while stack:
        node = stack.pop()
        if node.type == "command" and node.id in by_node:
            found.append(by_node[node.id])
        elif node.type not in _SUBSTITUTIONS:
            stack.extend(reversed(node.children))
    return found


def _command(script: Script, node: Node, via: str) -> Command:
    argv: list[ShellWord] = []
    assignments: dict[str, str] = {}
    for child in node.named_children:
        kind = child.type
        if kind == "variable_assignment":
            name = child.child_by_field_name("name")
            value = child.child_by_field_name("value")
            if name is not None:
                assignments[_text(name)] = _word(script, value).text if value is not None else ""
        elif kind == "command_name":
            target = child.named_children[0] if child.named_children else child
            argv.append(_word(script, target))
        elif kind not in ("file_redirect", "herestring_redirect", "heredoc_redirect", "comment"):
            argv.append(_word(script, child))
    return Command(argv=argv, line=script.line_of(node.start_byte), end_line=script.line_of(max(
        node.end_byte - 1, node.start_byte)), script=script, assignments=assignments, via=via,
        column=script.column_of(node.start_byte))


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _word(script: Script, node: Node) -> ShellWord:
    raw = _text(node)
    return ShellWord(text=_dequote(node, raw), raw=raw, line=script.line_of(node.start_byte),
                     start=node.start_byte, end=node.end_byte, kind=node.type,
                     column=script.column_of(node.start_byte))


def _dequote(node: Node, raw: str) -> str:
    kind = node.type
    if kind == "raw_string":
        return raw[1:-1] if len(raw) >= 2 else raw
    if kind == "string":
        inner = raw[1:-1] if len(raw) >= 2 and raw.endswith('"') else raw[1:]
        return inner.replace('\\"', '"').replace("\\\\", "\\").replace("\\$", "$")
    if kind == "ansi_c_string":
        return raw[2:-1]
    if kind == "concatenation":
        return "".join(_dequote(child, _text(child)) for child in node.children)
    if kind == "word" and "\\" in raw:
        return _unescape(raw)
    return raw


def _unescape(raw: str) -> str:
    out = []
    escaped = False
    for char in raw:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)


def _unwrap(command: Command) -> list[Command]:
    """Commands run by wrappers: `sudo apt-get ...` also yields `apt-get ...`."""
    found: list[Command] = []
    current = command
    for _ in range(_MAX_NESTING):
        name = current.name
        if name not in WRAPPERS:
            break
        value_options = _WRAPPER_VALUE_OPTIONS.get(name, set())
        skip_positional = _WRAPPER_SKIP_POSITIONAL.get(name, 0)
        words = current.args
        index = 0
        while index < len(words):
            text = words[index].text
            if name == "env" and "=" in text and not text.startswith("-"):
                index += 1
            elif text == "--":
                index += 1
                break
            elif text.startswith("-") and text != "-":
                index += 2 if text in value_options else 1
            elif skip_positional:
                skip_positional -= 1
                index += 1
            else:
                break
        rest = words[index:]
        if not rest:
            break
        inner = Command(argv=rest, line=rest[0].line, column=rest[0].column, end_line=current.end_line,
                        script=current.script, in_subshell=current.in_subshell,
                        assignments=current.assignments, via=current.via or "wrapper", wrapper=current,
                        pipeline=current.pipeline)
        found.append(inner)
        current = inner
    return found


def _shell_script_argument(command: Command) -> ShellWord | None:
    """The script string of `sh -c 'script'` (also `-ec`, `-xc`, `-o pipefail -c`)."""
    words = command.args
    for index, word in enumerate(words):
        text = word.text
        if text.startswith("-") and not text.startswith("--") and "c" in text[1:] and text[1:].isalpha():
            rest = [w for w in words[index + 1:] if not w.is_option]
            return rest[0] if rest else None
    return None


def _nest_shell_c(script: Script, command: Command) -> None:
    if command.name not in SHELLS or script.depth >= _MAX_NESTING or command.nested_script is not None:
        return
    argument = _shell_script_argument(command)
    if argument is None:
        return
    offset = argument.start + (1 if argument.kind in ("string", "raw_string") else 0)
    parent_line_of, parent_column_of = script.line_of, script.column_of
    nested = Script(argument.text.encode("utf-8", "surrogatepass"), lambda at: parent_line_of(offset + at),
                    command.name, lambda at: parent_column_of(offset + at), depth=script.depth + 1,
                    parent=script)
    if argument.kind != "raw_string":
        # The outer walk already saw `$(...)` inside a double-quoted or bare word.
        nested.commands = [inner for inner in nested.commands if inner.via != "substitution"]
    for inner in nested.commands:
        inner.via = inner.via or "sh -c"
    command.nested_script = nested


def _feed_heredoc(script: Script, node: Node, chain: list[Command]) -> None:
    """`bash <<EOF ... EOF` (also `sudo sh -s <<EOF`) runs the heredoc body as a script."""
    if script.depth >= _MAX_NESTING:
        return
    shell = next((c for c in chain if c.name in SHELLS and not c.positionals()), None)
    if shell is None:
        return
    for redirect in node.named_children:
        if redirect.type != "heredoc_redirect":
            continue
        for part in redirect.named_children:
            if part.type == "heredoc_body":
                start = part.start_byte
                nested = Script(part.text or b"", lambda at, s=start: script.line_of(s + at), shell.name,
                                lambda at, s=start: script.column_of(s + at), depth=script.depth + 1,
                                parent=script)
                for inner in nested.commands:
                    inner.via = inner.via or "heredoc"
                shell.nested_script = nested
                return
