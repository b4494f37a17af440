"""The `tandem` command: runs Tandem's management commands (`tandem demo`, `tandem migrate`)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Entry point for the `tandem` console script."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv if argv is None else ["tandem", *argv]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
