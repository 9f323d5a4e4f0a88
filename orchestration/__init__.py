"""Tributary's Dagster code location: thin assets over the ``tributary`` domain package."""
