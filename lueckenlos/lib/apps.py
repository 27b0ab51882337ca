from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "lueckenlos.lib"
    label = "lib"
