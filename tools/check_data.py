#!/usr/bin/python3
"""Check the bundled data and example products against FORMATS.md, independently of the C code.

Usage:
    /usr/bin/python3 tools/check_data.py [--lca] [REPO_ROOT]

Checks (standard library only):
- inventories/data/**/*.inventory.xml: only the elements and attributes FORMATS.md allows,
  numbers finite, ids unique, every unit known (built-in or declared) and in the flow's
  dimension, every provider and flow reference resolvable, product inputs naming a provider
  that makes that flow.
- inventories/data/methods/*.method.xml: allowed syntax; every factor's flow id exists in the
  bundled inventories as an elementary flow (absent flows are reported, as the engine counts
  them).
- examples/*.product.xml: allowed syntax; every process and flow id exists, material masses
  convert to the provider's reference unit (a mass), stage inputs convert to the provider's
  reference unit, emissions name elementary flows; the declare names the GB/T 32161 rules read
  are present with the right type for the product's category.
With --lca (needs numpy/scipy) it also computes each example's GWP100 by stage with a sparse
LU of the technosphere, as an independent cross-check of the engine's numbers.
Exit status 0 when everything passes, 1 otherwise (each problem printed as file: message).
"""

import glob
import math
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from glca_common import BUILTIN_UNITS  # noqa: E402

INV = "{urn:greenlca:inventory:1}"
MET = "{urn:greenlca:method:1}"
PRO = "{urn:greenlca:product:1}"
UNC_ATTRS = {"distribution", "gsd", "sd", "min", "max"}
STAGES = ("raw-materials", "production", "distribution", "use", "end-of-life")

BASIC = ["pollutant-discharge-compliant", "no-major-accident-3y", "quality-standards-met",
         "no-obsolete-equipment", "env-management-system", "quality-management-system",
         "energy-management-system"]
BOOL, NUM, STR = "bool", "number", "string"
CATEGORY_DECLARES = {
    "room-air-conditioner": {"apf": NUM, "cooling-capacity-w": NUM, "refrigerant": STR,
                             "refrigerant-gwp": NUM, "noise-indoor-db": NUM,
                             "recycling-info-in-manual": BOOL},
    "personal-computer": {"energy-grade": NUM, "standby-power-w": NUM,
                          "plastic-parts-marked": BOOL, "packaging-heavy-metal-free": BOOL},
    "television": {"energy-grade": NUM, "standby-power-w": NUM,
                   "plastic-parts-marked": BOOL, "packaging-heavy-metal-free": BOOL},
    "ceramic-tile": {"energy-kgce-per-m2": NUM, "recycled-raw-material-pct": NUM,
                     "radioactivity-internal-index": NUM, "radioactivity-external-index": NUM,
                     "particulate-mg-m3": NUM, "so2-mg-m3": NUM, "nox-mg-m3": NUM,
                     "thickness-mm": NUM, "water-absorption-pct": NUM},
}


