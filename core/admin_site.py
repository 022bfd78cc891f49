"""The organizers' admin: two-factor authentication required (django-otp).

ADMIN_REQUIRE_2FA is on by default outside development. It is read on each
request, so tests (and `make run` on a laptop) can switch it off.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

TECHNICAL = gettext_lazy("Technical (administrators)")


class CampaignAdminSite(OTPAdminSite):
    site_header = "Stop ShotSpotter: organizers"
    site_title = "Stop ShotSpotter admin"
    # The organizer home lists every section; a second list beside each page squeezed the tables off a 1280 px screen.
    enable_nav_sidebar = False

    def __init__(self, name="admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_REQUIRE_2FA else None

    # The organizer home (settings.ADMIN_INDEX_TEMPLATE / ADMIN_INDEX_CONTEXT, the organizer app).
    @property
    def index_template(self):
        return getattr(settings, "ADMIN_INDEX_TEMPLATE", None)

    def index(self, request, extra_context=None):
        extra = {}
        for dotted in getattr(settings, "ADMIN_INDEX_CONTEXT", []):
            extra.update(import_string(dotted)(request))
        return super().index(request, {**extra, **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        """The index in sections of what organizers do (settings.ADMIN_SECTIONS), technical ones last.

        Each section lists models as "app_label" or "app_label.ModelName"; what no section names
        goes to "Technical", shown to superusers only (the pages stay reachable by address).
        """
        app_list = super().get_app_list(request, app_label)
        sections = getattr(settings, "ADMIN_SECTIONS", None)
        if app_label or not sections:
            return app_list
        models = {}
        for app in app_list:
            for model in app["models"]:
                models[(app["app_label"], model["object_name"])] = model
        grouped, taken = [], set()
        for name, members in sections:
            found = []
            for member in members:
                label, _dot, object_name = member.partition(".")
                for key, model in models.items():
                    if key not in taken and key[0] == label and (not object_name or key[1] == object_name):
                        found.append(model)
                        taken.add(key)
            if found:
                grouped.append(self._section(str(name), found))
        rest = [model for key, model in models.items() if key not in taken]
        if rest and request.user.is_superuser:
            grouped.append(self._section(str(TECHNICAL), rest))
        return grouped

    def _section(self, name, models):
        slug = "".join(c if c.isalnum() else "-" for c in name.lower())
        return {"name": name, "app_label": slug, "app_url": reverse(f"{self.name}:index") + f"#{slug}",
                "has_module_perms": True, "models": models}  # fmt: skip

    def has_permission(self, request):
        if not settings.ADMIN_REQUIRE_2FA:
            return admin.AdminSite.has_permission(self, request)
        return super().has_permission(request)
