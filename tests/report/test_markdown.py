"""Markdown for PR comments: hostile portal data is inert, and big portals stay small."""

from __future__ import annotations

import re

import pytest

from funnelkit.report import render
from funnelkit.report.markdown import LIMIT, cell
from tests.report.sample import document, snapshot


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_hostile_names_are_neutralised_with_details(lang: str) -> None:
    md = render(document(lang), "markdown", details=True)
    assert "<script" not in md and "<img" not in md
    assert "](javascript:" not in md and "![" not in md
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", md), "a live markdown link"
    assert "https://evil" not in md  # no bare URL GitHub would turn into a link


def test_cell_keeps_text_readable() -> None:
    assert cell("a | b") == "a \\| b"
    assert cell("<b>") == "&lt;b&gt;"


@pytest.mark.parametrize("deals", [20_000, 100_000])
def test_markdown_stays_under_the_limit_and_says_what_it_left_out(deals: int) -> None:
    snap = snapshot(open_deals=deals, funnels=40, users=300)
    md = render(document("ru", snap), "markdown")
    assert len(md) < LIMIT
    assert "здесь не показаны" in md
