-- Production roles for the 佛山不动产登记 API on PostgreSQL (README: "Running in production").
--
-- Two roles: the OWNER runs `python -m api migrate` and owns every table; the
-- APP role is what the web workers and `python -m api worker`/`run-jobs`
-- connect as. Only an owner (or a superuser) can drop or disable a trigger, so
-- the app role cannot switch off the audit trail's append-only triggers, and it
-- is granted only SELECT and INSERT on the audit tables: it can neither rewrite
-- nor delete nor truncate the audit trail or its checkpoints.
--
-- Run as a superuser after the first `migrate`, and again after every migrate
-- that adds tables (the GRANT ... ON ALL TABLES line picks them up). Replace
-- :app_role / :owner_role / :db (psql variables, e.g. psql -v app_role=fsreg_app ...).
-- tests/services/test_audit_anchor.py runs this file against a real PostgreSQL.

REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app_role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Ordinary tables: the app reads and writes rows, never the schema.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- The audit trail and its checkpoints: INSERT-only (and SELECT to verify).
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event, audit_checkpoint
  FROM :"app_role";
-- Ratings are append-only too (一事一评; an appeal never edits the row).
REVOKE UPDATE, DELETE, TRUNCATE ON rating FROM :"app_role";
-- Migration bookkeeping belongs to the owner alone.
REVOKE ALL ON tortoise_migrations FROM :"app_role";
