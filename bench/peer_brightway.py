#!/usr/bin/python3
"""Peer baseline: greenlca's computation done the way Brightway does it, in numpy/scipy.

Reads the native files of FORMATS.md (inventory, method, product or catalog), builds the
technosphere A, the interventions B and the characterization C exactly as FORMATS.md says
(unit conversion with built-in and declared units, providers, self-use, columns divided by the
reference amount), factorizes A once with scipy.sparse.linalg.splu (SuperLU on CSC, what
bw2calc falls back to without UMFPACK), then for every product builds its demand and solves.

Brightway runs one LCA (one solve) per functional unit.  greenlca reports impacts by life-cycle
stage, so the peer solves one right-hand side per stage: one splu.solve call per product with a
5-column right-hand side (stages without lines give zero columns), which is the fairest
equivalent.  h[stage] = C·B·s[stage] + C·direct[stage].

Column ordering: bw2calc calls scipy's factorized(), i.e. splu with COLAMD, when pypardiso is
not installed.  On LCA matrices with hub rows (electricity, transport consumed by thousands of
processes) COLAMD fills the LU almost completely (measured on gen_synthetic data: 4 s for 5000
processes, minutes for 20000), while PARDISO's nested dissection does not.  To give the peer a
factorization as good as Brightway's usual one, it defaults to --permc NATURAL, which on files
that list processes upstream first (as gen_synthetic writes them) is a near-triangular order
with little fill.  That favours the peer; --permc COLAMD reproduces plain scipy.

Usage:
  peer_brightway.py --data DIR [--limit N] [--out results.csv] [--time-only]
  peer_brightway.py --inventory I.xml [--inventory ...] --method M.xml --catalog C.xml [...]
  peer_brightway.py --data DIR --montecarlo N [--seed S] [--product ID]

Prints "peer_brightway products=N seconds=T rate=R/s factor_seconds=F ..." (seconds and rate
cover the products: reading each product from the catalog, building its demand, solving,
characterizing; factor_seconds is the one-off splu) or, with --montecarlo,
"peer_mc draws=N seconds=T rate=R/s ...": per draw every uncertain background exchange is
sampled, A and B rebuilt, A refactorized and one product solved (the naive way, as Brightway's
MonteCarloLCA does); the product's own uncertain inputs and emissions are sampled too.  The results CSV has the columns of greenlca's writer:
product,category,unit,stage,value with 17 significant digits, stages plus "total".
"""

import argparse
import itertools
import math
import os
import sys
import time
import xml.etree.ElementTree as ET

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

NS_INV = "{urn:greenlca:inventory:1}"
NS_MET = "{urn:greenlca:method:1}"
NS_PROD = "{urn:greenlca:product:1}"
NS_CAT = "{urn:greenlca:catalog:1}"
STAGES = ["raw-materials", "production", "distribution", "use", "end-of-life"]
STAGE_INDEX = {name: i for i, name in enumerate(STAGES)}

# FORMATS.md "Units": dimension -> {unit: how many base units one of it is}.  The year (a, year)
# is left out on purpose: the spec does not say how long a year is, so a peer must not guess;
# seconds, hours and days are unambiguous (the bundled USLCI data uses h).
BUILTIN_UNITS = {
    "mass": {"kg": 1.0, "g": 1e-3, "mg": 1e-6, "t": 1e3, "lb": 0.45359237},
    "energy": {"J": 1.0, "kJ": 1e3, "MJ": 1e6, "GJ": 1e9, "Wh": 3600.0, "kWh": 3.6e6,
               "MWh": 3.6e9},
    "length": {"m": 1.0, "cm": 1e-2, "mm": 1e-3, "km": 1e3},
    "area": {"m2": 1.0},
    "volume": {"m3": 1.0, "l": 1e-3, "ml": 1e-6},
    "transport": {"kg*km": 1.0, "t*km": 1e3},
    "count": {"unit": 1.0, "piece": 1.0, "item": 1.0, "p": 1.0},
    "radioactivity": {"Bq": 1.0, "kBq": 1e3},
    "time": {"s": 1.0, "h": 3600.0, "d": 86400.0},
}


