"""OFAC Specially Designated Nationals (SDN) list, legacy CSV format.

Reads the four files OFAC publishes at https://www.treasury.gov/ofac/downloads/:
``sdn.csv``, ``alt.csv``, ``add.csv`` and ``sdn_comments.csv`` (format, joins and
error handling: :mod:`kordon.lists.ofac_csv`; the Remarks column:
:mod:`kordon.lists.ofac_remarks`).

``path`` is the folder holding the four files, or ``sdn.csv`` itself. Options
``sdn=``, ``alt=``, ``add=``, ``comments=`` override single files, e.g. to read an
``sdn_2024-05-03.csv`` with side files from another folder::

    SOURCE.read(Path("ofac/sdn_2024-05-03.csv"), report, alt="ofac/2025-01/alt.csv", ...)

The legacy files carry no publication date. ``report.published`` is the
``published=`` option when given, else a ``YYYY-MM-DD`` date found in the name of
the sdn file or of its folder (``sdn_2024-05-03.csv`` -> 2024-05-03), else None.
"""

from __future__ import annotations

from kordon.lists.ofac_csv import OfacLegacySource

DOWNLOADS = "https://www.treasury.gov/ofac/downloads"


class OfacSdnSource(OfacLegacySource):
    name = "ofac"
    title = "OFAC Specially Designated Nationals (SDN)"
    file_names = {"sdn": "sdn.csv", "alt": "alt.csv", "add": "add.csv", "comments": "sdn_comments.csv"}
    urls = {file_name: f"{DOWNLOADS}/{file_name}" for file_name in file_names.values()}


SOURCE = OfacSdnSource()
