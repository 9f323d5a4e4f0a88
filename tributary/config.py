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
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from tributary import strict_yaml
from tributary.contract import MAX_ABS_VALUE, PIECES, REQUIRED_PIECES
from tributary.periods import PERIODS, PERIODS_PER_YEAR
from tributary.scopes import MASTER_ID

# `folder` reads <piece>.csv or .parquet files; `csv` is its older name, still accepted.
FOLDER_TYPES = ("folder", "csv")
CONNECTION_TYPES = (*FOLDER_TYPES, "database", "tributary")
# Keys a connection may carry, per type (``columns`` and ``date_format`` apply to every type).
CONNECTION_KEYS = {
    **{name: {"type", "path", "date_format", "columns"} for name in FOLDER_TYPES},
    "database": {"type", "url_env", "queries", "date_format", "columns"},
    # Another Tributary deployment: its home folder (its loaded data, not its plans).
    "tributary": {"type", "path"},
}
ENV_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ACCOUNT_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_IDS = (MASTER_ID,)
MASTER_KEYS = {
    "name",
    "period",
    "currency",
    "service_level",
    "horizon_periods",
    "as_of",
    "forecast",
    "items_file",
    "exchange_rates",
    "kpi",
    "load_checks",
}
ACCOUNT_KEYS = {"id", "name", "currency", "connection"}
DEFAULT_HOME = "tributary-home"


class ConfigError(ValueError):
    """accounts.yaml (or a command that would change it) is not valid."""


@dataclass
class Connection:
    """Where one child account's data comes from.

    ``folder`` (alias ``csv``): a folder of ``<piece>.csv`` / ``<piece>.parquet`` files at ``path``.
    ``database``: the SQLAlchemy URL is read from the environment variable named ``url_env`` (the
    secret never sits in accounts.yaml) and ``queries`` holds one SQL query per piece.
    """

    type: str = "csv"
    path: str = ""
    date_format: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    url_env: str = ""
    queries: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for listings: ``csv:data/shop`` or ``database:$ERP_DATABASE_URL``."""
        if self.type == "database":
            return f"database:${self.url_env} ({', '.join(self.queries)})"
        return f"{self.type}:{self.path}"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        if self.type == "database":
            data["url_env"] = self.url_env
            data["queries"] = dict(self.queries)
        else:
            data["path"] = self.path
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


PROPHET_MODES = ("auto", "always", "never")
MASTER_MODES = ("combined", "sum_of_children", "reconciled")


@dataclass
class ForecastOptions:
    """How hard the forecaster tries: where prophet runs and how long it may take."""

    prophet: str = "auto"  # auto: only where the backtest says it earns its place
    prophet_budget_seconds: float = 10.0  # nominal prophet fit time per scope (see forecasting)
    backtest_origins: int = 3
    # How the master's forecast relates to the children's (tributary.forecasting.master_modes).
    master_mode: str = "combined"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "prophet": self.prophet,
            "prophet_budget_seconds": self.prophet_budget_seconds,
            "backtest_origins": self.backtest_origins,
        }
        if self.master_mode != "combined":
            data["master_mode"] = self.master_mode
        return data


@dataclass
class KpiOptions:
    """ABC thresholds: A up to ``abc_a`` of cumulative revenue, B up to ``abc_b``, C the rest."""

    abc_a: float = 0.8
    abc_b: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {"abc_a": self.abc_a, "abc_b": self.abc_b}


@dataclass
class LoadChecks:
    """What a load holds back or rejects as implausible (data contract, "Range rules").

    ``max_abs_value``: a quantity, price, stock or any other number beyond it (either sign)
    rejects its row. ``max_transactions_drop``: a load whose transactions shrink by more than
    this share of the account's previous rows (or come empty where history existed) is held:
    the account keeps its previous data until the load is accepted (`tributary run --accept`).
    """

    max_abs_value: float = MAX_ABS_VALUE
    max_transactions_drop: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_abs_value": self.max_abs_value,
            "max_transactions_drop": self.max_transactions_drop,
        }


@dataclass
class Master:
    name: str = "Master"
    period: str = "week"
    currency: str = "USD"
    service_level: float = 0.95
    horizon_periods: int | None = None  # None: one year of periods
    as_of: date | None = None  # None: today
    forecast: ForecastOptions = field(default_factory=ForecastOptions)
    kpi: KpiOptions = field(default_factory=KpiOptions)
    load_checks: LoadChecks = field(default_factory=LoadChecks)
    # Optional items file (csv/parquet, relative to the home) whose parameters override the
    # children's for the master's planning, field by field.
    items_file: str | None = None
    # Optional CSV/Parquet (relative to the home) of `currency, rate_to_base, valid_from`: converts
    # the money of children in other currencies into `currency` for the master's marts.
    exchange_rates: str | None = None

    @property
    def horizon(self) -> int:
        """Forecast horizon in periods; one year by default."""
        if self.horizon_periods is not None:
            return self.horizon_periods
        return PERIODS_PER_YEAR[self.period]

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
        if self.forecast != ForecastOptions():
            data["forecast"] = self.forecast.to_dict()
        if self.kpi != KpiOptions():
            data["kpi"] = self.kpi.to_dict()
        if self.load_checks != LoadChecks():
            data["load_checks"] = self.load_checks.to_dict()
        if self.items_file:
            data["items_file"] = self.items_file
        if self.exchange_rates:
            data["exchange_rates"] = self.exchange_rates
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
        return {  # accounts.yaml's blocks: the `master:` key is not the id (scopes.MASTER_ID)
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
    def report(self) -> Path:
        """The planning report's folder (``report/index.html``), rebuilt by every run."""
        return self.root / "report"

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
        return self.path_in(account.connection.path)

    def path_in(self, value: str) -> Path:
        """A path written in accounts.yaml: as given when absolute, else under the home."""
        path = Path(value).expanduser()
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


