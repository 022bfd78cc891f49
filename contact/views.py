from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from defence.forms import Verdict, screen
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


def _passes_checks(request, form) -> bool:
    """Store the message unless the proof of work is bad; True when the visitor may see "thank you"."""
    verdict = screen(request, form, "contact")
    if verdict == Verdict.REFUSED:
        return False
    if verdict != Verdict.BOT:
        services.receive(form, held=verdict == Verdict.HELD)
    return True


@require_safe
def thanks(request):
    return render(request, "contact/thanks.html")