class Checker:
    def __init__(self):
        self.problems = []
        self.units = dict(BUILTIN_UNITS)
        self.flows = {}       # id -> dict(kind, unit, compartment)
        self.procs = {}       # id -> dict(product, amount, unit, exchanges)

    def err(self, path, msg):
        self.problems.append("%s: %s" % (path, msg))

    def attrs(self, path, el, allowed, required=()):
        tag = el.tag.split("}")[-1]
        for a in el.attrib:
            if a not in allowed:
                self.err(path, "unknown attribute '%s' on <%s>" % (a, tag))
        for a in required:
            if a not in el.attrib:
                self.err(path, "missing required attribute '%s' on <%s>" % (a, tag))

    def number(self, path, el, name, required=True, positive=False):
        v = el.get(name)
        if v is None:
            if required:
                self.err(path, "missing number '%s'" % name)
            return None
        try:
            x = float(v)
        except ValueError:
            self.err(path, "'%s' is not a number: %r" % (name, v))
            return None
        if not math.isfinite(x) or (positive and x <= 0):
            self.err(path, "'%s' must be finite%s: %r" % (name, " and > 0" if positive else "", v))
            return None
        return x

    def dim(self, unit):
        return self.units[unit][0] if unit in self.units else None

    def ratio(self, frm, to):
        """How many `to` one `frm` is, or None across dimensions / unknown units."""
        if self.dim(frm) is None or self.dim(frm) != self.dim(to):
            return None
        return self.units[frm][1] / self.units[to][1]

    def uncertainty(self, path, parent):
        kids = list(parent)
        for k in kids:
            if k.tag != parent.tag.split("}")[0] + "}uncertainty":
                self.err(path, "unexpected <%s> in <%s>" % (k.tag.split("}")[-1], parent.tag))
                continue
            self.attrs(path, k, UNC_ATTRS, ("distribution",))
            need = {"lognormal": ("gsd",), "normal": ("sd",), "triangular": ("min", "max"),
                    "uniform": ("min", "max")}.get(k.get("distribution"))
            if need is None:
                self.err(path, "unknown distribution %r" % k.get("distribution"))
                continue
            for a in need:
                self.number(path, k, a)
        if len(kids) > 1:
            self.err(path, "more than one <uncertainty>")

    # ------------------------------------------------------------------ inventories
    def read_inventory(self, path):
        root = ET.parse(path).getroot()
        if root.tag != INV + "inventory":
            self.err(path, "root is not <inventory> of urn:greenlca:inventory:1")
            return
        self.attrs(path, root, {"id", "version"}, ("id",))
        for el in root:
            tag = el.tag
            if tag == INV + "unit":
                self.attrs(path, el, {"name", "dimension", "factor"}, ("name", "dimension", "factor"))
                f = self.number(path, el, "factor", positive=True)
                name, d = el.get("name"), el.get("dimension")
                if name in self.units and self.units[name] != (d, f):
                    self.err(path, "unit %s redeclared differently" % name)
                if d not in {v[0] for v in self.units.values()} and f != 1:
                    self.err(path, "new dimension %s needs factor 1" % d)
                self.units[name] = (d, f)
            elif tag == INV + "flow":
                self.attrs(path, el, {"id", "kind", "name", "compartment", "unit", "cas"},
                           ("id", "kind", "unit"))
                fid = el.get("id")
                if fid in self.flows:
                    self.err(path, "duplicate flow id %s" % fid)
                if el.get("kind") not in ("product", "elementary"):
                    self.err(path, "flow %s: bad kind %r" % (fid, el.get("kind")))
                if self.dim(el.get("unit")) is None:
                    self.err(path, "flow %s: unknown unit %r" % (fid, el.get("unit")))
                self.flows[fid] = dict(kind=el.get("kind"), unit=el.get("unit"),
                                       compartment=el.get("compartment"), name=el.get("name"))
            elif tag == INV + "process":
                self.attrs(path, el, {"id", "name", "location", "product", "amount", "unit"},
                           ("id", "product", "amount"))
                pid = el.get("id")
                if pid in self.procs:
                    self.err(path, "duplicate process id %s" % pid)
                ex = []
                for x in el:
                    if x.tag not in (INV + "input", INV + "output"):
                        self.err(path, "process %s: unexpected <%s>" % (pid, x.tag))
                        continue
                    self.attrs(path, x, {"flow", "amount", "unit", "provider"}, ("flow", "amount"))
                    self.uncertainty(path, x)
                    ex.append(dict(dir=x.tag.split("}")[-1], flow=x.get("flow"),
                                   amount=self.number(path, x, "amount"), unit=x.get("unit"),
                                   provider=x.get("provider")))
                self.procs[pid] = dict(product=el.get("product"), unit=el.get("unit"),
                                       amount=self.number(path, el, "amount", positive=True),
                                       exchanges=ex, path=path, name=el.get("name"))
            else:
                self.err(path, "unexpected <%s> in <inventory>" % tag)

    def link_inventories(self):
        producers = {}
        for pid, p in self.procs.items():
            f = self.flows.get(p["product"])
            if f is None or f["kind"] != "product":
                self.err(p["path"], "process %s: product %r is not a product flow" % (pid, p["product"]))
                continue
            p["unit"] = p["unit"] or f["unit"]
            if self.ratio(p["unit"], f["unit"]) is None:
                self.err(p["path"], "process %s: unit %s not of flow %s's dimension" % (pid, p["unit"], p["product"]))
            producers.setdefault(p["product"], []).append(pid)
        for pid, p in self.procs.items():
            for x in p["exchanges"]:
                f = self.flows.get(x["flow"])
                if f is None:
                    self.err(p["path"], "process %s: unknown flow %s" % (pid, x["flow"]))
                    continue
                unit = x["unit"] or f["unit"]
                if self.ratio(unit, f["unit"]) is None:
                    self.err(p["path"], "process %s: unit %s does not convert to %s (flow %s)"
                             % (pid, unit, f["unit"], x["flow"]))
                if f["kind"] == "product":
                    if x["dir"] != "input":
                        self.err(p["path"], "process %s: product flow %s as output" % (pid, x["flow"]))
                    prov = x["provider"]
                    if prov is None:
                        cands = producers.get(x["flow"], [])
                        if len(cands) != 1:
                            self.err(p["path"], "process %s: input %s has %d producers and no provider"
                                     % (pid, x["flow"], len(cands)))
                    elif prov not in self.procs or self.procs[prov]["product"] != x["flow"]:
                        self.err(p["path"], "process %s: provider %s does not make %s" % (pid, prov, x["flow"]))
                elif x["provider"] is not None:
                    self.err(p["path"], "process %s: provider on elementary flow %s" % (pid, x["flow"]))

    # ------------------------------------------------------------------ methods
    def read_method(self, path):
        root = ET.parse(path).getroot()
        if root.tag != MET + "method":
            self.err(path, "root is not <method> of urn:greenlca:method:1")
            return {}
        self.attrs(path, root, {"id", "name", "version"}, ("id",))
        cats = {}
        absent = 0
        for c in root:
            if c.tag != MET + "category":
                self.err(path, "unexpected <%s>" % c.tag)
                continue
            self.attrs(path, c, {"id", "name", "unit"}, ("id",))
            cf = {}
            for f in c:
                if f.tag != MET + "factor":
                    self.err(path, "unexpected <%s>" % f.tag)
                    continue
                self.attrs(path, f, {"flow", "value", "unit"}, ("flow", "value"))
                v = self.number(path, f, "value")
                fl = self.flows.get(f.get("flow"))
                if fl is None:
                    absent += 1
                    self.err(path, "factor for flow %s absent from the bundled inventories" % f.get("flow"))
                    continue
                if fl["kind"] != "elementary":
                    self.err(path, "factor for non-elementary flow %s" % f.get("flow"))
                r = 1.0 if f.get("unit") is None else self.ratio(fl["unit"], f.get("unit"))
                if r is None:
                    self.err(path, "factor unit %s does not convert from %s" % (f.get("unit"), fl["unit"]))
                    continue
                if f.get("flow") in cf:
                    self.err(path, "two factors for %s in %s" % (f.get("flow"), c.get("id")))
                cf[f.get("flow")] = v * r   # per flow reference unit
            cats[c.get("id")] = cf
        return cats

    # ------------------------------------------------------------------ products
    def read_product(self, path):
        root = ET.parse(path).getroot()
        if root.tag != PRO + "product":
            self.err(path, "root is not <product> of urn:greenlca:product:1")
            return None
        self.attrs(path, root, {"id", "name", "category", "functional-unit"}, ("id",))
        prod = dict(id=root.get("id"), category=root.get("category"), declares={},
                    lines=[], materials=[])

        def exchange_line(stage, el):
            tag = el.tag.split("}")[-1]
            if tag == "input":
                self.attrs(path, el, {"process", "amount", "unit"}, ("process", "amount"))
                pid = el.get("process")
                p = self.procs.get(pid)
                amt = self.number(path, el, "amount")
                if p is None:
                    self.err(path, "<input process=%r>: no such process" % pid)
                    return
                unit = el.get("unit") or p["unit"]
                r = self.ratio(unit, p["unit"])
                if r is None:
                    self.err(path, "<input process=%r unit=%r>: does not convert to %s"
                             % (pid, unit, p["unit"]))
                    return
                prod["lines"].append((stage, "process", pid, amt * r))
            elif tag == "emission":
                self.attrs(path, el, {"flow", "amount", "unit"}, ("flow", "amount"))
                f = self.flows.get(el.get("flow"))
                amt = self.number(path, el, "amount")
                if f is None or f["kind"] != "elementary":
                    self.err(path, "<emission flow=%r>: no such elementary flow" % el.get("flow"))
                    return
                r = self.ratio(el.get("unit") or f["unit"], f["unit"])
                if r is None:
                    self.err(path, "<emission flow=%r>: unit does not convert" % el.get("flow"))
                    return
                prod["lines"].append((stage, "flow", el.get("flow"), amt * r))
            else:
                self.err(path, "unexpected <%s> in <%s>" % (tag, stage))
                return
            self.uncertainty(path, el)

        def component(el, mult):
            self.attrs(path, el, {"id", "name", "quantity"}, ("id",))
            q = self.number(path, el, "quantity", required=False)
            q = 1.0 if q is None else q
            for k in el:
                walk(k, mult * q)

        def material(el, mult):
            self.attrs(path, el, {"id", "name", "process", "mass", "unit", "recyclable",
                                  "recycled-content"}, ("id", "process", "mass"))
            for b in ("recyclable",):
                if el.get(b) not in (None, "true", "false"):
                    self.err(path, "material %s: %s must be true/false" % (el.get("id"), b))
            rc = self.number(path, el, "recycled-content", required=False)
            if rc is not None and not 0 <= rc <= 1:
                self.err(path, "material %s: recycled-content outside 0..1" % el.get("id"))
            mass = self.number(path, el, "mass")
            unit = el.get("unit") or "kg"
            pid = el.get("process")
            p = self.procs.get(pid)
            if p is None:
                self.err(path, "material %s: no such process %r" % (el.get("id"), pid))
            elif self.dim(p["unit"]) != "mass":
                self.err(path, "material %s: provider %s's reference unit %s is not a mass"
                         % (el.get("id"), pid, p["unit"]))
            elif self.ratio(unit, p["unit"]) is None:
                self.err(path, "material %s: unit %s is not a mass" % (el.get("id"), unit))
            elif mass is not None:
                kg = mass * self.ratio(unit, "kg") * mult
                prod["lines"].append(("raw-materials", "process", pid,
                                      mass * self.ratio(unit, p["unit"]) * mult))
                prod["materials"].append(dict(kg=kg, recyclable=el.get("recyclable") == "true",
                                              recycled=rc or 0.0))
            for s in el:
                if s.tag != PRO + "substance":
                    self.err(path, "unexpected <%s> in <material>" % s.tag)
                    continue
                self.attrs(path, s, {"cas", "name", "ppm"}, ("cas", "ppm"))
                ppm = self.number(path, s, "ppm")
                if ppm is not None and not 0 <= ppm <= 1e6:
                    self.err(path, "substance ppm outside 0..1e6")

        def walk(el, mult):
            tag = el.tag.split("}")[-1]
            if tag == "component":
                component(el, mult)
            elif tag == "material":
                material(el, mult)
            else:
                self.err(path, "unexpected <%s> in a component" % tag)

        seen_stage = set()
        for el in root:
            tag = el.tag.split("}")[-1]
            if el.tag == PRO + "declare":
                self.attrs(path, el, {"name", "value", "unit"}, ("name", "value"))
                if el.get("name") in prod["declares"]:
                    self.err(path, "declare %s twice" % el.get("name"))
                prod["declares"][el.get("name")] = el.get("value")
            elif el.tag == PRO + "component":
                component(el, 1.0)
            elif el.tag == PRO + "material":
                material(el, 1.0)
            elif tag in STAGES and el.tag == PRO + tag:
                self.attrs(path, el, set())
                if tag in seen_stage:
                    self.err(path, "stage <%s> twice" % tag)
                seen_stage.add(tag)
                for x in el:
                    exchange_line(tag, x)
            else:
                self.err(path, "unexpected <%s> in <product>" % tag)
        self.check_declares(path, prod)
        return prod

    def check_declares(self, path, prod):
        want = {n: BOOL for n in BASIC}
        cat = prod["category"]
        if cat not in CATEGORY_DECLARES:
            self.err(path, "category %r has no declared-attribute list in check_data.py" % cat)
        want.update(CATEGORY_DECLARES.get(cat, {}))
        for name, kind in want.items():
            v = prod["declares"].get(name)
            if v is None:
                self.err(path, "declare %s missing" % name)
            elif kind == BOOL and v not in ("true", "false"):
                self.err(path, "declare %s must be true/false, not %r" % (name, v))
            elif kind == NUM:
                try:
                    float(v)
                except ValueError:
                    self.err(path, "declare %s must be a number, not %r" % (name, v))

    # ------------------------------------------------------------------ optional LCA
    def lca(self, method, prods):
        import numpy as np
        import scipy.sparse as sp
        import scipy.sparse.linalg as spla
        pids = sorted(self.procs)
        idx = {p: i for i, p in enumerate(pids)}
        fids = sorted(f for f, v in self.flows.items() if v["kind"] == "elementary")
        fidx = {f: i for i, f in enumerate(fids)}
        ar, ac, av, br, bc, bv = [], [], [], [], [], []
        producers = {}
        for pid, p in self.procs.items():
            producers.setdefault(p["product"], []).append(pid)
        for pid, p in self.procs.items():
            j = idx[pid]
            ref = p["amount"]
            ar.append(j); ac.append(j); av.append(1.0)
            for x in p["exchanges"]:
                f = self.flows[x["flow"]]
                if f["kind"] == "product":
                    q = x["provider"] or producers[x["flow"]][0]
                    amt = x["amount"] * self.ratio(x["unit"] or f["unit"], self.procs[q]["unit"])
                    ar.append(idx[q]); ac.append(j); av.append(-amt / ref)
                else:
                    amt = x["amount"] * self.ratio(x["unit"] or f["unit"], f["unit"])
                    br.append(fidx[x["flow"]]); bc.append(j); bv.append(amt / ref)
        n = len(pids)
        A = sp.csc_matrix((av, (ar, ac)), shape=(n, n))
        B = sp.csr_matrix((bv, (br, bc)), shape=(len(fids), n))
        lu = spla.splu(A)
        results = {}
        for cat, cf in method.items():
            c = np.zeros(len(fids))
            for f, v in cf.items():
                c[fidx[f]] = v
            lam = lu.solve(np.asarray(B.T @ c).ravel(), trans="T")   # lambda = c B A^-1
            for prod in prods:
                stages = {s: 0.0 for s in STAGES}
                for stage, kind, ref, amt in prod["lines"]:
                    stages[stage] += amt * (lam[idx[ref]] if kind == "process" else c[fidx[ref]])
                results[(prod["id"], cat)] = stages
        self.lam = {p: lam[i] for p, i in idx.items()}
        return results


