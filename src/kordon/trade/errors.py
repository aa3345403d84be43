"""Errors that the trade commands show to the user as one clear message."""

from __future__ import annotations

from pathlib import Path


class TradeError(Exception):
    """A problem the user can fix (bad input, missing data, inconsistent selection)."""


class TradeInputError(TradeError):
    """A file that cannot be loaded. The message always names the file, and the line or column if known."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None, column: str | None = None):
        self.path, self.problem, self.line, self.column = Path(path), problem, line, column
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {problem} (nothing was loaded)")


class MixedCurrencyError(TradeError):
    """A sum would add values in different currencies."""
