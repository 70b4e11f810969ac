"""Where a Dockerfile says packages come from: indexes, registries, proxies, repositories and channels.

Every way a build names a package source becomes one `PackageSource`: command options (`pip
--index-url`, `npm --registry`, `apk --repository`, `conda -c`, ...), configuration commands (`npm config
set registry`, `pip config set`, `gem sources --add`, `yum-config-manager --add-repo`), variables (ENV,
ARG defaults and RUN assignments such as PIP_INDEX_URL or GOPROXY), configuration text a RUN writes with
echo, printf, tee or a heredoc (pip.conf, .npmrc, apt sources, /etc/apk/repositories, .repo files,
.condarc, .gemrc, settings.xml, init.gradle), the same files written by `COPY <<EOF`, and the same files
COPYed in from the build context. The rules on plain HTTP, merged indexes and allow-lists read this list.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator
from fnmatch import fnmatchcase
from typing import NamedTuple

from containersec.build.rules._images import sources_and_destination
from containersec.build.rules._packages import as_pip
from containersec.build.rules._tls import FALSE_WORDS, Setting, commands, scripts_matches, variable_settings
from containersec.catalogue import Hit
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import Command, ShellWord
from containersec.patterns import LazyPattern

# Ecosystems whose packages are checked only by the transport (or a lock file), and those whose
# repository metadata is signed by a key the package manager checks.
TRANSPORT_ONLY = frozenset({"pypi", "npm", "rubygems", "go", "conda", "maven"})
SIGNED_REPOSITORIES = frozenset({"apt", "apk", "rpm"})

MAX_COPIED_BYTES = 256 * 1024  # a package manager's config file is a few lines; a larger file is not one

# Where a setting's name may start: not inside a longer name or path, but right after an echo-escaped newline.
_START = rb"(?:(?<![\w.@:/-])|(?<=\\n))"
_URL = rb"https?://[^\s\"'\\;|&)<>`]++"
_LOOPBACK = LazyPattern(r"(?i)https?://(?:[^/@]*@)?(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?(?:/|$)")


class PackageSource(NamedTuple):
    """One package source the build uses, where and how the Dockerfile names it."""

    ecosystem: str  # one of catalogue.PACKAGE_ECOSYSTEMS
    url: str  # as written (variables kept)
    via: str  # how the Dockerfile names it, for messages: "pip --extra-index-url", "ENV PIP_INDEX_URL"
    line: int
    column: int = 1
    # Why the tool merges this source with another by version (dependency confusion), or "" when it does not.
    merged: str = ""
    hashes_required: bool = False  # the same install pins hashes (`--require-hashes`, PIP_REQUIRE_HASHES)
    signed_by: bool | None = None  # apt: whether the source names its own keyring; None for other tools

    @property
    def plain_http(self) -> bool:
        """Fetched over plain HTTP from another host (a loopback proxy never leaves the build machine)."""
        return self.url.lower().startswith("http://") and not _LOOPBACK.match(self.url)


def package_sources(dockerfile: Dockerfile) -> list[PackageSource]:
    """Every package source of the Dockerfile, in source order, each (ecosystem, url, line) once."""
    cached = _cache.get("last")
    if cached is not None and cached[0] is dockerfile:
        return cached[1]
    found: dict[tuple[str, str, int], PackageSource] = {}
    settings = _Settings.of(dockerfile)
    for source in (*_command_sources(dockerfile, settings), *_variable_sources(settings),
                   *_written_sources(dockerfile), *_copied_sources(dockerfile)):
        found.setdefault((source.ecosystem, source.url, source.line), source)
    sources = sorted(found.values(), key=lambda s: (s.line, s.column))
    _cache["last"] = (dockerfile, sources)
    return sources


def source_hits(dockerfile: Dockerfile, flagged: Callable[[PackageSource], bool],
                message: Callable[[PackageSource], str]) -> Iterator[Hit]:
    """A Hit, at the source, for each package source that `flagged` picks."""
    for source in package_sources(dockerfile):
        if flagged(source):
            yield Hit(message(source), source.line, column=source.column)


# One Dockerfile at a time is checked, by several rules in a row.
_cache: dict[str, tuple[Dockerfile, list[PackageSource]]] = {}


def is_trusted(url: str, patterns: list[str]) -> bool:
    """Whether `url` matches one of the globs: a pattern with `://` is matched against the whole URL, one
    with a `/` against the URL without its scheme, any other against the host alone. Scheme and host are
    compared in lower case; a trailing `/` is ignored on both sides."""
    scheme, _, rest = url.rstrip("/").partition("://")
    authority, slash, path = rest.partition("/")
    host = authority.rsplit("@", 1)[-1].lower()
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "://" in pattern:
            wanted, _, pattern_rest = pattern.partition("://")
            pattern_host, pattern_slash, pattern_path = pattern_rest.partition("/")
            pattern = f"{wanted.lower()}://{pattern_host.lower()}{pattern_slash}{pattern_path}"
            candidate = f"{scheme.lower()}://{host}{slash}{path}"
        elif "/" in pattern:
            pattern_host, _, pattern_path = pattern.partition("/")
            pattern = f"{pattern_host.lower()}/{pattern_path}"
            candidate = f"{host}{slash}{path}"
        else:
            pattern, candidate = pattern.lower(), host
        if fnmatchcase(candidate, pattern):
            return True
    return False


# --- command options and configuration commands -------------------------------------------------------

_PIP_MERGE = "pip takes the highest version of a name from any of its indexes and find-links locations"
_UV_MERGE = "with an unsafe index strategy uv takes the best version of a name from any index"
_GEM_MERGE = "gem takes the highest version of a name from any of its sources"
_UV_UNSAFE = ("unsafe-best-match", "unsafe-any-match")


def _option_name(word: ShellWord) -> str:
    """`--index-url` of `--index-url=URL`, `-i` of `-iURL`."""
    return word.text.split("=", 1)[0] if word.text.startswith("--") else word.text[:2]


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _pip_sources(settings: _Settings, command: Command, tool: str) -> Iterator[PackageSource]:
    hashes = command.has_option("--require-hashes") or settings.hashes_required
    no_index = command.has_option("--no-index")
    if tool == "uv":
        strategy = command.option_value("--index-strategy")
        unsafe = strategy in _UV_UNSAFE if strategy is not None else settings.uv_unsafe
        extra_merge = _UV_MERGE if unsafe else ""
        options = {"-i": "", "--index-url": "", "--default-index": "", "--extra-index-url": extra_merge,
                   "--index": extra_merge, "-f": extra_merge, "--find-links": extra_merge}
    else:
        options = {"-i": "", "--index-url": "", "--pypi-mirror": "", "--extra-index-url": _PIP_MERGE,
                   "-f": _PIP_MERGE, "--find-links": _PIP_MERGE}
        if tool == "pipenv":
            options["--index"] = ""
    for word, value in command.option_words(*options):
        name = _option_name(word)
        url = value.partition("=")[2] if name == "--index" and "=" in value and not _is_url(value) else value
        if _is_url(url):
            merged = "" if no_index else options[name]
            yield PackageSource("pypi", url, f"{tool} {name}", word.line, word.column, merged, hashes)
    positionals = [w for w in command.args if not w.is_option]
    if len(positionals) >= 3 and positionals[0].text == "config" and positionals[1].text == "set":
        yield from _pip_config(positionals[2:], tool, hashes)


def _pip_config(words: list[ShellWord], tool: str, hashes: bool) -> Iterator[PackageSource]:
    """`pip config set global.index-url URL` (also `key=URL`)."""
    key, _, value = words[0].text.partition("=")
    if not value and len(words) > 1:
        value = words[1].text
    setting = key.rsplit(".", 1)[-1].replace("_", "-")
    if setting in ("index-url", "extra-index-url", "find-links"):
        for url in value.split():
            if _is_url(url):
                merged = "" if setting == "index-url" else _PIP_MERGE
                yield PackageSource("pypi", url, f"{tool} config set {key}", words[0].line, words[0].column,
                                    merged, hashes)


def _npm_sources(command: Command) -> Iterator[PackageSource]:
    for word in command.args:
        name, _, value = word.text.partition("=")
        if name.startswith("--") and (name == "--registry" or name.endswith(":registry")) and _is_url(value):
            yield PackageSource("npm", value, f"{command.name} {name}", word.line, word.column)
    for word, value in command.option_words("--registry"):
        if _is_url(value) and "=" not in word.text:
            yield PackageSource("npm", value, f"{command.name} --registry", word.line, word.column)
    positionals = [w for w in command.args if not w.is_option]
    if positionals and positionals[0].text in ("config", "c"):
        positionals = positionals[1:]
    if len(positionals) >= 2 and positionals[0].text == "set":
        key, _, value = positionals[1].text.partition("=")
        if not value and len(positionals) > 2:
            value = positionals[2].text
        if (key == "registry" or key.endswith(":registry") or key == "npmRegistryServer") and _is_url(value):
            yield PackageSource("npm", value, f"{command.name} config set {key}", positionals[1].line,
                                positionals[1].column)


def _gem_sources(settings: _Settings, command: Command) -> Iterator[PackageSource]:
    subcommand = command.subcommand(frozenset({"-s", "--source", "-a", "--add", "-r", "--remove"}))
    if subcommand == "sources":
        merged = "" if _removes_default_gem_source(settings.dockerfile) else _GEM_MERGE
        for word, value in command.option_words("-a", "--add"):
            if _is_url(value):
                yield PackageSource("rubygems", value, f"gem sources {_option_name(word)}", word.line,
                                    word.column, merged)
        return
    given = [(word, value) for word, value in command.option_words("-s", "--source") if _is_url(value)]
    for word, value in given:
        # The first --source replaces the default source; each further one is merged with it.
        yield PackageSource("rubygems", value, f"gem {_option_name(word)}", word.line, word.column,
                            _GEM_MERGE if len(given) > 1 else "")


def _removes_default_gem_source(dockerfile: Dockerfile) -> bool:
    for _, command in commands(dockerfile, "gem"):
        if command.has_option("--clear-all") or any(
                "rubygems.org" in value for _, value in command.option_words("-r", "--remove")):
            return True
    return False


def _poetry_sources(command: Command) -> Iterator[PackageSource]:
    """`poetry source add [--priority=P] NAME URL`: Poetry takes a name from the first source of the highest
    priority that has it, so an added source is never merged with another by version."""
    words = command.positionals(frozenset({"-p", "--priority", "--directory", "-C"}))
    if len(words) >= 4 and words[0].text == "source" and words[1].text == "add" and _is_url(words[3].text):
        yield PackageSource("pypi", words[3].text, "poetry source add", words[3].line, words[3].column)


def _bundle_sources(command: Command) -> Iterator[PackageSource]:
    """`bundle config [set] [--global] mirror.https://rubygems.org URL`."""
    words = [w for w in command.args if not w.is_option]
    for index, word in enumerate(words[:-1]):
        if word.text.startswith("mirror.") and _is_url(words[index + 1].text):
            yield PackageSource("rubygems", words[index + 1].text, f"bundle config {word.text}",
                                words[index + 1].line, words[index + 1].column)


_CONDA_NAMED = "https://conda.anaconda.org/"
_CONDA_DEFAULTS = "https://repo.anaconda.com/pkgs/main"


def _conda_sources(command: Command) -> Iterator[PackageSource]:
    for word, value in command.option_words("-c", "--channel"):
        yield _conda_channel(value, f"{command.name} {_option_name(word)}", word)
    words = [w for w in command.args]
    texts = [w.text for w in words]
    for index, text in enumerate(texts[:-2]):
        if text in ("--add", "--append", "--prepend") and texts[index + 1] == "channels":
            yield _conda_channel(texts[index + 2], f"{command.name} config {text} channels",
                                 words[index + 2])
        if text == "--set" and texts[index + 1] == "channel_alias" and _is_url(texts[index + 2]):
            yield PackageSource("conda", texts[index + 2], f"{command.name} config --set channel_alias",
                                words[index + 2].line, words[index + 2].column)


def _conda_channel(value: str, via: str, word: ShellWord) -> PackageSource:
    # A channel name is a path below the default channel_alias, conda.anaconda.org; `defaults` is Anaconda's
    # own repository.
    url = value if "://" in value else _CONDA_DEFAULTS if value == "defaults" else _CONDA_NAMED + value
    return PackageSource("conda", url, via, word.line, word.column)


def _apk_sources(command: Command) -> Iterator[PackageSource]:
    for word, value in command.option_words("-X", "--repository"):
        if _is_url(value):
            yield PackageSource("apk", value, f"apk {_option_name(word)}", word.line, word.column)


def _rpm_sources(command: Command) -> Iterator[PackageSource]:
    name = command.name
    for word, value in command.option_words("--repofrompath"):
        url = value.partition(",")[2]
        if _is_url(url):
            yield PackageSource("rpm", url, f"{name} --repofrompath", word.line, word.column)
    for word, value in command.option_words("--add-repo", "--from-repofile"):
        if _is_url(value):
            yield PackageSource("rpm", value, f"{name} {_option_name(word)}", word.line, word.column)
    if name == "zypper":
        words = [w for w in command.args if not w.is_option]
        if words and words[0].text in ("ar", "addrepo"):
            for word in words[1:]:
                if _is_url(word.text):
                    yield PackageSource("rpm", word.text, f"zypper {words[0].text}", word.line, word.column)


_PIP_COMMANDS = LazyPattern(r"pip[\d.]*+|python[\d.]*+|pipenv|pipx|uv")
_HANDLERS: dict[str, Callable[[_Settings, Command], Iterator[PackageSource]]] = {
    "npm": lambda _, c: _npm_sources(c), "npx": lambda _, c: _npm_sources(c), "yarn": lambda _, c: _npm_sources(c),
    "pnpm": lambda _, c: _npm_sources(c), "gem": _gem_sources, "bundle": lambda _, c: _bundle_sources(c),
    "conda": lambda _, c: _conda_sources(c), "mamba": lambda _, c: _conda_sources(c),
    "micromamba": lambda _, c: _conda_sources(c), "apk": lambda _, c: _apk_sources(c),
    "poetry": lambda _, c: _poetry_sources(c),
    **dict.fromkeys(("yum", "dnf", "dnf5", "tdnf", "microdnf", "yum-config-manager", "zypper"),
                    lambda _, c: _rpm_sources(c)),
}


def _command_sources(dockerfile: Dockerfile, settings: _Settings) -> Iterator[PackageSource]:
    # A command reachable twice (`sh -c "$(...)"`) gives the same sources, which package_sources merges.
    for _, command in dockerfile.commands():
        name = command.name
        handler = _HANDLERS.get(name)
        if handler is not None:
            yield from handler(settings, command)
        elif name.startswith(("pip", "python", "uv")) and _PIP_COMMANDS.fullmatch(name):
            own = name in ("pipenv", "pipx", "uv")
            pip = command if own else as_pip(command)
            if pip is not None:
                yield from _pip_sources(settings, pip, name if own else "pip")


# --- variables ---------------------------------------------------------------------------------------

# name -> (ecosystem, why it merges, how values are separated); a value `name=url` (UV_INDEX) gives its url.
_VARIABLES: dict[str, tuple[str, str, str]] = {
    "PIP_INDEX_URL": ("pypi", "", " "), "PIP_EXTRA_INDEX_URL": ("pypi", _PIP_MERGE, " "),
    "PIP_FIND_LINKS": ("pypi", _PIP_MERGE, " "), "PIPENV_PYPI_MIRROR": ("pypi", "", " "),
    "UV_INDEX_URL": ("pypi", "", " "), "UV_DEFAULT_INDEX": ("pypi", "", " "),
    "UV_EXTRA_INDEX_URL": ("pypi", _UV_MERGE, " "), "UV_INDEX": ("pypi", _UV_MERGE, " "),
    "UV_FIND_LINKS": ("pypi", _UV_MERGE, ","),
    "NPM_CONFIG_REGISTRY": ("npm", "", " "), "YARN_REGISTRY": ("npm", "", " "),
    "YARN_NPM_REGISTRY_SERVER": ("npm", "", " "), "GOPROXY": ("go", "", ",|"),
}


class _Settings(NamedTuple):
    """The source variables a Dockerfile sets, read once, and the two that change how sources are judged."""

    dockerfile: Dockerfile
    sources: tuple[Setting, ...]
    hashes_required: bool  # PIP_REQUIRE_HASHES
    uv_unsafe: bool  # UV_INDEX_STRATEGY=unsafe-*

    @staticmethod
    def of(dockerfile: Dockerfile) -> _Settings:
        settings = list(variable_settings(dockerfile, "|".join((*_VARIABLES, _POETRY_SOURCE, *_MODIFIERS)),
                                          _VARIABLE_HINTS))

        def last(name: str) -> str:
            values = [s.value.strip().lower() for s in settings if s.name.upper() == name]
            return values[-1] if values else ""

        hashes = last("PIP_REQUIRE_HASHES")
        return _Settings(dockerfile, tuple(s for s in settings if _variable_kind(s.name) is not None),
                         bool(hashes) and hashes not in FALSE_WORDS, last("UV_INDEX_STRATEGY") in _UV_UNSAFE)


_MODIFIERS = ("PIP_REQUIRE_HASHES", "UV_INDEX_STRATEGY")
# Poetry's source of each name: POETRY_REPOSITORIES_<NAME>_URL.
_POETRY_SOURCE = "POETRY_REPOSITORIES_[A-Za-z0-9_]{1,100}_URL"
_POETRY_SOURCE_NAME = LazyPattern(_POETRY_SOURCE, re.IGNORECASE)
# Parts every name above holds one of: seven substring tests instead of twenty.
_VARIABLE_HINTS = (b"pip_", b"uv_", b"pipenv_", b"npm_config_registry", b"yarn_", b"goproxy",
                   b"poetry_repositories_")


def _variable_kind(name: str) -> tuple[str, str, str] | None:
    """(ecosystem, why it merges, separators) of a source variable; None for the others."""
    upper = name.upper()
    if upper in _VARIABLES:
        return _VARIABLES[upper]
    return ("pypi", "", " ") if _POETRY_SOURCE_NAME.fullmatch(upper) else None


def _variable_sources(settings: _Settings) -> Iterator[PackageSource]:
    for setting in settings.sources:
        ecosystem, merged, separators = _variable_kind(setting.name) or ("", "", " ")
        if merged is _UV_MERGE and not settings.uv_unsafe:
            merged = ""
        for value in re.split(f"[{re.escape(separators)}\\s]", setting.value):
            url = value.partition("=")[2] if "=" in value and not _is_url(value) else value
            if _is_url(url):
                yield PackageSource(ecosystem, url, f"{setting.keyword} {setting.name}", setting.line,
                                    setting.column, merged, settings.hashes_required and ecosystem == "pypi")


# --- configuration text ------------------------------------------------------------------------------


class _Syntax(NamedTuple):
    """One configuration format: what names its sources, and the words that show a text may hold it."""

    ecosystem: str
    what: str  # the file, for messages
    pattern: LazyPattern  # group `url`; group `options` for apt's [...] and `key` for pip's setting name
    hints: tuple[bytes, ...]
    merged_keys: tuple[bytes, ...] = ()  # values of group `key` whose sources merge (pip's extra-index-url)


_PIP_CONF = _Syntax("pypi", "pip.conf", LazyPattern(
    rb"(?i)" + _START + rb"(?P<key>extra[-_]index[-_]url|index[-_]url|find[-_]links)[ \t]*+=[ \t]*+[\"']?(?P<url>"
    + _URL + rb")"), (b"index-url", b"index_url", b"find-links", b"find_links"),
    (b"extra-index-url", b"extra_index_url", b"find-links", b"find_links"))
_NPMRC = _Syntax("npm", ".npmrc", LazyPattern(
    _START + rb"(?:@[\w.-]{1,214}+:)?registry[ \t]*+=[ \t]*+[\"']?(?P<url>" + _URL + rb")"), (b"registry=",
                                                                                                b"registry ="))
_YARNRC = _Syntax("npm", ".yarnrc", LazyPattern(
    _START + rb"(?:registry[ \t]++\"|npmRegistryServer:[ \t]*+[\"']?)(?P<url>" + _URL + rb")"),
    (b"registry \"", b"npmregistryserver"))
_APT_LINE = _Syntax("apt", "apt sources", LazyPattern(
    _START + rb"deb(?:-src)?[ \t]++(?:\[(?P<options>[^\]\n]{0,500}+)\][ \t]*+)?(?P<url>" + _URL + rb")"),
    (b"deb ", b"deb-src", b"deb\t"))
# apt's `[ option=value ... ] URL` without the `deb` word: a source line assembled in a variable
# (`aptRepo="[ signed-by=... ] http://..."; echo "deb $aptRepo" > ...`, as the postgres images do).
_APT_OPTIONS = _Syntax("apt", "apt sources", LazyPattern(
    rb"\[(?P<options>[ \t]*+(?:arch|signed-by|trusted|lang|target|by-hash|check-valid-until|allow-insecure)"
    rb"[-\w]{0,40}+=[^\]\n]{0,500}+)\][ \t]*+(?P<url>" + _URL + rb")"), (b"arch=", b"signed-by=", b"trusted="))
_APT_DEB822 = _Syntax("apt", "apt .sources", LazyPattern(_START + rb"URIs:[ \t]*+(?P<url>" + _URL + rb")"),
                      (b"uris:",))
_APK_WRITTEN = _Syntax("apk", "/etc/apk/repositories", LazyPattern(
    rb"(?P<url>" + _URL + rb")[^;&|\n>]{0,200}+(?:>>?|\|[ \t]*+tee(?:[ \t]++-a)?)[ \t]*+[\"']?/etc/apk/repositories"),
    (b"/etc/apk/repositories",))
_RPM_REPO = _Syntax("rpm", ".repo", LazyPattern(
    rb"(?i)" + _START + rb"(?:baseurl|mirrorlist|metalink)[ \t]*+=[ \t]*+[\"']?(?P<url>" + _URL + rb")"),
    (b"baseurl", b"mirrorlist", b"metalink"))
_MAVEN = _Syntax("maven", "settings.xml", LazyPattern(rb"<url>[ \t]*+(?P<url>" + _URL + rb")"), (b"settings.xml",))
_GRADLE = _Syntax("maven", "init.gradle", LazyPattern(
    _START + rb"url[ \t]*+(?:=[ \t]*+)?(?:uri[ \t]*+\([ \t]*+)?[\"'](?P<url>" + _URL + rb")"), (b".gradle",))
# A `- URL` list item or a `channel_alias: URL` (.condarc, .gemrc): after a real or an echo-escaped newline.
_LIST_ITEM = rb"(?:^|\n|\\n)[ \t]*+(?:-[ \t]*+|channel_alias:[ \t]*+)(?P<url>" + _URL + rb")"
_CONDARC = _Syntax("conda", ".condarc", LazyPattern(_LIST_ITEM, re.MULTILINE), (b"condarc",))
_GEMRC = _Syntax("rubygems", ".gemrc", LazyPattern(_LIST_ITEM, re.MULTILINE), (b"gemrc",))
_ANY_URL_LINE = _Syntax("apk", "/etc/apk/repositories", LazyPattern(
    rb"(?m)^[ \t]*+(?:@\S{1,64}+[ \t]++)?(?P<url>" + _URL + rb")"), ())

# Formats a RUN may write; a script is searched for one only when it mentions one of the format's hints.
_WRITTEN = (_PIP_CONF, _NPMRC, _YARNRC, _APT_LINE, _APT_OPTIONS, _APT_DEB822, _APK_WRITTEN, _RPM_REPO, _MAVEN,
            _GRADLE, _CONDARC, _GEMRC)
_SEARCHES = tuple((syntax.pattern, syntax.hints) for syntax in _WRITTEN)


def _text_source(syntax: _Syntax, match: re.Match[bytes], via: str, line: int, column: int) -> PackageSource:
    url = match["url"].decode("utf-8", "replace")
    groups = match.re.groupindex
    merged = _PIP_MERGE if "key" in groups and match["key"].lower().replace(b"_", b"-") in syntax.merged_keys \
        else ""
    signed_by = None
    if syntax.ecosystem == "apt":
        options = match["options"] if "options" in groups else _deb822_stanza(match)
        signed_by = options is not None and b"signed-by" in options.lower()
    return PackageSource(syntax.ecosystem, url, via, line, column, merged, signed_by=signed_by)


def _deb822_stanza(match: re.Match[bytes]) -> bytes:
    """The deb822 stanza around a `URIs:` field, which may name its keyring in `Signed-By:`."""
    text = match.string
    # At most 2000 bytes either side, so many URIs fields in one text cost linear time.
    low, high = max(match.start() - 2000, 0), match.end() + 2000
    start = text.rfind(b"\n\n", low, match.start())
    end = text.find(b"\n\n", match.end(), high)
    return text[start if start >= 0 else low:end if end >= 0 else high]


def _written_sources(dockerfile: Dockerfile) -> Iterator[PackageSource]:
    for index, match, line, column in scripts_matches(dockerfile, _SEARCHES, written_only=True, required=b"://"):
        syntax = _WRITTEN[index]
        yield _text_source(syntax, match, f"{syntax.what} text written by RUN", line, column)
    for instruction in _copies(dockerfile):
        words = instruction.words() if instruction.heredocs else []
        destination = words[-1].text if words else ""
        for heredoc in instruction.heredocs:
            for syntax in _file_syntaxes(destination, destination):
                text = heredoc.body.encode()
                for match in syntax.pattern.finditer(text):
                    line = heredoc.line + text.count(b"\n", 0, match.start())
                    yield _text_source(syntax, match, f"{syntax.what} written by COPY <<{heredoc.delimiter}",
                                       line, 1)


def _copies(dockerfile: Dockerfile) -> Iterator[Instruction]:
    """COPY and ADD from the build context (or a heredoc) that may write a package manager's config file."""
    for outer in dockerfile.instructions:
        instruction = outer.effective
        if (instruction.keyword in ("COPY", "ADD") and instruction.flag("from") is None
                and any(name in instruction.logical for name in _CONFIG_NAMES)):
            yield instruction


