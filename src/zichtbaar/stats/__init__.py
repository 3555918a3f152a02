"""The monitor's tables over a linkage run (``REGISTRY``, ``DETAIL``) and follow-up analyses."""

from zichtbaar.stats import tables as _tables  # noqa: F401  (registers the definitions)
from zichtbaar.stats.registry import REGISTRY, TableDefinition, TableRegistry
from zichtbaar.stats.tables import DETAIL, HELP_TYPES

__all__ = ["DETAIL", "HELP_TYPES", "REGISTRY", "TableDefinition", "TableRegistry"]
