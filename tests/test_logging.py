"""Logging at its most verbose still carries no counseling content."""

import logging

from django.template import Context, Template

NOTE = "RAHASIA-LOG-4410: takut pulang ke rumah."


def test_a_template_variable_it_cannot_resolve_logs_no_context_even_at_debug(caplog):
    # What an operator gets with LOG_LEVEL=DEBUG: the root logger, and Django's, at DEBUG.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")

    rendered = Template("{{ note.body }}{{ missing.name }}").render(
        Context({"note": {"body": NOTE}})
    )

    assert NOTE in rendered
    logged = caplog.text + "".join(repr(r.args) + repr(r.exc_info) for r in caplog.records)
    assert NOTE not in logged
