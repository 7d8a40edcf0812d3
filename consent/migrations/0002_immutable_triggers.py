"""On PostgreSQL the database itself refuses to change acknowledgements and published
consent documents. Reuses amanah_refuse_change() from the access log's migration."""

from django.db import migrations

from counseling.migration_sql import on_postgresql

CREATE = """
CREATE TRIGGER consent_acknowledgement_immutable
    BEFORE UPDATE OR DELETE ON consent_consentacknowledgement
    FOR EACH ROW EXECUTE FUNCTION amanah_refuse_change();
CREATE TRIGGER consent_acknowledgement_no_truncate
    BEFORE TRUNCATE ON consent_consentacknowledgement
    FOR EACH STATEMENT EXECUTE FUNCTION amanah_refuse_change();
CREATE TRIGGER consent_document_published_immutable
    BEFORE UPDATE OR DELETE ON consent_consentdocument
    FOR EACH ROW WHEN (OLD.published_at IS NOT NULL)
    EXECUTE FUNCTION amanah_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS consent_document_published_immutable ON consent_consentdocument;
DROP TRIGGER IF EXISTS consent_acknowledgement_no_truncate ON consent_consentacknowledgement;
DROP TRIGGER IF EXISTS consent_acknowledgement_immutable ON consent_consentacknowledgement;
"""



class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial"), ("audit", "0002_append_only_triggers")]

    operations = [on_postgresql(CREATE, DROP)]
