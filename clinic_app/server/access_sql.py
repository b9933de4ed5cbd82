"""The SQL functions and row rules behind the clinic server's row-level security policies.

Functions are SECURITY DEFINER (they read the restriction list and the staff table whatever the
caller may see) and judge the logged-in person by `session_user`.
"""

from __future__ import annotations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION clinic_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE
    WHEN pg_has_role(session_user, 'clinic_admin', 'USAGE') THEN 'admin'
    WHEN pg_has_role(session_user, 'clinic_attorney', 'USAGE') THEN 'attorney'
    WHEN pg_has_role(session_user, 'clinic_paralegal', 'USAGE') THEN 'paralegal'
    WHEN pg_has_role(session_user, 'clinic_volunteer', 'USAGE') THEN 'volunteer'
    ELSE '' END
$$;

CREATE OR REPLACE FUNCTION clinic_my_staff_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id FROM staff_member WHERE login = session_user AND login <> '' LIMIT 1
$$;

CREATE OR REPLACE FUNCTION clinic_restricted_from_me(mid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM matter_restriction r WHERE r.matter_id = mid)
     AND NOT EXISTS (SELECT 1 FROM matter_restriction r
                     WHERE r.matter_id = mid AND r.staff_id = clinic_my_staff_id())
$$;

-- A matter's row, judged from its own columns (a policy cannot look the row up again).
CREATE OR REPLACE FUNCTION clinic_matter_open(mid integer, creator text, assignee integer)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT NOT clinic_restricted_from_me(mid)
     AND (clinic_role() <> 'volunteer' OR creator = session_user
          OR COALESCE(assignee = clinic_my_staff_id(), false))
$$;

CREATE OR REPLACE FUNCTION clinic_can_see_matter(mid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM matter m
                 WHERE m.id = mid AND clinic_matter_open(m.id, m.created_by, m.assigned_staff_id))
$$;

-- A client: a volunteer's own (or one with a matter they may see); hidden from anyone when every
-- one of its matters is restricted from them.
CREATE OR REPLACE FUNCTION clinic_client_open(cid integer, creator text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT (clinic_role() <> 'volunteer' OR creator = session_user
          OR EXISTS (SELECT 1 FROM matter m WHERE m.client_id = cid
                     AND clinic_matter_open(m.id, m.created_by, m.assigned_staff_id)))
     AND (NOT EXISTS (SELECT 1 FROM matter m WHERE m.client_id = cid)
          OR EXISTS (SELECT 1 FROM matter m WHERE m.client_id = cid
                     AND NOT clinic_restricted_from_me(m.id)))
$$;

CREATE OR REPLACE FUNCTION clinic_can_see_client(cid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM client c WHERE c.id = cid AND clinic_client_open(c.id, c.created_by))
$$;

-- The same answers for everyone but a volunteer, as two short lists made once per statement: the
-- policies read them through a scalar subquery, which PostgreSQL evaluates once, where a function
-- call per row (not inlinable: SECURITY DEFINER) costs about half a millisecond a row.
CREATE OR REPLACE FUNCTION clinic_matters_hidden_from_me() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- PL/pgSQL keeps these plans for the session (an SQL function would plan them every call).
  RETURN (SELECT COALESCE(array_agg(DISTINCT r.matter_id), '{}') FROM matter_restriction r
          WHERE NOT EXISTS (SELECT 1 FROM matter_restriction mine
                            WHERE mine.matter_id = r.matter_id
                              AND mine.staff_id = clinic_my_staff_id()));
END
$$;

CREATE OR REPLACE FUNCTION clinic_clients_hidden_from_me() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  hidden integer[] := clinic_matters_hidden_from_me();
BEGIN
  IF cardinality(hidden) = 0 THEN
    RETURN '{}';
  END IF;
  RETURN (SELECT COALESCE(array_agg(DISTINCT m.client_id), '{}') FROM matter m
          WHERE m.id = ANY(hidden)
            AND NOT EXISTS (SELECT 1 FROM matter o WHERE o.client_id = m.client_id
                            AND o.id <> ALL(hidden)));
END
$$;

-- Who added a client or matter is the login, whatever the laptop sent, and never changes.
CREATE OR REPLACE FUNCTION clinic_stamp_creator() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := session_user;
  ELSE
    NEW.created_by := OLD.created_by;
  END IF;
  RETURN NEW;
END
$$;

-- Who to ask about a matter one may not open: everyone sees that it exists, never its details.
CREATE OR REPLACE VIEW matter_directory AS
  SELECT m.id AS matter_id,
         EXISTS (SELECT 1 FROM matter_restriction r WHERE r.matter_id = m.id) AS restricted,
         clinic_restricted_from_me(m.id) AS restricted_from_me,
         COALESCE((SELECT string_agg(s.name, ', ' ORDER BY s.name)
                   FROM matter_restriction r JOIN staff_member s ON s.id = r.staff_id
                   WHERE r.matter_id = m.id), '') AS ask
  FROM matter m
  WHERE clinic_role() <> 'volunteer' OR m.created_by = session_user
     OR m.assigned_staff_id = clinic_my_staff_id();
"""

FUNCTION_NAMES = (
    "clinic_role()",
    "clinic_my_staff_id()",
    "clinic_restricted_from_me(integer)",
    "clinic_matter_open(integer, text, integer)",
    "clinic_can_see_matter(integer)",
    "clinic_client_open(integer, text)",
    "clinic_can_see_client(integer)",
    "clinic_matters_hidden_from_me()",
    "clinic_clients_hidden_from_me()",
)

# Row rules: a volunteer's own checks per row; anyone else's against the lists made once.
VOLUNTEER = "(SELECT clinic_role()) = 'volunteer'"
MATTER_RULE = (
    f"CASE WHEN {VOLUNTEER} THEN clinic_matter_open(id, created_by, assigned_staff_id) "
    "ELSE id <> ALL((SELECT clinic_matters_hidden_from_me())::integer[]) END"
)
CLIENT_RULE = (
    f"CASE WHEN {VOLUNTEER} THEN clinic_client_open(id, created_by) "
    "ELSE id <> ALL((SELECT clinic_clients_hidden_from_me())::integer[]) END"
)
SEES_MATTER = (
    f"CASE WHEN {VOLUNTEER} THEN clinic_can_see_matter(matter_id) "
    "ELSE matter_id <> ALL((SELECT clinic_matters_hidden_from_me())::integer[]) END"
)


def sees_client(column: str) -> str:
    """Whether the client whose id is in `column` is visible, as SEES_CLIENT for `client_id`."""
    return (
        f"CASE WHEN {VOLUNTEER} THEN clinic_can_see_client({column}) "
        f"ELSE {column} <> ALL((SELECT clinic_clients_hidden_from_me())::integer[]) END"
    )


SEES_CLIENT = sees_client("client_id")
