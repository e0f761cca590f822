"""Demo data: advocates and prosecutors across the five court territories (idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from engine.errors import N_
from engine.models import User
from engine.services.transaction import atomic
from webapp.extensions import db
from webapp.resources.common import TERRITORIES, riga_date, slug
from webapp.resources.models import Advocate, AdvocateLeave, Prosecutor, ProsecutorLeave
from webapp.resources.people import now, record

# Advocates per territory (60) and prosecutors per territory (40: five regions × two 12-hour
# shifts need 70 duties a week, and the rules allow a prosecutor at most 3 a week).
ADVOCATES = {"riga": 24, "kurzeme": 9, "zemgale": 8, "vidzeme": 9, "latgale": 10}
PROSECUTORS = {"riga": 10, "kurzeme": 7, "zemgale": 7, "vidzeme": 8, "latgale": 8}
RUSSIAN_SHARE = {"riga": 0.55, "kurzeme": 0.3, "zemgale": 0.35, "vidzeme": 0.25, "latgale": 0.8}
NEIGHBOURS = {"riga": "zemgale", "kurzeme": "zemgale", "zemgale": "riga", "vidzeme": "riga", "latgale": "vidzeme"}
SPREAD_KM = {"riga": 8.0, "kurzeme": 25.0, "zemgale": 15.0, "vidzeme": 25.0, "latgale": 25.0}
FIRST = ["Jānis", "Anna", "Andris", "Kristīne", "Mārtiņš", "Ilze", "Edgars", "Laura", "Raivis", "Inese", "Oskars",
         "Līga", "Artūrs", "Dace", "Kārlis", "Santa", "Guntis", "Zane", "Aleksandrs", "Olga", "Sergejs", "Jeļena"]
LAST = ["Bērziņš", "Kalniņa", "Ozoliņš", "Liepiņa", "Krūmiņš", "Zariņa", "Jansons", "Vītola", "Kļaviņš", "Eglīte",
        "Balodis", "Siliņa", "Ivanovs", "Petrova", "Pētersons", "Grīnberga", "Lācis", "Rozīte", "Kuzņecovs", "Sproģe"]
DEMO_LINKS = {"advocate": "adv-riga-01", "prosecutor": "pro-riga-01", "duty-prosecutor": "pro-riga-02"}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def seed_demo(seed: int = 2027) -> dict[str, int]:
    session = db.session
    rng = random.Random(seed)
    moment = now()
    today = riga_date(moment)
    have_adv = set(session.scalars(select(Advocate.code)))
    have_pro = set(session.scalars(select(Prosecutor.code)))
    made = {"advocates": 0, "prosecutors": 0, "linked": 0}
    with atomic(session, N_("the demo data could not be created")):
        for territory, count in ADVOCATES.items():
            cx, cy = TERRITORIES[territory]
            for n in range(1, count + 1):
                code = f"adv-{slug(territory)}-{n:02d}"
                name, juvenile = _name(rng), (n == 2 or rng.random() < 0.12)
                languages = ["lv"] + (["ru"] if n % 3 == 1 or rng.random() < RUSSIAN_SHARE[territory] else []) \
                    + (["en"] if rng.random() < 0.3 else [])
                territories = [territory] + ([NEIGHBOURS[territory]] if rng.random() < 0.1 else [])
                x, y = cx + rng.gauss(0, SPREAD_KM[territory]), cy + rng.gauss(0, SPREAD_KM[territory])
                leave_start = today + dt.timedelta(days=rng.randint(0, 40))
                has_leave, leave_days = rng.random() < 0.1, rng.randint(3, 14)
                if code in have_adv:
                    continue
                advocate = Advocate(
                    code=code, full_name=name, territories=sorted(territories), languages=sorted(set(languages)),
                    juvenile=juvenile, daily_capacity=rng.choice((1, 2, 2, 2, 3)), office_x_km=round(x, 1),
                    office_y_km=round(y, 1), active=True, created_at=moment, updated_at=moment,
                )
                if has_leave:
                    advocate.leaves.append(AdvocateLeave(start_date=leave_start, reason="atvaļinājums",
                                                         end_date=leave_start + dt.timedelta(days=leave_days)))
                session.add(advocate)
                made["advocates"] += 1
        for territory, count in PROSECUTORS.items():
            for n in range(1, count + 1):
                code = f"pro-{slug(territory)}-{n:02d}"
                name = _name(rng)
                regions = [territory] + ([NEIGHBOURS[territory]] if n <= 2 else [])
                leave_start = today + dt.timedelta(days=rng.randint(0, 60))
                has_leave, leave_days = rng.random() < 0.15, rng.randint(2, 7)
                if code in have_pro:
                    continue
                prosecutor = Prosecutor(code=code, full_name=name, regions=sorted(regions), active=True,
                                        created_at=moment, updated_at=moment)
                if has_leave:
                    prosecutor.leaves.append(ProsecutorLeave(start_date=leave_start, reason="atvaļinājums",
                                                             end_date=leave_start + dt.timedelta(days=leave_days)))
                session.add(prosecutor)
                made["prosecutors"] += 1
        session.flush()
        for username, code in DEMO_LINKS.items():
            user_id = session.scalar(select(User.id).where(User.username == username))
            model = Advocate if code.startswith("adv-") else Prosecutor
            row = session.scalar(select(model).where(model.code == code))
            if user_id is not None and row is not None and row.user_id is None:
                row.user_id = user_id
                made["linked"] += 1
        if any(made.values()):
            record("system", "resources_seeded", **made)
    return made
