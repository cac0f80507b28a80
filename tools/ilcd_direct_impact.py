#!/usr/bin/python3
"""Direct impacts of ILCD process datasets under one ILCD LCIA method dataset, by hand.

An independent cross-check of greenlca's ILCD readers (tests/inventories/test_ilcd.c): it reads
the XML with Python's ElementTree, not our code, and applies the rules an LCA practitioner
applies to an ILCD folder: factors match an exchange by flow UUID and exchange direction; a
location-specific factor applies where the exchange's location (else its process's) equals the
factor's, else the factor without location.  Amounts are resultingAmount (else meanAmount), in
the flow's reference unit (an exchange naming another flow property is converted through the
flow's property values).  Only the process's own exchanges count: no upstream.  Exchanges whose
flow file is missing count nothing.

usage: ilcd_direct_impact.py ILCD_FOLDER METHOD_UUID [PROCESS_UUID...]
Prints "process_uuid impact per reference amount, reference amount, direction of reference".

usage: ilcd_direct_impact.py --system ILCD_FOLDER METHOD_UUID
Prints "process_uuid impact per reference unit" with the upstream chain, linked as the issue
states it (numpy solve): an input of a product or waste flow links to the single process whose
reference exchange is an output of that flow; a waste output links to the single process whose
reference exchange is an input of it (a treatment); none or several: cut off.  Product outputs
that are not the reference are co-products without allocation data: left out.  A process whose
reference flow file is missing, or whose reference is an elementary flow, is left out.
"""
import os
import sys
import xml.etree.ElementTree as ET

NS = {"p": "http://lca.jrc.it/ILCD/Process", "c": "http://lca.jrc.it/ILCD/Common",
      "f": "http://lca.jrc.it/ILCD/Flow", "m": "http://lca.jrc.it/ILCD/LCIAMethod"}


def flow_props(folder, uuid):
    path = os.path.join(folder, "flows", uuid + ".xml")
    if not os.path.exists(path):
        return None
    root = ET.parse(path).getroot()
    ref = int(root.find(".//f:quantitativeReference/f:referenceToReferenceFlowProperty", NS).text)
    props = {}
    for fp in root.iterfind(".//f:flowProperties/f:flowProperty", NS):
        pid = fp.find("f:referenceToFlowPropertyDataSet", NS).get("refObjectId")
        props[pid] = (int(fp.get("dataSetInternalID")), float(fp.find("f:meanValue", NS).text))
    refmean = [m for (i, m) in props.values() if i == ref][0]
    refuuid = [k for (k, (i, m)) in props.items() if i == ref][0]
    return refuuid, refmean, props


def method_factors(folder, uuid):
    root = ET.parse(os.path.join(folder, "lciamethods", uuid + ".xml")).getroot()
    factors = {}
    for f in root.iterfind(".//m:characterisationFactors/m:factor", NS):
        flow = f.find("m:referenceToFlowDataSet", NS).get("refObjectId")
        direction = f.find("m:exchangeDirection", NS).text.strip()
        loc = f.find("m:location", NS)
        loc = loc.text.strip() if loc is not None and loc.text and loc.text.strip() else None
        factors[(flow, direction, loc)] = float(f.find("m:meanValue", NS).text)
    return factors


def direct_impact(folder, factors, puuid):
    root = ET.parse(os.path.join(folder, "processes", puuid + ".xml")).getroot()
    ref = int(root.find(".//p:quantitativeReference/p:referenceToReferenceFlow", NS).text)
    geo = root.find(".//p:geography/p:locationOfOperationSupplyOrProduction", NS)
    ploc = geo.get("location") if geo is not None else None
    total, refamount, refdir = 0.0, None, None
    for x in root.iterfind(".//p:exchanges/p:exchange", NS):
        flow = x.find("p:referenceToFlowDataSet", NS).get("refObjectId")
        direction = x.find("p:exchangeDirection", NS).text.strip()
        amt = x.find("p:resultingAmount", NS)
        if amt is None:
            amt = x.find("p:meanAmount", NS)
        amount = float(amt.text)
        info = flow_props(folder, flow)
        if info is None:
            continue
        refuuid, refmean, props = info
        prop = x.find("p:referenceToFlowPropertyDataSet", NS)
        if prop is not None and prop.get("refObjectId") != refuuid:
            amount *= refmean / props[prop.get("refObjectId")][1]
        if int(x.get("dataSetInternalID")) == ref:
            refamount, refdir = amount, direction
        xl = x.find("p:location", NS)
        where = xl.text.strip() if xl is not None and xl.text else ploc
        cf = factors.get((flow, direction, where), factors.get((flow, direction, None)))
        if cf is not None:
            total += amount * cf
    return total, refamount, refdir


