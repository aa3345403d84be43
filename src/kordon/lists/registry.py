"""The one place where list sources are registered.

Each entry maps the CLI name of a source to the module that implements it;
the module defines ``SOURCE``, an instance of :class:`kordon.lists.base.ListSource`.
Modules are imported on first use so that ``kordon --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module

from kordon.lists.base import ListSource

SOURCE_MODULES: dict[str, str] = {
    "ofac": "kordon.lists.ofac",  # OFAC SDN, legacy CSV set (folder)
    "ofac-nonsdn": "kordon.lists.ofac_nonsdn",  # OFAC consolidated non-SDN CSV set (folder)
    "un": "kordon.lists.un",  # UN Security Council consolidated XML
    "eu": "kordon.lists.eu_fsf",  # EU Financial Sanctions Files consolidated XML
    "eu-journal": "kordon.lists.eu_journal",  # EU annexes as CSV (Official Journal transcription)
    "uk-ofsi": "kordon.lists.uk_ofsi",  # UK OFSI consolidated list CSV
    "uk-fcdo": "kordon.lists.uk_fcdo",  # UK Sanctions List (FCDO)
    "opensanctions": "kordon.lists.opensanctions",  # FollowTheMoney JSON lines
    "multi": "kordon.lists.multi_list",  # several lists in one CSV (FCA-style combined file)
    "us-csl": "kordon.lists.us_csl",  # US Consolidated Screening List CSV
    "internal": "kordon.lists.internal",  # a company's own list, CSV or XLSX with a column mapping
    "kordon": "kordon.lists.native",  # kordon's own JSON lines (export/import)
    "demo": "kordon.lists.demo",  # the small demo list shipped with kordon
}


class UnknownSource(KeyError):
    def __str__(self) -> str:
        return f"unknown list source {self.args[0]!r}; known: {', '.join(sorted(SOURCE_MODULES))}"


def get_source(name: str) -> ListSource:
    try:
        module_name = SOURCE_MODULES[name]
    except KeyError:
        raise UnknownSource(name) from None
    return import_module(module_name).SOURCE


def source_names() -> list[str]:
    return list(SOURCE_MODULES)