# Words one of which every file _file_syntaxes reads has in its name or destination.
_CONFIG_NAMES = ("pip.", "npmrc", "yarnrc", "/etc/apt/", "sources", ".list", "repositories", ".repo", "condarc",
                 "gemrc", "settings.xml", ".gradle")


def _file_syntaxes(source: str, destination: str) -> tuple[_Syntax, ...]:
    """The formats a file is read as, by its name or where it is copied to."""
    name = posixpath.basename(source.rstrip("/"))
    target = destination.rstrip("/")
    where = target if not destination.endswith("/") else f"{target}/{name}"
    base = posixpath.basename(where)
    if base in ("pip.conf", "pip.ini"):
        return (_PIP_CONF,)
    if base in (".npmrc", "npmrc"):
        return (_NPMRC,)
    if base in (".yarnrc", ".yarnrc.yml"):
        return (_YARNRC, _NPMRC)
    if where.startswith("/etc/apt/") and (base == "sources.list" or base.endswith((".list", ".sources"))):
        return (_APT_LINE, _APT_DEB822)
    if where == "/etc/apk/repositories":
        return (_ANY_URL_LINE,)
    if base.endswith(".repo"):
        return (_RPM_REPO,)
    if base in (".condarc", "condarc"):
        return (_CONDARC,)
    if base == ".gemrc":
        return (_GEMRC,)
    if base == "settings.xml":
        return (_MAVEN,)
    if base.endswith((".gradle", ".gradle.kts")) and ("init" in base or "/init.d/" in where):
        return (_GRADLE,)
    return ()


