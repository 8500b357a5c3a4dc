"""The errors funnelkit raises on purpose, and the exit code each maps to.

    FunnelkitError(message, hint)           exit 70 unless a subclass says otherwise
    ├── InputError                          exit 2: usage, bad file, bad flag
    │   ├── ConfigError                     funnelkit.yaml / funnelkit-ignore.yaml
    │   ├── BlueprintError                  blueprint YAML
    │   └── SnapshotError                   snapshot file (truncated, future schema, junk)
    ├── ConnectorError(method)              exit 3: vendor API, network
    │   ├── AuthError                       wrong webhook / token, expired refresh token
    │   ├── RateLimitError                  the vendor kept refusing past our patience
    │   ├── ShapeError                      an answer not in the shape its method documents
    │   └── VendorApiError(code)            an error envelope from the vendor
    ├── UnsafePlanError                     exit 4: refused for safety
    │   └── PlanMismatchError               the portal changed since the plan was reviewed
    └── ApplyError(done, failed, remaining) exit 5: apply stopped part-way

Every message says what failed and where (file:line:col, vendor method, field); the
hint says what to do. Messages never carry secrets: connectors redact before raising.
"""

from __future__ import annotations

from collections.abc import Sequence


class FunnelkitError(Exception):
    """Base of every deliberate funnelkit error."""

    exit_code = 70

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(FunnelkitError):
    """Bad input from the user: flags, files, values."""

    exit_code = 2


class ConfigError(InputError):
    """A problem in funnelkit.yaml or funnelkit-ignore.yaml."""


class BlueprintError(InputError):
    """A problem in a blueprint file."""


class SnapshotError(InputError):
    """A snapshot that cannot be read."""


class ConnectorError(FunnelkitError):
    """The vendor API or the network failed."""

    exit_code = 3

    def __init__(self, message: str, hint: str | None = None, *, method: str | None = None) -> None:
        super().__init__(message, hint)
        self.method = method


class AuthError(ConnectorError):
    """The credentials were refused."""


class RateLimitError(ConnectorError):
    """The vendor kept refusing for rate or load past the retry budget."""


class ShapeError(ConnectorError):
    """The vendor answered, but not in the shape its method documents (never retried).

    Asking again gets the same answer, and using it would turn a wrong server into an
    empty or invented snapshot; the message names the method and what was wrong.
    """

    def __init__(self, message: str, hint: str | None = None, *, method: str | None = None) -> None:
        super().__init__(
            message,
            hint
            or "The server did not answer like the vendor's API: check the portal URL, "
            "and any proxy in between",
            method=method,
        )


class VendorApiError(ConnectorError):
    """An error envelope returned by the vendor."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        method: str | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, hint, method=method)
        self.code = code
        self.status = status


class UnsafePlanError(FunnelkitError):
    """A change that needs --force or an explicit move, or a declined confirmation."""

    exit_code = 4


class PlanMismatchError(UnsafePlanError):
    """The reviewed plan no longer matches the portal."""


class ApplyError(FunnelkitError):
    """Apply stopped at a failed change; re-running continues."""

    exit_code = 5

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        done: Sequence[str] = (),
        failed: Sequence[str] = (),
        remaining: Sequence[str] = (),
    ) -> None:
        super().__init__(message, hint)
        self.done = list(done)
        self.failed = list(failed)
        self.remaining = list(remaining)


EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "success: no findings at or above --fail-on, drift in sync, plan without changes"),
    (1, "found what you asked about: findings (audit), drift (drift), changes (plan --exit-code)"),
    (2, "usage, config or input error; nothing was changed"),
    (3, "vendor API, network or authentication error"),
    (4, "refused for safety: unsafe change without --force, plan checksum mismatch, declined"),
    (5, "apply failed part-way: done / failed / remaining reported; re-run continues"),
    (70, "internal error (a bug); re-run with --debug for the traceback"),
)
