"""Shared fixtures; persona fixtures live in tests/personas.py."""

pytest_plugins = ["tests.personas"]
