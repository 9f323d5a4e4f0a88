"""accounts.yaml: the master block, children, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from tributary.config import ConfigError, Home, parse_config

VALID = """
master:
  name: Group
  period: month
  currency: EUR
  service_level: 0.9
  as_of: 2025-06-30
accounts:
  - id: shop
    name: Web shop
    currency: USD
    connection: {type: csv, path: data/shop, date_format: "%m/%d/%Y", columns: {SKU: item_code}}
  - id: erp
    connection: {type: csv, path: /abs/erp}
"""


def refusal(text: str) -> str:
    """The message parse_config refuses ``text`` with (the test fails if it accepts it)."""
    with pytest.raises(ConfigError) as error:
        parse_config(text)
    return str(error.value)


def test_valid_file_parses_with_defaults():
    config = parse_config(VALID)
    assert config.master.period == "month"
    assert config.master.today() == date(2025, 6, 30)
    assert config.master.horizon == 12  # one year of months by default
    shop, erp = config.accounts
    assert shop.connection.columns == {"SKU": "item_code"}
    assert shop.connection.date_format == "%m/%d/%Y"
    assert erp.name == "erp" and erp.currency == "EUR"  # defaults: id, master's currency


def test_round_trip_through_a_home(tmp_path):
    home = Home(tmp_path)
    config = parse_config(VALID)
    home.save(config)
    assert home.load() == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("accounts:\n  - {id: a, connection: {path: x}}\n", "no `master:` block"),
        ("master: {period: year}\n", "master.period must be one of day, week, month"),
        ("master: {service_level: 1}\n", "service_level must be in [0, 1)"),
        (
            "master: {}\naccounts:\n  - {id: a, connection: {path: x},"
            " accounts: [{id: b, connection: {path: y}}]}\n",
            "a child account cannot hold children",
        ),
        ("master: {}\naccounts:\n  - {id: master, connection: {path: x}}\n", "not be 'master'"),
        ("master: {}\naccounts:\n  - {id: Bad-Id, connection: {path: x}}\n", "lower-case"),
        (
            "master: {}\naccounts:\n  - {id: a, connection: {path: x}}\n"
            "  - {id: a, connection: {path: y}}\n",
            "listed twice",
        ),
        (
            "master: {}\naccounts:\n  - {id: a, connection: {type: ftp, path: x}}\n",
            "connection type 'ftp' is not supported",
        ),
        ("master: {as_of: yesterday}\n", "not an ISO date"),
        ("master: [\n", "not valid YAML"),
    ],
)
def test_invalid_files_are_refused_with_the_reason(text, message):
    assert message in refusal(text)


def test_home_resolution_order(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIBUTARY_HOME", str(tmp_path / "from-env"))
    assert Home.resolve().root == tmp_path / "from-env"
    assert Home.resolve(tmp_path / "flag").root == tmp_path / "flag"
    monkeypatch.delenv("TRIBUTARY_HOME")
    monkeypatch.chdir(tmp_path)
    assert Home.resolve().root == tmp_path / "tributary-home"


def test_forecast_options_parse_and_are_checked():
    config = parse_config(
        "master:\n  forecast: {prophet: never, prophet_budget_seconds: 5, backtest_origins: 2}\n"
    )
    assert config.master.forecast.prophet == "never"
    assert config.master.forecast.prophet_budget_seconds == 5.0
    with pytest.raises(ConfigError, match="prophet must be one of auto, always, never"):
        parse_config("master:\n  forecast: {prophet: sometimes}\n")
    with pytest.raises(ConfigError, match="unknown key .speed."):
        parse_config("master:\n  forecast: {speed: 11}\n")


def test_abc_thresholds_are_configurable_and_checked():
    config = parse_config("master:\n  kpi: {abc_a: 0.7, abc_b: 0.9}\n")
    assert (config.master.kpi.abc_a, config.master.kpi.abc_b) == (0.7, 0.9)
    with pytest.raises(ConfigError, match="0 < abc_a <= abc_b <= 1"):
        parse_config("master:\n  kpi: {abc_a: 0.9, abc_b: 0.7}\n")


# -- strict configuration: typos and duplicates are errors, never ignored ------------------

ACCOUNT = """\
master:
  name: Group
accounts:
  - id: shop
    EXTRA
    connection:
      type: csv
      path: data/shop
"""


def test_an_unknown_account_key_is_an_error_that_suggests_the_right_one():
    message = refusal(ACCOUNT.replace("EXTRA", "curency: EUR"))
    assert "accounts[1] (shop): unknown key 'curency' (did you mean 'currency'?)" in message
    assert "allowed: connection, currency, id, name" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("master: {nme: Group}\n", "master: unknown key 'nme' (did you mean 'name'?)"),
        ("master: {}\nacounts: []\n", "unknown key 'acounts' (did you mean 'accounts'?)"),
        ("master: {kpi: {abc_c: 1}}\n", "master.kpi: unknown key 'abc_c'"),
        ("master: {load_checks: {max_drop: 1}}\n", "master.load_checks: unknown key 'max_drop'"),
    ],
)
def test_unknown_keys_at_every_level_are_errors(text, expected):
    assert expected in refusal(text)


def test_a_key_given_twice_is_an_error_with_both_line_numbers():
    text = ACCOUNT.replace("EXTRA", "name: Shop").replace(
        "      path: data/shop\n", "      path: data/shop\n      path: data/other\n"
    )
    assert "key 'path' is given twice in one mapping (lines 8 and 9)" in refusal(text)


def test_load_checks_default_and_parse():
    assert parse_config("master: {}\n").master.load_checks.max_abs_value == 1e9
    checks = parse_config(
        "master: {load_checks: {max_abs_value: 1e6, max_transactions_drop: 0.2}}\n"
    ).master.load_checks
    assert (checks.max_abs_value, checks.max_transactions_drop) == (1e6, 0.2)
    with pytest.raises(ConfigError, match="max_transactions_drop must be in"):
        parse_config("master: {load_checks: {max_transactions_drop: 2}}\n")
