from django.apps import AppConfig


class InterviewConfig(AppConfig):
    name = "processes.interview"
    label = "interview"
    verbose_name = "约谈"
