from django.contrib.admin.apps import AdminConfig


class DissentAdminConfig(AdminConfig):
    default_site = "dissent.admin_site.DissentAdminSite"
