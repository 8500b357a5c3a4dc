"""What every command shares: state from global flags, error handling, I/O helpers."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from funnelkit.errors import FunnelkitError, InputError, UnsafePlanError
from funnelkit.fileio import atomic_file

if TYPE_CHECKING:
    from rich.console import Console

    from funnelkit.config import FunnelkitConfig
    from funnelkit.connectors.base import Connector, Progress, PullScope
    from funnelkit.model import Snapshot

INTERNAL = 70


class Lang(StrEnum):
    """Languages of everything a person reads."""

    EN = "en"
    RU = "ru"
    UK = "uk"


@dataclass
class AppState:
    """Global flags, the lazily loaded config and the consoles."""

    config_path: Path | None = None
    lang_flag: Lang | None = None
    quiet: bool = False
    no_color: bool = False
    debug: bool = False
    _config: FunnelkitConfig | None = field(default=None, repr=False)

    @property
    def plain(self) -> bool:
        """No colour: --no-color or the NO_COLOR convention."""
        return self.no_color or bool(os.environ.get("NO_COLOR"))

    @property
    def out(self) -> Console:
        """Console on stdout."""
        from rich.console import Console

        return Console(no_color=self.plain, highlight=False, soft_wrap=True)

    @property
    def err(self) -> Console:
        """Console on stderr (messages, progress)."""
        from rich.console import Console

        return Console(stderr=True, no_color=self.plain, highlight=False)

    @property
    def config(self) -> FunnelkitConfig:
        """funnelkit.yaml, read on first use (commands that need no config never read it)."""
        if self._config is None:
            from funnelkit.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    def ignore_config(self) -> None:
        """Run with the defaults whatever config file is around (`demo`)."""
        from funnelkit.config import FunnelkitConfig

        self._config = FunnelkitConfig()

    @property
    def lang(self) -> str:
        """--lang, else the config's report.lang, else English."""
        if self.lang_flag is not None:
            return self.lang_flag.value
        return self.config.file.report.lang

    def progress(self) -> Progress:
        """Progress display for long reads: bars on a terminal, lines otherwise, none if quiet."""
        from funnelkit.cli.progress import make_progress

        return make_progress(self.err, self.quiet)

    def say(self, text: str) -> None:
        """A status line on stderr, unless --quiet."""
        if not self.quiet:
            self.err.print(text, markup=False)


def get_state(ctx: typer.Context) -> AppState:
    """The AppState of the running invocation (a default one in isolated tests)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def open_connector(state: AppState, portal: str) -> Connector:
    """A connector for a configured portal, credentials from the environment."""
    from funnelkit.config import credentials_for

    settings = state.config.portal(portal)
    credentials = credentials_for(portal, settings)
    from funnelkit.connectors import get_connector

    return get_connector(settings, credentials)


def read_snapshot(
    state: AppState,
    portal: str | None,
    snapshot: Path | None,
    scope: PullScope | None = None,
) -> Snapshot:
    """`--snapshot FILE` loaded, or `--portal NAME` pulled live."""
    if (portal is None) == (snapshot is None):
        raise InputError(
            "give exactly one of --portal NAME or --snapshot FILE",
            hint="--portal pulls live from funnelkit.yaml's portal; --snapshot reads a saved one",
        )
    if snapshot is not None:
        from funnelkit.store import load_snapshot

        return load_snapshot(snapshot)
    from funnelkit.connectors.base import PullScope as Scope

    assert portal is not None
    connector = open_connector(state, portal)
    try:
        return connector.pull(scope or Scope(), state.progress())
    finally:
        connector.close()


def emit(state: AppState, text: str | Iterable[str], output: Path | None) -> None:
    """Print to stdout, or write the file atomically; text may come in pieces (written as
    they come, never joined) and then ends with its own newline."""
    if isinstance(text, str):
        text = [text if text.endswith("\n") or output is not None else text + "\n"]
    if output is None:
        for piece in text:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    with atomic_file(output) as handle:
        for piece in text:
            handle.write(piece.encode("utf-8"))
    state.say(f"wrote {output}")


def confirm(state: AppState, question: str, yes: bool) -> None:
    """Ask before a change; --yes answers for CI. Declining is exit 4."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UnsafePlanError(
            "confirmation needed but stdin is not a terminal", hint="re-run with --yes"
        )
    if not typer.confirm(question, default=False, err=True):
        raise UnsafePlanError("declined: nothing was changed")


def _print_error(exc: FunnelkitError) -> None:
    from rich.console import Console

    console = Console(stderr=True, highlight=False, no_color=bool(os.environ.get("NO_COLOR")))
    console.print(f"error: {exc.message}", markup=False, soft_wrap=True)
    if exc.hint:
        console.print(f"hint: {exc.hint}", markup=False, soft_wrap=True)


def run_main(app: typer.Typer, argv: Sequence[str] | None) -> int:
    """Run the app; FunnelkitError → message + its exit code, anything else → 70."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        result: Any = typer.main.get_command(app).main(
            args=args, prog_name="funnelkit", standalone_mode=False
        )
    except FunnelkitError as exc:
        _print_error(exc)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("error: aborted\n")
        return 4
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            sys.stderr.write(f"error: {exc.format_message()}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exception(exc)
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}); this is a bug in funnelkit\n"
            "hint: re-run with --debug to see the traceback and report it\n"
        )
        return INTERNAL
    return int(result) if isinstance(result, int) else 0
