"""Replenishment planning core: pure functions on DataFrames (no orchestration imports).

plan_items: the periodic-review order-up-to policy with every item-level and purchase-order
constraint, for many item-locations at once. plan_scope: one scope's full plan (batches, MRP,
DCs, intersite transfers, purchase orders). See docs/planning.md for the policy.
"""

from tributary.planning.mrp import BomLoopError
from tributary.planning.plan import plan_scope
from tributary.planning.policy import plan_items

__all__ = ["BomLoopError", "plan_items", "plan_scope"]
