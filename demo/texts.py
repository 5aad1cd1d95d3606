"""Short Dutch notes for the demo's progress reviews and guidance sessions.

The notes speak of "de stagiair" and "de ondernemer", never of a name: free text travels into
exports and screens where a name does not belong.
"""

REVIEW_NOTES = {
    "start": [
        "Eerste weken goed verlopen. De stagiair is op tijd en leert de werkzaamheden snel kennen.",
        "Rustige start. Werktijden en afspraken met de ondernemer doorgenomen; reiskosten "
        "geregeld.",
        "De stagiair moest wennen aan het vroege begin, maar is inmiddels elke dag op tijd.",
        "Kennismaking op de werkvloer gehad. Eerst meelopen, daarna stap voor stap zelfstandig.",
        "Start wat onwennig. Afgesproken dat de stagiair bij vragen direct de ondernemer "
        "aanspreekt.",
    ],
    "middle": [
        "Gaat goed. Neemt meer taken zelfstandig op zich; de ondernemer is tevreden.",
        "Werkt nauwkeurig, mag meer initiatief tonen. Afgesproken dat de stagiair zelf vragen "
        "stelt.",
        "Twee keer ziek gemeld, verder positief. Afspraken over ziekmelden nog eens doorgenomen.",
        "De stagiair vindt het werk leuk en wil graag in deze richting verder.",
        "Rooster besproken: de uren worden in overleg uitgebreid.",
        "Samenwerking met collega's verloopt beter. Blijft een aandachtspunt bij drukte.",
        "Zelfvertrouwen groeit zichtbaar. Volgende stap: klantcontact onder begeleiding.",
        "Even een dip na een drukke periode; samen met de ondernemer de taken opnieuw verdeeld.",
    ],
    "active": [
        "Loopt goed. Volgend voortgangsgesprek ingepland.",
        "Stage verloopt volgens plan. Aandacht voor de afronding en wat daarna komt.",
    ],
    "completed": [
        "Eindgesprek: stage afgerond. De stagiair kan zelfstandig werken. Volgende stap: "
        "solliciteren met een referentie van de ondernemer.",
        "Stage goed afgerond. De ondernemer onderzoekt of een contract mogelijk is.",
        "Afronding besproken. De stagiair wil een mbo-opleiding volgen; doorverwezen naar het "
        "leerwerkloket.",
        "Stage afgerond met een getuigschrift. Plan voor de komende maanden: gericht solliciteren.",
        "Eindevaluatie met de ondernemer: veel geleerd, vooral in samenwerken en "
        "verantwoordelijkheid nemen.",
    ],
    "found_work": [
        "De stagiair heeft een baan gevonden en stopt eerder met de stage. Mooi resultaat.",
        "Aangenomen bij een ander bedrijf; de stage stopt daarom voortijdig. De ondernemer bedankt "
        "voor de begeleiding.",
    ],
    "illness": [
        "Stage beëindigd wegens langdurige ziekte. Contact loopt via de klantmanager.",
    ],
    "mismatch": [
        "Het werk past niet bij wat de stagiair kan en wil. In overleg gestopt; we zoeken een "
        "andere plek.",
    ],
    "entrepreneur_stopped": [
        "De ondernemer stopt met het bedrijf; de stage eindigt daardoor. We zoeken een nieuwe "
        "stageplek.",
    ],
    "jobseeker_withdrew": [
        "De stagiair heeft aangegeven te stoppen met de stage. Redenen besproken en vastgelegd.",
    ],
    "other": [
        "Stage voortijdig beëindigd door een veranderde thuissituatie (mantelzorg).",
    ],
}

# Per purpose of a guidance session: (topics, notes) pairs that belong together.
SESSIONS = {
    "intake": [
        (
            ["onboarding", "administration"],
            "Kennismaking en uitleg van de pilot. Stageovereenkomst, verzekering en begeleiding "
            "doorgenomen.",
        ),
        (
            ["onboarding"],
            "Intake: welke taken geschikt zijn voor een stagiair en wie het aanspreekpunt op de "
            "werkvloer is.",
        ),
        (
            ["onboarding", "finances"],
            "Eerste gesprek. De ondernemer heeft nog nooit personeel gehad; verwachtingen en "
            "kosten besproken.",
        ),
    ],
    "first_weeks": [
        (
            ["instruction"],
            "Besproken hoe de eerste weken verliepen en hoe de ondernemer instructies geeft.",
        ),
        (
            ["onboarding", "instruction"],
            "Inwerkplan nagelopen: de stagiair kent de vaste taken, de ondernemer doet nog veel "
            "voor.",
        ),
    ],
    "during": [
        (
            ["supervision"],
            "De ondernemer vindt feedback geven lastig; samen een opzet voor een wekelijks gesprek "
            "gemaakt.",
        ),
        (
            ["instruction"],
            "Taken stap voor stap uitgebreid; de ondernemer is positief over de inzet.",
        ),
        (
            ["supervision", "communication"],
            "Werkafspraken en rooster opnieuw bekeken na een paar keer te laat komen.",
        ),
        (
            ["supervision"],
            "Gesproken over de balans tussen eigen werk en tijd voor begeleiding.",
        ),
        (
            ["communication"],
            "Hoe de ondernemer een misverstand met de stagiair uitpraat; rollenspel gedaan.",
        ),
    ],
    "closing": [
        (
            ["hiring", "finances"],
            "Mogelijkheden voor een contract na de stage besproken, met loonkostensubsidie en "
            "no-riskpolis.",
        ),
        (
            ["supervision", "hiring"],
            "Terugblik: wat ging goed in het leidinggeven, wat kan beter bij een volgende "
            "stagiair.",
        ),
    ],
    "after_early_end": [
        (
            ["communication", "other"],
            "Na de voortijdige beëindiging besproken wat de ondernemer een volgende keer anders "
            "wil doen.",
        ),
    ],
    "stopped": [
        (
            ["other"],
            "De ondernemer stopt met het bedrijf. Afscheidsgesprek; de begeleiding is afgerond.",
        ),
    ],
}
