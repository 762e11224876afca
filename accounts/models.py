from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who logs in: bureau staff or someone acting for a credit subject.

    Staff roles live in ``credit.StaffRole``; the subjects a portal user may act
    for in ``credit.SubjectMembership``. ``is_staff`` only opens the admin.
    """

    full_name = models.CharField("姓名", max_length=64, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username
