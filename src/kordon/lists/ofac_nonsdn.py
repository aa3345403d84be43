"""OFAC Consolidated Sanctions List (non-SDN lists), legacy CSV format.

The consolidated list gathers OFAC's lists other than the SDN list: Sectoral
Sanctions Identifications (programs such as UKRAINE-EO13662), the Non-SDN Menu-Based
Sanctions list (NS-MBS), Palestinian Legislative Council (NS-PLC), CAPTA, Chinese
Military-Industrial Complex companies (CMIC) and others. It uses the SDN list's
legacy layout (see :mod:`kordon.lists.ofac_csv`) in four files published at
https://www.treasury.gov/ofac/downloads/consolidated/: ``cons_prim.csv``,
``cons_alt.csv``, ``cons_add.csv`` and ``cons_comments.csv``.

``path`` is the folder or ``cons_prim.csv``; options ``prim=``, ``alt=``, ``add=``,
``comments=`` override single files and ``published=`` sets the list date (else a
``YYYY-MM-DD`` in the file or folder name is used). Entry numbers are OFAC's own
and some also appear on the SDN list (e.g. 17018, Sberbank): ids are
``ofac-nonsdn-<ent_num>``, distinct from ``ofac-<ent_num>``.
"""

from __future__ import annotations

from kordon.lists.ofac_csv import OfacLegacySource

DOWNLOADS = "https://www.treasury.gov/ofac/downloads/consolidated"


class OfacNonSdnSource(OfacLegacySource):
    name = "ofac-nonsdn"
    title = "OFAC Consolidated Sanctions List (non-SDN)"
    file_names = {
        "prim": "cons_prim.csv",
        "alt": "cons_alt.csv",
        "add": "cons_add.csv",
        "comments": "cons_comments.csv",
    }
    urls = {file_name: f"{DOWNLOADS}/{file_name}" for file_name in file_names.values()}


SOURCE = OfacNonSdnSource()
