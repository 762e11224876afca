from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "processes.transfer"
    label = "transfer"
    verbose_name = "部级网站转办"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the case_closed receiver)
