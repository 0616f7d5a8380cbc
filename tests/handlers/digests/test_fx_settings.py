"""DEAL_FX_RATES and the at-risk thresholds: read from the environment, bad values
stop start-up with one line naming the variable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from bot.cli import config_error_line
from bot.core.settings import Settings


def test_rates_are_read_as_exact_decimals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEAL_FX_RATES", '{"EUR": 1.08, "GBP": "1.27"}')
    monkeypatch.setenv("AT_RISK_IDLE_DAYS", "30")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.deal_fx_rates == {"EUR": Decimal("1.08"), "GBP": Decimal("1.27")}
    assert settings.at_risk_idle_days == 30 and settings.at_risk_pace_gap_pct == 25


@pytest.mark.parametrize(
    ("rates", "expected"),
    [('{"euro": 1.1}', "'euro' is not an ISO 4217 code"), ('{"EUR": -1}', "must be a positive")],
)
def test_bad_rates_are_one_line(rates: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEAL_FX_RATES", rates)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    line = config_error_line(caught.value)
    assert "DEAL_FX_RATES" in line and expected in line and "\n" not in line
