"""A home folder and its ``accounts.yaml``: the master's settings and the child accounts.

A home holds one deployment::

    <home>/accounts.yaml      master block + child accounts
    <home>/lake/              validated Parquet per account (see tributary.lake)
    <home>/warehouse.duckdb   dbt's warehouse, schema ``marts`` is what BI reads
    <home>/dagster/           Dagster's instance (run history, partitions)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

PERIODS = ("day", "week", "month")
CONNECTION_TYPES = ("csv",)
ACCOUNT_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_IDS = ("master",)
DEFAULT_HOME = "tributary-home"


class ConfigError(ValueError):
    """accounts.yaml (or a command that would change it) is not valid."""


@dataclass
class Connection:
    type: str = "csv"
    path: str = ""
    date_format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "path": self.path}
        if self.date_format:
            data["date_format"] = self.date_format
        if self.columns:
            data["columns"] = dict(self.columns)
        return data


@dataclass
class Account:
    id: str
    name: str
    currency: str
    connection: Connection

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "currency": self.currency,
            "connection": self.connection.to_dict(),
        }


@dataclass
class Master:
    name: str = "Master"
    period: str = "week"
    currency: str = "USD"
    service_level: float = 0.95
    horizon_periods: int | None = None  # None: one year of periods
    as_of: date | None = None  # None: today

    @property
    def horizon(self) -> int:
        """Forecast horizon in periods; one year by default."""
        if self.horizon_periods is not None:
            return self.horizon_periods
        return {"day": 365, "week": 52, "month": 12}[self.period]

    def today(self) -> date:
        return self.as_of or date.today()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "period": self.period,
            "currency": self.currency,
            "service_level": self.service_level,
        }
        if self.horizon_periods is not None:
            data["horizon_periods"] = self.horizon_periods
        if self.as_of is not None:
            data["as_of"] = self.as_of.isoformat()
        return data


@dataclass
class Config:
    master: Master | None = None
    accounts: list[Account] = field(default_factory=list)

    def account(self, account_id: str) -> Account:
        for account in self.accounts:
            if account.id == account_id:
                return account
        known = ", ".join(a.id for a in self.accounts) or "none"
        raise ConfigError(f"no account '{account_id}' in accounts.yaml (accounts: {known})")

    def to_dict(self) -> dict[str, Any]:
        return {
            "master": self.master.to_dict() if self.master else None,
            "accounts": [a.to_dict() for a in self.accounts],
        }


@dataclass(frozen=True)
class Home:
    """Paths of one deployment."""

    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Home:
        """``--home``, else ``$TRIBUTARY_HOME``, else ``./tributary-home``; made absolute."""
        chosen = home or os.environ.get("TRIBUTARY_HOME") or DEFAULT_HOME
        return cls(Path(chosen).expanduser().resolve())

    @property
    def accounts_file(self) -> Path:
        return self.root / "accounts.yaml"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    def exists(self) -> bool:
        return self.accounts_file.exists()

    def load(self) -> Config:
        if not self.accounts_file.exists():
            raise ConfigError(
                f"{self.accounts_file} not found: create it with `tributary init --home "
                f"{self.root}` or `tributary accounts add`"
            )
        return parse_config(self.accounts_file.read_text(), source=str(self.accounts_file))

    def save(self, config: Config) -> None:
        validate_config(config)
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.accounts_file.with_suffix(".yaml.tmp")
        tmp.write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))
        os.replace(tmp, self.accounts_file)

    def connection_path(self, account: Account) -> Path:
        path = Path(account.connection.path).expanduser()
        return path if path.is_absolute() else self.root / path


def _parse_date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: '{value}' is not an ISO date (YYYY-MM-DD)") from exc


def parse_config(text: str, source: str = "accounts.yaml") -> Config:
    """Parse and validate accounts.yaml; errors name the file and the entry."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with `master:` and `accounts:`")
    unknown = set(data) - {"master", "accounts"}
    if unknown:
        raise ConfigError(f"{source}: unknown top-level keys: {', '.join(sorted(unknown))}")

    master = None
    if data.get("master") is not None:
        raw = data["master"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{source}: `master` must be a mapping")
        known = {"name", "period", "currency", "service_level", "horizon_periods", "as_of"}
        extra = set(raw) - known
        if extra:
            raise ConfigError(f"{source}: master: unknown keys: {', '.join(sorted(extra))}")
        master = Master(
            name=str(raw.get("name", "Master")),
            period=str(raw.get("period", "week")),
            currency=str(raw.get("currency", "USD")),
            service_level=float(raw.get("service_level", 0.95)),
            horizon_periods=(
                int(raw["horizon_periods"]) if raw.get("horizon_periods") is not None else None
            ),
            as_of=_parse_date(raw.get("as_of"), f"{source}: master.as_of"),
        )

    accounts = []
    for index, raw in enumerate(data.get("accounts") or [], start=1):
        where = f"{source}: accounts[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: each account must be a mapping")
        if "accounts" in raw or "children" in raw:
            raise ConfigError(
                f"{where} ({raw.get('id')}): a child account cannot hold children; "
                "add every connection to the master"
            )
        for required in ("id", "connection"):
            if required not in raw:
                raise ConfigError(f"{where}: missing `{required}`")
        conn = raw["connection"] or {}
        if not isinstance(conn, dict):
            raise ConfigError(f"{where}: `connection` must be a mapping")
        columns = conn.get("columns") or {}
        if not isinstance(columns, dict):
            raise ConfigError(f"{where}: connection.columns must map a header to a column")
        accounts.append(
            Account(
                id=str(raw["id"]),
                name=str(raw.get("name", raw["id"])),
                currency=str(raw.get("currency", master.currency if master else "USD")),
                connection=Connection(
                    type=str(conn.get("type", "csv")),
                    path=str(conn.get("path", "")),
                    date_format=conn.get("date_format"),
                    columns={str(k): str(v) for k, v in columns.items()},
                ),
            )
        )
    config = Config(master=master, accounts=accounts)
    validate_config(config, source)
    return config


def validate_config(config: Config, source: str = "accounts.yaml") -> None:
    if config.accounts and config.master is None:
        raise ConfigError(f"{source}: accounts are listed but there is no `master:` block")
    if config.master is not None:
        if config.master.period not in PERIODS:
            raise ConfigError(
                f"{source}: master.period must be one of {', '.join(PERIODS)}, "
                f"not '{config.master.period}'"
            )
        if not 0 <= config.master.service_level < 1:
            raise ConfigError(f"{source}: master.service_level must be in [0, 1)")
        if config.master.horizon_periods is not None and config.master.horizon_periods < 1:
            raise ConfigError(f"{source}: master.horizon_periods must be at least 1")
    seen: set[str] = set()
    for account in config.accounts:
        if not ACCOUNT_ID_PATTERN.match(account.id) or account.id in RESERVED_IDS:
            raise ConfigError(
                f"{source}: account id '{account.id}' must be lower-case letters, digits and "
                "underscores, start with a letter, and not be 'master'"
            )
        if account.id in seen:
            raise ConfigError(f"{source}: account id '{account.id}' is listed twice")
        seen.add(account.id)
        if account.connection.type not in CONNECTION_TYPES:
            raise ConfigError(
                f"{source}: account '{account.id}': connection type "
                f"'{account.connection.type}' is not supported (supported: "
                f"{', '.join(CONNECTION_TYPES)})"
            )
        if not account.connection.path:
            raise ConfigError(f"{source}: account '{account.id}': connection.path is required")
