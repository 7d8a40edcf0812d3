"""On PostgreSQL the database itself refuses to change guardians' acknowledgements and
withdrawals, and published guardian consent documents (amanah_refuse_change() comes from
the access log's migration)."""

from django.db import migrations

from counseling.migration_sql import on_postgresql

TABLES = ("guardians_guardianacknowledgement", "guardians_guardianwithdrawal")

CREATE = "".join(
    f"""
CREATE TRIGGER {table}_immutable
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION amanah_refuse_change();
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION amanah_refuse_change();
"""
    for table in TABLES
) + """
CREATE TRIGGER guardians_document_published_immutable
    BEFORE UPDATE OR DELETE ON guardians_guardianconsentdocument
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL)
    EXECUTE FUNCTION amanah_refuse_change();
"""

DROP = "DROP TRIGGER IF EXISTS guardians_document_published_immutable ON " + (
    "guardians_guardianconsentdocument;\n"
) + "".join(
    f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n"
    f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};\n"
    for table in TABLES
)


class Migration(migrations.Migration):
    dependencies = [("guardians", "0001_initial"), ("audit", "0002_append_only_triggers")]

    operations = [on_postgresql(CREATE, DROP)]
