"""The error summary every page shows at its top when a form on it was refused.

On a phone the first error may be thousands of pixels below where the page reloads (the
consent form sits under the whole document): the summary lists every error, each a link
to its field, and static/js/forms.js moves the focus to it.
"""

from django import forms, template
from django.template.loader import render_to_string

register = template.Library()


def _bound_forms(context):
    seen = set()
    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm) and value.is_bound and id(value) not in seen:
            seen.add(id(value))
            yield value


def _anchor(field):
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0" if field.auto_id else ""
    return field.auto_id or ""


@register.simple_tag(takes_context=True)
def error_summary(context):
    """The refused forms' errors as a list of links to their fields, or nothing."""
    entries = []
    for form in _bound_forms(context):
        if not form.errors:
            continue
        visible = [field for field in form if not field.is_hidden]
        first = _anchor(visible[0]) if visible else ""
        for error in form.non_field_errors():
            entries.append({"anchor": first, "label": "", "error": error})
        for field in form:
            if field.is_hidden:
                for error in field.errors:
                    entries.append({"anchor": first, "label": "", "error": error})
                continue
            if field.errors:
                field.field.widget.attrs["aria-invalid"] = "true"
            for error in field.errors:
                entries.append({"anchor": _anchor(field), "label": field.label, "error": error})
    if not entries:
        return ""
    return render_to_string("includes/error_summary.html", {"entries": entries})
