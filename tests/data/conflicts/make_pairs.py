"""Writes pairs.csv: labelled record pairs for the conflict check, from invented names.

Run `python tests/data/conflicts/make_pairs.py` to regenerate (fixed seed: the same file).
Each pair is an existing record (a_*) and a new intake entry (b_*), labelled by how it was made:
`match` when the entry was derived from the same person in one of the hard forms intake
produces, `non_match` when it was made as a different person who looks alike. Every name is a
combination of common given names and surnames made up here; no pair describes a real person.
A pair a careful person could not decide either way (same name and nothing else known about a
different person) is never made.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from datetime import date, timedelta
from pathlib import Path

SEED = 19
OUT = Path(__file__).with_name("pairs.csv")
FIELDS = ("first", "last", "other", "dob", "a_number", "phone")

GIVEN_F = [
    "María José",
    "Guadalupe",
    "Rosa",
    "Ana Lucía",
    "Yesenia",
    "Dolores",
    "Marisol",
    "Noemí",
    "Juana",
    "Catarina",
    "Magdalena",
    "Luz María",
    "Francisca",
    "Concepción",
    "Maricela",
    "Elizabeth",
    "Fátima",
    "Thảo",
    "Hương",
    "Nadège",
    "Ximena",
    "Isabel",
]
GIVEN_M = [
    "José",
    "Juan Carlos",
    "Jesús",
    "Luis",
    "Héctor",
    "Óscar",
    "Efraín",
    "Iván",
    "Francisco",
    "Pedro",
    "Diego",
    "Tomás",
    "Rigoberto",
    "Guillermo",
    "Ignacio",
    "Enrique",
    "Manuel",
    "Roberto",
    "Mohammed",
    "Ahmed",
    "Minh",
    "Tuấn",
    "José Luis",
]
SURNAMES = [
    "García",
    "Hernández",
    "López",
    "Martínez",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vásquez",
    "Jiménez",
    "Reyes",
    "Núñez",
    "Domínguez",
    "Peña",
    "Ordóñez",
    "Xoj",
    "Tzul",
    "Ixcoy",
    "Ajpop",
    "Nguyễn",
    "Trần",
    "Saint-Fleur",
    "Étienne",
    "Araújo",
    "Villanueva",
    "Bautista",
]
VARIANTS = {
    "José": "Pepe",
    "Francisco": "Paco",
    "Guadalupe": "Lupe",
    "Jesús": "Chuy",
    "Dolores": "Lola",
    "Ignacio": "Nacho",
    "Enrique": "Quique",
    "Guillermo": "Memo",
    "Manuel": "Manolo",
    "Roberto": "Beto",
    "Francisca": "Paquita",
    "Concepción": "Concha",
    "Mohammed": "Muhammad",
    "Ahmed": "Ahmad",
    "Fátima": "Fatma",
    "Ximena": "Jimena",
    "Maricela": "Marisela",
    "Elizabeth": "Lisbeth",
    "Juan Carlos": "Juan Carlos",
}
TRANSLIT = {"Nguyễn": "Ngyuen", "Trần": "Tran", "Mohammed": "Mohamed", "Ahmed": "Ahmet"}
GENDER = {
    "Mario": "María",
    "Juan": "Juana",
    "Francisco": "Francisca",
    "Luis": "Luisa",
    "Antonio": "Antonia",
    "Manuel": "Manuela",
    "Roberto": "Roberta",
    "Ignacio": "Ignacia",
    "Tomás": "Tomasa",
    "Diego": "Diega",
}
LOOKALIKE_SURNAMES = [
    ("Ramírez", "Ramos"),
    ("Martínez", "Marín"),
    ("Herrera", "Ferrer"),
    ("Santos", "Santana"),
    ("Gómez", "González"),
    ("Cruz", "Cortés"),
    ("Morales", "Moreno"),
    ("Flores", "Fuentes"),
    ("Reyes", "Ríos"),
    ("Peña", "Pineda"),
    ("Vásquez", "Velásquez"),
    ("Núñez", "Muñoz"),
]
ONE_WORD = ["Xochitl", "Tenoch", "Itzel", "Nayeli", "Cuauhtémoc", "Yaretzi"]


def plain(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).replace("đ", "d")


class Maker:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.rows: list[dict[str, str]] = []
        self.used_a: set[str] = set()

    def dob(self) -> date:
        return date(self.rng.randint(1960, 2004), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def a_number(self) -> str:
        while True:
            value = f"A{self.rng.randint(10_000_000, 299_999_999):09d}"
            if value not in self.used_a:
                self.used_a.add(value)
                return value

    def phone(self) -> str:
        return f"555-{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)}"

    def person(self, *, female: bool | None = None, surnames: int | None = None) -> dict[str, str]:
        if female is None:
            female = self.rng.random() < 0.5
        first = self.rng.choice(GIVEN_F if female else GIVEN_M)
        count = surnames or self.rng.choice([1, 2, 2])
        last = " ".join(self.rng.sample(SURNAMES, count))
        return {
            "first": first,
            "last": last,
            "other": "",
            "dob": self.dob().isoformat() if self.rng.random() < 0.85 else "",
            "a_number": self.a_number() if self.rng.random() < 0.5 else "",
            "phone": self.phone() if self.rng.random() < 0.6 else "",
        }

    def add(self, form: str, label: str, a: dict[str, str], b: dict[str, str]) -> None:
        row = {"id": str(len(self.rows) + 1), "form": form, "label": label}
        for side, person in (("a", a), ("b", b)):
            for name in FIELDS:
                row[f"{side}_{name}"] = person.get(name, "")
        self.rows.append(row)

    def intake(self, a: dict[str, str], keep: float = 0.6) -> dict[str, str]:
        """A new entry for the same person: each identifier carried over or left blank."""
        b = {"first": a["first"], "last": a["last"], "other": ""}
        for name in ("dob", "a_number", "phone"):
            b[name] = a[name] if a[name] and self.rng.random() < keep else ""
        if b["a_number"] and self.rng.random() < 0.5:
            digits = b["a_number"][1:]
            b["a_number"] = self.rng.choice(
                [f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", digits.lstrip("0"), "a " + digits]
            )
        if b["phone"] and self.rng.random() < 0.5:
            b["phone"] = "(" + b["phone"].replace("-", ") ", 1)
        return b

    def different(self, a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
        """Make `b` a different person in what is known: another date of birth, A-number, phone."""
        born = date.fromisoformat(a["dob"]) if a["dob"] else self.dob()
        other = born + timedelta(days=self.rng.randint(400, 9000) * self.rng.choice([-1, 1]))
        b["dob"] = other.isoformat()
        a["dob"] = a["dob"] or born.isoformat()
        if self.rng.random() < 0.3:
            a["a_number"] = a["a_number"] or self.a_number()
            b["a_number"] = self.a_number()
        b["phone"] = self.phone() if self.rng.random() < 0.5 else ""
        return b


def positives(m: Maker) -> None:
    rng = m.rng
    for _ in range(14):
        a = m.person()
        b = m.intake(a)
        b["first"], b["last"] = plain(a["first"]), plain(a["last"])
        if rng.random() < 0.3:
            b["first"], b["last"] = b["first"].upper(), b["last"].upper()
        m.add("accents_and_case", "match", a, b)
    for index in range(24):
        a = m.person(surnames=2)
        b = m.intake(a)
        parts = a["last"].split()
        b["last"] = plain(parts[index % 2])
        m.add("one_of_two_surnames", "match", a, b)
    for _ in range(12):
        a = m.person(surnames=2)
        b = m.intake(a)
        b["last"] = " ".join(reversed(a["last"].split()))
        m.add("surnames_reordered", "match", a, b)
    for _ in range(10):
        a = m.person(surnames=2)
        b = m.intake(a)
        b["last"] = plain("-".join(a["last"].split()))
        m.add("hyphenated_surnames", "match", a, b)
    for _ in range(12):
        a = m.person(surnames=2)
        a["first"] = rng.choice(
            ["María José", "Juan Carlos", "Ana Lucía", "José Luis", "Luz María"]
        )
        b = m.intake(a, keep=0.8)
        b["first"] = " ".join(p[0] + "." for p in a["first"].split())
        b["last"] = plain(rng.choice(a["last"].split()))
        if not (b["dob"] or b["a_number"] or b["phone"]):
            b["dob"] = a["dob"] = a["dob"] or m.dob().isoformat()
        m.add("initials", "match", a, b)
    for first, variant in VARIANTS.items():
        if first == variant:
            continue
        a = m.person()
        a["first"] = first
        b = m.intake(a)
        b["first"] = variant
        m.add("given_name_variant", "match", a, b)
    for original, written in TRANSLIT.items():
        for _ in range(3):
            a = m.person(surnames=1)
            if original in ("Nguyễn", "Trần"):
                a["last"] = original
                a["first"] = rng.choice(["Thảo", "Minh", "Hương", "Tuấn", "Văn An"])
            else:
                a["first"] = original
            b = m.intake(a)
            b["first"] = written if a["first"] == original else plain(a["first"])
            b["last"] = written if a["last"] == original else plain(a["last"])
            m.add("transliteration", "match", a, b)
    for _ in range(14):
        a = m.person(surnames=rng.choice([1, 2]))
        b = m.intake(a)
        b["first"], b["last"] = plain(a["last"]), plain(a["first"])
        m.add("name_order", "match", a, b)
    for name in ONE_WORD:
        a = m.person()
        a["first"], a["last"] = name, ""
        a["dob"] = a["dob"] or m.dob().isoformat()
        b = m.intake(a, keep=0.9)
        b["first"], b["last"] = "", plain(name)
        b["dob"] = a["dob"]
        m.add("one_word_name", "match", a, b)
    for _ in range(16):
        a = m.person()
        b = m.intake(a)
        target = "last" if rng.random() < 0.6 else "first"
        word = plain(a[target]).split()[0]
        if len(word) >= 5:
            i = rng.randint(1, len(word) - 2)
            word = rng.choice(
                [word[:i] + word[i + 1 :], word[:i] + word[i + 1] + word[i] + word[i + 2 :]]
            )
        rest = plain(a[target]).split()[1:]
        b[target] = " ".join([word, *rest])
        m.add("typo", "match", a, b)
    for _ in range(18):
        a = m.person()
        born = date(rng.randint(1962, 2003), rng.randint(1, 12), rng.randint(1, 12))
        if born.day == born.month:
            born = born.replace(day=(born.day % 12) + 1)
        a["dob"] = born.isoformat()
        b = m.intake(a, keep=0.3)
        b["dob"] = born.replace(month=born.day, day=born.month).isoformat()
        b["first"] = plain(a["first"].split()[0])
        b["last"] = plain(a["last"].split()[0])
        m.add("dob_day_month_swapped", "match", a, b)
    for _ in range(12):
        a = m.person(female=True, surnames=2)
        a["a_number"] = m.a_number()
        b = m.intake(a, keep=0.0)
        digits = a["a_number"][1:]
        b["a_number"] = rng.choice(
            [f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}", digits.lstrip("0")]
        )
        b["last"] = a["last"].split()[0] + " de " + rng.choice(SURNAMES)  # married name
        m.add("a_number_any_spelling", "match", a, b)
    for _ in range(10):
        a = m.person()
        a["phone"] = m.phone()
        a["dob"] = ""
        b = m.intake(a, keep=0.0)
        b["phone"] = "+1 " + a["phone"].replace("-", " ")
        b["first"] = plain(a["first"].split()[0])
        m.add("same_phone", "match", a, b)
    for _ in range(10):
        a = m.person(surnames=2)
        alias = rng.choice(GIVEN_F + GIVEN_M).split()[0] + " " + rng.choice(SURNAMES)
        a["other"] = alias
        b = m.intake(a, keep=0.7)
        b["first"], b["last"] = alias.split(" ", 1)
        b["first"], b["last"] = plain(b["first"]), plain(b["last"])
        if not (b["dob"] or b["a_number"] or b["phone"]):
            b["dob"] = a["dob"] = a["dob"] or m.dob().isoformat()
        m.add("other_name_used", "match", a, b)
    for _ in range(10):
        a = m.person(surnames=1)
        a["last"] = rng.choice(["de la Cruz", "dos Santos", "del Valle", "de León"])
        b = m.intake(a)
        b["last"] = plain(a["last"].split()[-1])
        m.add("surname_particle", "match", a, b)
    for _ in range(12):
        a = m.person(surnames=2)
        a["first"] = rng.choice(
            ["María José", "Juan Carlos", "Ana Lucía", "José Luis", "Luz María"]
        )
        b = m.intake(a)
        b["first"] = plain(a["first"].split()[rng.choice([0, 1])])
        b["last"] = plain(a["last"].split()[0])
        m.add("compound_given_name", "match", a, b)


def negatives(m: Maker) -> None:
    rng = m.rng
    for _ in range(40):
        a = m.person()
        b = m.person(female=None)
        b["last"] = a["last"] if rng.random() < 0.6 else a["last"].split()[0]
        while b["first"].split()[0] == a["first"].split()[0]:
            b["first"] = rng.choice(GIVEN_F + GIVEN_M)
        if rng.random() < 0.5:
            b = m.different(a, b)
        else:
            b["dob"] = ""
        m.add("shared_surname", "non_match", a, b)
    for _ in range(16):
        a = m.person(surnames=2)
        b = m.person(surnames=2)
        b["last"] = a["last"]
        while b["first"] == a["first"]:
            b["first"] = rng.choice(GIVEN_F + GIVEN_M)
        b["phone"] = a["phone"] = a["phone"] or m.phone()
        b["dob"] = ""
        m.add("sibling_same_phone", "non_match", a, b)
    for male, female in GENDER.items():
        for _ in range(2):
            a = m.person(surnames=2)
            a["first"] = male
            b = m.intake(a, keep=0.0)
            b["first"] = female
            b["last"] = a["last"]
            if rng.random() < 0.5:
                b = m.different(a, b)
            m.add("masculine_feminine_pair", "non_match", a, b)
    for _ in range(34):
        a = m.person()
        b = m.intake(a, keep=0.0)
        b["first"], b["last"] = plain(a["first"]), plain(a["last"])
        b = m.different(a, b)
        m.add("same_name_different_person", "non_match", a, b)
    for real, alike in LOOKALIKE_SURNAMES:
        for _ in range(2):
            a = m.person(surnames=1)
            a["last"] = real
            b = m.intake(a, keep=0.0)
            b["last"] = alike
            b["first"] = plain(a["first"]) if rng.random() < 0.5 else rng.choice(GIVEN_F + GIVEN_M)
            if rng.random() < 0.5:
                b = m.different(a, b)
            m.add("look_alike_surname", "non_match", a, b)
    for _ in range(16):
        a = m.person(surnames=2)
        first, second = a["last"].split()
        b = m.intake(a, keep=0.0)
        b["last"] = first + " " + rng.choice([s for s in SURNAMES if s not in (first, second)])
        if rng.random() < 0.5:
            b = m.different(a, b)
        m.add("different_second_surname", "non_match", a, b)
    for _ in range(12):
        a = m.person(surnames=2)
        a["first"] = rng.choice(
            ["María José", "Juan Carlos", "Ana Lucía", "José Luis", "Luz María"]
        )
        b = m.intake(a, keep=0.0)
        b["first"] = (
            a["first"].split()[0] + " " + rng.choice(["Elena", "Antonio", "Fernanda", "Miguel"])
        )
        if rng.random() < 0.5:
            b = m.different(a, b)
        m.add("different_second_given_name", "non_match", a, b)
    for _ in range(12):
        a = m.person(surnames=2)
        b = m.intake(a, keep=0.0)
        other = rng.choice([g for g in GIVEN_F + GIVEN_M if g[0] != a["first"][0]])
        b["first"] = other[0] + "."
        b["last"] = plain(a["last"].split()[0])
        m.add("initial_does_not_fit", "non_match", a, b)
    for _ in range(10):
        a = m.person()
        a["a_number"] = m.a_number()
        b = m.intake(a, keep=0.0)
        b["a_number"] = m.a_number()
        b["first"], b["last"] = plain(a["first"]), plain(a["last"].split()[0])
        m.add("different_a_number", "non_match", a, b)


def main() -> None:
    m = Maker()
    positives(m)
    negatives(m)
    columns = ["id", "form", "label"] + [f"{s}_{n}" for s in "ab" for n in FIELDS]
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(m.rows)
    matches = sum(1 for r in m.rows if r["label"] == "match")
    print(f"wrote {len(m.rows)} pairs ({matches} matches) to {OUT.name}")


if __name__ == "__main__":
    main()
