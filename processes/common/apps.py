from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "processes.common"
    label = "processes_common"
    verbose_name = "流程公共"
