"""The reference data shipped with kordon's trade part (``kordon/trade/data/*.yaml``).

Each file carries its ``source`` and ``version``; the loaders here only read and lightly check them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=None)
def _read(name: str) -> dict:
    text = resources.files("kordon.trade").joinpath("data", name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if "source" not in data or "version" not in data:
        raise RuntimeError(f"reference file {name} lacks 'source' or 'version'")
    return data


def country_codes() -> dict:
    return _read("country_codes.yaml")


def country_groups() -> dict[str, list[str]]:
    """Named country groups (eu27, coalition, neighbours, ...) as lists of codes."""
    return {name: [str(code) for code in codes] for name, codes in _read("country_groups.yaml")["groups"].items()}


def default_group(role: str) -> list[str]:
    """The default country list for a corridor role: 'coalition' or 'transit'."""
    data = _read("country_groups.yaml")
    return country_groups()[data["defaults"][role]]


def default_target() -> str:
    return _read("country_groups.yaml")["target"]


def expand_countries(spec: str | list[str] | None, role: str) -> list[str]:
    """'neighbours' or 'AM,KZ,KG' or ['eu27', 'GB'] -> a list of codes; None -> the role's default group."""
    if spec is None:
        return default_group(role)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    groups = country_groups()
    codes: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        codes.extend(groups.get(item.lower(), [item.upper()]))
    return list(dict.fromkeys(codes))


@dataclass(frozen=True)
class SanctionPackage:
    number: int
    date: date
    act: str


def sanction_packages() -> list[SanctionPackage]:
    data = _read("sanction_packages.yaml")
    return [SanctionPackage(int(p["number"]), date.fromisoformat(p["date"]), p["act"]) for p in data["packages"]]


def sanction_package(number: int) -> SanctionPackage:
    for package in sanction_packages():
        if package.number == number:
            return package
    raise ValueError(f"no EU sanction package number {number} (known: 1-{len(sanction_packages())})")


def invasion_date() -> date:
    return date.fromisoformat(_read("sanction_packages.yaml")["invasion_date"])


def hs2022_predecessors() -> dict[str, list[str]]:
    """HS2022 subheading -> its HS2017 predecessors, for the codes kordon needs (CHP list)."""
    return {str(k): [str(v) for v in vs] for k, vs in _read("hs_correlation.yaml")["hs2022_to_hs2017"].items()}


def reference_sources() -> dict[str, str]:
    """File name -> 'source (version)', for the report's methodology section."""
    names = ["country_groups.yaml", "sanction_packages.yaml", "country_codes.yaml", "hs_correlation.yaml"]
    return {name: f"{_read(name)['source'].strip()} (version {_read(name)['version']})" for name in names}
