"""The monitor's tables over a linkage run (``REGISTRY``) and follow-up analyses."""

from zichtbaar.stats import tables as _tables  # noqa: F401  (registers the definitions)
from zichtbaar.stats.registry import REGISTRY, TableDefinition, TableRegistry

__all__ = ["REGISTRY", "TableDefinition", "TableRegistry"]
