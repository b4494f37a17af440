"""Progress reporting for long imports: a small text bar on a terminal, nothing elsewhere."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Hears which phase an import is in and how far it has got; reports nothing itself."""

    def begin(self, label: str) -> None:
        """Work on another file begins; `label` names it."""

    def phase(self, name: str, total: int | None = None, unit: str = "rows") -> None:
        """A new phase begins; `total` is how many units it has, if known."""

    def advance(self, amount: int = 1) -> None:
        """Some units of the current phase are done."""

    def note(self, text: str) -> None:
        """A detail of the current phase, such as which step it is on."""

    def finish(self) -> None:
        """The import is over; tidy the display."""


class TextProgress(Progress):
    """A one-line bar redrawn in place on a terminal, or one line per phase elsewhere.

    Redraws at most ten times a second, so the bar costs nothing next to the import.
    Shows phase, counts and elapsed time only: never anything from the file's cells.
    """

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str = "", *, live: bool | None = None) -> None:
        self.stream = stream
        self.label = label
        self.live = stream.isatty() if live is None else live
        self.name = ""
        self.total: int | None = None
        self.unit = "rows"
        self.done = 0
        self.detail = ""
        self.started = time.monotonic()
        self.phase_started = self.started
        self.drawn_at = 0.0

    def begin(self, label: str) -> None:
        self._end_phase()
        self.name = ""
        self.label = label

    def phase(self, name: str, total: int | None = None, unit: str = "rows") -> None:
        self._end_phase()
        self.name, self.total, self.unit = name, total, unit
        self.done, self.detail = 0, ""
        self.phase_started = time.monotonic()
        self._draw(force=True)

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        self._draw()

    def note(self, text: str) -> None:
        self.detail = text
        self._draw(force=True)

    def finish(self) -> None:
        self._end_phase()
        self.name = ""

    def _line(self) -> str:
        elapsed = time.monotonic() - self.phase_started
        prefix = f"{self.label} " if self.label else ""
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * self.WIDTH)
            bar = "[" + "#" * filled + "." * (self.WIDTH - filled) + "]"
            counts = f"{self.done:,}/{self.total:,} {self.unit}"
            text = f"{prefix}{self.name:<10} {bar} {counts} {share:4.0%}"
        else:
            text = (
                f"{prefix}{self.name:<10} {self.done:,} {self.unit}"
                if self.done
                else prefix + self.name
            )
        if self.detail:
            text += f" ({self.detail})"
        return f"{text} {elapsed:5.1f}s"

    def _draw(self, force: bool = False) -> None:
        if not self.live or not self.name:
            return
        now = time.monotonic()
        if not force and now - self.drawn_at < 0.1:
            return
        self.drawn_at = now
        self.stream.write("\r\x1b[2K" + self._line())
        self.stream.flush()

    def _end_phase(self) -> None:
        if not self.name:
            return
        self.detail = ""
        if self.live:
            self.stream.write("\r\x1b[2K" + self._line() + "\n")
        else:
            self.stream.write(self._line() + "\n")
        self.stream.flush()