def _number(value: Any, kind: type, source: str, key: str) -> Any:
    """``kind(value)`` or a ConfigError naming the key (never a bare ValueError)."""
    try:
        number = kind(value)
    except (TypeError, ValueError) as exc:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{source}: {key} must be {what}, not '{value}'") from exc
    if kind is int and isinstance(value, float) and value != number:
        raise ConfigError(f"{source}: {key} must be a whole number, not '{value}'")
    return number


def check_date_format(date_format: str) -> None:
    """Raise ValueError unless ``date_format`` formats and parses a date back (strptime)."""
    sample = datetime(2024, 3, 31)
    text = sample.strftime(date_format)
    if datetime.strptime(text, date_format).date() != sample.date():
        raise ValueError("it does not give the day back")


def _parse_kpi(raw: Any, source: str) -> KpiOptions:
    if raw is None:
        return KpiOptions()
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: master.kpi must be a mapping")
    _check_keys(raw, {"abc_a", "abc_b"}, f"{source}: master.kpi")
    options = KpiOptions(
        abc_a=_number(raw.get("abc_a", 0.8), float, source, "master.kpi.abc_a"),
        abc_b=_number(raw.get("abc_b", 0.95), float, source, "master.kpi.abc_b"),
    )
    if not 0 < options.abc_a <= options.abc_b <= 1:
        raise ConfigError(f"{source}: master.kpi needs 0 < abc_a <= abc_b <= 1")
    return options


def _parse_load_checks(raw: Any, source: str) -> LoadChecks:
    if raw is None:
        return LoadChecks()
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: master.load_checks must be a mapping")
    _check_keys(raw, {"max_abs_value", "max_transactions_drop"}, f"{source}: master.load_checks")
    checks = LoadChecks(
        max_abs_value=_number(
            raw.get("max_abs_value", MAX_ABS_VALUE),
            float,
            source,
            "master.load_checks.max_abs_value",
        ),
        max_transactions_drop=_number(
            raw.get("max_transactions_drop", 0.5),
            float,
            source,
            "master.load_checks.max_transactions_drop",
        ),
    )
    if not checks.max_abs_value > 0:
        raise ConfigError(f"{source}: master.load_checks.max_abs_value must be above 0")
    if not 0 <= checks.max_transactions_drop <= 1:
        raise ConfigError(f"{source}: master.load_checks.max_transactions_drop must be in [0, 1]")
    return checks


