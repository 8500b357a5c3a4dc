"""Scrub secrets (webhook codes, tokens, client secrets) out of any text before it is shown."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"

# bitrix24.md §1.1: the webhook code is the path segment after the user id.
_WEBHOOK_PATH = re.compile(r"(/rest/\d+/)([^/\s?#\"']+)")
_QUERY_SECRET = re.compile(
    r"(?i)\b(auth|access_token|refresh_token|client_secret|client_id|code|token)=([^&\s\"']+)"
)
_JSON_SECRET = re.compile(
    r"(?i)([\"'](?:auth|access_token|refresh_token|client_secret|token)[\"']\s*:\s*[\"'])"
    r"([^\"']*)"
)
_BEARER = re.compile(r"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]+)")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every known secret and every secret-shaped fragment masked."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _WEBHOOK_PATH.sub(lambda m: m.group(1) + MASK, text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _JSON_SECRET.sub(lambda m: m.group(1) + MASK, text)
    return _BEARER.sub(lambda m: m.group(1) + MASK, text)


class RedactingFilter(logging.Filter):
    """Masks secrets in records of loggers we do not own (httpx logs every request URL)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drop it."""
        text = redact(record.getMessage(), self.secrets)
        record.msg, record.args = text, ()
        return True


LOG_FILTER = RedactingFilter()


def guard_loggers(secrets: Iterable[str] = ()) -> None:
    """Attach the redacting filter to the HTTP libraries' loggers (idempotent)."""
    LOG_FILTER.secrets.update(s for s in secrets if s and len(s) >= 4)
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if LOG_FILTER not in logger.filters:
            logger.addFilter(LOG_FILTER)