def _copied_sources(dockerfile: Dockerfile) -> Iterator[PackageSource]:
    """Sources in config files COPYed in from the build context, reported at the COPY."""
    if dockerfile.context is None:
        return
    for instruction in _copies(dockerfile):
        arguments = sources_and_destination(instruction)
        if arguments is None:
            continue
        sources, destination = arguments
        for source in sources:
            syntaxes = _file_syntaxes(source, destination) if len(sources) == 1 or destination.endswith("/") \
                else ()
            text = _context_file(dockerfile.context, source) if syntaxes else None
            if text is None:
                continue
            for syntax in syntaxes:
                for match in syntax.pattern.finditer(text):
                    line = text.count(b"\n", 0, match.start()) + 1
                    yield _text_source(syntax, match, f"{source} (line {line}), copied by {instruction.keyword}",
                                       instruction.line, 1)


def _context_file(context: str, source: str) -> bytes | None:
    """A regular file of the build context, never outside it (`..`, an absolute path, a symbolic link out)."""
    if "$" in source or any(c in source for c in "*?[") or _is_url(source):
        return None
    root = os.path.realpath(context)
    path = os.path.realpath(os.path.join(root, source.lstrip("/")))
    if os.path.commonpath([root, path]) != root or not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_COPIED_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_COPIED_BYTES else None