def main(argv):
    args = [a for a in argv[1:] if a != "--lca"]
    root = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    ck = Checker()
    invs = sorted(glob.glob(os.path.join(root, "inventories/data/**/*.inventory.xml"), recursive=True))
    for p in invs:
        ck.read_inventory(p)
    ck.link_inventories()
    methods = {}
    for p in sorted(glob.glob(os.path.join(root, "inventories/data/methods/*.method.xml"))):
        methods[os.path.basename(p)] = ck.read_method(p)
    prods = []
    for p in sorted(glob.glob(os.path.join(root, "examples/*.product.xml"))):
        pr = ck.read_product(p)
        if pr:
            prods.append(pr)
    nelem = sum(1 for f in ck.flows.values() if f["kind"] == "elementary")
    print("inventories %d: processes %d, flows %d (%d elementary), units %d; methods %d; "
          "products %d" % (len(invs), len(ck.procs), len(ck.flows), nelem, len(ck.units),
                           len(methods), len(prods)))
    for pr in prods:
        kg = sum(m["kg"] for m in pr["materials"])
        rec = sum(m["kg"] for m in pr["materials"] if m["recyclable"]) / kg if kg else 0
        print("  %s: %d materials, %.3f kg, recyclable share %.3f" % (pr["id"], len(pr["materials"]), kg, rec))
    if "--lca" in argv and not ck.problems:
        for mname, cats in methods.items():
            res = ck.lca(cats, prods)
            for (pid, cat), st in sorted(res.items()):
                print("  %s %s/%s: total %.6g  " % (pid, mname, cat, sum(st.values())) +
                      "  ".join("%s %.6g" % kv for kv in st.items()))
    for msg in ck.problems:
        print(msg)
    print("OK" if not ck.problems else "%d problem(s)" % len(ck.problems))
    return 0 if not ck.problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
