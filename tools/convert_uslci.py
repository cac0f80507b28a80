#!/usr/bin/python3
"""Convert USLCI FY21 Q3 (EcoSpold 1 XML, zipped) into a greenlca native inventory.

Usage:
    /usr/bin/python3 tools/convert_uslci.py SHARED_DATA_DIR [OUTPUT_DIR]

SHARED_DATA_DIR is the folder holding uslci/uslci_fy21_q3_01_olca_10_3_ecospold2.zip (e.g.
/work/shared/data); OUTPUT_DIR defaults to inventories/data/uslci next to this script's
repository.  Writes uslci.inventory.xml and LINKING.md (the linking and cut-off report) there.

Why the work is needed (see LINKING.md for the numbers of one run):
- EcoSpold 1 technosphere inputs name their provider by product name only, several processes
  share a name (82 "Electricity, at grid"), and many names have no process at all ("dummy",
  "(EXCL.)", ecoinvent names).  We link by name, unit dimension and location with a documented
  tie-break, and cut off (and list) every input that cannot be linked.
- The native format needs stable readable ids: processes get slug(name)-slug(location), elementary
  flows slug(name)@compartment with subcompartments merged into air, water, soil, resource.
- The technosphere matrix built from the result must be invertible; we factorize it with scipy
  (splu) and check the residual of a solve before writing anything.
Deterministic: the same input gives byte-identical output.  Standard library + numpy/scipy.
"""

import collections
import datetime
import glob
import hashlib
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from glca_common import BUILTIN_UNITS, clean_text, norm_cas, num, slug, xml_attr  # noqa: E402

NS = "{http://www.EcoInvent.org/EcoSpold01}"
ZIP_NAME = "uslci/uslci_fy21_q3_01_olca_10_3_ecospold2.zip"
ZIP_SHA256 = "ffab59d452558ca582c2ca4f55e1026f879523507d4196e946dc8a029daead98"

# EcoSpold unit strings that need renaming, and units we declare in the inventory file
# (FORMATS.md "Units": factor = how many base units of the dimension one of it is).
UNIT_RENAME = {"Item(s)": "item"}
DECLARED_UNITS = {
    "t*mi": ("transport", 1609.344),          # 1000 kg x 1.609344 km, in kg*km
    "p*km": ("person-transport", 1.0),        # passenger transport: a dimension of its own
    "m2*a": ("land-occupation", 1.0),
    "m3*a": ("volume-occupation", 1.0),
}

# Supplementary elementary flows (not from USLCI): refrigerant blends emitted by products,
# characterised by the IPCC method as mass-weighted blends.  See PROVENANCE.md.
EXTRA_FLOWS = [
    ("r-410a@air", "R-410A (HFC-32/HFC-125 50/50 wt%)", "air"),
    ("r-404a@air", "R-404A (HFC-125/HFC-143a/HFC-134a 44/52/4 wt%)", "air"),
    ("r-407c@air", "R-407C (HFC-32/HFC-125/HFC-134a 23/25/52 wt%)", "air"),
]


# Source errors fixed by relinking one input (dataset number, input name) -> (provider name, why).
# Without the fix the process consumes 1.0 times its own reference product, which makes the
# technosphere matrix singular (zero diagonal).
RELINK = {
    (89204, "Aluminum, sheet, coated, at plant"): (
        "Aluminum, cold rolling, at plant",
        "the coil-coating process takes its own coated product as metal feedstock (5.8256 kg per "
        "5.8256 kg); its twin 'Galvanized steel coil, coated, at plant' takes the uncoated "
        "'Galvanized steel sheet, at plant', so the feedstock is read as uncoated rolled aluminium "
        "sheet, the USLCI cold-rolled aluminium sheet dataset"),
}


def unit_of(u):
    """Native unit name and (dimension, factor) of an EcoSpold unit string, or None."""
    u = UNIT_RENAME.get(u, u)
    if u in BUILTIN_UNITS:
        return u, BUILTIN_UNITS[u]
    if u in DECLARED_UNITS:
        return u, DECLARED_UNITS[u]
    return None