class InputError(Exception):
    """Something in the input that FORMATS.md says is an error."""


def number(text, what):
    try:
        x = float(text)
    except (TypeError, ValueError):
        raise InputError("%s: not a number: %r" % (what, text))
    if not math.isfinite(x):
        raise InputError("%s: not finite: %r" % (what, text))
    return x


def required(el, name, where):
    v = el.get(name)
    if v is None:
        raise InputError("%s: <%s> lacks %s" % (where, el.tag.split("}")[-1], name))
    return v


class Units:
    def __init__(self):
        self.table = {}
        self.dims = set(BUILTIN_UNITS)
        for dim, units in BUILTIN_UNITS.items():
            for name, factor in units.items():
                self.table[name] = (dim, factor)

    def declare(self, name, dim, factor, where):
        if dim not in self.dims:
            if factor != 1.0:
                raise InputError("%s: unit %s creates dimension %s, so its factor must be 1"
                                 % (where, name, dim))
            self.dims.add(dim)
        old = self.table.get(name)
        if old is not None and old != (dim, factor):
            raise InputError("%s: unit %s redeclared differently" % (where, name))
        self.table[name] = (dim, factor)

    def ratio(self, frm, to, where):
        """How many `to` one `frm` is."""
        a = self.table.get(frm)
        b = self.table.get(to)
        if a is None or b is None:
            raise InputError("%s: unknown unit %s" % (where, frm if a is None else to))
        if a[0] != b[0]:
            raise InputError("%s: cannot convert %s (%s) to %s (%s)" % (where, frm, a[0], to, b[0]))
        return a[1] / b[1]

    def dimension(self, name, where):
        if name not in self.table:
            raise InputError("%s: unknown unit %s" % (where, name))
        return self.table[name][0]


def read_uncertainty(el, amount, where):
    """(kind, a, b) of an exchange's <uncertainty> child, or None."""
    u = None
    for child in el:
        if child.tag.endswith("}uncertainty"):
            u = child
    if u is None:
        return None
    dist = required(u, "distribution", where)
    if dist == "lognormal":
        gsd = number(required(u, "gsd", where), where + " gsd")
        if gsd < 1:
            raise InputError("%s: gsd below 1" % where)
        return ("lognormal", gsd, 0.0)
    if dist == "normal":
        return ("normal", number(required(u, "sd", where), where + " sd"), 0.0)
    if dist in ("triangular", "uniform"):
        lo = number(required(u, "min", where), where + " min")
        hi = number(required(u, "max", where), where + " max")
        if not lo <= hi or (dist == "triangular" and not lo <= amount <= hi):
            raise InputError("%s: %s min/max do not bracket the amount" % (where, dist))
        return (dist, lo, hi)
    raise InputError("%s: unknown distribution %s" % (where, dist))


