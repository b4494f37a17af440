"""Reinstalling the reference data that migrations ship, after a database has been emptied.

Django's flush (used by `tandem demo --reset` and by transactional tests) empties every
table, the ones data migrations filled included. Each installer here is idempotent.
"""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

from .protocol_defaults import protocol_install_defaults

# Data migrations that ship reference data; tests/demo checks this list is complete.
REFERENCE_DATA_MIGRATIONS = (
    "tandem.offending.migrations.0002_default_catalogue",
    "tandem.selection.migrations.0002_default_criteria",
    "tandem.cohort.migrations.0002_ppo_scheme",
)


def reference_data_install() -> None:
    """Put back the shipped protocol, catalogue, criteria and PPO scheme where missing."""
    protocol_install_defaults()
    for name in REFERENCE_DATA_MIGRATIONS:
        # The install functions take the app registry and a schema editor they never use.
        importlib.import_module(name).install(django_apps, None)
