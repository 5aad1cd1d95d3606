from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo pilot (``manage.py seed_demo``): ten municipalities of invented people, built
    through the apps' own services. Nothing in the apps imports it."""

    name = "demo"
    verbose_name = "Demo"
