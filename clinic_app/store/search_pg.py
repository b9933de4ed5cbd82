"""The clinic server's client search: tsvector prefix queries ranked exactly as the vault's FTS5 bm25.

The same typed text must find the same clients in the same order in both stores, so the words
are folded in Python for both (clinic_app.search), and the rank is FTS5's own bm25 formula
(k1 = 1.2, b = 0.75, its IDF floor, phrases summed in query order), computed in float8.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from clinic_app.domain.text import words

if TYPE_CHECKING:
    from clinic_app.search import Query

_PHRASES = """
phrase AS (
    SELECT u.i, u.term, u.prefix,
           CASE WHEN u.prefix THEN (quote_literal(u.term) || ':*')::tsquery
                ELSE quote_literal(u.term)::tsquery END AS tq
    FROM unnest(CAST(:terms AS text[]), CAST(:prefixes AS boolean[]))
         WITH ORDINALITY AS u(term, prefix, i)
)"""

# bm25 as sqlite's fts5_aux.c computes it: idf = ln((N - hits + 0.5) / (hits + 0.5)), floored at
# 1e-6; score = sum(idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl))); rank = -score.
RANKED_SQL = f"""
WITH {_PHRASES},
stats AS (
    SELECT count(*)::float8 AS n, coalesce(sum(words), 0)::float8 AS tokens FROM client_search
),
weight AS (
    SELECT phrase.*, CASE WHEN raw.idf <= 0 THEN 1e-6::float8 ELSE raw.idf END AS idf,
           stats.tokens / stats.n AS avgdl
    FROM phrase CROSS JOIN stats
    CROSS JOIN LATERAL (
        SELECT count(*)::float8 AS hits FROM client_search AS s WHERE s.doc @@ phrase.tq
    ) AS counted
    CROSS JOIN LATERAL (
        SELECT ln((stats.n - counted.hits + 0.5::float8) / (counted.hits + 0.5::float8)) AS idf
    ) AS raw
)
SELECT s.id AS id,
       -1.0::float8 * sum(
           w.idf * ((f.n * (1.2::float8 + 1.0::float8))
                    / (f.n + 1.2::float8 * (1::float8 - 0.75::float8
                                            + 0.75::float8 * s.words::float8 / w.avgdl)))
           ORDER BY w.i
       ) AS rank
FROM client_search AS s
CROSS JOIN weight AS w
CROSS JOIN LATERAL (
    SELECT coalesce(sum(array_length(t.positions, 1)), 0)::float8 AS n
    FROM unnest(s.doc) AS t
    WHERE CASE WHEN w.prefix THEN starts_with(t.lexeme, w.term) ELSE t.lexeme = w.term END
) AS f
WHERE s.doc @@ CAST(:q AS tsquery)
GROUP BY s.id
ORDER BY rank, id
"""

# The vault's query with PostgreSQL's string_agg for SQLite's group_concat (the order of the words
# does not change a bm25 rank).
DOCS_SQL = """
SELECT c.id, c.first_name, c.last_name, c.other_names, c.a_number,
       (SELECT string_agg(m.receipt_number, ' ' ORDER BY m.id) FROM matter m
         WHERE m.client_id = c.id),
       (SELECT string_agg(e.name, ' ' ORDER BY m.id) FROM matter m
         JOIN employer e ON e.id = m.employer_id WHERE m.client_id = c.id)
FROM client c
"""

COUNT_SQL = "SELECT count(*) FROM client_search WHERE doc @@ CAST(:q AS tsquery)"


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class TsvectorIndex:
    """client_search(id, body, words, doc): doc is to_tsvector('clinic_search', body)."""

    no_limit: int | None = None  # LIMIT NULL: every row
    docs_sql = DOCS_SQL

    def params(self, query: Query) -> dict[str, Any]:
        joiner = " | " if query.joiner == "OR" else " & "
        tsquery = joiner.join(_lexeme(p.term) + (":*" if p.prefix else "") for p in query.phrases)
        return {
            "q": tsquery,
            "terms": [p.term for p in query.phrases],
            "prefixes": [p.prefix for p in query.phrases],
        }

    def ranked_sql(self) -> str:
        return RANKED_SQL

    def count_sql(self) -> str:
        return COUNT_SQL

    def delete(self, conn: Connection, ids: list[int] | None) -> None:
        if ids is None:
            conn.execute(text("DELETE FROM client_search"))
            return
        conn.execute(text("DELETE FROM client_search WHERE id = ANY(:ids)"), {"ids": list(ids)})

    def insert(self, conn: Connection, docs: list[tuple[int, str]]) -> None:
        rows = []
        for client_id, body in docs:
            tokens = words(body)  # the words FTS5's unicode61 tokenizer finds in the same text
            rows.append({"id": client_id, "body": " ".join(tokens), "words": len(tokens)})
        conn.execute(
            text(
                "INSERT INTO client_search (id, body, words, doc) "
                "VALUES (:id, :body, :words, to_tsvector('clinic_search', :body))"
            ),
            rows,
        )
