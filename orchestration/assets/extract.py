"""Extract: each account's connection into the lake, one partition per account."""

import dagster as dg
from pydantic import Field

from orchestration.automation import after_loads
from orchestration.partitions import accounts_partitions
from orchestration.resources.home import TributaryHome
from tributary.contract import PIECES
from tributary.exchange_rates import ExchangeRatesError, load_exchange_rates
from tributary.lake import Lake
from tributary.loading import (
    AccountLoadError,
    MasterItemsError,
    load_account,
    load_master_items,
    registry_rows,
)

EXTRACT_GROUP = "extract"

# A source that cannot be reached is retried with backoff; a bad file or query is not (see below).
SOURCE_RETRY = dg.RetryPolicy(
    max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
LAKE_TABLES = [*PIECES, "rejected_rows", "load_status"]
ACCOUNT_DATA_KEYS = [dg.AssetKey(["lake", table]) for table in LAKE_TABLES]
REGISTRY_KEY = dg.AssetKey(["lake", "accounts"])
MASTER_ITEMS_KEY = dg.AssetKey(["lake", "master_items"])
EXCHANGE_RATES_KEY = dg.AssetKey(["lake", "exchange_rates"])
STATUS_KEY = dg.AssetKey(["lake", "load_status"])


class LoadConfig(dg.Config):
    """Run config of a load (the UI's launchpad: ``ops: {account_data: {config: ...}}``)."""

    accept_drop: bool = Field(
        default=False,
        description="Accept, this once, a load whose transactions shrank by more than "
        "master.load_checks.max_transactions_drop (held back otherwise).",
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            group_name=EXTRACT_GROUP,
            description=f"Validated `{key.path[-1]}` of each child account, as Parquet in "
            f"lake/raw (one partition per account).",
            kinds={"parquet"},
        )
        for key in ACCOUNT_DATA_KEYS
    ],
    partitions_def=accounts_partitions,
    can_subset=False,
    retry_policy=SOURCE_RETRY,
    # Loads of different accounts may run side by side; each writes only its own folders.
    op_tags={"tributary/step": "extract"},
)
def account_data(
    context: dg.AssetExecutionContext, config: LoadConfig, tributary_home: TributaryHome
):
    """Read, validate and atomically replace one account's data in the lake."""
    account_id = context.partition_key
    home = tributary_home.home
    try:
        report = load_account(
            home,
            home.load(),
            account_id,
            progress=context.log.info,
            accept_drop=config.accept_drop,
        )
    except AccountLoadError as exc:
        # The account's status did change (it now says stale, with the reason): downstream
        # rebuilds so marts.accounts shows it, while its data stays as it was.
        yield dg.MaterializeResult(
            asset_key=STATUS_KEY, metadata={"status": "failed", "error": str(exc)}
        )
        raise dg.Failure(
            description=str(exc),
            metadata={"account": account_id, "previous_data": "kept"},
            allow_retries=exc.transient,
        ) from exc
    for warning in report.warnings:
        context.log.warning(f"{account_id}: {warning}")
    for key in ACCOUNT_DATA_KEYS:
        table = key.path[-1]
        ok, rejected = report.per_piece.get(table, (0, 0))
        metadata = {
            "load_id": report.load_id,
            "unchanged": report.unchanged,
            "rows_loaded": report.rows_loaded if table == "load_status" else ok,
            "rows_rejected": report.rows_rejected if table == "load_status" else rejected,
        }
        if table == "load_status":
            metadata["seconds"] = round(report.seconds, 3)
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


# The registry asset's three outputs: each written once the loads are done.
REGISTRY_OUTPUTS = {
    REGISTRY_KEY: "The accounts registry from accounts.yaml (master first, children in order) "
    "with the run's planning date (as_of), written once the loads are done.",
    MASTER_ITEMS_KEY: "The master's item overrides (accounts.yaml master.items_file), "
    "validated like an items file.",
    EXCHANGE_RATES_KEY: "The master's exchange rates (accounts.yaml master.exchange_rates): "
    "currency, rate_to_base, valid_from; converts children's money to the base currency.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=ACCOUNT_DATA_KEYS,
            group_name=EXTRACT_GROUP,
            description=description,
            kinds={"parquet"},
            automation_condition=after_loads(),
        )
        for key, description in REGISTRY_OUTPUTS.items()
    ],
    can_subset=False,
)
def account_registry(tributary_home: TributaryHome):
    """The registry, the master's item overrides (accounts.yaml master.items_file) and its
    exchange rates (master.exchange_rates)."""
    config = tributary_home.config()
    try:
        overrides = load_master_items(tributary_home.home, config)
        rates = load_exchange_rates(tributary_home.home, config)
    except (MasterItemsError, ExchangeRatesError) as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from exc
    rows = registry_rows(config)
    lake = Lake(tributary_home.home.lake)
    lake.write_registry(rows)
    lake.write_master_table("master_items", overrides)
    lake.write_master_table("exchange_rates", rates)
    yield dg.MaterializeResult(
        asset_key=REGISTRY_KEY,
        metadata={"accounts": len(rows) - 1, "as_of": str(rows[0]["as_of"])},
    )
    yield dg.MaterializeResult(
        asset_key=MASTER_ITEMS_KEY,
        metadata={"master_item_overrides": 0 if overrides is None else len(overrides)},
    )
    yield dg.MaterializeResult(
        asset_key=EXCHANGE_RATES_KEY,
        metadata={
            "base_currency": config.master.currency if config.master else "",
            "rates": 0 if rates is None else len(rates),
        },
    )
