"""costlint: lint infrastructure code for cloud waste before merge."""

from __future__ import annotations

__version__ = "0.1.0"
