"""The README, followed literally: its configs validate, its commands parse and run.

Every ```yaml block that looks like a config is loaded as funnelkit.yaml; every
```sh line that calls funnelkit is parsed by the real command tree, and the blocks
that need a portal are run in order against a Bitrix24 emulator named `acme`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
import yaml

from funnelkit.cli import app
from funnelkit.cli.common import run_main
from funnelkit.cli.shell import hoist_globals
from funnelkit.config import load_config
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.run import start
from funnelkit.model import Vendor

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(kind: str) -> list[str]:
    return [
        body for lang, body in BLOCK.findall(README.read_text(encoding="utf-8")) if lang == kind
    ]


def commands(body: str) -> list[list[str]]:
    """funnelkit invocations of a sh block (after `&&`, without comments and redirections)."""
    out = []
    for line in body.splitlines():
        for part in line.split("&&"):
            words = shlex.split(part, comments=True)
            if words[:3] == ["python3", "-m", "funnelkit"]:
                words = ["funnelkit", *words[3:]]
            if words[:1] == ["funnelkit"]:
                out.append(words[1:])
    return out


def test_the_readme_has_the_blocks_it_promises() -> None:
    assert len(blocks("yaml")) >= 1
    assert sum(len(commands(b)) for b in blocks("sh")) >= 10


@pytest.mark.parametrize("body", blocks("yaml"))
def test_yaml_blocks_validate(body: str, tmp_path: Path) -> None:
    data = yaml.safe_load(body)
    assert isinstance(data, dict)
    path = tmp_path / "funnelkit.yaml"
    path.write_text(body, encoding="utf-8")
    load_config(path)


def _parse(args: list[str]) -> None:
    """Parse one command line without running it: unknown flags and bad values fail."""
    words = hoist_globals(args)
    command: typer.core.TyperGroup = typer.main.get_command(app)  # type: ignore[assignment]
    ctx = command.make_context("funnelkit", list(words), resilient_parsing=False)
    sub_args = [*ctx._protected_args, *ctx.args]
    current = command
    while hasattr(current, "commands") and sub_args:
        name, *sub_args = sub_args
        nxt = current.commands.get(name)
        assert nxt is not None, f"no command {name!r} in {args}"
        current = nxt  # type: ignore[assignment]
        ctx = current.make_context(name, list(sub_args), parent=ctx)
        sub_args = [*getattr(ctx, "_protected_args", []), *ctx.args]


ALL_COMMANDS = [c for b in blocks("sh") for c in commands(b)]


@pytest.mark.parametrize("args", ALL_COMMANDS, ids=" ".join)
def test_sh_commands_parse(args: list[str]) -> None:
    _parse(_split_redirect(args)[0])


def _split_redirect(args: list[str]) -> tuple[list[str], str | None]:
    if ">" in args:
        at = args.index(">")
        return args[:at], args[at + 1]
    return args, None


def test_portal_blocks_run_against_an_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    config = yaml.safe_load(next(b for b in blocks("yaml") if "portals:" in b))
    with start(generate(Vendor.BITRIX24, deals=150, seed=4)) as running:
        config["portals"]["acme"]["url"] = running.url
        config["portals"]["acme"].update({"rate_limit": 200, "burst": 1000})
        (tmp_path / "funnelkit.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        for key, value in running.env("acme").items():
            monkeypatch.setenv(key, value)
        ran = 0
        for body in blocks("sh"):
            if "--portal acme" not in body:
                continue
            for args in commands(body):
                words, redirect = _split_redirect(args)
                code = run_main(app, words)
                captured = capsys.readouterr()
                if redirect:
                    (tmp_path / redirect).write_text(captured.out, encoding="utf-8")
                # 1 (findings, drift) and 4 (apply asks for confirmation) are answers, not errors.
                assert code in (0, 1, 4), f"{' '.join(args)} → {code}: {captured.err}"
                ran += 1
    assert ran >= 8
