"""Settings: defaults, `.env`, secrets, and one-line configuration errors at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.cli import config_error_line
from bot.core.settings import DEFAULT_DATABASE_URL, Settings

ROOT = Path(__file__).resolve().parent.parent
VARIABLES = (
    "DATABASE_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "MICROSOFT_APP_ID",
    "MICROSOFT_APP_PASSWORD",
    "MICROSOFT_APP_TENANT_ID",
    "MICROSOFT_APP_TYPE",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "HOST",
    "PORT",
    "LOG_LEVEL",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No PartnerBot variable in the environment; cwd is an empty folder."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(values)
    return env


def test_defaults_run_everything_locally(clean_env: Path) -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert (settings.host, settings.port, settings.log_level) == ("127.0.0.1", 3978, "INFO")
    assert not settings.slack_enabled
    assert settings.teams_local_mode
    assert not settings.llm_enabled


def test_dotenv_is_read_and_environment_wins(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_env / ".env").write_text(
        "PORT=4000\nLOG_LEVEL=debug\nSLACK_BOT_TOKEN=xoxb-123\nSLACK_SIGNING_SECRET=s3cret\n"
    )
    monkeypatch.setenv("PORT", "5000")
    settings = Settings()
    assert settings.port == 5000
    assert settings.log_level == "DEBUG"
    assert settings.slack_enabled


def test_secrets_never_show_in_repr(clean_env: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-very-secret",
        slack_signing_secret="signing-very-secret",
        openai_api_key="sk-very-secret",
    )
    assert isinstance(settings.slack_bot_token, SecretStr)
    assert "very-secret" not in repr(settings)
    assert "very-secret" not in str(settings.model_dump())


def test_a_blank_secret_counts_as_unset(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "  ")
    assert not Settings().slack_enabled


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"microsoft_app_id": "abc"}, "MICROSOFT_APP_PASSWORD"),
        ({"port": "not-a-port"}, "PORT"),
        ({"log_level": "loud"}, "LOG_LEVEL"),
        ({"database_url": "mysql://x"}, "DATABASE_URL"),
    ],
)
def test_each_error_is_one_line_naming_the_variable(
    clean_env: Path, values: dict[str, str], variable: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **values)  # type: ignore[arg-type]
    line = config_error_line(caught.value)
    assert line.startswith("configuration error: ")
    assert variable in line
    assert "\n" not in line


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"MICROSOFT_APP_TYPE": "SingleTenant"}, "MICROSOFT_APP_TENANT_ID"),
        ({"PORT": "eighty"}, "PORT"),
    ],
)
def test_the_command_line_refuses_bad_configuration(
    clean_env: Path, env: dict[str, str], variable: str
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "db", "upgrade"],
        cwd=clean_env,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: ")
    assert variable in lines[0]
    assert not (clean_env / "partnerbot.db").exists(), "nothing may start on bad configuration"


def test_a_bad_dotenv_is_reported_the_same_way(clean_env: Path) -> None:
    (clean_env / ".env").write_text("SLACK_APP_TOKEN=xapp-1\n")
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "partners", "list"],
        cwd=clean_env,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_env_example_names_every_variable_and_works_as_a_dotenv(clean_env: Path) -> None:
    example = (ROOT / ".env.example").read_text()
    named = {
        line.lstrip("# ").split("=", 1)[0]
        for line in example.splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }
    assert set(VARIABLES) <= named, "every DESIGN.md variable is in .env.example"
    missing = {name.upper() for name in Settings.model_fields} - named
    assert not missing, f"add these settings to .env.example (and README): {sorted(missing)}"
    (clean_env / ".env").write_text(example)
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert not settings.slack_enabled
    assert settings.teams_local_mode


def test_qbr_tiers_default_and_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).qbr_tiers == ["gold", "platinum"]  # type: ignore[call-arg]
    monkeypatch.setenv("QBR_TIERS", '["diamond"]')
    assert Settings(_env_file=None).qbr_tiers == ["diamond"]  # type: ignore[call-arg]
