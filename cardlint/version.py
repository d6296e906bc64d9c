"""The one place the version is written, below every layer so any module may read it."""

__version__ = "0.1.0"
