"""The organizers' admin: two-factor authentication required (django-otp).

ADMIN_REQUIRE_2FA is on by default outside development. It is read on each
request, so tests (and `make run` on a laptop) can switch it off.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class CampaignAdminSite(OTPAdminSite):
    site_header = "Stop ShotSpotter: organizers"
    site_title = "Stop ShotSpotter admin"

    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request):
        if not settings.ADMIN_REQUIRE_2FA:
            return admin.AdminSite.has_permission(self, request)
        return super().has_permission(request)
