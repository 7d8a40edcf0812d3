"""On PostgreSQL the database refuses to change or remove a consent withdrawal."""

from django.db import migrations

from counseling.migration_sql import on_postgresql

CREATE = """
CREATE TRIGGER consent_withdrawal_immutable
    BEFORE UPDATE OR DELETE ON consent_consentwithdrawal
    FOR EACH ROW EXECUTE FUNCTION amanah_refuse_change();
CREATE TRIGGER consent_withdrawal_no_truncate
    BEFORE TRUNCATE ON consent_consentwithdrawal
    FOR EACH STATEMENT EXECUTE FUNCTION amanah_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS consent_withdrawal_no_truncate ON consent_consentwithdrawal;
DROP TRIGGER IF EXISTS consent_withdrawal_immutable ON consent_consentwithdrawal;
"""



class Migration(migrations.Migration):
    dependencies = [("consent", "0003_disclosure_admins_alerted_at")]

    operations = [on_postgresql(CREATE, DROP)]
