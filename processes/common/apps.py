from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "processes.common"
    label = "processes_common"
    verbose_name = "流程公共"

    def ready(self):
        from . import audit_hooks  # noqa: F401  (decisions into the audit trail)
        from . import receivers  # noqa: F401  (deadlines follow their task's status)
