"""cardlint: lint AI model cards and estimate the training compute they imply."""

from __future__ import annotations

__version__ = "0.1.0"