class Background:
    """Flows, processes and exchanges of one or more inventories, then A, B and C."""

    def __init__(self):
        self.units = Units()
        self.flows = {}          # id -> (kind, unit)
        self.procs = []          # (id, product flow, amount, unit or None)
        self.exchanges = []      # (process index, direction, flow, amount, unit, provider, unc, where)

    def read_inventory(self, path):
        root = None
        proc = None
        for event, el in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                if root is None:
                    root = el
                    if el.tag != NS_INV + "inventory":
                        raise InputError("%s: not an inventory (root %s)" % (path, el.tag))
                elif el.tag == NS_INV + "process":
                    proc = len(self.procs)
                    where = "%s: process %s" % (path, el.get("id"))
                    self.procs.append((required(el, "id", where), required(el, "product", where),
                                       number(required(el, "amount", where), where + " amount"),
                                       el.get("unit")))
                    if self.procs[-1][2] <= 0:
                        raise InputError("%s: reference amount must be > 0" % where)
                continue
            tag = el.tag
            if tag == NS_INV + "unit":
                where = "%s: unit %s" % (path, el.get("name"))
                self.units.declare(required(el, "name", where), required(el, "dimension", where),
                                   number(required(el, "factor", where), where), where)
            elif tag == NS_INV + "flow":
                where = "%s: flow %s" % (path, el.get("id"))
                fid = required(el, "id", where)
                kind = required(el, "kind", where)
                if kind not in ("product", "elementary"):
                    raise InputError("%s: kind must be product or elementary" % where)
                if fid in self.flows:
                    raise InputError("%s: duplicate flow id" % where)
                self.flows[fid] = (kind, required(el, "unit", where))
            elif tag in (NS_INV + "input", NS_INV + "output"):
                where = "%s: process %s, flow %s" % (path, self.procs[proc][0], el.get("flow"))
                amount = number(required(el, "amount", where), where + " amount")
                self.exchanges.append((proc, tag[len(NS_INV):], required(el, "flow", where),
                                       amount, el.get("unit"), el.get("provider"),
                                       read_uncertainty(el, amount, where), where))
            elif tag == NS_INV + "process":
                proc = None
                root.clear()  # processed: keep memory flat

    def link(self, method_path):
        """Resolve references and units; build A, B (CSC) and C (dense), per FORMATS.md."""
        units = self.units
        for fid, (kind, unit) in self.flows.items():
            units.dimension(unit, "flow %s" % fid)
        self.pindex = {}
        producers = {}
        for i, (pid, prod, _, _) in enumerate(self.procs):
            if pid in self.pindex:
                raise InputError("duplicate process id %s" % pid)
            self.pindex[pid] = i
            if prod not in self.flows or self.flows[prod][0] != "product":
                raise InputError("process %s: reference product %s is not a product flow"
                                 % (pid, prod))
            producers.setdefault(prod, []).append(i)
        self.eflows = [f for f, (kind, _) in self.flows.items() if kind == "elementary"]
        self.eindex = {f: i for i, f in enumerate(self.eflows)}
        n, m = len(self.procs), len(self.eflows)
        # reference amount of each process in its flow's unit, and that unit
        self.punit = []
        ref = np.empty(n)
        for i, (pid, prod, amount, unit) in enumerate(self.procs):
            funit = self.flows[prod][1]
            ref[i] = amount * units.ratio(unit or funit, funit, "process %s" % pid)
            self.punit.append(funit)
        self.ref = ref
        # uncertain-exchange arrays, kept for Monte Carlo: value = sampled written amount * conv
        a_rows, a_cols, a_amt, a_conv, a_unc = [], [], [], [], []
        b_rows, b_cols, b_amt, b_conv, b_unc = [], [], [], [], []
        for (p, direction, fid, amount, unit, provider, unc, where) in self.exchanges:
            if fid not in self.flows:
                raise InputError("%s: unknown flow" % where)
            kind, funit = self.flows[fid]
            conv = units.ratio(unit or funit, funit, where) / ref[p]
            if kind == "product":
                if direction != "input":
                    raise InputError("%s: a product flow can only be an input" % where)
                if provider is not None:
                    q = self.pindex.get(provider)
                    if q is None:
                        raise InputError("%s: unknown provider %s" % (where, provider))
                    if self.procs[q][1] != fid:
                        raise InputError("%s: provider %s does not make %s" % (where, provider, fid))
                else:
                    cands = producers.get(fid, [])
                    if len(cands) != 1:
                        raise InputError("%s: %d providers (%s)" % (
                            where, len(cands), ", ".join(self.procs[c][0] for c in cands)))
                    q = cands[0]
                a_rows.append(q)
                a_cols.append(p)
                a_amt.append(amount)
                a_conv.append(-conv)
                a_unc.append(unc)
            else:
                b_rows.append(self.eindex[fid])
                b_cols.append(p)
                b_amt.append(amount)
                b_conv.append(conv)
                b_unc.append(unc)
        self.n, self.m = n, m
        self.a_rows = np.array(a_rows + list(range(n)), dtype=np.int64)
        self.a_cols = np.array(a_cols + list(range(n)), dtype=np.int64)
        self.a_amt = np.array(a_amt + [1.0] * n)     # diagonal: reference amount / itself
        self.a_conv = np.array(a_conv + [1.0] * n)
        self.a_unc = a_unc + [None] * n
        self.b_rows = np.array(b_rows, dtype=np.int64)
        self.b_cols = np.array(b_cols, dtype=np.int64)
        self.b_amt = np.array(b_amt)
        self.b_conv = np.array(b_conv)
        self.b_unc = b_unc
        # sparse constructors sum duplicates: self-use lands on the diagonal as ref - input
        self.A = sp.csc_matrix((self.a_amt * self.a_conv, (self.a_rows, self.a_cols)), shape=(n, n))
        self.B = sp.csc_matrix((self.b_amt * self.b_conv, (self.b_rows, self.b_cols)), shape=(m, n))
        self.read_method(method_path)

    def read_method(self, path):
        cats, factors = [], []
        for _, el in ET.iterparse(path, events=("end",)):
            if el.tag == NS_MET + "category":
                where = "%s: category %s" % (path, el.get("id"))
                cats.append((required(el, "id", where), el.get("unit", "")))
                for f in el:
                    if f.tag != NS_MET + "factor":
                        continue
                    w = "%s, factor %s" % (where, f.get("flow"))
                    factors.append((len(cats) - 1, required(f, "flow", w),
                                    number(required(f, "value", w), w), f.get("unit"), w))
                el.clear()
        self.categories = cats
        k = len(cats)
        C = np.zeros((k, self.m))
        seen = set()
        self.unmatched = 0
        for c, fid, value, unit, where in factors:
            j = self.eindex.get(fid)
            if j is None:
                self.unmatched += 1
                continue
            if (c, j) in seen:
                raise InputError("%s: duplicate factor" % where)
            seen.add((c, j))
            funit = self.flows[fid][1]
            C[c, j] = value / self.units.ratio(unit or funit, funit, where)
        self.C = C

    def factor(self, permc):
        self.lu = spla.splu(self.A, permc_spec=permc)


