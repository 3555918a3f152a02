"""The stages wired together: what ``zichtbaar demo`` runs, so the CLI stays a shell."""

from __future__ import annotations