def compartment(is_input, cat, sub):
    """Top-level compartment of an elementary exchange (subcompartments merged).

    The export writes the last two levels of the FEDEFL context ("emission/air/troposphere/
    rural" arrives as category "troposphere", subCategory "rural"), so the top level is
    recovered from whichever level names it.  Everything taken from nature is "resource".
    """
    if is_input or cat == "resource":
        return "resource"
    if cat == "emission":
        return {"air": "air", "water": "water", "ground": "soil"}.get(sub)
    if cat in ("troposphere", "air", "rural", "urban", "stratosphere"):
        return "air"
    if cat in ("water", "fresh water body", "saline water body"):
        return "water"
    if cat in ("ground", "human-dominated", "terrestrial"):
        return "soil"
    return None


def uncertainty(e, amount):
    """The native <uncertainty> attributes for an EcoSpold 1 exchange, or None if not valid."""
    t = e.get("uncertaintyType")
    try:
        if t == "1":  # lognormal: standardDeviation95 = GSD^2
            sd95 = float(e.get("standardDeviation95"))
            if amount > 0 and sd95 > 1:
                return (("distribution", "lognormal"), ("gsd", num(sd95 ** 0.5)))
        elif t == "2":  # normal: standardDeviation95 = 2 sd
            sd95 = float(e.get("standardDeviation95"))
            if sd95 > 0:
                return (("distribution", "normal"), ("sd", num(sd95 / 2)))
        elif t == "3":  # triangular: the native mode is the amount, so mode must equal mean
            lo, hi = float(e.get("minValue")), float(e.get("maxValue"))
            mode = float(e.get("mostLikelyValue"))
            if lo < hi and lo <= amount <= hi and abs(mode - amount) <= 1e-9 * abs(amount):
                return (("distribution", "triangular"), ("min", num(lo)), ("max", num(hi)))
        elif t == "4":
            lo, hi = float(e.get("minValue")), float(e.get("maxValue"))
            if lo < hi and lo <= amount <= hi:
                return (("distribution", "uniform"), ("min", num(lo)), ("max", num(hi)))
    except (TypeError, ValueError):
        pass
    return None


class Process:
    def __init__(self, ds):
        pi = ds.find(f"{NS}metaInformation/{NS}processInformation")
        rf = pi.find(NS + "referenceFunction")
        geo = pi.find(NS + "geography")
        tp = pi.find(NS + "timePeriod")
        self.number = int(ds.get("number"))
        self.name = clean_text(rf.get("name"))
        self.unit_src = rf.get("unit")
        self.amount = float(rf.get("amount"))
        self.location = clean_text(geo.get("location")) if geo is not None else ""
        self.geo_text = clean_text(geo.get("text")) if geo is not None else ""
        self.comment = clean_text(rf.get("generalComment"))
        end = tp.find(NS + "endDate") if tp is not None else None
        self.end_year = int(end.text[:4]) if end is not None and end.text[:4].isdigit() else 0
        self.exchanges = list(ds.find(NS + "flowData"))
        self.id = None
        self.flow = None
        self.unit = None
        self.dim = None

    def preference(self):
        """Tie-break among same-name providers: U.S. average first, then newest, then number."""
        us_avg = bool(re.search(r"\bU\.?S\.? average\b|\bnational average\b", self.comment, re.I))
        national = self.geo_text in ("US", "USA", "U.S.", "United States")
        return (us_avg, national, self.end_year, -self.number)


def group_of(e):
    ig, og = e.find(NS + "inputGroup"), e.find(NS + "outputGroup")
    return ("in", ig.text.strip()) if ig is not None else ("out", og.text.strip())


def load(shared):
    path = os.path.join(shared, ZIP_NAME)
    raw = open(path, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != ZIP_SHA256:
        sys.exit("%s: sha256 %s differs from the documented %s" % (path, digest, ZIP_SHA256))
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if re.match(r"EcoSpold01/EcoSpold_.*\.xml$", n)]
        if len(names) != 1:
            sys.exit("expected one EcoSpold XML in the zip, found %r" % names)
        root = ET.fromstring(z.read(names[0]))
    return [Process(ds) for ds in root.findall(NS + "dataset")], names[0]