class Product:
    def __init__(self, pid, category):
        self.id = pid
        self.category = category
        self.demand = {}   # (process index, stage) -> amount in the process's flow unit
        self.direct = {}   # (elementary flow index, stage) -> amount in the flow's unit
        self.uncertain = []  # (is_input, index, written amount, conversion, uncertainty)
        self.error = None


def products(path, bg):
    """Yield Product objects from a catalog (with includes) or a single product file."""

    def stream(p):
        cur = None
        stage = None
        qty = []
        root = None
        for event, el in ET.iterparse(p, events=("start", "end")):
            tag = el.tag
            if root is None:
                root = el
                if tag not in (NS_CAT + "catalog", NS_PROD + "product"):
                    raise InputError("%s: neither a catalog nor a product (root %s)" % (p, tag))
            if event == "start":
                if tag == NS_PROD + "product":
                    cur = Product(el.get("id"), el.get("category"))
                    qty = []
                    stage = None
                elif cur is None or cur.error:
                    pass
                elif tag == NS_PROD + "component":
                    try:
                        q = number(el.get("quantity", "1"), "component %s quantity" % el.get("id"))
                        if q < 0:
                            raise InputError("component %s: negative quantity" % el.get("id"))
                        qty.append(q)
                    except InputError as e:
                        cur.error = str(e)
                elif tag[len(NS_PROD):] in STAGE_INDEX:
                    stage = STAGE_INDEX[tag[len(NS_PROD):]]
                continue
            if tag == NS_CAT + "include":
                href = el.get("href")
                if href is None or "://" in href:
                    raise InputError("%s: include needs a relative href" % p)
                yield from stream(os.path.join(os.path.dirname(p), href))
                root.clear()
            elif tag == NS_PROD + "product":
                yield cur
                cur = None
                if root is not el:
                    root.clear()
            elif cur is None or cur.error:
                continue
            elif tag == NS_PROD + "component":
                if qty:
                    qty.pop()
            elif tag[len(NS_PROD):] in STAGE_INDEX:
                stage = None
            elif tag in (NS_PROD + "material", NS_PROD + "input", NS_PROD + "emission"):
                try:
                    add_line(bg, cur, el, stage, qty)
                except InputError as e:
                    cur.error = str(e)

    return stream(path)


