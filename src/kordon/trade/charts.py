"""Charts of the trade report (matplotlib, no display needed). Each returns PNG bytes and carries its source
line (data source and extraction date) at the bottom, so a chart copied out of the report keeps it."""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from kordon.trade.refdata import SanctionPackage  # noqa: E402

UP, DOWN, NEUTRAL = "#1b7837", "#b2182b", "#4d4d4d"


def _finish(fig, source_line: str) -> bytes:
    fig.text(0.01, 0.01, source_line, fontsize=7, color="#555555", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def money(value: float | None, currency: str = "") -> str:
    """12_345_678 -> '12.3 m'; readable amounts for labels and tables."""
    if value is None:
        return "–"
    for limit, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(value) >= limit:
            return f"{value / limit:,.1f}{suffix}{' ' + currency if currency else ''}"
    return f"{value:,.0f}{' ' + currency if currency else ''}"


def monthly_series(series: dict[str, list[tuple[date, float]]], packages: list[SanctionPackage], *, title: str,
                   currency: str, source_line: str) -> bytes:
    """Lines per series (label -> [(month, value)]) with the sanction package dates marked."""
    fig, ax = plt.subplots(figsize=(10, 4.8))
    for label, points in series.items():
        points = sorted(points)
        ax.plot([p[0] for p in points], [p[1] / 1e6 for p in points], label=label, linewidth=1.6)
    all_dates = [p[0] for points in series.values() for p in points]
    if all_dates:
        first, last = min(all_dates), max(all_dates)
        for package in packages:
            if first <= package.date <= last:
                ax.axvline(package.date, color="#999999", linewidth=0.8, linestyle="--")
                ax.text(package.date, 1.0, f" {package.number}", transform=ax.get_xaxis_transform(), fontsize=7,
                        color="#666666", va="top")
    ax.set_title(title, fontsize=11)
    ax.set_ylabel(f"million {currency}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    ax.annotate("dashed lines: EU sanction packages (number)", xy=(1, -0.12), xycoords="axes fraction",
                ha="right", fontsize=7, color="#666666")
    return _finish(fig, source_line)


def ranked_bars(labels: list[str], values: list[float], *, title: str, xlabel: str, source_line: str) -> bytes:
    """Horizontal bars, largest on top."""
    fig, ax = plt.subplots(figsize=(10, max(3.0, 0.32 * len(labels) + 1.2)))
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, [v / 1e6 for v in values], color="#2166ac")
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", alpha=0.3)
    return _finish(fig, source_line)


def flow_picture(exporter: str, target: str, direct: tuple[float, float], via: dict[str, tuple[float, float]],
                 relay: dict[str, tuple[float, float]], *, currency: str, period_label: str, source_line: str) -> bytes:
    """Exporter → transit countries → target: arrow widths show the comparison-window value per period,
    colours and labels the change against the baseline. ``direct``/``via``/``relay`` hold (base, comp)."""
    fig, ax = plt.subplots(figsize=(10, 5.5))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")
    biggest = max([direct[1]] + [v[1] for v in via.values()] + [v[1] for v in relay.values()] + [1.0])

    def width(value):
        return 0.8 + 11 * (value / biggest)

    def change(base, comp):
        if base <= 0:
            return "new" if comp > 0 else "–", UP if comp > 0 else NEUTRAL
        pct = (comp / base - 1) * 100
        return f"{pct:+.0f}%", UP if pct > 0 else DOWN

    def node(x, y, text):
        ax.text(x, y, text, ha="center", va="center", fontsize=10, fontweight="bold",
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "#f0f0f0", "edgecolor": "#888888"})

    def arrow(start, end, base, comp, label_at, rad=0.0):
        label, colour = change(base, comp)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, linewidth=width(comp),
                                     color=colour, alpha=0.55, connectionstyle=f"arc3,rad={rad}"))
        ax.text(*label_at, f"{money(comp)} ({label})", fontsize=7, ha="center", va="center",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})

    countries = sorted(via, key=lambda c: -via[c][1])
    step = 8.0 / max(len(countries), 1)
    node(1.0, 5.0, exporter)
    node(9.0, 5.0, target)
    for i, country in enumerate(countries):
        y = 9.0 - step * (i + 0.5)
        node(5.0, y, country)
        arrow((1.6, 5.0), (4.6, y), *via[country], label_at=(3.1, (5.0 + y) / 2))
        if country in relay:
            arrow((5.4, y), (8.4, 5.0), *relay[country], label_at=(6.9, (5.0 + y) / 2))
    arrow((1.5, 5.6), (8.5, 5.6), *direct, label_at=(5.0, 9.75), rad=-0.45)
    ax.set_title(f"Exports per {period_label}, comparison window (change against baseline)", fontsize=11)
    return _finish(fig, source_line)


def mirror_bars(periods: list[str], exports: list[float], imports: list[float], *, title: str, currency: str,
                source_line: str) -> bytes:
    fig, ax = plt.subplots(figsize=(10, 4.2))
    xs = list(range(len(periods)))
    ax.bar([x - 0.2 for x in xs], [(v or 0) / 1e6 for v in exports], width=0.4, label="exports (exporter's records)",
           color="#2166ac")
    ax.bar([x + 0.2 for x in xs], [(v or 0) / 1e6 for v in imports], width=0.4, label="imports (importer's records)",
           color="#f4a582")
    ax.set_xticks(xs, periods, fontsize=8, rotation=45 if len(periods) > 12 else 0)
    ax.set_ylabel(f"million {currency}")
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _finish(fig, source_line)
