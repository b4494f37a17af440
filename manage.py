#!/usr/bin/env python
"""Django's manage.py; `tandem` is the same command, installed as a console script."""

from tandem.cli import main

if __name__ == "__main__":
    main()