def add_line(bg, prod, el, stage, qty):
    kind = el.tag[len(NS_PROD):]
    where = "product %s, %s %s" % (prod.id, kind, el.get("id") or el.get("process") or el.get("flow"))
    if kind == "material":
        mass = number(required(el, "mass", where), where + " mass")
        if mass < 0:
            raise InputError("%s: negative mass" % where)
        for q in qty:
            mass *= q
        pid = required(el, "process", where)
        p = bg.pindex.get(pid)
        if p is None:
            raise InputError("%s: unknown process %s" % (where, pid))
        funit = bg.punit[p]
        if bg.units.dimension(funit, where) != "mass":
            raise InputError("%s: provider %s is not measured in a mass" % (where, pid))
        unit = required(el, "unit", where)
        key = (p, STAGE_INDEX["raw-materials"])
        prod.demand[key] = prod.demand.get(key, 0.0) + mass * bg.units.ratio(unit, funit, where)
        return
    if stage is None:
        raise InputError("%s: outside a stage" % where)
    amount = number(required(el, "amount", where), where + " amount")
    unc = read_uncertainty(el, amount, where)
    if kind == "input":
        pid = required(el, "process", where)
        p = bg.pindex.get(pid)
        if p is None:
            raise InputError("%s: unknown process %s" % (where, pid))
        funit = bg.punit[p]
        key = (p, stage)
        conv = bg.units.ratio(el.get("unit") or funit, funit, where)
        prod.demand[key] = prod.demand.get(key, 0.0) + amount * conv
        if unc is not None:
            prod.uncertain.append((True, p, amount, conv, unc))
    else:
        fid = required(el, "flow", where)
        f = bg.eindex.get(fid)
        if f is None:
            raise InputError("%s: unknown elementary flow %s" % (where, fid))
        funit = bg.flows[fid][1]
        key = (f, stage)
        conv = bg.units.ratio(el.get("unit") or funit, funit, where)
        prod.direct[key] = prod.direct.get(key, 0.0) + amount * conv
        if unc is not None:
            prod.uncertain.append((False, f, amount, conv, unc))


def impacts(bg, prod, solve):
    """k x 5 impacts of a product: one solve with a 5-column right-hand side."""
    F = np.zeros((bg.n, len(STAGES)))
    for (p, s), v in prod.demand.items():
        F[p, s] += v
    t0 = time.perf_counter()
    S = solve(F)
    dt = time.perf_counter() - t0
    H = bg.C @ (bg.B @ S)
    for (f, s), v in prod.direct.items():
        H[:, s] += bg.C[:, f] * v
    return H, dt


def load(args):
    bg = Background()
    t0 = time.perf_counter()
    for inv in args.inventory:
        bg.read_inventory(inv)
    t1 = time.perf_counter()
    bg.link(args.method)
    t2 = time.perf_counter()
    return bg, t1 - t0, t2 - t1


