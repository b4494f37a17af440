"""Shared fixtures: personas (tests/personas.py) and the browser harness."""

pytest_plugins = ["tests.personas", "tests.browser_harness"]
