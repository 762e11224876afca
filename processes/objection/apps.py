from django.apps import AppConfig


class ObjectionConfig(AppConfig):
    name = "processes.objection"
    label = "objection"
    verbose_name = "异议处理"
