"""amoCRM credentials: a long-lived token, or an OAuth pair kept in a token file that rotates."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from funnelkit.errors import AuthError, ConfigError
from funnelkit.fileio import write_atomic

# Refresh a little before expiry so a long page run never starts with a dying token.
EXPIRY_MARGIN = 60


@dataclass
class TokenPair:
    """An OAuth access token with its refresh token (amocrm.md §1.1)."""

    access_token: str
    refresh_token: str
    # Kept exact in memory: whole seconds would cut up to a second off a short lifetime and
    # refresh early; the token file stores whole epoch seconds, rounded down (the safe side).
    expires_at: float | None = None
    redirect_uri: str = ""
    lifetime: int | None = None  # `expires_in` of the grant that issued it (§1.2)

    def expiring(self, now: float) -> bool:
        """True when the access token is (about to be) expired.

        The margin is a tenth of the token's lifetime at most: a short-lived token (a test
        portal's) would otherwise look expired from birth and be refreshed before every call.
        """
        if self.expires_at is None:
            return False
        margin = EXPIRY_MARGIN if self.lifetime is None else min(EXPIRY_MARGIN, self.lifetime / 10)
        return now >= self.expires_at - margin

    def to_json(self) -> dict[str, Any]:
        """The token file's content."""
        data: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": None if self.expires_at is None else int(self.expires_at),
        }
        if self.redirect_uri:
            data["redirect_uri"] = self.redirect_uri
        if self.lifetime is not None:
            data["expires_in"] = self.lifetime
        return data


def from_grant(answer: dict[str, Any], old: TokenPair, now: float) -> TokenPair:
    """The pair an `/oauth2/access_token` answer gives (§1.2: `expires_in` seconds)."""
    try:
        access, refresh = str(answer["access_token"]), str(answer["refresh_token"])
    except (KeyError, TypeError) as exc:
        raise AuthError(
            "amoCRM answered the token refresh without an access/refresh token pair",
            "re-authorise the integration and write a new token file",
            method="oauth2/access_token",
        ) from exc
    expires_in = answer.get("expires_in")
    lifetime = int(expires_in) if expires_in is not None else None
    expires_at = now + lifetime if lifetime is not None else None
    return TokenPair(access, refresh, expires_at, old.redirect_uri, lifetime)


def read_token_file(path: Path) -> TokenPair:
    """Load a token file; a malformed one is a config error naming the file (never its content)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return TokenPair(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            expires_at=None if data.get("expires_at") is None else int(data["expires_at"]),
            redirect_uri=str(data.get("redirect_uri") or ""),
            lifetime=None if data.get("expires_in") is None else int(data["expires_in"]),
        )
    except FileNotFoundError as exc:
        raise ConfigError(
            f"token file {path} does not exist",
            'create it with {"access_token": …, "refresh_token": …, "expires_at": …}',
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"token file {path} is not a JSON object with access_token and refresh_token",
            'write {"access_token": …, "refresh_token": …, "expires_at": epoch seconds}',
        ) from exc


def write_token_file(path: Path, pair: TokenPair) -> None:
    """Replace the token file atomically (temp file, fsync, rename), readable by the owner only.

    amocrm.md §1.1: the old refresh token dies once the new one is used, so the new pair
    must be on disk before it is used at all.
    """
    write_atomic(path, json.dumps(pair.to_json(), indent=2))


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialise refreshes across processes sharing one token file (§15 pitfall 1)."""
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no advisory locks; best effort
            pass
        yield
    finally:
        os.close(fd)


class TokenSource:
    """Where the bearer token comes from, and whether (and how) it can be refreshed."""

    def __init__(
        self,
        *,
        token: str | None = None,
        token_file: Path | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        if token is None and token_file is None:
            raise ConfigError(
                "no amoCRM credentials: neither a token nor a token file",
                "set FUNNELKIT_<PORTAL>_TOKEN (long-lived token) or token_file in funnelkit.yaml",
            )
        self.token = token
        self.token_file = token_file
        self.client_id = client_id
        self.client_secret = client_secret
        self.pair = read_token_file(token_file) if token is None and token_file else None

    @property
    def refreshable(self) -> bool:
        """Long-lived tokens are never refreshed (§1.3); OAuth pairs need the client secret."""
        return self.pair is not None

    def access(self) -> str:
        """The bearer token to send now."""
        if self.pair is not None:
            return self.pair.access_token
        assert self.token is not None
        return self.token

    def needs_refresh(self, now: float | None = None) -> bool:
        """True when the OAuth access token has (nearly) expired."""
        return self.pair is not None and self.pair.expiring(time.time() if now is None else now)

    def secrets(self) -> list[str]:
        """Every secret this source knows, for redaction."""
        found = [self.token, self.client_secret, self.client_id]
        if self.pair is not None:
            found += [self.pair.access_token, self.pair.refresh_token]
        return [s for s in found if s]

    def grant_body(self) -> dict[str, str]:
        """The refresh-token grant (amocrm.md §1.2)."""
        if self.pair is None or not self.client_id or not self.client_secret:
            raise AuthError(
                "the amoCRM access token expired and cannot be refreshed",
                "set FUNNELKIT_<PORTAL>_CLIENT_ID and _CLIENT_SECRET, or use a long-lived token",
                method="oauth2/access_token",
            )
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": self.pair.refresh_token,
            "redirect_uri": self.pair.redirect_uri,
        }

    def adopt_from_file(self) -> bool:
        """Take a pair another process already rotated into the file; True if it changed."""
        if self.token_file is None or self.pair is None:
            return False
        on_disk = read_token_file(self.token_file)
        if on_disk.refresh_token != self.pair.refresh_token:
            self.pair = on_disk
            return True
        return False

    def store(self, pair: TokenPair) -> None:
        """Save the rotated pair, then start using it."""
        if self.token_file is not None:
            write_token_file(self.token_file, pair)
        self.pair = pair