def flow_kind(folder, uuid):
    root = ET.parse(os.path.join(folder, "flows", uuid + ".xml")).getroot()
    return root.find(".//f:LCIMethod/f:typeOfDataSet", NS).text.strip()


def exchanges(folder, puuid):
    """(internal id, flow, direction, amount in reference unit, location) of existing flows."""
    root = ET.parse(os.path.join(folder, "processes", puuid + ".xml")).getroot()
    ref = int(root.find(".//p:quantitativeReference/p:referenceToReferenceFlow", NS).text)
    geo = root.find(".//p:geography/p:locationOfOperationSupplyOrProduction", NS)
    ploc = geo.get("location") if geo is not None else None
    out = []
    for x in root.iterfind(".//p:exchanges/p:exchange", NS):
        flow = x.find("p:referenceToFlowDataSet", NS).get("refObjectId")
        info = flow_props(folder, flow)
        if info is None:
            out.append((int(x.get("dataSetInternalID")), flow, None, None, None))
            continue
        direction = x.find("p:exchangeDirection", NS).text.strip()
        amt = x.find("p:resultingAmount", NS)
        if amt is None:
            amt = x.find("p:meanAmount", NS)
        amount = float(amt.text)
        refuuid, refmean, props = info
        prop = x.find("p:referenceToFlowPropertyDataSet", NS)
        if prop is not None and prop.get("refObjectId") != refuuid:
            amount *= refmean / props[prop.get("refObjectId")][1]
        xl = x.find("p:location", NS)
        where = xl.text.strip() if xl is not None and xl.text else ploc
        out.append((int(x.get("dataSetInternalID")), flow, direction, amount, where))
    return ref, out


def system(folder, method):
    import numpy as np
    factors = method_factors(folder, method)
    procs, refs = [], {}
    for p in sorted(f[:-4] for f in os.listdir(os.path.join(folder, "processes"))):
        ref, xs = exchanges(folder, p)
        r = [x for x in xs if x[0] == ref]
        if not r or r[0][2] is None or flow_kind(folder, r[0][1]) == "Elementary flow":
            continue
        procs.append((p, ref, xs))
        refs[p] = r[0]
    index = {p: j for j, (p, _, _) in enumerate(procs)}
    producers, treaters = {}, {}
    for p, (_, flow, direction, _, _) in refs.items():
        (producers if direction == "Output" else treaters).setdefault(flow, []).append(p)
    n = len(procs)
    a = np.zeros((n, n))
    h = np.zeros(n)  # direct impact of each process per run
    kinds = {}
    for j, (p, ref, xs) in enumerate(procs):
        a[j, j] = abs(refs[p][3])
        for (iid, flow, direction, amount, where) in xs:
            if iid == ref or direction is None:
                continue
            kind = kinds.setdefault(flow, flow_kind(folder, flow))
            if kind == "Elementary flow":
                cf = factors.get((flow, direction, where), factors.get((flow, direction, None)))
                h[j] += amount * cf if cf is not None else 0.0
            elif direction == "Input":
                cands = producers.get(flow, [])
                if len(cands) == 1:
                    a[index[cands[0]], j] -= amount
            elif kind == "Waste flow":
                cands = treaters.get(flow, [])
                if len(cands) == 1:
                    a[index[cands[0]], j] -= amount
    lam = np.linalg.solve(a.T, h)
    for j, (p, _, _) in enumerate(procs):
        print("%s %.17g" % (p, lam[j]))


def main():
    if sys.argv[1] == "--system":
        system(sys.argv[2], sys.argv[3])
        return
    folder, method = sys.argv[1], sys.argv[2]
    factors = method_factors(folder, method)
    procs = sys.argv[3:] or sorted(f[:-4] for f in os.listdir(os.path.join(folder, "processes")))
    for p in procs:
        try:
            total, ra, rd = direct_impact(folder, factors, p)
        except (IndexError, AttributeError):
            continue
        print("%s %.17g %s %s" % (p, total, ra, rd))


if __name__ == "__main__":
    main()
