"""Words around a name that say who the person is: an official in office (kept) or a party (removed)."""

from __future__ import annotations

import regex

# Officials acting in office (Regulation No. 123 keeps their names), in the case forms decisions use.
OFFICIAL_ROLES = frozenset("""
tiesnesis tiesneša tiesnesim tiesnesi tiesnese tiesneses tiesnesei tiesneši tiesnešiem tiesnešu
senators senatora senatoram senatori senatore senatores senatorei senatoriem
prokurors prokurora prokuroram prokuroru prokurore prokurores prokurorei prokurori
advokāts advokāta advokātam advokātu advokāte advokātes advokātei advokāti
aizstāvis aizstāvja aizstāvim aizstāve aizstāves aizstāvei
sekretāre sekretāres sekretārei sekretārs sekretāra sekretāram
notārs notāra notāram notāre notāres notārei
inspektors inspektora inspektoram inspektore inspektores inspektorei
izmeklētājs izmeklētāja izmeklētājam izmeklētājai
policists policista policistam policiste policistes
eksperts eksperta ekspertam eksperte ekspertes ekspertei
pārstāvis pārstāvja pārstāvim pārstāve pārstāves pārstāvei
priekšsēdētājs priekšsēdētāja priekšsēdētājam priekšsēdētājai
referents referente tulks tulce mediators mediatore izpildītājs izpildītāja
""".split())
# Roles that are official only with the body named before them ("valdes loceklis" is a private person).
OFFICIAL_PHRASES = frozenset({"bāriņtiesas locekle", "bāriņtiesas loceklis", "komisijas locekle", "komisijas loceklis"})

# Words that introduce a party or another private person: a capitalised word after them is a name.
PERSON_CONTEXT = frozenset("""
apsūdzētais apsūdzētā apsūdzētajam apsūdzēto apsūdzētie apsūdzētajai
cietušais cietusī cietušā cietušajam cietušajai cietušo cietušās
liecinieks lieciniece liecinieka lieciniekam liecinieces lieciniecei liecinieku liecinieci
prasītājs prasītāja prasītājam prasītājai prasītājas prasītāju
atbildētājs atbildētāja atbildētājam atbildētājai atbildētājas atbildētāju
pieteicējs pieteicēja pieteicējam pieteicējai pieteicējas pieteicēju
parādnieks parādnieka parādniekam parādnieku parādniece
turētais turētā notiesātais notiesātā mantinieks mantiniece īrnieks īrniece īrnieci īrnieku
kaimiņš kaimiņiene kaimiņu laulātais laulātā laulāto dzīvesbiedre dzīvesbiedrs
dēls dēla dēlu dēlam meita meitas meitu meitai sieva sievas sievu vīrs vīra vīru
brālis brāļa brāli brālim māsa māsas māsu māsai tēvs tēva tēvu māte mātes māti
mazgadīgais mazgadīgā mazgadīgās mazgadīgo bērns ārsts ārste
kolēģis kolēģe kolēģa kolēģim draugs drauga draudzene paziņa partneris partnere līdzbraucējs vadītājs vadītāja
""".split())

# Name particles of foreign surnames (Al Hasans, van Dijks, de Soto).
PARTICLES = frozenset({"Al", "El", "Van", "Von", "De", "Da", "Di", "Ben", "Bin", "Fon"})
# Capitalised words that are never a surname even right after a given name.
NOT_SURNAMES = frozenset({
    "Latvijas", "Latvija", "Rīgas", "Valsts", "Tiesa", "Tiesas", "Nr", "Spriedums", "Lēmums",
    # Legal forms and institutions' acronyms, also after a party word ("atbildētājs VAS …").
    "SIA", "AS", "AAS", "VAS", "VSIA", "PSIA", "IK", "ZS", "KS", "PS", "ECLI", "EUR", "PVN", "IIN", "VID", "VSAA",
    "NVA", "PMLP", "VZD", "CSDD", "KNAB", "ECT", "ES",
})

_SEPARATOR_BEFORE_ROLE = regex.compile(r"^[\s:]*$")
_LIST_SEPARATOR = regex.compile(r"^\s*(?:,|un|,\s*un)\s*$")


def is_role_gap(text: str) -> bool:
    """Only spaces or a colon between a role word and the name."""
    return bool(_SEPARATOR_BEFORE_ROLE.match(text))


def is_list_gap(text: str) -> bool:
    """", " or " un " between two names of one enumeration (Tiesneši A, B un C)."""
    return bool(_LIST_SEPARATOR.match(text))
