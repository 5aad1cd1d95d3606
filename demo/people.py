"""Names for the demo's invented people and businesses.

Every name is drawn from these lists with the demo's own random generator, so the same seed gives
the same people. The mix follows the pilot's cities: regional Dutch family names (Limburg in
Heerlen, Frisian in Leeuwarden, Twente in Enschede), and in the large cities more residents with a
migration background, as among jobseekers on benefits there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DUTCH_GIVEN = {
    "m": [
        "Mark",
        "Dennis",
        "Kevin",
        "Jeroen",
        "Patrick",
        "Sander",
        "Ruud",
        "Marco",
        "Erik",
        "Tim",
        "Bas",
        "Niels",
        "Rick",
        "Stefan",
        "Michel",
        "Thijs",
        "Joost",
        "Peter",
        "Robin",
        "Martijn",
        "Wouter",
        "Frank",
        "Jesse",
        "Bart",
        "Luuk",
        "Ronald",
        "Hans",
        "Gert-Jan",
        "Roy",
        "Jordy",
    ],
    "f": [
        "Linda",
        "Sandra",
        "Mariska",
        "Anouk",
        "Esther",
        "Kim",
        "Lisa",
        "Sanne",
        "Femke",
        "Marloes",
        "Iris",
        "Lotte",
        "Marieke",
        "Nicole",
        "Monique",
        "Petra",
        "Chantal",
        "Ilse",
        "Eva",
        "Laura",
        "Jolanda",
        "Karin",
        "Inge",
        "Demi",
        "Shanna",
        "Wendy",
        "Bianca",
        "Mandy",
    ],
}

# Given names heard more often in one region than elsewhere, mixed in with the national list.
REGIONAL_GIVEN = {
    "limburg": {"m": ["Huub", "Sjef", "Ger", "Jo"], "f": ["Mieke", "Noortje", "Loes"]},
    "friesland": {"m": ["Sjoerd", "Jelle", "Wytse", "Durk"], "f": ["Sietske", "Aukje", "Froukje"]},
    "groningen": {"m": ["Harm", "Jan-Willem", "Geert"], "f": ["Grietje", "Hilda", "Jantina"]},
    "twente": {"m": ["Gerrit", "Hennie", "Bennie"], "f": ["Gerda", "Hanneke", "Dinie"]},
}

REGIONAL_FAMILY = {
    "limburg": [
        "Janssen",
        "Hermans",
        "Vroemen",
        "Coenen",
        "Schmeets",
        "Habets",
        "Dassen",
        "Wetzels",
        "Ramakers",
        "Lemmens",
        "Bemelmans",
        "Offermans",
        "Moonen",
        "Houben",
        "Smeets",
        "Brouns",
    ],
    "brabant": [
        "van de Ven",
        "Verhoeven",
        "van den Heuvel",
        "de Bruijn",
        "van Gils",
        "Kuijpers",
        "van Beek",
        "van Rooij",
        "Smulders",
        "Schellekens",
        "de Laat",
        "van Hout",
        "Maas",
        "Vermeulen",
        "Verbeek",
        "van der Heijden",
    ],
    "randstad": [
        "de Vries",
        "Bakker",
        "Visser",
        "de Jong",
        "Meijer",
        "de Graaf",
        "van der Meer",
        "Mulder",
        "Vos",
        "de Groot",
        "Bos",
        "Kok",
        "Dekker",
        "van Leeuwen",
        "Brouwer",
        "de Wit",
        "Verhoef",
        "Koster",
        "Prins",
        "Huisman",
    ],
    "groningen": [
        "Wiersma",
        "Dijkstra",
        "Kuipers",
        "Smit",
        "Veenstra",
        "Huizinga",
        "Boersma",
        "Poelman",
        "Oosterhuis",
        "Zuidema",
        "Hazenberg",
        "Schuiling",
        "Tammes",
        "Bolhuis",
    ],
    "friesland": [
        "de Boer",
        "Hoekstra",
        "Bosma",
        "Jellema",
        "Postma",
        "Sijtsma",
        "Wijnja",
        "van der Veen",
        "Terpstra",
        "Zijlstra",
        "Kingma",
        "Hiemstra",
        "Feenstra",
        "de Haan",
    ],
    "twente": [
        "Nijhuis",
        "Oude Luttikhuis",
        "Kamphuis",
        "Bruggink",
        "ter Horst",
        "Wolters",
        "Lansink",
        "Scholten",
        "Olthof",
        "Haverkate",
        "Menkveld",
        "Nijenhuis",
        "Wessels",
        "Roelofs",
    ],
    "overijssel": [
        "Schuurman",
        "van der Vegt",
        "Hulst",
        "Dunnink",
        "Brink",
        "Timmerman",
        "Koning",
        "van Dalen",
        "Zwiers",
        "Ruiter",
        "Beltman",
        "Slot",
    ],
}

# A family name "a/b" has a male and a female form (Polish surnames).
ORIGINS = {
    "tr": {
        "m": ["Mehmet", "Mustafa", "Emre", "Burak", "Hakan", "Murat", "Kemal", "Yusuf", "Serkan"],
        "f": ["Ayşe", "Fatma", "Elif", "Zeynep", "Esra", "Büşra", "Derya", "Songül", "Hatice"],
        "family": [
            "Yilmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Yildiz",
            "Öztürk",
            "Aydin",
            "Arslan",
            "Doğan",
            "Koç",
            "Kiliç",
        ],
    },
    "ma": {
        "m": [
            "Mohamed",
            "Youssef",
            "Said",
            "Karim",
            "Rachid",
            "Hamza",
            "Bilal",
            "Mourad",
            "Anouar",
        ],
        "f": ["Fatima", "Khadija", "Naima", "Samira", "Nadia", "Hafsa", "Loubna", "Souad", "Ikram"],
        "family": [
            "El Amrani",
            "Benali",
            "Bouzid",
            "El Idrissi",
            "Azzouzi",
            "Ouali",
            "Haddou",
            "El Khatib",
            "Boukhari",
            "Tahiri",
            "Ait Taleb",
            "Chaoui",
        ],
    },
    "sr": {
        "m": ["Romano", "Jerrel", "Kenneth", "Dwayne", "Sergio", "Glenn", "Ricardo", "Ryan"],
        "f": ["Shirley", "Sharon", "Denise", "Priscilla", "Jennifer", "Naomi", "Chanel", "Rianne"],
        "family": [
            "Kromodikromo",
            "Sardjoe",
            "Ramdin",
            "Wijngaarde",
            "Pinas",
            "Biharie",
            "Kartosen",
            "Doelwijt",
            "Martina",
            "Isenia",
            "Rosalia",
            "Chin-A-Lin",
        ],
    },
    "pl": {
        "m": ["Piotr", "Tomasz", "Krzysztof", "Marcin", "Paweł", "Łukasz"],
        "f": ["Agnieszka", "Katarzyna", "Joanna", "Magdalena", "Monika", "Ewa"],
        "family": [
            "Kowalski/Kowalska",
            "Wiśniewski/Wiśniewska",
            "Lewandowski/Lewandowska",
            "Nowak",
            "Wójcik",
            "Mazur",
            "Kamiński/Kamińska",
            "Zieliński/Zielińska",
        ],
    },
    "sy": {
        "m": ["Ahmad", "Omar", "Khaled", "Mahmoud", "Ali", "Hassan", "Firas"],
        "f": ["Rana", "Lina", "Hiba", "Nour", "Amal", "Rasha", "Dima"],
        "family": [
            "Al-Hassan",
            "Haddad",
            "Al-Khatib",
            "Darwish",
            "Hamdan",
            "Sabbagh",
            "Al-Ahmad",
            "Kassab",
        ],
    },
    "er": {
        "m": ["Yonas", "Tesfay", "Filmon", "Semere", "Dawit", "Robel"],
        "f": ["Helen", "Selam", "Senait", "Yordanos", "Mebrat", "Saba"],
        "family": [
            "Tesfamariam",
            "Ghebremedhin",
            "Haile",
            "Berhane",
            "Tekle",
            "Kidane",
            "Weldemichael",
            "Gebreyesus",
        ],
    },
}

# Share of each background among the demo's jobseekers and entrepreneurs, by kind of city.
ORIGIN_MIX = {
    "large_city": {"nl": 45, "tr": 12, "ma": 15, "sr": 13, "pl": 5, "sy": 5, "er": 5},
    "city": {"nl": 62, "tr": 10, "ma": 9, "sr": 4, "pl": 5, "sy": 6, "er": 4},
    "regional": {"nl": 72, "tr": 6, "ma": 4, "sr": 2, "pl": 8, "sy": 5, "er": 3},
}

# Complete trade names; the others are "<trade> <owner's family name>".
TRADE_NAMES = [
    "Bakkerij De Korenbloem",
    "Bakkerij Het Gouden Korenaar",
    "Banketbakkerij De Zoete Inval",
    "Lunchroom 't Hoekje",
    "Eetcafé De Zwaan",
    "Brasserie De Kade",
    "Koffiebar Bonen & Zo",
    "Koffiebranderij De Molen",
    "Broodjeszaak Het Stokbrood",
    "Snackbar De Smikkel",
    "Cateringbedrijf Smaakvol",
    "Traiteur Lekker Thuis",
    "Toko Sari Rasa",
    "Kaaswinkel De Kaasstolp",
    "Groentewinkel Vers van het Land",
    "Visspecialist De Noordzee",
    "Bloemenwinkel Het Boeket",
    "Bloembinderij Madeliefje",
    "Hoveniersbedrijf Groen & Zo",
    "Kapsalon Knipoog",
    "Kapsalon Hair & Care",
    "Barbershop De Scheerkwast",
    "Schoonheidssalon Puur",
    "Nagelstudio Glans",
    "Fietsenmakerij De Ketting",
    "Fietshandel Op Wielen",
    "Autopoetsbedrijf Glimmend",
    "Klussenbedrijf Handig",
    "Schildersbedrijf Kleurrijk",
    "Stukadoorsbedrijf Strak Wit",
    "Tegelzetterij Vlakwerk",
    "Timmerwerkplaats Houtlijn",
    "Meubelmakerij Het Houten Hart",
    "Stoffeerderij De Fauteuil",
    "Kringloopwinkel Tweede Kans",
    "Kledingreparatie Naald & Draad",
    "Schoenmakerij De Hak",
    "Boekhandel De Leesmuis",
    "Speelgoedwinkel De Knikker",
    "Dierenspeciaalzaak De Hondenmand",
    "Dierenpension Het Kwispelhuis",
    "Hondentrimsalon Snuffel",
    "Drukkerij De Letterzetter",
    "Reclamebureau Blikvanger",
    "Fotostudio Lichtpunt",
    "Webdesign Pixelwerk",
    "ICT-service Reboot",
    "Telefoonreparatie Fixit",
    "Administratiekantoor Balans",
    "Boekhoudkantoor Cijferwerk",
    "Schoonmaakbedrijf Blinkend",
    "Glazenwasserij Helder Zicht",
    "Koeriersdienst Snelpost",
    "Fietskoerier Trapkracht",
    "Yogastudio Ademruimte",
    "Sportschool Kracht & Balans",
    "Muziekschool De Notenbalk",
    "Naaiatelier De Vingerhoed",
    "Edelsmid Zilverling",
    "Pottenbakkerij De Draaischijf",
    "Imkerij Zoemzoem",
    "Wijnhandel De Druif",
    "Delicatessenwinkel Smaakmakers",
    "Zorgboerderij De Hooiberg",
    "Installatiebedrijf Warmtelijn",
    "Elektrotechniek Stroomlijn",
    "Dakdekkersbedrijf Hoog & Droog",
    "Lijstenmakerij Passe-partout",
    "Hengelsport De Dobber",
    "Theehuis De Theepot",
    "Toko Pasar Baru",
    "Verhuurbedrijf Feestelijk",
    "Kinderkleding Kleine Spruit",
]

# Businesses whose name speaks of their owner's roots; only owners of that background get one.
ORIGIN_TRADE_NAMES = {
    "tr": ["Eethuis Anatolia", "Grillroom Bosporus", "Bakkerij Istanbul"],
    "ma": ["Bakkerij Atlas", "Patisserie Marrakech"],
    "sr": ["Rotishop Sranang", "Toko Paramaribo"],
    "pl": ["Polski Sklep Smaczek"],
    "sy": ["Patisserie Damascus", "Zoetwaren Aleppo"],
    "er": ["Restaurant Asmara"],
}

PERSONAL_TRADES = [
    "Schildersbedrijf",
    "Klussenbedrijf",
    "Installatiebedrijf",
    "Autobedrijf",
    "Hoveniersbedrijf",
    "Timmerbedrijf",
    "Loodgietersbedrijf",
    "Rijschool",
    "Fietsenmakerij",
    "Stukadoorsbedrijf",
    "Transportbedrijf",
    "Bouwbedrijf",
    "Slagerij",
    "Bakkerij",
    "Tegelzetterij",
    "Kapsalon",
]


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    gender: str  # "m" or "f": only to pick a matching given name and surname form
    origin: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _family_form(name: str, gender: str) -> str:
    if "/" in name:
        male, female = name.split("/")
        return male if gender == "m" else female
    return name


def draw_person(
    rng: random.Random, *, region: str, mix: str, taken: set[tuple[str, str]]
) -> Person:
    """A new person, unique by name among ``taken`` (which is updated)."""
    while True:
        origin = _weighted(rng, ORIGIN_MIX[mix])
        gender = rng.choice(["m", "f"])
        if origin == "nl":
            given_pool = DUTCH_GIVEN[gender] + REGIONAL_GIVEN.get(region, {}).get(gender, [])
            # Most people carry a name of their own region, the others moved there.
            regional = rng.random() < 0.6
            family_pool = REGIONAL_FAMILY[region] if regional else REGIONAL_FAMILY["randstad"]
        else:
            given_pool = ORIGINS[origin][gender]
            family_pool = ORIGINS[origin]["family"]
        person = Person(
            given_name=rng.choice(given_pool),
            family_name=_family_form(rng.choice(family_pool), gender),
            gender=gender,
            origin=origin,
        )
        key = (person.given_name, person.family_name)
        if key not in taken:
            taken.add(key)
            return person


def capitalise_family_name(name: str) -> str:
    """'van der Meer' as it is written without a given name before it: 'Van der Meer'."""
    return name[:1].upper() + name[1:]


def draw_trade_name(rng: random.Random, *, owner: Person, taken: set[str]) -> str:
    """A trade name not in ``taken`` (which is updated): a named business or the owner's."""
    while True:
        draw = rng.random()
        if draw < 0.3:
            name = f"{rng.choice(PERSONAL_TRADES)} {capitalise_family_name(owner.family_name)}"
        elif draw < 0.6 and owner.origin in ORIGIN_TRADE_NAMES:
            name = rng.choice(ORIGIN_TRADE_NAMES[owner.origin])
        else:
            name = rng.choice(TRADE_NAMES)
        if name not in taken:
            taken.add(name)
            return name
