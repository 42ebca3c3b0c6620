"""The fictional demo organisation, as the same CSV files an operator would import.

Everything here is invented: the government, its units, its places and its people.
Names are drawn deterministically, so every installation shows the same demo.
"""

from __future__ import annotations

import csv
import io
import random

DEMO_DOMAIN = "demo.example"
DEMO_PASSWORD = "dissent-demo-2026"  # noqa: S105 - published demo login, see README
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # noqa: S105 - published, see README

UNITS = [
    ("GOV", "Government of Examplia", "", "organisation"),
    ("MFA", "Ministry of Foreign Affairs", "GOV", "agency"),
    ("DCA", "Development Cooperation Agency", "GOV", "agency"),
    ("MFA-PPS", "Policy Planning Staff", "MFA", "office"),
    ("MFA-NOR", "Bureau of Northern Affairs", "MFA", "bureau"),
    ("MFA-TRD", "Bureau of Trade and Economic Affairs", "MFA", "bureau"),
    ("MFA-CON", "Bureau of Consular Services", "MFA", "bureau"),
    ("MFA-HR", "Office of Human Resources", "MFA", "office"),
    ("MFA-OIG", "Office of the Inspector General", "MFA", "office"),
    ("MFA-CORDOVA", "Embassy in Cordova", "MFA-NOR", "post"),
    ("MFA-ELARA", "Consulate in Port Elara", "MFA-CON", "post"),
    ("DCA-WAT", "Bureau of Water and Sanitation", "DCA", "bureau"),
    ("DCA-EDU", "Bureau of Education Programmes", "DCA", "bureau"),
    ("DCA-VALMORA", "Mission in Valmora", "DCA-WAT", "post"),
]

# (email local part, name, units, roles, eligible, language): the logins listed in README.
PERSONAS = [
    ("drafter", "Mira Castellan", "MFA-NOR", "staff", True, "en"),
    ("cosigner", "Tomas Okafor", "DCA-WAT", "staff", True, "en"),
    ("cosigner.zh", "林晓雯 (Lin Xiaowen)", "MFA-TRD", "staff", True, "zh-hans"),
    ("contractor", "Paz Lindqvist", "MFA-CON", "staff", False, "en"),
    ("office", "Ines Varga", "MFA-PPS", "staff;office", True, "en"),
    ("office.head", "Rafael Mendel", "MFA-PPS", "staff;office;office_head", True, "en"),
    ("leader", "Helena Strand", "MFA", "staff;leadership;head", True, "en"),
    ("deputy", "Kofi Brandt", "MFA", "staff;leadership", True, "en"),
    ("dca.head", "Amara Quist", "DCA", "staff;head", True, "en"),
    ("auditor", "Jonas Ferreira", "MFA-OIG", "staff;auditor", True, "en"),
    ("admin", "Sam Idowu", "MFA-HR", "staff;admin", True, "en"),
]

GIVEN = [
    "Alba",
    "Bram",
    "Chiara",
    "Dmitri",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ilse",
    "Jalen",
    "Keiko",
    "Lorenzo",
    "Maren",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Stellan",
    "Talia",
    "Umar",
    "Vera",
    "Wendell",
    "Ximena",
    "Yusuf",
    "Zora",
]
FAMILY = [
    "Abernathy",
    "Bellweather",
    "Calloway",
    "Dunmore",
    "Eastwick",
    "Fairbairn",
    "Glenholm",
    "Hartigan",
    "Ivarsson",
    "Jessop",
    "Kilbride",
    "Lowther",
    "Marchetti",
    "Northcott",
    "Oyelaran",
    "Pennick",
    "Quarrington",
    "Rowntree",
    "Sandoval",
    "Thistlewood",
]
ZH_NAMES = ["王海燕", "陈志远", "刘佳宁", "张明哲", "赵雨桐", "黄文博", "周思远", "吴静怡"]
STAFF_UNITS = [
    "MFA-NOR",
    "MFA-TRD",
    "MFA-CON",
    "MFA-CORDOVA",
    "MFA-ELARA",
    "DCA-WAT",
    "DCA-EDU",
    "DCA-VALMORA",
]
GENERATED_STAFF = 110


def units_csv() -> str:
    return to_csv(("code", "name", "parent_code", "kind"), UNITS)


def people_csv() -> str:
    rng = random.Random(2023)  # fixed seed: the same demo everywhere
    rows: list[tuple[str, ...]] = [
        (f"{local}@{DEMO_DOMAIN}", name, units, roles, str(eligible).lower(), lang)
        for local, name, units, roles, eligible, lang in PERSONAS
    ]
    used = {r[0] for r in rows}
    while len(rows) < len(PERSONAS) + GENERATED_STAFF:
        index = len(rows) - len(PERSONAS)
        if index % 14 == 13:
            name = rng.choice(ZH_NAMES)
            local = f"staff{index:03d}"
            language = "zh-hans"
        else:
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            name, local, language = f"{given} {family}", f"{given}.{family}".lower(), "en"
        email = f"{local}@{DEMO_DOMAIN}"
        if email in used:
            continue
        used.add(email)
        eligible = rng.random() > 0.12  # about one in eight are contractors
        rows.append((email, name, rng.choice(STAFF_UNITS), "staff", str(eligible).lower(), language))
    return to_csv(("email", "name", "units", "roles", "eligible", "language"), rows)


def to_csv(header: tuple[str, ...], rows: list[tuple[str, ...]] | list[tuple[str, str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
