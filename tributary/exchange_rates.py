"""The master's exchange rates (accounts.yaml ``master.exchange_rates``): read, check, look up.

The master's money columns are in ``master.currency`` (the base). A child in another currency
needs rates for it: ``currency, rate_to_base, valid_from`` rows, one unit of ``currency`` being
``rate_to_base`` base units from ``valid_from`` on (an empty ``valid_from`` means since always).
A line dated before a currency's first ``valid_from`` takes that first rate. The warehouse does the
conversion (dbt macro ``master_rows``); this module validates the file and tells a child's load
whether its currency can be converted, so that a missing rate fails that load by name instead of
counting foreign money as base money.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tributary.config import Account, Config, Home
from tributary.contract import EXCHANGE_RATES
from tributary.validation import validate_whole_file


class ExchangeRatesError(ValueError):
    """The exchange-rate file cannot be used; the message names the file, rows and reasons."""


def rates_path(home: Home, config: Config) -> Path | None:
    """Where ``master.exchange_rates`` points (relative to the home), or None when not set."""
    master = config.master
    if master is None or not master.exchange_rates:
        return None
    return home.path_in(master.exchange_rates)


def load_exchange_rates(home: Home, config: Config) -> pd.DataFrame | None:
    """The validated rates (``currency`` upper-cased), or None when no file is configured.

    A bad row fails the whole file: a rate silently dropped would convert at the wrong rate.
    The base currency, if listed, must have rate 1.
    """
    path = rates_path(home, config)
    if path is None:
        return None
    where = f"exchange rates file {path} (accounts.yaml master.exchange_rates)"
    if not path.exists():
        raise ExchangeRatesError(f"{where} not found")
    result = validate_whole_file(
        EXCHANGE_RATES, path, ExchangeRatesError, "exchange rates file", where
    )
    rates = result.frame.assign(currency=result.frame["currency"].str.strip().str.upper())
    twice = rates[rates.duplicated(["currency", "valid_from"], keep=False)]
    if len(twice):
        rows = ", ".join(str(r) for r in twice["source_row"])
        raise ExchangeRatesError(f"{where}: row(s) {rows}: one currency and valid_from twice")
    base = config.master.currency.upper() if config.master else ""
    wrong_base = rates[(rates["currency"] == base) & (rates["rate_to_base"] != 1)]
    if len(wrong_base):
        rows = ", ".join(str(r) for r in wrong_base["source_row"])
        raise ExchangeRatesError(
            f"{where}: row(s) {rows}: {base} is the master's currency, its rate_to_base must be 1"
        )
    return rates


def missing_rate(home: Home, config: Config, account: Account) -> str | None:
    """Why ``account``'s money cannot be converted to the master's currency, or None if it can."""
    base = config.master.currency.upper() if config.master else account.currency.upper()
    currency = account.currency.upper()
    if currency == base:
        return None
    try:
        rates = load_exchange_rates(home, config)
    except ExchangeRatesError as exc:
        return f"its currency {currency} cannot be converted to {base}: {exc}"
    if rates is None:
        return (
            f"its currency {currency} differs from the master's {base} and accounts.yaml has no "
            "master.exchange_rates file; add one with a row "
            f"'{currency},<{base} per {currency}>,<valid_from>' (docs/currencies.md)"
        )
    if not (rates["currency"] == currency).any():
        return (
            f"its currency {currency} has no rate in {rates_path(home, config)}; add a row "
            f"'{currency},<{base} per {currency}>,<valid_from>' (docs/currencies.md)"
        )
    return None
