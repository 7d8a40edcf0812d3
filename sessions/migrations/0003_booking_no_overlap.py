"""On PostgreSQL, overlapping active bookings of one counselor are impossible.

A unique constraint on the start time would accept a 09:00 and a 09:30 one-hour booking;
an exclusion constraint over the time range rejects any overlap and still allows
back-to-back sessions ([start, end) ranges). It needs btree_gist for the counselor id.
"""

from django.db import migrations

from counseling.migration_sql import on_postgresql

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE counseling_sessions_booking
    ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (counselor_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (status IN ('requested', 'confirmed'));
"""

DROP = "ALTER TABLE counseling_sessions_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"



class Migration(migrations.Migration):
    dependencies = [("counseling_sessions", "0002_availability_bookings_outbox")]

    operations = [on_postgresql(CREATE, DROP)]
