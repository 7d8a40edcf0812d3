"""Raw SQL in migrations that only PostgreSQL gets (triggers, exclusion constraints).

SQLite has the same rules in the models and services; these are the database's own
second line of defence where the database can hold one.
"""

from django.db import migrations


def on_postgresql(forward: str, backward: str) -> migrations.RunPython:
    """A migration operation running `forward` (or `backward`) on PostgreSQL only.

    params=None: the SQL holds plpgsql's own % placeholders, which must not be read as
    query parameters.
    """

    def run(sql):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)

        return operation

    return migrations.RunPython(run(forward), run(backward))
