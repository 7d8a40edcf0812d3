"""On PostgreSQL the database itself refuses UPDATE, DELETE and TRUNCATE on the access log.

Row triggers do not fire on TRUNCATE, hence the separate statement-level trigger.
"""

from django.db import migrations

from counseling.migration_sql import on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION amanah_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_accessevent_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_accessevent
    FOR EACH ROW EXECUTE FUNCTION amanah_refuse_change();
CREATE TRIGGER audit_accessevent_no_truncate
    BEFORE TRUNCATE ON audit_accessevent
    FOR EACH STATEMENT EXECUTE FUNCTION amanah_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_accessevent_no_truncate ON audit_accessevent;
DROP TRIGGER IF EXISTS audit_accessevent_no_update_delete ON audit_accessevent;
"""



class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [on_postgresql(CREATE, DROP)]
