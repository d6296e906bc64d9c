"""Shared plumbing below every layer: resource files and the input limits."""
