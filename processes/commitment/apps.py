from django.apps import AppConfig


class CommitmentConfig(AppConfig):
    name = "processes.commitment"
    label = "commitment"
    verbose_name = "信用承诺"
