-- Amanah's two PostgreSQL roles.
--
--   migration role (default amanah_owner): owns the database, its schema and every
--       table; runs `manage.py migrate`. The application never connects as it.
--   app role (default amanah_app): what gunicorn, the Celery worker and beat connect as.
--       Normal SELECT, INSERT, UPDATE and DELETE on the tables, but only INSERT and
--       SELECT on the access log and its checkpoints. Owning nothing, it cannot disable
--       their triggers, truncate or drop them, nor skip triggers with
--       session_replication_role (a superuser's setting).
--
-- Run it as a superuser, in Amanah's database, once when setting up and again after
-- every `migrate` (it is idempotent; README, "Database roles"):
--
--   psql -v ON_ERROR_STOP=1 -v migration_role=amanah_owner -v app_role=amanah_app \
--        -d amanah -f deploy/postgresql-roles.sql
--
-- It creates either role if missing (LOGIN, no password: set one with \password, or
-- use peer or certificate authentication), makes the migration role the owner of the
-- database and of every table, sequence and function Amanah's migrations created (also
-- those an earlier, single-role installation created as the app role), and grants the
-- app role its privileges. Tables that later migrations add are granted to the app role
-- automatically (default privileges); only a new append-only table needs a line below.

\if :{?migration_role}
\else
  \set migration_role amanah_owner
\endif
\if :{?app_role}
\else
  \set app_role amanah_app
\endif

-- Refuse a superuser, or one role for both: the app role would then own everything.
SELECT :'app_role' = :'migration_role'
    OR EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role' AND rolsuper) AS unsafe_app_role
\gset
\if :unsafe_app_role
  DO $$ BEGIN RAISE EXCEPTION 'the app role must be a role of its own and no superuser'; END $$;
\endif

SELECT format('CREATE ROLE %I LOGIN', :'migration_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'migration_role')
\gexec
SELECT format('CREATE ROLE %I LOGIN', :'app_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role')
\gexec

-- The owner of the database owns its public schema (pg_database_owner), and a schema's
-- owner may drop any table in it: that must not be the app role.
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'migration_role')
\gexec
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'migration_role')
\gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('REVOKE CREATE ON SCHEMA public FROM %I', :'app_role')
\gexec
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app_role')
\gexec

-- Everything Amanah's migrations made belongs to the migration role. Sequences of
-- identity columns follow their tables; objects of extensions (btree_gist) stay theirs.
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'migration_role')
FROM pg_tables
WHERE schemaname = 'public' AND tableowner <> :'migration_role'
\gexec
SELECT format('ALTER SEQUENCE public.%I OWNER TO %I', c.relname, :'migration_role')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'S'
  AND pg_get_userbyid(c.relowner) <> :'migration_role'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
\gexec
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'migration_role')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :'migration_role'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
\gexec

-- The app role: normal DML everywhere...
SELECT format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', :'app_role')
\gexec
SELECT format(
    'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', :'app_role')
\gexec
SELECT format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', :'app_role')
\gexec

-- ...except on the append-only tables: the access log and its checkpoints.
SELECT format('REVOKE UPDATE, DELETE ON public.%I FROM %I', table_name, :'app_role')
FROM (VALUES ('audit_accessevent'), ('audit_auditcheckpoint')) AS append_only (table_name)
\gexec

-- Tables and sequences that later migrations create get the same normal privileges.
SELECT format(
    'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
    'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', :'migration_role', :'app_role')
\gexec
SELECT format(
    'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
    'GRANT USAGE, SELECT ON SEQUENCES TO %I', :'migration_role', :'app_role')
\gexec
