"""funnelkit.yaml: validation, inline secrets, credentials from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnelkit.config import credentials_for, load_config
from funnelkit.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "funnelkit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_config(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "portals:\n  acme:\n    vendor: amocrm\n    url: https://acme.kommo.com\n"
        "report:\n  lang: uk\n",
    )
    config = load_config(path)
    assert config.portal("acme").url == "https://acme.kommo.com"
    assert config.file.report.lang == "uk"


def test_all_problems_with_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path, "portals:\n  a:\n    vendor: salesforce\n    url: x\n    colour: 1\nextra: 1\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert ":3:5: portals.a.vendor: must be one of 'bitrix24' or 'amocrm'" in text
    assert ":5:5: portals.a.colour: unknown key" in text
    assert ":6:1: extra: unknown key" in text


@pytest.mark.parametrize(
    "body",
    [
        "    vendor: amocrm\n    url: https://a.kommo.com\n    token: abc123\n",
        "    vendor: bitrix24\n    url: https://a.bitrix24.ru/rest/1/q1w2e3r4t5y6/\n",
    ],
)
def test_inline_secrets_are_refused(tmp_path: Path, body: str) -> None:
    path = write(tmp_path, "portals:\n  acme:\n" + body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "inline secret" in info.value.message
    assert info.value.hint and "FUNNELKIT_" in info.value.hint
    assert "abc123" not in info.value.message and "q1w2e3r4t5y6" not in info.value.message


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "nope.yaml")


def test_credentials_come_from_environment(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "portals:\n  my-shop:\n    vendor: bitrix24\n    url: https://s.example\n")
    )
    settings = config.portal("my-shop")
    creds = credentials_for(
        "my-shop", settings, {"FUNNELKIT_MY_SHOP_WEBHOOK": "https://x/rest/1/k/"}
    )
    assert creds.webhook is not None
    assert "rest/1/k" not in repr(creds)
    with pytest.raises(ConfigError, match="no credentials") as info:
        credentials_for("my-shop", settings, {})
    assert info.value.hint and "FUNNELKIT_MY_SHOP_WEBHOOK" in info.value.hint


def test_unknown_portal_lists_known(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "portals:\n  a:\n    vendor: amocrm\n    url: https://u.example\n")
    )
    with pytest.raises(ConfigError, match="portals defined: a"):
        config.portal("b")


def test_portal_thresholds(tmp_path: Path) -> None:
    body = "portals:\n  a:\n    vendor: amocrm\n    url: https://a.kommo.com\n    thresholds:\n"
    config = load_config(write(tmp_path, body + "      delete_pct: 0.1\n"))
    limits = config.portal("a").thresholds
    assert limits is not None and limits.delete_pct == 0.1 and limits.update_pct == 0.3
    with pytest.raises(ConfigError, match=r":6:7: portals\.a\.thresholds\.delete_pct"):
        load_config(write(tmp_path, body + "      delete_pct: 3\n"))


def test_found_in_the_nearest_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "portals:\n  a:\n    vendor: amocrm\n    url: https://a.kommo.com\n")
    deep = tmp_path / "reports" / "2026"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    config = load_config(None)
    assert config.path == tmp_path / "funnelkit.yaml"
    assert config.portal("a").vendor.value == "amocrm"


def test_pyproject_section_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.funnelkit.portals.acme]\nvendor = "bitrix24"\n'
        'url = "https://acme.bitrix24.ru"\n\n[tool.funnelkit.audit]\nfail_on = "medium"\n',
        encoding="utf-8",
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    config = load_config(None)
    assert config.path == tmp_path / "pyproject.toml"
    assert config.portal("acme").url == "https://acme.bitrix24.ru"
    assert config.file.audit["fail_on"] == "medium"


def test_pyproject_problems_have_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.funnelkit.audit]\nfail_on = "hgh"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"pyproject\.toml:2:1: audit\.fail_on: must be one of"):
        load_config(None)


def test_a_yaml_beats_a_pyproject_without_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "report:\n  lang: uk\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(tmp_path / "app")
    assert load_config(None).file.report.lang == "uk"


def test_every_problem_at_once_with_allowed_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "portals:\n  a:\n    vendor: amocrm\n    url: https://a.kommo.com\n    burst: 0\n"
        "report:\n  format: yaml\n"
        "audit:\n  fail_on: hgh\n  ignore: [FK999]\n"
        "  rules:\n    FK201: {params: {min_days: 14}}\n    FK777: {}\n",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = info.value.message
    assert "6 problems" in text
    assert ":5:5: portals.a.burst:" in text and ">= 1" in text
    assert ":7:3: report.format: must be one of" in text and "'sarif'" in text
    assert ":9:3: audit.fail_on: must be one of" in text and "'critical'" in text
    assert ":10:12: audit.ignore[0]: 'FK999' matches no rule" in text
    assert ":12:22: audit.rules.FK201.params.min_days: unknown key (allowed keys: max_days" in text
    assert ":13:5: audit.rules.FK777: unknown rule (allowed: FK101" in text
