"""Tributary's domain core: pure Python, no orchestration imports.

Contract, configuration, connectors, validation, the lake and the demo data live here; Dagster
assets in ``orchestration`` are thin wrappers that call these functions.
"""

__version__ = "0.1.0"
