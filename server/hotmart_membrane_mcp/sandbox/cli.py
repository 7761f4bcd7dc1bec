"""Command-line parsing in the manner of a minimist CLI (membrane-cli-contract.md §2).

INFERRED (membrane-cli-contract.md §2): the real CLI parses with minimist, so ``--flag=value`` and ``--flag
value`` are both accepted, value flags may repeat, and a value flag followed by a bare word takes that word.
Unlike plain minimist, every command declares its flags here, so an unknown flag, a value flag
without a value and a missing or extra argument are usage errors (exit 2), as in a CLI that
validates its options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .errors import UsageError

FlagKind = Literal["bool", "value", "list"]


@dataclass(frozen=True)
class Flag:
    """An option: ``bool`` (a switch), ``value`` (last one wins) or ``list`` (repeatable)."""

    name: str
    kind: FlagKind = "value"
    short: str | None = None  # one letter, e.g. "X" for -X


@dataclass(frozen=True)
class CommandSpec:
    """The words that name a command, its positional arguments and its flags."""

    words: tuple[str, ...]
    positionals: tuple[str, ...] = ()
    optional_positionals: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    summary: str = ""

    def flag(self, name: str) -> Flag | None:
        return next((flag for flag in self.flags if flag.name == name), None)

    def short_flag(self, letter: str) -> Flag | None:
        return next((flag for flag in self.flags if flag.short == letter), None)

    @property
    def usage(self) -> str:
        parts = [*self.words, *(f"<{name}>" for name in self.positionals)]
        parts += [f"[{name}]" for name in self.optional_positionals]
        parts += [_flag_usage(flag) for flag in self.flags]
        return " ".join(parts)


def _flag_usage(flag: Flag) -> str:
    spelled = f"--{flag.name}" if flag.short is None else f"-{flag.short}|--{flag.name}"
    if flag.kind == "bool":
        return f"[{spelled}]"
    suffix = "..." if flag.kind == "list" else ""
    return f"[{spelled} <value>]{suffix}"


@dataclass
class ParsedCommand:
    """A command line matched to its spec."""

    spec: CommandSpec
    arguments: dict[str, str] = field(default_factory=dict)
    options: dict[str, bool | str | list[str]] = field(default_factory=dict)

    def is_set(self, name: str) -> bool:
        return name in self.options and self.options[name] is not False

    def switch(self, name: str) -> bool:
        return self.options.get(name) is True

    def value(self, name: str) -> str | None:
        value = self.options.get(name)
        return value if isinstance(value, str) else None

    def values(self, name: str) -> list[str]:
        value = self.options.get(name)
        return list(value) if isinstance(value, list) else []


def parse_command_line(argv: Sequence[str], specs: Sequence[CommandSpec]) -> ParsedCommand:
    """Find the command named by ``argv`` and parse the rest of it against the command's spec.

    Raises:
        UsageError: unknown command or option, missing value or argument, extra argument.
    """
    word_positions = _command_word_positions(argv, specs)
    words = [argv[index] for index in word_positions]
    spec = _match(words, specs)
    used = set(word_positions[: len(spec.words)])
    rest = [token for index, token in enumerate(argv) if index not in used]
    positionals, options = _parse_tokens(rest, spec)
    return ParsedCommand(spec, _bind_positionals(positionals, spec), options)


def _command_word_positions(argv: Sequence[str], specs: Sequence[CommandSpec]) -> list[int]:
    """Indices of the bare words, skipping the values of known value flags.

    The command is not known yet, so a flag's kind comes from any command that declares it;
    ``--json`` is a switch everywhere except in ``request``, whose name always comes first.
    """
    value_flags = {f"--{flag.name}" for spec in specs for flag in spec.flags if flag.kind != "bool"}
    value_flags |= {f"-{flag.short}" for spec in specs for flag in spec.flags if flag.short}
    value_flags.discard("--json")
    positions: list[int] = []
    skip_next = False
    for index, token in enumerate(argv):
        if skip_next:
            skip_next = False
        elif token == "--":
            break
        elif token.startswith("-") and token != "-":
            skip_next = token in value_flags
        else:
            positions.append(index)
    return positions


def _match(words: list[str], specs: Sequence[CommandSpec]) -> CommandSpec:
    if not words:
        raise UsageError("Missing command. Run with --help to see the commands.")
    for length in (2, 1):
        for spec in specs:
            if tuple(words[:length]) == spec.words:
                return spec
    groups = sorted({spec.words[0] for spec in specs if len(spec.words) > 1})
    if words[0] in groups:
        choices = sorted(spec.words[1] for spec in specs if spec.words[0] == words[0] and len(spec.words) > 1)
        given = f" {words[1]!r}" if len(words) > 1 else ""
        raise UsageError(f"Unknown {words[0]} subcommand{given}. Expected one of: {', '.join(choices)}")
    raise UsageError(f"Unknown command {words[0]!r}. Run with --help to see the commands.")


def _parse_tokens(
    tokens: list[str], spec: CommandSpec
) -> tuple[list[str], dict[str, bool | str | list[str]]]:
    positionals: list[str] = []
    options: dict[str, bool | str | list[str]] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "--":
            positionals.extend(tokens[index:])
            break
        if token.startswith("--"):
            name, has_inline, inline = token[2:].partition("=")
            flag = spec.flag(name)
            spelled = f"--{name}"
        elif token.startswith("-") and token != "-":
            flag = spec.short_flag(token[1])
            spelled = token[:2]
            has_inline, inline = len(token) > 2, token[2:].removeprefix("=")
        else:
            positionals.append(token)
            continue
        if flag is None:
            raise UsageError(f"Unknown option {spelled} for `{' '.join(spec.words)}`. Usage: {spec.usage}")
        if flag.kind == "bool":
            options[flag.name] = _switch_value(spelled, inline) if has_inline else True
            continue
        if not has_inline:
            if index >= len(tokens) or _looks_like_option(tokens[index]):
                raise UsageError(f"Option {spelled} requires a value. Usage: {spec.usage}")
            inline = tokens[index]
            index += 1
        if flag.kind == "list":
            earlier = options.get(flag.name)
            options[flag.name] = [*earlier, inline] if isinstance(earlier, list) else [inline]
        else:
            options[flag.name] = inline
    return positionals, options


def _looks_like_option(token: str) -> bool:
    return token.startswith("-") and token != "-" and not token[1:2].isdigit()


def _switch_value(spelled: str, value: str) -> bool:
    if value in ("true", "false"):
        return value == "true"
    raise UsageError(f"Option {spelled} is a switch; it takes no value (or =true / =false)")


def _bind_positionals(positionals: list[str], spec: CommandSpec) -> dict[str, str]:
    names = [*spec.positionals, *spec.optional_positionals]
    if len(positionals) < len(spec.positionals):
        missing = spec.positionals[len(positionals)]
        raise UsageError(f"Missing argument <{missing}>. Usage: {spec.usage}")
    if len(positionals) > len(names):
        raise UsageError(f"Unexpected argument {positionals[len(names)]!r}. Usage: {spec.usage}")
    return dict(zip(names, positionals, strict=False))  # optional ones may be absent
