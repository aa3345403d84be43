"""Print the legal forms of rigour's org-types database that kordon's curated list lacks.

One-off helper used to extend ``src/kordon/screening/data/legal_forms.yml``
(the "generated" section at its end). Run from the project root:

    .venv/bin/python bench/legal_forms_from_rigour.py > /tmp/extra.yml

Selection: company forms only (rigour generic class LLC, JSC, LP, LLP, GP, SP,
COOP; not NGO, SOE, FIN, REL, MIL: "charity", "foundation" or "state concern"
are part of an organisation's identity); aliases of two or more tokens, or
one token of four letters or more that is not a generic company word; aliases
whose spelling keys kordon already knows are skipped.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "names" / "rigour_org_types.json"
GENERICS = {"LLC": "llc", "JSC": "jsc", "LP": "lp", "LLP": "llp", "GP": "gp", "SP": "sole", "COOP": "coop"}
NOT_FORMS = {"company", "corporation", "cooperation", "incorporation", "limite", "limitd", "limted", "unlimited",
             "partnership", "partners", "enterprise", "association", "society", "sarf", "incs", "llcs", "plcs"}


def main() -> None:
    from kordon.screening import names
    from kordon.screening.translit import phrase_variants

    known = set()
    for table in (names.legal_forms().suffixes,):
        for entries in table.by_first.values():
            known.update(keys for keys, _ in entries)
    generic = names.generic_words()
    out = []
    for group in json.loads(SOURCE.read_text("utf-8")):
        cls = GENERICS.get(group.get("generic") or "")
        if cls is None:
            continue
        aliases = []
        for alias in dict.fromkeys(group["aliases"]):
            variants = phrase_variants(alias)
            ok = False
            for toks in variants:
                keys = tuple(names.name_key(t) for t in toks)
                if keys in known:
                    continue
                if len(toks) >= 2 or (len(toks[0]) >= 4 and toks[0] not in generic and toks[0] not in NOT_FORMS):
                    ok = True
                    known.add(keys)
            if ok:
                aliases.append(alias)
        if not aliases:
            continue
        label = group.get("compare") or group.get("display") or aliases[0]
        base = re.sub(r"[^a-z0-9]+", "_", "_".join(names.phrase_tokens(label))).strip("_")[:24] or cls
        form_id = base  # an id kordon already has just gains aliases
        quoted = ", ".join(json.dumps(a, ensure_ascii=False) for a in aliases)
        out.append(f"  - id: {form_id}\n    generic: {cls}\n    where: suffix\n    aliases: [{quoted}]")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
