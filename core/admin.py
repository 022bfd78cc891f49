"""Third-party admins held to the project's rule: a staff member who may only view changes nothing."""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    # django-axes offers its clean-up (a deletion) to anyone who may view the attempts.
    @admin.action(description=_("Clean up expired attempts"), permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        return super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):  # importing axes.admin registered its own
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, AccessAttemptAdmin)
