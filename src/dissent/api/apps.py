from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dissent.api"
    label = "dissent_api"
