"""Version 1 of the shared classifiers, written by migration 0013.

Never edit a list here to change it: a change is a new version (`flask classifiers import`), so
cases recorded under version 1 keep their meaning. Each list names its source and says whether it
was checked against that source.
"""

from __future__ import annotations

import gettext
from importlib.metadata import version

import pycountry

STARTER_LISTS_CREATED_BY = "migration 0013"


def _languages() -> list[dict]:
    """ISO 639-1 languages from pycountry, with the Latvian names pycountry's translations have
    (the English name where it has none)."""
    latvian = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["lv"], fallback=True)
    entries = []
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code:
            entries.append({"code": code, "name_lv": latvian.gettext(language.name), "name_en": language.name})
    return sorted(entries, key=lambda entry: entry["code"])


def _entries(rows: list[tuple[str, str, str]]) -> list[dict]:
    return [{"code": code, "name_lv": name_lv, "name_en": name_en} for code, name_lv, name_en in rows]


def starter_lists() -> list[dict]:
    return [
        {
            "name": "language", "title_lv": "Valodas", "title_en": "Languages", "public": True,
            "source": f"ISO 639-1, from pycountry {version('pycountry')}"
                      " (Latvian names from its iso639-3 translations, English where it has none)",
            "verified": True, "entries": _languages(),
        },
        {
            "name": "court_territory", "title_lv": "Tiesu apgabalu teritorijas", "title_en": "Court territories",
            "public": True, "verified": True,
            "source": "the five regional court territories the solvers and resource data use (webapp/resources)",
            "entries": _entries([
                ("Rīga", "Rīgas apgabaltiesas darbības teritorija", "Riga Regional Court territory"),
                ("Kurzeme", "Kurzemes apgabaltiesas darbības teritorija", "Kurzeme Regional Court territory"),
                ("Zemgale", "Zemgales apgabaltiesas darbības teritorija", "Zemgale Regional Court territory"),
                ("Vidzeme", "Vidzemes apgabaltiesas darbības teritorija", "Vidzeme Regional Court territory"),
                ("Latgale", "Latgales apgabaltiesas darbības teritorija", "Latgale Regional Court territory"),
            ]),
        },
        {
            "name": "criminal_law_article", "title_lv": "Krimināllikuma panti", "title_en": "Articles of the Criminal Law",
            "public": True, "verified": False,
            "source": "Krimināllikums (Criminal Law): a starter list for the crimes the bundled processes name;"
                      " article numbers and titles not yet checked against the consolidated text on likumi.lv",
            "entries": _entries([
                ("116", "Slepkavība", "Murder"),
                ("117", "Slepkavība pastiprinošos apstākļos", "Murder under aggravating circumstances"),
                ("125", "Tīšs smags miesas bojājums", "Intentional serious bodily injury"),
                ("126", "Tīšs vidēja smaguma miesas bojājums", "Intentional moderate bodily injury"),
                ("130", "Tīšs viegls miesas bojājums", "Intentional minor bodily injury"),
                ("154.1", "Cilvēku tirdzniecība", "Human trafficking"),
                ("159", "Izvarošana", "Rape"),
                ("175", "Zādzība", "Theft"),
                ("176", "Laupīšana", "Robbery"),
                ("177", "Krāpšana", "Fraud"),
                ("179", "Piesavināšanās", "Misappropriation"),
                ("185", "Tīša mantas iznīcināšana un bojāšana", "Intentional destruction of and damage to property"),
                ("195", "Noziedzīgi iegūtu līdzekļu legalizēšana", "Laundering of the proceeds of crime"),
                ("231", "Huligānisms", "Hooliganism"),
                ("262", "Transportlīdzekļa vadīšana reibuma stāvoklī", "Driving a vehicle while intoxicated"),
                ("320", "Kukuļņemšana", "Accepting a bribe"),
            ]),
        },
        {
            "name": "property_item_kind", "title_lv": "Mantu veidi", "title_en": "Kinds of property items",
            "public": True, "verified": True, "source": "Lieta's own list for the property and document register",
            "entries": _entries([
                ("money", "Nauda", "Money"),
                ("vehicle", "Transportlīdzeklis", "Vehicle"),
                ("phone", "Mobilais tālrunis", "Mobile phone"),
                ("computer", "Dators vai datu nesējs", "Computer or data carrier"),
                ("document", "Dokuments", "Document"),
                ("weapon", "Ierocis", "Weapon"),
                ("drugs", "Narkotiskās vai psihotropās vielas", "Narcotic or psychotropic substances"),
                ("jewellery", "Rotaslietas", "Jewellery"),
                ("clothing", "Apģērbs", "Clothing"),
                ("biological_trace", "Bioloģiskās pēdas", "Biological traces"),
                ("other", "Cita manta", "Other property"),
            ]),
        },
        {
            "name": "document_kind", "title_lv": "Dokumentu veidi", "title_en": "Kinds of documents",
            "public": True, "verified": True, "source": "Lieta's own list of the documents its processes record",
            "entries": _entries([
                ("report", "Iesniegums vai ziņojums par noziedzīgu nodarījumu", "Report of a criminal offence"),
                ("decision_start", "Lēmums par kriminālprocesa uzsākšanu", "Decision to start criminal proceedings"),
                ("decision_refuse", "Lēmums par atteikšanos uzsākt kriminālprocesu", "Decision refusing to start criminal proceedings"),
                ("proposal_prosecution", "Lēmums par kriminālvajāšanas ierosināšanu", "Decision proposing prosecution"),
                ("charge", "Lēmums par saukšanu pie kriminālatbildības", "Decision to charge"),
                ("protocol", "Procesuālās darbības protokols", "Record of an investigative action"),
                ("expert_report", "Eksperta atzinums", "Expert report"),
                ("judgment", "Spriedums", "Judgment"),
                ("execution_order", "Izpildrīkojums", "Execution order"),
                ("compensation_decision", "Lēmums par valsts kompensāciju", "Decision on state compensation"),
            ]),
        },
        {
            "name": "sentence_type", "title_lv": "Sodu veidi", "title_en": "Types of sentence", "public": True,
            "verified": False,
            "source": "Krimināllikums (Criminal Law) s.36 (types of punishment) and the probation measures the"
                      " sentence-execution process routes; not yet checked against the consolidated text",
            "entries": _entries([
                ("imprisonment", "Brīvības atņemšana", "Imprisonment"),
                ("community_service", "Piespiedu darbs", "Community service"),
                ("probation_supervision", "Probācijas uzraudzība", "Probation supervision"),
                ("conditional_sentence", "Nosacīta notiesāšana", "Conditional sentence"),
                ("fine", "Naudas sods", "Fine"),
            ]),
        },
    ]
