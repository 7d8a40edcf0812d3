"""On PostgreSQL the database refuses UPDATE, DELETE and TRUNCATE on the checkpoints too.

Reuses amanah_refuse_change() from 0002. The app's database role is further refused
everything but INSERT and SELECT on both tables (deploy/postgresql-roles.sql), so that it
cannot switch these triggers off either.
"""

from django.db import migrations

from counseling.migration_sql import on_postgresql

CREATE = """
CREATE TRIGGER audit_auditcheckpoint_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION amanah_refuse_change();
CREATE TRIGGER audit_auditcheckpoint_no_truncate
    BEFORE TRUNCATE ON audit_auditcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION amanah_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditcheckpoint_no_truncate ON audit_auditcheckpoint;
DROP TRIGGER IF EXISTS audit_auditcheckpoint_no_update_delete ON audit_auditcheckpoint;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0010_key_versions_and_checkpoints")]

    operations = [on_postgresql(CREATE, DROP)]
