"""`clinic-app fields` and `clinic-app templates`: no vault needed, same list as the docs; `templates`
on a vault and on the clinic server."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import CliTarget, assert_ok, run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_fields_json_lists_every_field_with_description_and_example(
    cli_env: dict[str, str],
) -> None:
    fields = assert_ok(run_cli("fields", "--json", env=cli_env)).json()
    by_name = {f["name"]: f for f in fields}
    for name in ("client.full_name", "client.a_number", "letter.period_end", "work_permit.end",
                 "clinic.address", "preparer.name", "today", "enclosures"):  # fmt: skip
        assert name in by_name
        assert by_name[name]["description"]
    assert by_name["today"]["example"] == "March 1, 2027"
    assert by_name["today"]["example_es"] == "1 de marzo de 2027"
    assert [i["name"] for i in by_name["enclosures"]["items"]] == [
        "enclosures[].number", "enclosures[].tab", "enclosures[].title",
    ]  # fmt: skip


def test_fields_for_people_and_markdown_match_the_docs(cli_env: dict[str, str]) -> None:
    plain = assert_ok(run_cli("fields", env=cli_env)).stdout
    assert "client.date_of_birth (date)  e.g. March 1, 1985" in plain
    markdown = assert_ok(run_cli("fields", "--markdown", env=cli_env)).stdout
    assert markdown == (ROOT / "docs" / "fields.md").read_text(encoding="utf-8")


def test_templates_are_listed_without_unlocking(cli_env: dict[str, str]) -> None:
    listing = assert_ok(run_cli("templates", env=cli_env)).stdout
    for template in ("declaration", "cover-letter-initial", "cover-letter-renewal", "soi-request",
                     "client-appointment-reminder", "client-policy-change"):  # fmt: skip
        assert template in listing
    found = assert_ok(run_cli("templates", "--json", env=cli_env)).json()
    assert {(t["id"], t["language"]) for t in found} >= {
        ("declaration", "es"),
        ("client-policy-change", "es"),
    }
    assert all(t["source"] == "shipped" for t in found)


def test_templates_on_a_store_list_the_shipped_ones_too(
    cli_empty: CliTarget, cli_env: dict[str, str]
) -> None:
    """With a vault or the clinic server named, the listing opens it (for the clinic's own
    templates) and still lists every shipped one, the same as without a store."""
    shipped = assert_ok(run_cli("templates", "--json", env=cli_env)).json()
    assert cli_empty.json("templates") == shipped
    listing = assert_ok(cli_empty.cli("templates")).stdout
    assert listing == assert_ok(run_cli("templates", env=cli_env)).stdout
