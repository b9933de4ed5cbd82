"""SECURITY DEFINER look-ups that reach past row-level security, revealing only what they must.

A conflict check must warn about a client the person checking may not see, without showing that
client: these functions count and rank the lookup keys of every record, and for a client hidden
from the caller return only which of the caller's own typed keys it shares, whether it has a
birth date and an A-number on file, and whom to ask. Owned by the server's owner (who installs
them and sees every row), executable by clinic staff, with a fixed search_path. docs/security.md
says what each reveals and to whom.
"""

from __future__ import annotations

# Visible to the caller, as the client table's own policy judges it (access_sql.CLIENT_RULE).
_SEES_CLIENT = (
    "CASE WHEN clinic_role() = 'volunteer' THEN clinic_client_open(c.id, c.created_by) "
    "ELSE c.id <> ALL(clinic_clients_hidden_from_me()) END"
)

FUNCTIONS = f"""
-- How many records hold each of the typed keys, and the highest client id (the rarity weights'
-- scale), over every record: the weights are the same whoever checks.
CREATE OR REPLACE FUNCTION clinic_conflict_key_counts(wanted text[])
RETURNS TABLE(lookup_key text, holders bigint, clients integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT k.key::text, count(*), (SELECT COALESCE(max(id), 0) FROM client)::integer
  FROM conflict_key k WHERE k.key = ANY(wanted) GROUP BY k.key
$$;

-- The records sharing the most (and rarest) of the chosen keys, best first: kinds and ids only.
CREATE OR REPLACE FUNCTION clinic_conflict_ranked(
  chosen text[], weights float8[], kinds text[], most integer)
RETURNS TABLE(record_kind text, record_id integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT k.record_kind::text, k.record_id
  FROM unnest(chosen, weights) AS w(key, weight) JOIN conflict_key k ON k.key = w.key
  WHERE k.record_kind = ANY(kinds)
  GROUP BY k.record_kind, k.record_id
  ORDER BY sum(w.weight) DESC, k.record_kind, k.record_id
  LIMIT most
$$;

-- Of these clients, those the caller may not see that share one of the typed keys: which of
-- those keys (the caller's own), whether a birth date and an A-number are on file (so a
-- different one counts against the match), and whom to ask (the staff named on its restricted
-- matters, else those assigned to its matters, else who added it). Never a name, date or number.
CREATE OR REPLACE FUNCTION clinic_conflict_hidden(wanted text[], ids integer[])
RETURNS TABLE(client_id integer, matched text[], has_birth_date boolean, has_a_number boolean,
              ask text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.id,
         ARRAY(SELECT k.key::text FROM conflict_key k
               WHERE k.record_kind = 'client' AND k.record_id = c.id AND k.key = ANY(wanted)
               ORDER BY k.key),
         c.date_of_birth IS NOT NULL,
         COALESCE(c.a_number, '') <> '',
         COALESCE(
           (SELECT string_agg(DISTINCT s.name, ', ' ORDER BY s.name)
            FROM matter m JOIN matter_restriction r ON r.matter_id = m.id
            JOIN staff_member s ON s.id = r.staff_id WHERE m.client_id = c.id),
           (SELECT string_agg(DISTINCT s.name, ', ' ORDER BY s.name)
            FROM matter m JOIN staff_member s ON s.id = m.assigned_staff_id
            WHERE m.client_id = c.id),
           (SELECT s.name FROM staff_member s
            WHERE s.login = c.created_by AND s.login <> '' LIMIT 1),
           '')::text
  FROM client c
  WHERE c.id = ANY(ids)
    AND NOT ({_SEES_CLIENT})
    AND EXISTS (SELECT 1 FROM conflict_key k
                WHERE k.record_kind = 'client' AND k.record_id = c.id AND k.key = ANY(wanted))
$$;
"""

FUNCTION_NAMES = (
    "clinic_conflict_key_counts(text[])",
    "clinic_conflict_ranked(text[], float8[], text[], integer)",
    "clinic_conflict_hidden(text[], integer[])",
)
