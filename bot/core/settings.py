"""Settings: the DESIGN.md variables plus deal-registration options (DEAL_*), read once
by app.py from the environment and `.env`."""

from __future__ import annotations

import ipaddress
import re
from decimal import Decimal
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./partnerbot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DEAL_PRODUCTS = ("Platform", "Analytics", "Integrations", "Support plan", "Training")
DEFAULT_CHECKIN_QUESTIONS = (
    "What moved since last time?",
    "Anything blocking you?",
    "Where can we, the vendor, help?",
)
DEFAULT_QBR_TIERS = ("gold", "platinum")
_PLACEHOLDERS = {"changeme", "change-me", "xoxb-your-token", "your-secret", "todo"}
#: One label of a host name (RFC 1123): letters, digits and inner hyphens.
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


class ConfigError(ValueError):
    """Bad configuration; the message is one line naming the variable."""


class Settings(BaseSettings):
    """PartnerBot configuration. Tests build it with `Settings(_env_file=None, ...)`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    microsoft_app_id: str = ""
    microsoft_app_password: SecretStr | None = None
    microsoft_app_tenant_id: str = ""
    microsoft_app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = "MultiTenant"
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    #: Embeddings for the knowledge base (OpenAI-compatible endpoint); None = full text only.
    openai_embedding_model: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=0, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    # Deal registration (optional; the defaults work with no configuration).
    # Dicts and lists are JSON in the environment, e.g. DEAL_AUTO_APPROVE='{"gold": 25000}'.
    deal_protection_days: int = Field(default=90, ge=1, le=3650)
    deal_protection_days_by_tier: dict[str, int] = Field(default_factory=dict)
    deal_extension_days: int = Field(default=30, ge=1, le=3650)
    #: tier -> largest estimated value (in DEAL_AUTO_APPROVE_CURRENCY) approved without a
    #: manager when there is no conflict; empty = a manager decides every registration.
    deal_auto_approve: dict[str, float] = Field(default_factory=dict)
    deal_auto_approve_currency: str = "USD"
    deal_products: list[str] = Field(default_factory=lambda: list(DEFAULT_DEAL_PRODUCTS))
    #: The currency of a bare estimated value ("50000", "about 50k").
    deal_default_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    #: business hours (Monday to Friday, in the partner's time zone) a registration may
    #: wait for a decision before the manager is reminded (admins too after twice as long).
    deal_approval_sla_hours: int = Field(default=48, ge=1, le=24 * 60)
    #: partner tiers whose manager is reminded of the quarterly business review two
    #: weeks before each quarter ends (a JSON list; [] turns the reminder off).
    qbr_tiers: list[str] = Field(default_factory=lambda: list(DEFAULT_QBR_TIERS))
    #: hours a registration by conversation may sit unanswered before it expires (its
    #: answers are deleted by the scheduled run and nothing is registered).
    registration_draft_hours: int = Field(default=24, ge=1, le=24 * 30)

    # Check-ins: the questions of every check-in (a JSON list in the environment) and
    # after how many days an unanswered check-in gets its one reminder.
    checkin_questions: list[str] = Field(
        default_factory=lambda: list(DEFAULT_CHECKIN_QUESTIONS), min_length=1
    )
    checkin_reminder_days: int = Field(default=2, ge=1, le=60)

    # Surveys: after how many days a partner that has not answered gets one reminder.
    survey_reminder_days: int = Field(default=3, ge=1, le=60)
    # KPIs, scorecards and digests. Money is shown in the program currency,
    # DEAL_DEFAULT_CURRENCY; DEAL_FX_RATES converts the others to it (1 unit of the
    # currency = rate units of the program currency, e.g. '{"EUR": 1.08}'). A deal in a
    # currency without a rate is left out of every sum and flagged.
    deal_fx_rates: dict[str, Decimal] = Field(default_factory=dict)
    #: At-risk rules: no activity for this many days; open pipeline down more than this
    #: percentage against the start of the quarter; this many missed check-ins in a row;
    #: won revenue behind the straight-line pace to target by more than this percentage
    #: (checked once AT_RISK_PACE_MIN_DAYS of the quarter have passed).
    at_risk_idle_days: int = Field(default=21, ge=1, le=365)
    at_risk_pipeline_drop_pct: int = Field(default=30, ge=1, le=100)
    at_risk_missed_checkins: int = Field(default=2, ge=1, le=12)
    at_risk_pace_gap_pct: int = Field(default=25, ge=1, le=100)
    at_risk_pace_min_days: int = Field(default=14, ge=0, le=92)

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "microsoft_app_password",
        "openai_api_key",
        "openai_embedding_model",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("deal_fx_rates")
    @classmethod
    def _rates(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for code, rate in value.items():
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise ConfigError(f"DEAL_FX_RATES: {code!r} is not an ISO 4217 code like EUR")
            if not rate.is_finite() or rate <= 0:
                raise ConfigError(f"DEAL_FX_RATES: the rate of {code} must be a positive number")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        host = value.strip()
        try:
            ipaddress.ip_address(host)
            return host
        except ValueError:
            pass
        labels = host.removesuffix(".").split(".")
        if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
            raise ConfigError(f"HOST {value!r} is not an IP address or a host name")
        return host

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token"):
            secret = getattr(self, name)
            if secret is not None and secret.get_secret_value().lower() in _PLACEHOLDERS:
                raise ConfigError(f"{name.upper()} is a placeholder; set the real value")
        token = self.slack_bot_token
        if token is not None and not token.get_secret_value().startswith("xox"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if token is not None and self.slack_signing_secret is None and not self.slack_app_token:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set "
                "(or set SLACK_APP_TOKEN for Socket Mode)"
            )
        if self.slack_app_token is not None and token is None:
            raise ConfigError("SLACK_APP_TOKEN (Socket Mode) needs SLACK_BOT_TOKEN as well")
        if (
            self.microsoft_app_id
            and self.microsoft_app_password is None
            and self.microsoft_app_type != "UserAssignedMSI"
        ):
            raise ConfigError("MICROSOFT_APP_PASSWORD is required when MICROSOFT_APP_ID is set")
        if self.microsoft_app_type == "SingleTenant" and not self.microsoft_app_tenant_id:
            raise ConfigError(
                "MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE=SingleTenant"
            )
        if not (
            self.database_url.startswith("sqlite") or self.database_url.startswith("postgresql")
        ):
            raise ConfigError(
                "DATABASE_URL must be a sqlite+aiosqlite:// or postgresql+asyncpg:// URL"
            )
        try:
            make_url(self.async_database_url)
        except (ArgumentError, ValueError) as exc:
            raise ConfigError(f"DATABASE_URL is not a valid database URL ({exc})") from exc
        return self

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def teams_local_mode(self) -> bool:
        """True when no Microsoft credentials are set: auth is off (local testing only)."""
        return not self.microsoft_app_id

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None

    @property
    def async_database_url(self) -> str:
        """DATABASE_URL with an async driver (plain `postgresql://` gets asyncpg)."""
        url = self.database_url
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            return "postgresql+asyncpg://" + url.split("://", 1)[1]
        if url.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + url.split("://", 1)[1]
        return url
