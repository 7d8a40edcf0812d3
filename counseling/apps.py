from django.contrib.admin.apps import AdminConfig


class AmanahAdminConfig(AdminConfig):
    """Django's admin app, with Amanah's role-checked site as the default site."""

    default_site = "counseling.adminsite.AmanahAdminSite"
