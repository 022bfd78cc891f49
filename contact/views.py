from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.privacy import request_ip_hash
from defence import pow, throttle
from pages.models import Page, SocialLink

from . import services
from .forms import ContactForm


@require_http_methods(["GET", "HEAD", "POST"])
def get_involved(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _passes_checks(request, form):
        return redirect("contact:thanks")
    page = Page.objects.published().filter(kind=Page.Kind.GET_INVOLVED).prefetch_related("sources").first()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "contact/get_involved.html",
        {"page": page, "form": form, "social_links": SocialLink.objects.all()},
        status=status,
    )


# Messages per network per hour; far fewer for forms sent without the browser check.
LIMIT_WITH_CHECK, LIMIT_WITHOUT_CHECK = 10, 3


def _passes_checks(request, form) -> bool:
    """Store the message unless the proof of work is bad; True when the visitor may see "thank you"."""
    if form.cleaned_data["website"]:
        return True  # a bot: thank it, store nothing
    solved = False
    if form.cleaned_data["pow"]:
        try:
            pow.verify_once(form.cleaned_data["pow"])
            solved = True
        except pow.Invalid:
            form.add_error(None, _("The automatic spam check did not work. Please send the form again."))
            return False
    limit = LIMIT_WITH_CHECK if solved else LIMIT_WITHOUT_CHECK
    held = throttle.over_limit(f"contact:{request_ip_hash(request)}", limit, 3600)
    services.receive(form, held=held)
    return True


@require_safe
def thanks(request):
    return render(request, "contact/thanks.html")
