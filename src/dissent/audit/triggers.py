"""Database triggers that make the audit table append-only on SQLite and PostgreSQL.

The application never deletes an event and changes one only once, to seal it (give it its
``seq`` and hashes); the triggers make the database refuse anything else, to anyone with
ordinary access. The chain head may only move forward and may not be removed. Whoever
can drop triggers can still rewrite rows: that is what the hash chain, ``dissent audit
verify`` and signed checkpoints are for.

Refusals raise an integrity error on both databases. ``install`` is idempotent. A later
migration that alters the audit tables must call it again: SQLite rebuilds a table to
alter it, and the rebuilt table has no triggers.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

EVENTS = "audit_auditevent"
HEAD = "audit_chainhead"
CONTENT = ("id", "at", "actor_id", "action", "object_type", "object_id", "memo_id", "details")

SQLITE_SEALING = " AND ".join(
    ["OLD.seq IS NULL", "NEW.seq IS NOT NULL", "NEW.hash <> ''", "NEW.prev_hash <> ''"]
    + [f"NEW.{column} IS OLD.{column}" for column in CONTENT]
)
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_seal_only BEFORE UPDATE ON {EVENTS}
    WHEN NOT ({SQLITE_SEALING})
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {EVENTS}
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_forward BEFORE UPDATE ON {HEAD}
    WHEN NEW.seq <= OLD.seq OR NEW.id <> OLD.id
    BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON {HEAD}
    BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be removed'); END""",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "audit_event_seal_only",
        "audit_event_no_delete",
        "audit_head_forward",
        "audit_head_no_delete",
    )
]

PG_SEALING = (
    "OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash <> '' AND NEW.prev_hash <> '' AND "
    f"({', '.join(f'NEW.{c}' for c in CONTENT)}) IS NOT DISTINCT FROM "
    f"({', '.join(f'OLD.{c}' for c in CONTENT)})"
)
# TRUNCATE skips row triggers, so it has its own; an empty table may be truncated, which
# keeps the test runner's flush of all tables working.
POSTGRESQL_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      empty boolean;
    BEGIN
      IF TG_OP = 'UPDATE' AND SEALING THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'TRUNCATE' THEN
        SELECT NOT EXISTS (SELECT 1 FROM audit_auditevent) INTO empty;
        IF empty THEN RETURN NULL; END IF;
      END IF;
      RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
    END $$""".replace("SEALING", PG_SEALING),
    """CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      empty boolean;
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.seq > OLD.seq AND NEW.id = OLD.id THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'TRUNCATE' THEN
        SELECT NOT EXISTS (SELECT 1 FROM audit_chainhead) INTO empty;
        IF empty THEN RETURN NULL; END IF;
      END IF;
      RAISE EXCEPTION 'the audit chain head only moves forward: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    f"""CREATE OR REPLACE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {EVENTS}
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard()""",
    f"""CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENTS}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_guard()""",
    f"""CREATE OR REPLACE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON {HEAD}
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard()""",
    f"""CREATE OR REPLACE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_guard()""",
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_event_append_only ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS audit_head_forward ON {HEAD}",
    f"DROP TRIGGER IF EXISTS audit_head_no_truncate ON {HEAD}",
    "DROP FUNCTION IF EXISTS audit_event_guard()",
    "DROP FUNCTION IF EXISTS audit_head_guard()",
]


def statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(
        f"append-only triggers exist for SQLite and PostgreSQL, not {connection.vendor}"
    )


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection, install=True):
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection, install=False):
            cursor.execute(sql)
