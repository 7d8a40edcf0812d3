"""Django's dumpdata, refusing to write the plaintext of encrypted fields.

Django's dumpdata writes what the fields return, which is decrypted text. Rather than
write ciphertext (which `loaddata` would encrypt a second time, losing the value), a dump
that would include a model with encrypted fields is refused before anything is written.
Exclude those models, or back up the database itself: its columns hold only ciphertext.
The fields also refuse serialization (`value_to_string`) in case a dump gets past this.
"""

from django.apps import apps
from django.core.management.base import CommandError
from django.core.management.commands import dumpdata
from django.core.management.utils import parse_apps_and_model_labels

from counseling.encryption import encrypted_field_names


def _selected_models(app_labels, excludes):
    """The models Django's dumpdata would dump, following its rules for labels."""
    excluded_models, excluded_apps = parse_apps_and_model_labels(excludes)
    if not app_labels:
        selected = apps.get_models()
    else:
        selected = []
        for label in app_labels:
            app_label, _, model_name = label.partition(".")
            try:
                app_config = apps.get_app_config(app_label)
                selected += (
                    [app_config.get_model(model_name)] if model_name else app_config.get_models()
                )
            except LookupError:
                continue  # Django's dumpdata reports the unknown label itself.
    return [
        model
        for model in selected
        if model not in excluded_models and model._meta.app_config not in excluded_apps
    ]


class Command(dumpdata.Command):
    help = dumpdata.Command.help + " Models with encrypted fields must be excluded."

    def handle(self, *app_labels, **options):
        encrypted = sorted(
            model._meta.label
            for model in _selected_models(app_labels, options["exclude"])
            if encrypted_field_names(model)
        )
        if encrypted:
            excludes = " ".join(f"--exclude {label}" for label in encrypted)
            raise CommandError(
                f"Refusing to dump {', '.join(encrypted)}: they have encrypted fields, and a "
                f"dump would hold their plaintext. Leave them out ({excludes}), or back up "
                "the database itself, which holds only ciphertext."
            )
        return super().handle(*app_labels, **options)
