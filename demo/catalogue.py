"""The demo pilot's fixed cast: the ten municipalities and when each joined.

CBS codes are the real ones (CBS gemeentecodes 2024). Heerlen signed first, so it comes first and
starts first; the others followed during 2024, so that on the demo's own dates some
participants are still in their follow-up year while others have finished it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoMunicipality:
    code: str
    name: str
    prefix: str  # three letters in the refs of its jobseekers, entrepreneurs and placements
    region: str  # which regional family names are common (people.REGIONAL_FAMILY)
    mix: str  # kind of city (people.ORIGIN_MIX)
    joined: date  # first day an internship could start
    coach: int  # the IMK coach (1-3) who covers this region
    jobcoach_name: str

    @property
    def slug(self) -> str:
        return self.name.lower()


# code, name, ref prefix, region, kind of city, joined, IMK coach, jobcoach
_ROWS = [
    ("GM0917", "Heerlen", "HRL", "limburg", "regional", date(2024, 1, 8), 1, "Mieke Vroemen"),
    ("GM0193", "Zwolle", "ZWL", "overijssel", "city", date(2024, 3, 4), 3, "Harm Schuurman"),
    ("GM0363", "Amsterdam", "AMS", "randstad", "large_city", date(2024, 10, 7), 2, "Samira Benali"),
    ("GM0599", "Rotterdam", "RTM", "randstad", "large_city", date(2024, 9, 2), 2, "Kevin de Graaf"),
    ("GM0344", "Utrecht", "UTR", "randstad", "city", date(2024, 5, 6), 2, "Anouk Verhoef"),
    ("GM0014", "Groningen", "GRO", "groningen", "city", date(2024, 6, 3), 3, "Geert Wiersma"),
    ("GM0772", "Eindhoven", "EHV", "brabant", "city", date(2024, 2, 12), 1, "Marloes van de Ven"),
    ("GM0855", "Tilburg", "TLB", "brabant", "city", date(2024, 4, 8), 1, "Joost Schellekens"),
    ("GM0153", "Enschede", "ENS", "twente", "regional", date(2024, 8, 26), 3, "Hanneke Nijhuis"),
    (
        "GM0080",
        "Leeuwarden",
        "LWD",
        "friesland",
        "regional",
        date(2024, 11, 4),
        3,
        "Sietske Hoekstra",
    ),
]
MUNICIPALITIES = [DemoMunicipality(*row) for row in _ROWS]

PLACES_PER_MUNICIPALITY = 10

IMK_COACH_NAMES = {1: "Ingrid Peters", 2: "Rachid Bouzian", 3: "Jelle Postma"}
