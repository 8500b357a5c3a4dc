"""The root command group: global flags anywhere on the line, and help that reads like a manual.

Users type `funnelkit audit --lang ru` as often as `funnelkit --lang ru audit` (git, ruff and
terraform all accept both), so the global flags are moved in front of the command before
parsing. Help is tidied once for every command, including ones added later: arguments
show as `BLUEPRINT`, not `{blueprint}`, and list options as `VALUE[,VALUE]` instead of
the annotation `<list[str]>`; typer's "Value error," prefix is dropped from bad values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from typer._click.core import Context
from typer._click.exceptions import UsageError
from typer.core import TyperArgument, TyperGroup, TyperOption

FLAGS = frozenset({"-q", "--quiet", "--no-color", "--debug", "--version"})
VALUED = frozenset({"--config", "--lang"})


def hoist_globals(args: Iterable[str]) -> list[str]:
    """The same arguments with every global flag (and its value) moved to the front.

    `--` ends the options, as everywhere: nothing after it is moved.
    """
    items = list(args)
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--":
            rest.extend(items[i:])
            break
        if arg in FLAGS:
            front.append(arg)
        elif arg in VALUED and i + 1 < len(items):
            front.extend(items[i : i + 2])
            i += 1
        elif arg.partition("=")[0] in VALUED and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class _Argument(TyperArgument):
    """A positional argument shown as NAME (required) or [NAME] in the usage line."""

    def _usage_display_name(self) -> str:
        name = self.metavar or self.name or "ARG"
        name = name if self.required else f"[{name}]"
        return name if self.nargs == 1 else f"{name}..."


def _tidy(command: Any) -> None:
    """Readable metavars for one command and everything below it."""
    for param in getattr(command, "params", []):
        if isinstance(param, TyperArgument) and not isinstance(param, _Argument):
            param.__class__ = _Argument
            param.metavar = param.metavar or (param.name or "arg").upper()
        elif isinstance(param, TyperOption) and param.metavar is None and param.multiple:
            label = (param.name or "value").upper()
            param.metavar = f"{label}[,{label}]"
    for sub in getattr(command, "commands", {}).values():
        _tidy(sub)


def _plain(exc: UsageError) -> UsageError:
    # typer validates enums through pydantic, whose messages start with "Value error, ".
    exc.message = exc.message.replace("Value error, ", "")
    return exc


class RootGroup(TyperGroup):
    """The `funnelkit` group: hoists global flags and tidies help for every subcommand."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _tidy(self)

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, hoist_globals(args))
        except UsageError as exc:
            raise _plain(exc) from None

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _plain(exc) from None


__all__ = ["RootGroup", "hoist_globals"]
