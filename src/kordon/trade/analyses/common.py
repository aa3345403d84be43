"""What every analysis shares: the scope of a question (corridors, products, filters), time windows, and the
small result table.

All selection is done in SQL on ``flows`` so that the analyses stay portable to other SQL engines. Codes put
into SQL are checked to be plain codes first (letters, digits, ``_``, ``.``), then quoted.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from kordon.trade.errors import MixedCurrencyError, TradeError
from kordon.trade.refdata import default_target, expand_countries, invasion_date, sanction_package

LEVEL_DIGITS = {"HS2": 2, "HS4": 4, "HS6": 6, "CN8": 8, "TARIC10": 10}
_PLAIN = re.compile(r"^[A-Za-z0-9_.\-]+$")


def lit(value: str) -> str:
    """A code as an SQL string literal (refusing anything that is not a plain code)."""
    text = str(value)
    if not _PLAIN.match(text):
        raise TradeError(f"not a valid code: {text!r}")
    return "'" + text + "'"


def in_list(values) -> str:
    values = list(values)
    return "(" + ", ".join(lit(v) for v in values) + ")" if values else "(NULL)"


# ------------------------------------------------------------------ windows


@dataclass(frozen=True)
class Window:
    """An inclusive range of periods: months for monthly data, years for yearly data."""

    start: date
    end: date

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.end.month == 12:
            return f"{self.start.year}" if self.start.year == self.end.year else f"{self.start.year}–{self.end.year}"
        return f"{self.start:%Y-%m}–{self.end:%Y-%m}"

    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def units(self, freq: str) -> int:
        """How many periods of ``freq`` (M or Y) the window spans: the divisor of a monthly/yearly average."""
        return self.months() if freq == "M" else self.end.year - self.start.year + 1

    def sql(self, column: str = "period") -> str:
        return f"{column} BETWEEN DATE '{self.start.isoformat()}' AND DATE '{self.end.isoformat()}'"

    def shifted(self, months: int) -> "Window":
        return Window(_add_months(self.start, months), _add_months(self.end, months))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _parse_bound(text: str, end: bool) -> date:
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 12 if end else 1, 1)
    match = re.fullmatch(r"(\d{4})-?(\d{2})", text)
    if match and 1 <= int(match.group(2)) <= 12:
        return date(int(match.group(1)), int(match.group(2)), 1)
    raise TradeError(f"not a year or month: {text!r} (use 2021 or 2021-03)")


def parse_window(text: str) -> Window:
    """'2019:2021' -> Jan 2019..Dec 2021; '2021-03:2021-11'; a single '2022' or '2022-05' is one period."""
    parts = text.split(":") if ":" in text else text.split("..") if ".." in text else [text, text]
    if len(parts) != 2:
        raise TradeError(f"not a period range: {text!r} (use 2019:2021 or 2021-03:2021-11)")
    window = Window(_parse_bound(parts[0], False), _parse_bound(parts[1], True))
    if window.end < window.start:
        raise TradeError(f"period range {text!r} ends before it starts")
    return window


def baseline_for(spec: str, comparison: Window) -> Window:
    """The baseline window: 'same-months-last-year' (the comparison shifted back 12 months) or a range."""
    if spec.replace("_", "-").lower() in {"same-months-last-year", "previous-year", "yoy"}:
        return comparison.shifted(-12)
    return parse_window(spec)


def package_start(number: int) -> date:
    """First full month after EU sanction package ``number`` was adopted (when its effect can show)."""
    adopted = sanction_package(number).date
    return _add_months(date(adopted.year, adopted.month, 1), 1)


# ------------------------------------------------------------------ scope


@dataclass
class Scope:
    """What part of ``flows`` a question is about.

    ``coalition``/``transit`` accept group names from ``country_groups.yaml`` or codes; ``level`` is the product
    level compared (never mix levels: HS4 headings overlap CN8 lines). Product filters: ``products`` (code
    prefixes), ``chp_tiers`` (e.g. ['1', '2'] or ['3.A']; needs ``kordon trade goods load chp``),
    ``sanctioned_list`` and ``annex`` (needs ``goods load eu833``). ``currency`` picks one currency when the
    data holds several (sums never mix currencies). ``datasets`` limits to named datasets.
    """

    coalition: list[str] = field(default_factory=lambda: expand_countries(None, "coalition"))
    transit: list[str] = field(default_factory=lambda: expand_countries(None, "transit"))
    target: str = field(default_factory=default_target)
    level: str = "CN8"
    freq: str = "M"
    products: list[str] | None = None
    chp_tiers: list[str] | None = None
    sanctioned_list: str | None = None
    annex: str | None = None
    currency: str | None = None
    datasets: list[str] | None = None

    @classmethod
    def build(cls, coalition=None, transit=None, target=None, **kwargs) -> "Scope":
        scope = cls(**{k: v for k, v in kwargs.items() if v is not None})
        scope.coalition = expand_countries(coalition, "coalition")
        scope.transit = expand_countries(transit, "transit")
        if target:
            scope.target = target.upper()
        return scope

    def product_filter(self, column: str = "f.product_code", level: str | None = None) -> str:
        """SQL conditions on products (level and goods filters), joined with AND."""
        level = level or self.level
        parts = [f"f.product_level = {lit(level)}"]
        if self.products:
            parts.append("(" + " OR ".join(f"starts_with({column}, {lit(p)})" for p in self.products) + ")")
        if self.chp_tiers:
            tiers = in_list(self.chp_tiers)
            parts.append(f"substr({column}, 1, 6) IN (SELECT hs6 FROM goods_chp "
                         f"WHERE tier IN {tiers} OR split_part(tier, '.', 1) IN {tiers})")
        if self.sanctioned_list or self.annex:
            parts.append(self.sanctioned_condition(column))
        return " AND ".join(parts)

    def sanctioned_condition(self, column: str = "f.product_code", level: str | None = None) -> str:
        """The product is on the sanctioned goods list; a code shorter than the list's codes counts as sanctioned
        when any listed code lies under it (an HS4 heading with one sanctioned CN8 line in it)."""
        conditions = ["TRUE"]
        if self.sanctioned_list:
            conditions.append(f"list_name = {lit(self.sanctioned_list)}")
        if self.annex:
            conditions.append(f"annex = {lit(self.annex)}")
        digits = LEVEL_DIGITS.get(level or self.level, 8)
        listed = f"SELECT DISTINCT substr(code, 1, {min(digits, 8)}) FROM goods_sanctioned WHERE {' AND '.join(conditions)}"
        return f"substr({column}, 1, {min(digits, 8)}) IN ({listed})"

    def base_filter(self) -> str:
        """Conditions every analysis applies: frequency, currency, datasets."""
        parts = [f"f.freq = {lit(self.freq)}"]
        if self.currency:
            parts.append(f"f.currency = {lit(self.currency.upper())}")
        if self.datasets:
            parts.append(f"f.dataset_id IN (SELECT dataset_id FROM datasets WHERE name IN {in_list(self.datasets)})")
        return " AND ".join(parts)

    def describe(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


def check_single_currency(con: duckdb.DuckDBPyConnection, where: str) -> str | None:
    """The one currency of the selected rows; raises MixedCurrencyError if there are several."""
    currencies = [r[0] for r in con.execute(f"SELECT DISTINCT currency FROM flows f WHERE {where}").fetchall()]
    if len(currencies) > 1:
        raise MixedCurrencyError(
            f"the selection holds values in {', '.join(sorted(currencies))}; kordon never adds currencies "
            "together: pick one with --currency (or convert the data before loading)")
    return currencies[0] if currencies else None


def window_note(scope: Scope, baseline: Window, comparison: Window, currency: str | None) -> str:
    """The line under every result table saying what was compared."""
    per = "month" if scope.freq == "M" else "year"
    return (f"baseline {baseline.label}, comparison {comparison.label}; averages per {per} in {currency or 'n/a'}; "
            f"product level {scope.level}")


def break_date(freq: str = "M") -> date:
    """Start of the 'after' period for breaks: the first full month after the invasion (2022-03); for yearly
    data (``freq`` Y) the first period that contains it, the start of that year."""
    start = _add_months(invasion_date().replace(day=1), 1)
    return start if freq == "M" else start.replace(month=1)


def previous_period(period: date) -> date:
    """The month before ``period`` (a first of the month); for a yearly period (1 January), December of the
    year before, so a window ending there covers the whole previous year either way."""
    return _add_months(period, -1)


# ------------------------------------------------------------------ results


@dataclass
class Table:
    """A small result table: column names, rows, and notes on how to read it."""

    title: str
    columns: list[str]
    rows: list[tuple]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, con, sql: str, title: str, notes=None) -> "Table":
        cursor = con.execute(sql)
        return cls(title, [d[0] for d in cursor.description], cursor.fetchall(), list(notes or []))

    def to_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def column(self, name: str) -> list:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def write_csv(self, path: Path, footer: dict[str, str] | None = None) -> None:
        """Write as CSV; ``footer`` columns (e.g. source, extracted) are repeated on every row."""
        footer = footer or {}
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns + list(footer))
            for row in self.rows:
                writer.writerow([_csv_cell(v) for v in row] + list(footer.values()))


def _csv_cell(value):
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    return value