def _parse_forecast(raw: Any, source: str) -> ForecastOptions:
    if raw is None:
        return ForecastOptions()
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: master.forecast must be a mapping")
    _check_keys(
        raw,
        {"prophet", "prophet_budget_seconds", "backtest_origins", "master_mode"},
        f"{source}: master.forecast",
    )
    options = ForecastOptions(
        prophet=str(raw.get("prophet", "auto")),
        prophet_budget_seconds=_number(
            raw.get("prophet_budget_seconds", 10.0),
            float,
            source,
            "master.forecast.prophet_budget_seconds",
        ),
        backtest_origins=_number(
            raw.get("backtest_origins", 3), int, source, "master.forecast.backtest_origins"
        ),
        master_mode=str(raw.get("master_mode", "combined")),
    )
    if options.master_mode not in MASTER_MODES:
        raise ConfigError(
            f"{source}: master.forecast.master_mode must be one of {', '.join(MASTER_MODES)}, "
            f"not {options.master_mode!r}"
        )
    if options.prophet not in PROPHET_MODES:
        raise ConfigError(
            f"{source}: master.forecast.prophet must be one of {', '.join(PROPHET_MODES)}"
        )
    if options.prophet_budget_seconds < 0 or options.backtest_origins < 1:
        raise ConfigError(
            f"{source}: master.forecast: prophet_budget_seconds must be >= 0 and "
            "backtest_origins >= 1"
        )
    return options


def parse_config(text: str, source: str = "accounts.yaml") -> Config:
    """Parse and validate accounts.yaml; errors name the file and the entry."""
    try:
        data = strict_yaml.load(text) or {}
    except strict_yaml.DuplicateKeyError as exc:
        raise ConfigError(f"{source}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with `master:` and `accounts:`")
    # "master" here is the accounts.yaml block holding the group's settings, a config key; the
    # master's account id (the scope, `account_id` in the marts) is tributary.scopes.MASTER_ID.
    _check_keys(data, {"master", "accounts"}, f"{source}: top level")
    master = _parse_master(data["master"], source) if data.get("master") is not None else None
    accounts = [
        _parse_account(raw, f"{source}: accounts[{index}]", master)
        for index, raw in enumerate(data.get("accounts") or [], start=1)
    ]
    config = Config(master=master, accounts=accounts)
    validate_config(config, source)
    return config