def run_products(args):
    bg, parse_s, build_s = load(args)
    t0 = time.perf_counter()
    bg.factor(args.permc)
    factor_s = time.perf_counter() - t0
    out = None
    if args.out and not args.time_only:
        out = sys.stdout if args.out == "-" else open(args.out, "w")
    if out:
        out.write("product,category,unit,stage,value\n")
    lam = None
    if args.check:
        # independent route (greenlca's): Lambda = C·B·A^-1 from a dense solve of A^T
        if bg.n > 5000:
            raise InputError("--check solves densely: at most 5000 processes")
        lam = np.linalg.solve(bg.A.T.toarray(), (bg.C @ bg.B.toarray()).T).T
    worst = 0.0
    nprod = nerr = 0
    solve_s = 0.0
    t0 = time.perf_counter()
    for prod in itertools.islice(products(args.catalog, bg), args.limit):
        if prod.error:
            nerr += 1
            if nerr <= 10:
                print("peer_brightway: skipped: %s" % prod.error, file=sys.stderr)
            continue
        H, dt = impacts(bg, prod, bg.lu.solve)
        solve_s += dt
        nprod += 1
        if lam is not None:
            H2 = np.zeros_like(H)
            for (p, st), v in prod.demand.items():
                H2[:, st] += v * lam[:, p]
            for (f, st), v in prod.direct.items():
                H2[:, st] += v * bg.C[:, f]
            scale = np.maximum(np.abs(H).sum(axis=1, keepdims=True), 1e-300)
            worst = max(worst, float((np.abs(H - H2) / scale).max()))
        if out:
            for c, (cid, cunit) in enumerate(bg.categories):
                for s, st in enumerate(STAGES):
                    out.write("%s,%s,%s,%s,%.17g\n" % (prod.id, cid, cunit, st, H[c, s]))
                out.write("%s,%s,%s,total,%.17g\n" % (prod.id, cid, cunit, H[c].sum()))
    seconds = time.perf_counter() - t0
    if out and out is not sys.stdout:
        out.close()
    print("peer_brightway products=%d seconds=%.3f rate=%.1f/s factor_seconds=%.3f "
          "parse_seconds=%.2f build_seconds=%.2f solve_seconds=%.3f errors=%d n=%d nnz_a=%d "
          "nnz_lu=%d unmatched_factors=%d"
          % (nprod, seconds, nprod / seconds if seconds > 0 else 0.0, factor_s, parse_s,
             build_s, solve_s, nerr, bg.n, bg.A.nnz, bg.lu.L.nnz + bg.lu.U.nnz, bg.unmatched)
          + (" check_max_rel=%.2e" % worst if lam is not None else ""))
    if lam is not None and worst > 1e-9:
        print("peer_brightway: --check failed: relative difference %.2e" % worst, file=sys.stderr)
        return 1
    return 0


def sampler(amounts, uncs):
    """Vectorized draws for the exchanges that have an uncertainty."""
    groups = {}
    for i, u in enumerate(uncs):
        if u is not None:
            groups.setdefault(u[0], []).append((i, u[1], u[2]))
    plan = []
    for kind, items in sorted(groups.items()):
        idx = np.array([i for i, _, _ in items], dtype=np.int64)
        a = np.array([x for _, x, _ in items])
        b = np.array([y for _, _, y in items])
        plan.append((kind, idx, a, b, amounts[idx]))

    def draw(rng):
        v = amounts.copy()
        for kind, idx, a, b, base in plan:
            if kind == "lognormal":
                v[idx] = base * rng.lognormal(0.0, np.log(a))
            elif kind == "normal":
                v[idx] = rng.normal(base, a)
            elif kind == "triangular":
                ok = b > a
                t = base.copy()
                t[ok] = rng.triangular(a[ok], base[ok], b[ok])
                v[idx] = t
            else:
                v[idx] = rng.uniform(a, b)
        return v

    return draw, sum(len(p[1]) for p in plan)