class Converter:
    def __init__(self, processes):
        self.procs = processes
        self.cutoffs = collections.defaultdict(list)   # (reason, name, unit) -> [process ids]
        self.ambiguous = {}                            # (name, location) -> chosen process
        self.dropped_procs = []                        # (process, reason)
        self.stats = collections.Counter()
        self.fixes = []                                # (process, old input, new input, why)
        self.used_units = set()

    # ------------------------------------------------------------------ ids and flows
    def assign_ids(self):
        bad = [p for p in self.procs if unit_of(p.unit_src) is None or p.amount <= 0]
        for p in bad:
            self.dropped_procs.append((p, "reference unit '%s' unknown or amount <= 0" % p.unit_src))
        self.procs = [p for p in self.procs if p not in bad]
        for p in self.procs:
            p.unit, (p.dim, _) = unit_of(p.unit_src)
        self.by_name = collections.defaultdict(list)
        for p in self.procs:
            self.by_name[p.name].append(p)
        # product flows: one per (name, dimension)
        self.product_flows = {}
        for name, ps in sorted(self.by_name.items()):
            dims = sorted({p.dim for p in ps})
            for d in dims:
                fid = slug(name) if len(dims) == 1 else "%s-%s" % (slug(name), d)
                first = [p for p in ps if p.dim == d][0]
                self.product_flows[(name, d)] = (fid, name, first.unit)
        # distinct names with one slug ("Pulpwood, softwood, ..." and "Pulpwood; softwood; ..."):
        # the first in sorted order keeps the id, the others get -2, -3, ...
        clash = collections.defaultdict(list)
        for key in sorted(self.product_flows):
            clash[self.product_flows[key][0]].append(key)
        for fid, keys in clash.items():
            for i, key in enumerate(keys[1:], start=2):
                _, fname, unit = self.product_flows[key]
                self.product_flows[key] = ("%s-%d" % (fid, i), fname, unit)
                self.stats["product flow ids uniquified (names differing in punctuation)"] += 1
        for p in self.procs:
            p.flow = self.product_flows[(p.name, p.dim)][0]
        # process ids: slug(name)-slug(location); within a clash the preferred one keeps the
        # plain id and the others get their dataset number
        groups = collections.defaultdict(list)
        for p in self.procs:
            base = slug(p.name) + ("-" + slug(p.location) if p.location else "")
            groups[base].append(p)
        for base, ps in groups.items():
            best = max(ps, key=Process.preference)
            for p in ps:
                p.id = base if p is best else "%s-n%d" % (base, p.number)
        ids = [p.id for p in self.procs]
        assert len(ids) == len(set(ids)), "process ids not unique"
        self.by_id = {p.id: p for p in self.procs}

    # ------------------------------------------------------------------ linking
    def provider(self, consumer, name, dim, location):
        """The provider process of an input, or (None, reason)."""
        cands = self.by_name.get(name, [])
        if not cands:
            return None, "no process makes this product"
        cands = [c for c in cands if c.dim == dim]
        if not cands:
            return None, "unit dimension differs from every provider's reference unit"
        want = location or consumer.location
        local = [c for c in cands if c.location == want]
        if local:
            cands = local
        if len(cands) == 1:
            return cands[0], None
        best = max(cands, key=Process.preference)
        key = (name, best.location)
        self.ambiguous.setdefault(key, (best, len(cands)))
        return best, None

    def cut(self, reason, e, p):
        self.cutoffs[(reason, clean_text(e.get("name")), e.get("unit"))].append(p.id)

    def convert(self):
        """Build, per process, its exchanges in native terms."""
        self.elem = {}          # (name, comp, dim) -> dict(unit counts, cas counts)
        self.rows = {}          # process id -> list of exchanges (dicts)
        for p in self.procs:
            out = []
            seen_ref = False
            for e in p.exchanges:
                g = group_of(e)
                name = clean_text(e.get("name"))
                try:
                    amount = float(e.get("meanValue"))
                except (TypeError, ValueError):
                    self.cut("amount not a number", e, p)
                    continue
                if g == ("out", "0"):
                    if seen_ref:
                        self.cut("second reference output", e, p)
                    seen_ref = True
                    continue
                if g == ("out", "2"):
                    self.cut("by-product output (not modelled: no allocation in the source, "
                             "burdens stay with the reference product)", e, p)
                    continue
                u = unit_of(e.get("unit"))
                if u is None:
                    self.cut("unknown unit", e, p)
                    continue
                unit, (dim, _) = u
                if amount == 0:
                    self.stats["zero exchanges dropped"] += 1
                    continue
                if g in (("in", "5"), ("out", "3")):
                    fix = RELINK.get((p.number, name))
                    if fix:
                        self.fixes.append((p, name, fix[0], fix[1]))
                        name = fix[0]
                    prov, why = self.provider(p, name, dim, clean_text(e.get("location")))
                    if prov is None:
                        what = "waste to treatment" if g[0] == "out" else "input"
                        self.cut("%s: %s" % (what, why), e, p)
                        continue
                    out.append(dict(dir="input", kind="product", flow=prov.flow, provider=prov.id,
                                    amount=amount, unit=unit, dim=dim, unc=uncertainty(e, amount)))
                elif g[1] == "4":
                    comp = compartment(g[0] == "in", e.get("category"), e.get("subCategory"))
                    if comp is None:
                        self.cut("unknown compartment %s/%s" % (e.get("category"),
                                                                 e.get("subCategory")), e, p)
                        continue
                    key = (name, comp, dim)
                    info = self.elem.setdefault(key, dict(units=collections.Counter(),
                                                          cas=collections.Counter()))
                    info["units"][unit] += 1
                    cas = norm_cas(e.get("CASNumber"))
                    if cas:
                        info["cas"][cas] += 1
                    out.append(dict(dir="input" if g[0] == "in" else "output", kind="elementary",
                                    key=key, amount=amount, unit=unit, dim=dim,
                                    unc=uncertainty(e, amount)))
                else:
                    self.cut("unknown exchange group %s %s" % g, e, p)
            self.rows[p.id] = out

    def elementary_ids(self):
        by_nc = collections.defaultdict(list)
        for (name, comp, dim) in self.elem:
            by_nc[(name, comp)].append(dim)
        self.elem_flows = {}
        for key, info in self.elem.items():
            name, comp, dim = key
            unit = sorted(info["units"].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            base = slug(name)
            if len(by_nc[(name, comp)]) > 1:
                base += "-" + slug(unit)
            cas = sorted(info["cas"].items(), key=lambda kv: (-kv[1], kv[0]))[0][0] \
                if info["cas"] else None
            self.elem_flows[key] = dict(id="%s@%s" % (base, comp), name=name, comp=comp,
                                        unit=unit, cas=cas)
        # distinct names with one slug (e.g. "HAPs" and "HAPS"): the first name in sorted
        # order keeps the id, the others get -2, -3, ...
        clash = collections.defaultdict(list)
        for key in sorted(self.elem_flows):
            clash[self.elem_flows[key]["id"]].append(key)
        for fid, keys in clash.items():
            for i, key in enumerate(keys[1:], start=2):
                base, comp = fid.rsplit("@", 1)
                self.elem_flows[key]["id"] = "%s-%d@%s" % (base, i, comp)
                self.stats["elementary ids uniquified (names differing only in case)"] += 1
        ids = [f["id"] for f in self.elem_flows.values()]
        assert len(ids) == len(set(ids)), "elementary flow ids not unique"

    def merge_duplicates(self):
        """Sum repeated exchanges of one flow (same direction, same provider) in a process.

        Merging subcompartments makes e.g. three 'Particulate matter' emissions of one truck one
        flow; one line per flow keeps the file small and unambiguous.  A merged line has no
        uncertainty (the parts' distributions do not combine into one of these families).
        """
        for pid, rows in self.rows.items():
            merged = collections.OrderedDict()
            for r in rows:
                fid = r["provider"] if r["kind"] == "product" else self.elem_flows[r["key"]]["id"]
                k = (r["dir"], fid)
                if k not in merged:
                    merged[k] = dict(r)
                    continue
                m = merged[k]
                fac = BUILTIN_UNITS.get(r["unit"], DECLARED_UNITS.get(r["unit"]))[1] / \
                    BUILTIN_UNITS.get(m["unit"], DECLARED_UNITS.get(m["unit"]))[1]
                m["amount"] += r["amount"] * fac
                m["unc"] = None
                self.stats["duplicate exchanges merged"] += 1
            self.rows[pid] = [m for m in merged.values() if m["amount"] != 0]

    # ------------------------------------------------------------------ matrix check
    def factor(self, unit):
        return BUILTIN_UNITS[unit][1] if unit in BUILTIN_UNITS else DECLARED_UNITS[unit][1]

    def technosphere(self):
        idx = {p.id: i for i, p in enumerate(self.procs)}
        n = len(self.procs)
        rows, cols, vals = [], [], []
        for p in self.procs:
            j = idx[p.id]
            rows.append(j); cols.append(j); vals.append(1.0)
            for r in self.rows[p.id]:
                if r["kind"] != "product":
                    continue
                q = self.by_id[r["provider"]]
                # input in q's reference unit, per reference amount of p
                amt = r["amount"] * self.factor(r["unit"]) / self.factor(q.unit) / p.amount
                rows.append(idx[q.id]); cols.append(j); vals.append(-amt)
        # columns divided by the reference amount: the diagonal is 1 (minus self-use);
        # duplicate (row, col) entries are summed by the constructor
        a = sp.csc_matrix((vals, (rows, cols)), shape=(n, n))
        return a

    def check_matrix(self):
        """Factorize A; drop the processes that make it singular until it factorizes."""
        while True:
            a = self.technosphere()
            diag = a.diagonal()
            bad = [self.procs[i] for i in np.nonzero(diag <= 0)[0]]
            if bad:
                for p in bad:
                    self.drop(p, "self-use >= reference amount (zero or negative diagonal)")
                continue
            try:
                lu = spla.splu(a)
            except RuntimeError as exc:
                raise SystemExit("technosphere matrix is singular: %s" % exc)
            rng = np.random.default_rng(12345)
            b = rng.random(a.shape[0])
            x = lu.solve(b)
            res = np.linalg.norm(a @ x - b) / np.linalg.norm(b)
            # the inverse must not be explosive either: L = A^-1 >= 0 expected for a sane LCI
            unit_x = lu.solve(np.ones(a.shape[0]))
            self.matrix_info = dict(n=a.shape[0], nnz=a.nnz, residual=res,
                                    max_scaling=float(np.max(np.abs(unit_x))),
                                    min_scaling=float(np.min(unit_x)))
            if res > 1e-10:
                raise SystemExit("technosphere solve residual %.3g too large" % res)
            return

    def drop(self, p, reason):
        self.dropped_procs.append((p, reason))
        self.procs = [q for q in self.procs if q is not p]
        del self.rows[p.id]
        del self.by_id[p.id]
        for q in self.procs:
            keep = []
            for r in self.rows[q.id]:
                if r["kind"] == "product" and r["provider"] == p.id:
                    self.cutoffs[("input: provider dropped (%s)" % p.id, p.name, r["unit"])] \
                        .append(q.id)
                else:
                    keep.append(r)
            self.rows[q.id] = keep

    # ------------------------------------------------------------------ output
    def write_inventory(self, path, src_name):
        used_units = set()
        lines = []
        for p in self.procs:
            used_units.add(p.unit)
            for r in self.rows[p.id]:
                used_units.add(r["unit"])
        for f in self.elem_flows.values():
            used_units.add(f["unit"])
        used_elem = set()
        for p in self.procs:
            for r in self.rows[p.id]:
                if r["kind"] == "elementary":
                    used_elem.add(self.elem_flows[r["key"]]["id"])
        used_products = {p.flow for p in self.procs}
        w = lines.append
        w('<?xml version="1.0" encoding="UTF-8"?>')
        w("<!-- USLCI FY21 Q3 (NREL/DOE U.S. Life Cycle Inventory Database), converted to the")
        w("     greenlca native inventory format by tools/convert_uslci.py from")
        w("     %s in %s (sha256 %s)." % (src_name, ZIP_NAME, ZIP_SHA256))
        w("     MODIFIED DATA: see PROVENANCE.md and LINKING.md in this folder for every change")
        w("     (linking by name, cut-offs, merged subcompartments, dropped by-products).")
        w("     The NREL/DOE Data Use Disclaimer Agreement in")
        w("     USLCI_DATA_USE_DISCLAIMER_AGREEMENT.md applies and must travel with every copy. -->")
        w('<inventory xmlns="urn:greenlca:inventory:1" id="uslci-fy21q3" version="2021.3">')
        for u in sorted(used_units):
            if u in DECLARED_UNITS:
                d, f = DECLARED_UNITS[u]
                w('  <unit name="%s" dimension="%s" factor="%s"/>' % (xml_attr(u), d, num(f)))
        for (name, d), (fid, fname, unit) in sorted(self.product_flows.items(),
                                                    key=lambda kv: kv[1][0]):
            if fid in used_products:
                w('  <flow id="%s" kind="product" name="%s" unit="%s"/>'
                  % (xml_attr(fid), xml_attr(fname), xml_attr(unit)))
        for f in sorted(self.elem_flows.values(), key=lambda f: f["id"]):
            if f["id"] not in used_elem:
                continue
            cas = ' cas="%s"' % f["cas"] if f["cas"] else ""
            w('  <flow id="%s" kind="elementary" name="%s" compartment="%s" unit="%s"%s/>'
              % (xml_attr(f["id"]), xml_attr(f["name"]), f["comp"], xml_attr(f["unit"]), cas))
        w("  <!-- Supplementary elementary flows, NOT from USLCI: refrigerant blends emitted by")
        w("       products (characterised in methods/ipcc-ar6-gwp100.method.xml). -->")
        for fid, name, comp in EXTRA_FLOWS:
            w('  <flow id="%s" kind="elementary" name="%s" compartment="%s" unit="kg"/>'
              % (fid, xml_attr(name), comp))
        for p in self.procs:
            flow_unit = self.product_flows[(p.name, p.dim)][2]
            unit = "" if p.unit == flow_unit else ' unit="%s"' % xml_attr(p.unit)
            loc = ' location="%s"' % xml_attr(p.location) if p.location else ""
            rows = self.rows[p.id]
            w('  <process id="%s" name="%s"%s product="%s" amount="%s"%s%s>'
              % (xml_attr(p.id), xml_attr(p.name), loc, xml_attr(p.flow), num(p.amount), unit,
                 "" if rows else "/"))
            for r in rows:
                if r["kind"] == "product":
                    q = self.by_id[r["provider"]]
                    fu = self.product_flows[(q.name, q.dim)][2]
                    attrs = 'flow="%s" amount="%s"' % (xml_attr(r["flow"]), num(r["amount"]))
                    if r["unit"] != fu:
                        attrs += ' unit="%s"' % xml_attr(r["unit"])
                    attrs += ' provider="%s"' % xml_attr(q.id)
                else:
                    f = self.elem_flows[r["key"]]
                    attrs = 'flow="%s" amount="%s"' % (xml_attr(f["id"]), num(r["amount"]))
                    if r["unit"] != f["unit"]:
                        attrs += ' unit="%s"' % xml_attr(r["unit"])
                tag = r["dir"]
                if r["unc"]:
                    u = " ".join('%s="%s"' % kv for kv in r["unc"])
                    w('    <%s %s><uncertainty %s/></%s>' % (tag, attrs, u, tag))
                else:
                    w("    <%s %s/>" % (tag, attrs))
            if rows:
                w("  </process>")
        w("</inventory>")
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(lines) + "\n")
        self.counts = dict(
            processes=len(self.procs), product_flows=len(used_products),
            elementary_flows=len(used_elem) + len(EXTRA_FLOWS),
            exchanges=sum(len(self.rows[p.id]) for p in self.procs),
            technosphere_exchanges=sum(1 for p in self.procs for r in self.rows[p.id]
                                       if r["kind"] == "product"),
            uncertain=sum(1 for p in self.procs for r in self.rows[p.id] if r["unc"]),
            declared_units=sorted(u for u in used_units if u in DECLARED_UNITS))

    def write_report(self, path, source_count, source_exchanges):
        c = self.counts
        cut_total = sum(len(v) for v in self.cutoffs.values())
        by_reason = collections.Counter()
        for (reason, _, _), v in self.cutoffs.items():
            by_reason[reason.split(":")[0] if reason.startswith(("input", "waste")) else reason] \
                += len(v)
        L = []
        w = L.append
        w("# USLCI linking report (generated)")
        w("")
        w("Generated by `tools/convert_uslci.py` on the USLCI FY21 Q3 EcoSpold 1 export; do not edit "
          "by hand, re-run the script. This report documents the modifications made to the USLCI "
          "data, as the NREL/DOE Data Use Disclaimer Agreement requires.")
        w("")
        w("## Counts")
        w("")
        w("| | count |")
        w("|---|---|")
        w("| source datasets (processes) | %d |" % source_count)
        w("| source exchanges (incl. reference outputs) | %d |" % source_exchanges)
        w("| processes written | %d |" % c["processes"])
        w("| processes dropped | %d |" % len(self.dropped_procs))
        w("| product flows | %d |" % c["product_flows"])
        w("| elementary flows (incl. %d supplementary refrigerant blends) | %d |"
          % (len(EXTRA_FLOWS), c["elementary_flows"]))
        w("| exchanges written (excl. reference products) | %d |" % c["exchanges"])
        w("| of which linked technosphere inputs | %d |" % c["technosphere_exchanges"])
        w("| of which with uncertainty | %d |" % c["uncertain"])
        w("| source exchanges cut off (listed below) | %d |" % cut_total)
        w("| distinct cut-off flows | %d |" % len(self.cutoffs))
        for k, v in sorted(self.stats.items()):
            w("| %s | %d |" % (k, v))
        w("| ambiguous provider names resolved by tie-break | %d |" % len(self.ambiguous))
        mi = self.matrix_info
        w("")
        w("Technosphere check (scipy.sparse.linalg.splu on A, %d x %d, %d non-zeros): factorized; "
          "relative residual of a random solve %.2e; the scaling vector for one unit of every "
          "process ranges %.3g .. %.3g." % (mi["n"], mi["n"], mi["nnz"], mi["residual"],
                                           mi["min_scaling"], mi["max_scaling"]))
        w("")
        w("Cut-offs by reason (source exchanges):")
        w("")
        for reason, n in sorted(by_reason.items(), key=lambda kv: -kv[1]):
            w("- %s: %d" % (reason, n))
        w("")
        w("## Rules")
        w("")
        w("- **Linking.** A technosphere input (EcoSpold inputGroup 5) or a waste sent to treatment "
          "(outputGroup 3, written as an `<input>` of the treatment service) is linked to the "
          "processes whose reference product has exactly the same name (whitespace collapsed). "
          "Candidates whose reference unit has another dimension are removed. If the exchange "
          "names a `location`, candidates with that geography are kept (else the consumer's "
          "own location is preferred); if none match, all stay. Among several remaining "
          "candidates the tie-break takes, in order: a dataset whose comment says it is the "
          "U.S. (or national) average; geography text 'US'/'United States'; the latest end of "
          "the time period; the lowest dataset number. Every such choice is listed below.")
        w("- **Cut-off.** An input or waste that no process makes (dummy, '(EXCL.)', ecoinvent "
          "names, land transformation written as a product), or whose unit is unknown or of "
          "another dimension, is cut off: removed from the consuming process and listed below.")
        w("- **By-products** (outputGroup 2) are removed: the source gives no allocation factors, "
          "so all burdens stay with the reference product. They are listed with the cut-offs.")
        w("- **Zero exchanges** are dropped; **repeated exchanges** of one flow in one process "
          "(after merging subcompartments) are summed into one line without uncertainty.")
        w("- **Elementary flows** get the id `slug(name)@compartment`: subcompartments are merged "
          "into `air`, `water`, `soil` (emissions) and `resource` (every input from nature). When "
          "one name and compartment come in units of different dimensions (Water in kg and m3), "
          "the unit is added to the id (`water-kg@resource`, `water-m3@resource`). The flow's "
          "unit is its most frequent unit; other units of the same dimension are converted by "
          "the reader (`unit` attribute on the exchange). CAS numbers are kept (leading zeros "
          "removed).")
        w("- **Units.** `Item(s)` is written `item`; declared in the file: %s. "
          "Exchanges in any other unit (e.g. `EUR 2000`) are cut off."
          % ", ".join("`%s` (%s, factor %s)" % (u, DECLARED_UNITS[u][0], num(DECLARED_UNITS[u][1]))
                      for u in sorted(DECLARED_UNITS)))
        w("- **Uncertainty.** EcoSpold 1 type 1 (lognormal, standardDeviation95 = GSD^2) becomes "
          "`lognormal gsd=sqrt(SD95)` when SD95 > 1 and the amount is positive (most USLCI "
          "entries have SD95 = 1, i.e. none); type 2 `normal sd=SD95/2`; type 3 `triangular` only "
          "when mostLikelyValue equals meanValue (the native mode is the amount) and "
          "min <= amount <= max; type 4 `uniform` when min <= amount <= max. Others are dropped.")
        w("- **Process ids** are `slug(name)-slug(location)`. When several processes share that id "
          "the one the tie-break prefers keeps it and the others get `-n<dataset number>`.")
        w("")
        w("## Processes dropped")
        w("")
        if not self.dropped_procs:
            w("None: the technosphere matrix factorized with every process.")
        for p, why in self.dropped_procs:
            w("- %s (dataset %d, %s): %s" % (p.name, p.number, p.location or "no location", why))
        w("")
        w("## Source errors fixed")
        w("")
        for p, old, new, why in self.fixes:
            w("- `%s` (dataset %d): input '%s' relinked to '%s': %s." % (p.id, p.number, old, new, why))
        if not self.fixes:
            w("None.")
        w("")
        w("## Ambiguous provider names (tie-break choices)")
        w("")
        w("| product name | location | candidates | chosen process | its geography / comment |")
        w("|---|---|---|---|---|")
        for (name, loc), (best, n) in sorted(self.ambiguous.items()):
            w("| %s | %s | %d | `%s` | %s |" % (name, loc, n, best.id,
                                                (best.geo_text or best.comment)[:90]
                                                .replace("|", "/")))
        w("")
        w("Processes sharing a name and location (pick a specific one by id in a product):")
        w("")
        groups = collections.defaultdict(list)
        for p in self.procs:
            groups[(p.name, p.location)].append(p)
        for (name, loc), ps in sorted(groups.items()):
            if len(ps) < 2:
                continue
            w("- %s (%s):" % (name, loc or "no location"))
            for p in sorted(ps, key=lambda p: p.id):
                desc = p.geo_text if p.geo_text not in ("", "US") else p.comment
                w("  - `%s`: %s (%s)" % (p.id, desc[:100].replace("|", "/"), p.end_year))
        w("")
        w("## Every cut-off")
        w("")
        w("| reason | flow name | unit | exchanges | consuming processes |")
        w("|---|---|---|---|---|")
        for (reason, name, unit), pids in sorted(self.cutoffs.items(),
                                                 key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
            uniq = sorted(set(pids))
            w("| %s | %s | %s | %d | %s |" % (reason, name.replace("|", "/"), unit, len(pids),
                                              ", ".join("`%s`" % x for x in uniq)))
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(L) + "\n")


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(__doc__)
    shared = argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = argv[2] if len(argv) == 3 else os.path.join(here, "..", "inventories", "data", "uslci")
    os.makedirs(outdir, exist_ok=True)
    procs, src_name = load(shared)
    source_count = len(procs)
    source_exchanges = sum(len(p.exchanges) for p in procs)
    c = Converter(procs)
    c.assign_ids()
    c.convert()
    c.elementary_ids()
    c.merge_duplicates()
    c.check_matrix()
    inv = os.path.join(outdir, "uslci.inventory.xml")
    c.write_inventory(inv, src_name)
    c.write_report(os.path.join(outdir, "LINKING.md"), source_count, source_exchanges)
    k = c.counts
    print("processes %d, product flows %d, elementary flows %d, exchanges %d "
          "(technosphere %d, with uncertainty %d), cut-off exchanges %d (%d distinct), "
          "dropped processes %d, file %.2f MB"
          % (k["processes"], k["product_flows"], k["elementary_flows"], k["exchanges"],
             k["technosphere_exchanges"], k["uncertain"],
             sum(len(v) for v in c.cutoffs.values()), len(c.cutoffs), len(c.dropped_procs),
             os.path.getsize(inv) / 1e6))
    print("matrix: %(n)d x %(n)d, nnz %(nnz)d, residual %(residual).2e, "
          "scaling %(min_scaling).3g..%(max_scaling).3g" % c.matrix_info)


if __name__ == "__main__":
    main(sys.argv)