def _parse_master(raw: Any, source: str) -> Master:
    """The `master:` block, with its defaults."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: `master` must be a mapping")
    _check_keys(raw, MASTER_KEYS, f"{source}: master")
    return Master(
        name=str(raw.get("name", "Master")),
        period=str(raw.get("period", "week")),
        currency=str(raw.get("currency", "USD")),
        service_level=_number(
            raw.get("service_level", 0.95), float, source, "master.service_level"
        ),
        horizon_periods=(
            _number(raw["horizon_periods"], int, source, "master.horizon_periods")
            if raw.get("horizon_periods") is not None
            else None
        ),
        as_of=_parse_date(raw.get("as_of"), f"{source}: master.as_of"),
        forecast=_parse_forecast(raw.get("forecast"), source),
        items_file=str(raw["items_file"]) if raw.get("items_file") else None,
        exchange_rates=str(raw["exchange_rates"]) if raw.get("exchange_rates") else None,
        kpi=_parse_kpi(raw.get("kpi"), source),
        load_checks=_parse_load_checks(raw.get("load_checks"), source),
    )


def _parse_account(raw: Any, where: str, master: Master | None) -> Account:
    """One entry of `accounts:` and its connection; `where` names the entry in errors."""
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
    _check_keys(raw, ACCOUNT_KEYS, f"{where} ({raw['id']})")
    conn = raw["connection"] or {}
    if not isinstance(conn, dict):
        raise ConfigError(f"{where}: `connection` must be a mapping")
    columns = conn.get("columns") or {}
    if not isinstance(columns, dict):
        raise ConfigError(f"{where}: connection.columns must map a header to a column")
    conn_type = str(conn.get("type", "csv"))
    _check_connection_keys(conn, conn_type, f"{where} ({raw['id']})")
    queries = conn.get("queries") or {}
    if not isinstance(queries, dict):
        raise ConfigError(
            f"{where} ({raw['id']}): connection.queries must map each piece to one SQL query"
        )
    return Account(
        id=str(raw["id"]),
        name=str(raw.get("name", raw["id"])),
        currency=str(raw.get("currency", master.currency if master else "USD")),
        connection=Connection(
            type=conn_type,
            path=str(conn.get("path") or ""),
            date_format=conn.get("date_format"),
            columns={str(k): str(v) for k, v in columns.items()},
            url_env=str(conn.get("url_env") or ""),
            queries={str(k): ("" if v is None else str(v)) for k, v in queries.items()},
        ),
    )


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
                f"underscores, start with a letter, and not be '{MASTER_ID}'"
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
        _validate_connection(account, source)


def _check_connection_keys(conn: dict[str, Any], conn_type: str, where: str) -> None:
    """Reject keys that do not belong to the connection's type, and secrets written inline."""
    if conn_type not in CONNECTION_KEYS:
        return  # validate_config names the unsupported type
    for secret in ("url", "dsn", "password", "connection_string"):
        if secret in conn:
            raise ConfigError(
                f"{where}: connection.{secret} is not allowed: keep the database URL out of "
                "accounts.yaml, put it in an environment variable and name that variable in "
                "connection.url_env"
            )
    _check_keys(conn, CONNECTION_KEYS[conn_type], f"{where}: {conn_type} connection")


def _check_keys(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    """Every key of a mapping must be one we know: a typo is an error, never ignored."""
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError(strict_yaml.unknown_keys_message(where, unknown, allowed))


def _validate_connection(account: Account, source: str) -> None:
    where = f"{source}: account '{account.id}'"
    connection = account.connection
    if connection.date_format:
        try:
            check_date_format(connection.date_format)
        except ValueError as exc:
            raise ConfigError(
                f"{where}: connection.date_format '{connection.date_format}' is not a usable "
                f"date format ({exc}); use strftime codes such as %d.%m.%Y or %m/%d/%Y"
            ) from exc
    if connection.type in (*FOLDER_TYPES, "tributary"):
        if not connection.path:
            raise ConfigError(f"{where}: connection.path is required")
        return
    # database
    if not connection.url_env:
        raise ConfigError(
            f"{where}: connection.url_env is required: the name of the environment variable "
            "that holds the SQLAlchemy URL (e.g. ERP_DATABASE_URL)"
        )
    if not ENV_NAME_PATTERN.match(connection.url_env):
        hint = (
            " (it looks like a URL: put the URL in an environment variable and write that "
            "variable's name here)"
            if "://" in connection.url_env or "@" in connection.url_env
            else ""
        )
        raise ConfigError(
            f"{where}: connection.url_env must be the name of an environment variable "
            f"(letters, digits, underscores){hint}"
        )
    unknown = [piece for piece in connection.queries if piece not in PIECES]
    if unknown:
        raise ConfigError(
            f"{where}: connection.queries: unknown piece{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} (pieces: {', '.join(PIECES)})"
        )
    for piece in REQUIRED_PIECES:
        if not connection.queries.get(piece, "").strip():
            raise ConfigError(f"{where}: connection.queries.{piece} is required (one SQL query)")
    empty = [piece for piece, query in connection.queries.items() if not query.strip()]
    if empty:
        raise ConfigError(f"{where}: connection.queries.{empty[0]} is empty")
