"""Differential tests against the original polyaxon-helper 0.5.0 (golden recordings in tests/recordings)."""
