#!/usr/bin/python3
"""Write US EPA TRACI 2.1 midpoint factors (non-climate categories) for the bundled inventory.

Usage:
    /usr/bin/python3 tools/make_traci_method.py SHARED_DATA_DIR [INVENTORY_XML] [OUTPUT_XML]

Reads traci/traci_2_1_substances.csv (the Substances sheet of TRACI_2_1_2017_April_24.xlsx, values
unchanged) and the flow ids of INVENTORY_XML (default inventories/data/uslci/uslci.inventory.xml),
writes OUTPUT_XML (default inventories/data/methods/traci-2.1.method.xml).

Why: factors refer to flow ids, so each TRACI substance is matched to the inventory's elementary
flows by CAS number (TRACI writes CAS as an integer without hyphens); the few TRACI rows without a
CAS are matched by name (NAME_ROWS).  Air columns apply to `@air` flows, the water
eutrophication column to `@water` flows.  Categories: acidification, eutrophication, ozone
depletion, smog formation, particulate matter (respiratory effects).  Global warming (AR4) and the
USEtox toxicity columns are not written (climate uses the AR6 method; toxicity needs the
urban/rural split the merged compartments no longer have).  Standard library only.
"""

import csv
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from glca_common import cas_from_int, num, xml_attr  # noqa: E402

TRACI_FILE = "traci/traci_2_1_substances.csv"
CATEGORIES = [  # id, name, unit, [(column, compartment)]
    ("acidification", "Acidification", "kg SO2-eq",
     [("Acidification Air (kg SO2 eq / kg substance)", "air")]),
    ("eutrophication", "Eutrophication", "kg N-eq",
     [("Eutrophication Air (kg N eq / kg substance)", "air"),
      ("Eutrophication Water (kg N eq / kg substance)", "water")]),
    ("ozone-depletion", "Ozone depletion", "kg CFC-11-eq",
     [("Ozone Depletion Air (kg CFC-11 eq / kg substance)", "air")]),
    ("smog", "Smog formation", "kg O3-eq", [("Smog Air (kg O3 eq / kg substance)", "air")]),
    ("particulate-matter", "Particulate matter (respiratory effects)", "kg PM2.5-eq",
     [("HH Particulate Air (PM2.5 eq / kg substance)", "air")]),
]
# TRACI rows without CAS -> inventory flow names they characterise.  PM10 is applied to the
# total "<= 10 um" flow and TSP to unspecified particulate matter; the coarse fraction
# "> 2.5 and <= 10 um" and "> 10 um" flows get no factor (TRACI has no factor for them).
NAME_ROWS = {
    "NITROGEN OXIDES": ["Nitrogen oxides"],
    "PHOSPHORUS PENTOXIDE": ["Phosphorus pentoxide"],
    "BIOLOGICAL OXYGEN DEMAND": ["Biological Oxygen Demand"],
    "CHEMICAL OXYGEN DEMAND": ["Chemical Oxygen Demand"],
    "PM2.5": ["Particulate matter, ≤ 2.5μm"],
    "PM10": ["Particulate matter, ≤ 10μm"],
    "TSP": ["Particulate matter"],
}
INV_NS = "{urn:greenlca:inventory:1}"


def value(text):
    text = (text or "").strip()
    if text in ("", "n/a", "x"):
        return 0.0
    return float(text)


def main(argv):
    if len(argv) not in (2, 3, 4):
        sys.exit(__doc__)
    shared = argv[1]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    inv = argv[2] if len(argv) > 2 else os.path.join(root, "inventories/data/uslci/uslci.inventory.xml")
    out = argv[3] if len(argv) > 3 else os.path.join(root, "inventories/data/methods/traci-2.1.method.xml")
    by_cas, by_name = {}, {}
    for f in ET.parse(inv).getroot().iter(INV_NS + "flow"):
        if f.get("kind") != "elementary":
            continue
        key = (f.get("compartment"),)
        if f.get("cas"):
            by_cas.setdefault((f.get("cas"),) + key, []).append(f)
        by_name.setdefault((f.get("name"),) + key, []).append(f)
    rows = list(csv.DictReader(open(os.path.join(shared, TRACI_FILE), newline="", encoding="utf-8")))
    cats = {c[0]: {} for c in CATEGORIES}
    notes = {}
    for row in rows:
        cas = cas_from_int(row["CAS #"])
        names = NAME_ROWS.get(row["Substance Name"], []) if row["CAS #"].strip() == "x" else []
        for cid, _, _, cols in CATEGORIES:
            for col, comp in cols:
                v = value(row[col])
                if v == 0:
                    continue
                flows = list(by_cas.get((cas, comp), [])) if cas else []
                for n in names:
                    flows += by_name.get((n, comp), [])
                for f in flows:
                    fid = f.get("id")
                    if fid in cats[cid] and cats[cid][fid] != v:
                        sys.exit("%s: two TRACI values for %s" % (cid, fid))
                    cats[cid][fid] = v
                    notes[fid] = "%s (TRACI '%s'%s)" % (f.get("name"), row["Substance Name"],
                                                       ", CAS " + cas if cas else "")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        w("<!-- This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0.\n"
          "     If a copy of the MPL was not distributed with this file, You can obtain one at\n"
          "     https://mozilla.org/MPL/2.0/.\n"
          "     Derived from US EPA TRACI 2.1 (TRACI_2_1_2017_April_24.xlsx, GitHub USEPA/TRACI,\n"
          "     commit 1c2c8f38d403077f7e6348ddc5c47cb26b22b427, Substances sheet), distributed by\n"
          "     EPA under MPL-2.0.  Generated by tools/make_traci_method.py: factors unchanged,\n"
          "     matched by CAS (rows without CAS by name) to the elementary flows of\n"
          "     %s.  Global warming and toxicity are not included. -->\n"
          % os.path.relpath(inv, root))
        w('<method xmlns="urn:greenlca:method:1" id="traci-2.1" name="US EPA TRACI 2.1" version="2017">\n')
        total = 0
        for cid, name, unit, _ in CATEGORIES:
            w('  <category id="%s" name="%s" unit="%s">\n' % (cid, xml_attr(name), xml_attr(unit)))
            for fid in sorted(cats[cid]):
                w('    <factor flow="%s" value="%s"/> <!-- %s -->\n'
                  % (xml_attr(fid), num(cats[cid][fid]), notes[fid].replace("--", "-")))
                total += 1
            w("  </category>\n")
        w("</method>\n")
    print("%d factors written to %s: %s" % (total, out, ", ".join(
        "%s %d" % (c, len(cats[c])) for c in cats)))


if __name__ == "__main__":
    main(sys.argv)
