"""Shared helpers of the greenlca data tools: slugs, XML escaping, numbers, the unit table.

The conversion scripts (convert_uslci.py, make_ipcc_method.py, make_traci_method.py) and the
checker (check_data.py) must agree on how ids are formed and how units convert, so those rules
live here once.  The unit table mirrors the built-in table of FORMATS.md ("Units"); it is used
only to convert amounts when the converter checks the technosphere matrix, and by the checker.
Standard library only.
"""

import math
import re
import unicodedata

# Built-in units of FORMATS.md: name -> (dimension, factor of the dimension's base unit).
BUILTIN_UNITS = {
    "kg": ("mass", 1.0), "g": ("mass", 1e-3), "mg": ("mass", 1e-6), "t": ("mass", 1e3),
    "lb": ("mass", 0.45359237),
    "J": ("energy", 1.0), "kJ": ("energy", 1e3), "MJ": ("energy", 1e6), "GJ": ("energy", 1e9),
    "Wh": ("energy", 3600.0), "kWh": ("energy", 3.6e6), "MWh": ("energy", 3.6e9),
    "m": ("length", 1.0), "cm": ("length", 1e-2), "mm": ("length", 1e-3), "km": ("length", 1e3),
    "m2": ("area", 1.0),
    "m3": ("volume", 1.0), "l": ("volume", 1e-3), "ml": ("volume", 1e-6),
    "kg*km": ("transport", 1.0), "t*km": ("transport", 1e3),
    "unit": ("count", 1.0), "piece": ("count", 1.0), "item": ("count", 1.0), "p": ("count", 1.0),
    "s": ("time", 1.0), "h": ("time", 3600.0), "d": ("time", 86400.0),
    "a": ("time", 31536000.0), "year": ("time", 31536000.0),
    "Bq": ("radioactivity", 1.0), "kBq": ("radioactivity", 1e3),
}

_SYMBOLS = {"≤": " le ", "≥": " ge ", "μ": "u", "µ": "u", "α": "alpha", "β": "beta",
            "γ": "gamma", "%": " pct ", "+": " plus "}


def slug(text, maxlen=120):
    """A readable, deterministic id fragment: lower case ASCII letters, digits and '-'."""
    for k, v in _SYMBOLS.items():
        text = text.replace(k, v)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(text) > maxlen:
        text = text[:maxlen].rstrip("-")
    return text or "x"


def clean_text(text):
    """Collapse whitespace (source names carry tabs, CR/LF and trailing blanks)."""
    return re.sub(r"\s+", " ", text or "").strip()


def xml_attr(value):
    """Escape a value for a double-quoted XML attribute; control characters become spaces."""
    value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\t\r\n]", " ", str(value))
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def num(x):
    """Shortest round-trip text of a finite float (C strtod reads it back exactly)."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError("non-finite number %r" % x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def norm_cas(cas):
    """'000124-38-9' -> '124-38-9'; None for empty or 'n.a.' values."""
    cas = (cas or "").strip().strip('="')
    m = re.fullmatch(r"0*(\d+)-(\d\d)-(\d)", cas)
    if not m:
        return None
    return "%s-%s-%s" % m.groups()


def cas_from_int(text):
    """TRACI writes CAS numbers as integers without hyphens: 7446095 -> '7446-09-5'."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) < 4:
        return None
    return "%d-%s-%s" % (int(text[:-3]), text[-3:-1], text[-1])
