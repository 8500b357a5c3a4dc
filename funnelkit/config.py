"""funnelkit.yaml: portals, audit settings, report defaults; credentials from the environment.

Precedence is flag > environment > file > default. The file never holds a secret:
a Bitrix24 webhook URL carries its key in the path and an amoCRM token is a bearer
credential, so both come from `FUNNELKIT_<NAME>_WEBHOOK` / `FUNNELKIT_<NAME>_TOKEN`
or an OAuth token file, and an inline one is refused before anything else is read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from funnelkit.config_check import audit_problems, problems_of
from funnelkit.config_discovery import discover, load_pyproject
from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.errors import ConfigError
from funnelkit.model.enums import Lang
from funnelkit.yamlio import YamlDoc, format_validation, load_yaml

DEFAULT_CONFIG = "funnelkit.yaml"
M = TypeVar("M", bound=BaseModel)

ReportFormat = Literal["text", "json", "csv", "markdown", "html", "sarif", "junit"]

_SECRET_KEYS = {
    "webhook",
    "webhook_url",
    "token",
    "access_token",
    "refresh_token",
    "client_secret",
    "secret",
    "password",
    "api_key",
}
# bitrix24.md §2.1: an incoming webhook is https://<portal>/rest/<user id>/<key>/
_WEBHOOK_IN_URL = re.compile(r"/rest/\d+/[^/\s]{6,}")


class ReportSettings(BaseModel):
    """Report defaults (`report:`), overridden by --format / --lang flags."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: ReportFormat = "text"
    lang: Lang = "en"


class DriftSettings(BaseModel):
    """Drift defaults (`drift:`): whether objects no blueprint declares fail it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fail_on_unmanaged: bool = False


class FileConfig(BaseModel):
    """The shape of funnelkit.yaml (`funnelkit schema config`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    portals: dict[str, PortalSettings] = Field(default_factory=dict)
    audit: dict[str, Any] = Field(
        default_factory=dict, description="Audit settings: select, ignore, fail_on, rules, funnels"
    )
    report: ReportSettings = Field(default_factory=ReportSettings)
    drift: DriftSettings = Field(default_factory=DriftSettings)


@dataclass
class FunnelkitConfig:
    """The loaded configuration plus where it came from (for file:line in later errors)."""

    file: FileConfig = field(default_factory=FileConfig)
    doc: YamlDoc | None = None
    path: Path | None = None

    @property
    def portals(self) -> dict[str, PortalSettings]:
        """Portals by the NAME used in --portal."""
        return self.file.portals

    def portal(self, name: str) -> PortalSettings:
        """One portal's settings, or a ConfigError listing the known names."""
        try:
            return self.file.portals[name]
        except KeyError:
            known = ", ".join(sorted(self.file.portals)) or "none"
            where = str(self.path) if self.path else "no config file"
            raise ConfigError(
                f"unknown portal {name!r} ({where}; portals defined: {known})",
                hint=f"add it under `portals:` in {DEFAULT_CONFIG}",
            ) from None

    def section(self, model: type[M], name: str) -> M:
        """Validate a free-form section (e.g. `audit`) against a model, with file:line errors."""
        data = getattr(self.file, name)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            if self.doc is None:
                raise ConfigError(f"{name}: {exc}") from None
            problems = format_validation(self.doc, exc, prefix=(name,))
            raise ConfigError(
                f"{self.doc.path}: {len(problems)} problem(s) in `{name}`\n  "
                + "\n  ".join(problems)
            ) from None


def env_name(portal: str) -> str:
    """The portal name as it appears in environment variable names."""
    return "".join(ch if ch.isalnum() else "_" for ch in portal).upper()


def _inline_secrets(doc: YamlDoc) -> list[str]:
    """Every place where the file holds a credential it must not hold."""
    found: list[str] = []
    portals = doc.data.get("portals") if isinstance(doc.data, dict) else None
    if not isinstance(portals, dict):
        return found
    for name, body in portals.items():
        if not isinstance(body, dict):
            continue
        var = f"FUNNELKIT_{env_name(str(name))}_"
        for key in body:
            if str(key).lower() in _SECRET_KEYS:
                found.append(f"{doc.where(('portals', name, key))}: portals.{name}.{key}")
        url = body.get("url")
        if isinstance(url, str) and (_WEBHOOK_IN_URL.search(url) or "access_token=" in url):
            found.append(
                f"{doc.where(('portals', name, 'url'))}: portals.{name}.url contains a webhook "
                f"key (set {var}WEBHOOK instead and keep url to the portal's address)"
            )
    return found


def load_config(path: Path | None, required: bool = False) -> FunnelkitConfig:
    """Read the config: `path`, else the nearest funnelkit.yaml or `[tool.funnelkit]`.

    No file found is an empty config unless `required`. Every problem of the file is
    reported in one ConfigError (file:line:col and what is allowed for each).
    """
    target = path or discover()
    if target is None or not target.exists():
        if path is not None or required:
            raise ConfigError(
                f"{target or DEFAULT_CONFIG}: no such config file",
                hint="create funnelkit.yaml (see README: Config) or pass --config FILE",
            )
        return FunnelkitConfig()
    doc = load_pyproject(target) if target.suffix == ".toml" else load_yaml(target, ConfigError)
    if doc.data is not None and not isinstance(doc.data, dict):
        raise ConfigError(f"{doc.where(())}: the config must be a mapping of sections")
    secrets = _inline_secrets(doc)
    if secrets:
        raise ConfigError(
            "inline secret in the config file, refused:\n  " + "\n  ".join(secrets),
            hint="remove it from the file and export FUNNELKIT_<NAME>_WEBHOOK or "
            "FUNNELKIT_<NAME>_TOKEN, or use token_file for OAuth",
        )
    data = doc.data or {}
    problems, parsed = problems_of(doc, FileConfig, data)
    problems.extend(audit_problems(doc, data.get("audit")))
    if problems:
        count = len(problems)
        raise ConfigError(
            f"{target}: {count} problem{'s' if count != 1 else ''}\n  " + "\n  ".join(problems),
            hint="`funnelkit schema config` describes the file; `funnelkit rules show CODE` "
            "lists a rule's params",
        ) from None
    return FunnelkitConfig(file=parsed, doc=doc, path=target)


def credentials_for(
    name: str, settings: PortalSettings, env: Mapping[str, str] | None = None
) -> Credentials:
    """Credentials of one portal from the environment or its token file."""
    environ = os.environ if env is None else env
    prefix = f"FUNNELKIT_{env_name(name)}_"

    def secret(key: str) -> SecretStr | None:
        value = environ.get(prefix + key, "").strip()
        return SecretStr(value) if value else None

    token_file = settings.token_file
    if environ.get(prefix + "TOKEN_FILE"):
        token_file = Path(environ[prefix + "TOKEN_FILE"])
    creds = Credentials(
        webhook=secret("WEBHOOK"),
        token=secret("TOKEN"),
        client_id=secret("CLIENT_ID"),
        client_secret=secret("CLIENT_SECRET"),
        token_file=token_file.expanduser() if token_file else None,
    )
    if creds.webhook is None and creds.token is None and creds.token_file is None:
        wanted = "WEBHOOK" if settings.vendor.value == "bitrix24" else "TOKEN"
        raise ConfigError(
            f"no credentials for portal {name!r}",
            hint=f"export {prefix}{wanted}=... (or set token_file for OAuth)",
        )
    return creds