def run_montecarlo(args):
    bg, parse_s, build_s = load(args)
    prod = None
    for p in products(args.catalog, bg):
        if not p.error and (args.product is None or p.id == args.product):
            prod = p
            break
    if prod is None:
        raise InputError("no usable product %s in %s" % (args.product or "", args.catalog))
    f = np.zeros(bg.n)
    for (p, _), v in prod.demand.items():
        f[p] += v
    direct = np.zeros(bg.m)
    for (j, _), v in prod.direct.items():
        direct[j] += v
    draw_a, na = sampler(bg.a_amt, bg.a_unc)
    draw_b, nb = sampler(bg.b_amt, bg.b_unc)
    # the product's own uncertain lines: drawn each time, replacing their nominal share
    fg = prod.uncertain
    fg_amt = np.array([u[2] for u in fg])
    draw_f, nf = sampler(fg_amt, [u[4] for u in fg])
    fg_conv = np.array([u[3] for u in fg])
    fg_idx = np.array([u[1] for u in fg], dtype=np.int64)
    fg_input = np.array([u[0] for u in fg], dtype=bool)
    for is_input, i, amount, conv, _ in fg:
        (f if is_input else direct)[i] -= amount * conv
    rng = np.random.default_rng(args.seed)
    n, m = bg.n, bg.m
    scores = np.empty((args.montecarlo, len(bg.categories)))
    t0 = time.perf_counter()
    for d in range(args.montecarlo):
        A = sp.csc_matrix((draw_a(rng) * bg.a_conv, (bg.a_rows, bg.a_cols)), shape=(n, n))
        B = sp.csc_matrix((draw_b(rng) * bg.b_conv, (bg.b_rows, bg.b_cols)), shape=(m, n))
        fd, dd = f.copy(), direct.copy()
        if nf:
            v = draw_f(rng) * fg_conv
            np.add.at(fd, fg_idx[fg_input], v[fg_input])
            np.add.at(dd, fg_idx[~fg_input], v[~fg_input])
        s = spla.splu(A, permc_spec=args.permc).solve(fd)
        scores[d] = bg.C @ (B @ s + dd)
    seconds = time.perf_counter() - t0
    print("peer_mc draws=%d seconds=%.3f rate=%.2f/s product=%s uncertain_a=%d uncertain_b=%d "
          "uncertain_product=%d "
          "%s_mean=%.6g %s_sd=%.6g parse_seconds=%.2f"
          % (args.montecarlo, seconds, args.montecarlo / seconds if seconds > 0 else 0.0,
             prod.id, na, nb, nf, bg.categories[0][0], scores[:, 0].mean(), bg.categories[0][0],
             scores[:, 0].std(ddof=1) if args.montecarlo > 1 else 0.0, parse_s))
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="directory written by gen_synthetic")
    ap.add_argument("--inventory", action="append", default=[])
    ap.add_argument("--method")
    ap.add_argument("--catalog", help="catalog or single product file")
    ap.add_argument("--limit", type=int, help="products to assess (default all)")
    ap.add_argument("--out", help="results CSV ('-': standard output)")
    ap.add_argument("--time-only", action="store_true", help="do not write results")
    ap.add_argument("--check", action="store_true",
                    help="also compute every product through a dense Lambda and compare")
    ap.add_argument("--montecarlo", type=int, metavar="N", help="Monte Carlo draws")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--permc", default="NATURAL",
                    choices=["NATURAL", "COLAMD", "MMD_ATA", "MMD_AT_PLUS_A"],
                    help="SuperLU column ordering (default NATURAL: see the docstring)")
    ap.add_argument("--product", help="Monte Carlo: product id (default the first usable)")
    args = ap.parse_args(argv)
    if args.data:
        if not args.inventory:
            args.inventory = [os.path.join(args.data, "background.inventory.xml")]
        args.method = args.method or os.path.join(args.data, "method.method.xml")
        args.catalog = args.catalog or os.path.join(args.data, "catalog.xml")
    if not args.inventory or not args.method or not args.catalog:
        ap.error("need --data DIR or --inventory, --method and --catalog")
    try:
        if args.montecarlo:
            return run_montecarlo(args)
        return run_products(args)
    except InputError as e:
        print("peer_brightway: %s" % e, file=sys.stderr)
        return 1
    except ET.ParseError as e:
        print("peer_brightway: %s" % e, file=sys.stderr)
        return 1
    except RuntimeError as e:  # splu: "Factor is exactly singular"
        print("peer_brightway: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
