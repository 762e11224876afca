from django.apps import AppConfig


class ListingConfig(AppConfig):
    name = "processes.listing"
    label = "listing"
    verbose_name = "红黑名单"

    def ready(self):
        # A repaired record starts the removal of the entries resting on it; an objection
        # filed in a pre-notice window lets the designation go on when it closes.
        from . import receivers  # noqa: F401
