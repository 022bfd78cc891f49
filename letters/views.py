from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from core.privacy import request_ip_hash
from defence.forms import Verdict, screen
from local_actions.models import LocalAction

from . import hooks, services, tokens
from .forms import LetterForm
from .models import Letter, LetterAction


def _action(slug) -> LetterAction:
    local_action = get_object_or_404(LocalAction.objects.published(), slug=slug)
    return get_object_or_404(LetterAction, local_action=local_action, published=True)


@require_http_methods(["GET", "HEAD", "POST"])
def write(request, slug):
    action = _action(slug)
    if request.method != "POST":
        return redirect(action.local_action.get_absolute_url() + "#write")
    if not action.is_open():
        return render(request, "letters/closed.html", {"letter_action": action}, status=410)
    form = LetterForm(request.POST)
    if form.is_valid():
        verdict = screen(request, form, "letter")
        if verdict == Verdict.BOT:
            return redirect("letters:sent", slug=slug)
        if verdict != Verdict.REFUSED:
            data = form.cleaned_data
            try:
                services.write(
                    action,
                    name=data["name"],
                    email=data["email"],
                    zip_code=data["zip_code"],
                    body=data["body"],
                    reply_ok=data["reply_ok"],
                    ip_hash=request_ip_hash(request),
                    held_reason="network over the letter limit" if verdict == Verdict.HELD else "",
                    language=get_language() or "",
                )
            except services.Closed:
                return render(request, "letters/closed.html", {"letter_action": action}, status=410)
            except services.NoOfficials:
                return render(request, "letters/closed.html", {"letter_action": action, "no_officials": True}, status=400)
            else:
                # The same reply whatever happened (new, duplicate, held), as for signatures.
                return redirect("letters:sent", slug=slug)
    context = {"action": action.local_action, **hooks.section_context(action, form)}
    response = render(request, "letters/write.html", context, status=400)
    add_never_cache_headers(response)
    return response


@require_safe
def sent(request, slug):
    action = _action(slug)
    return render(request, "letters/sent.html", {"letter_action": action})


def _letter_for(token: str, purpose: str):
    try:
        letter_id = tokens.read(token, purpose)
    except tokens.BadToken:
        return None, None
    return letter_id, Letter.objects.select_related("action__local_action").filter(pk=letter_id).first()


def _bad_link(request):
    response = render(request, "signatures/link_invalid.html", status=400)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    # A GET only shows a button: mail scanners that open links must not send letters for anyone.
    letter_id, letter = _letter_for(token, "confirm")
    if letter_id is None:
        return _bad_link(request)
    if letter is None or letter.state == Letter.State.WITHDRAWN:
        return render(request, "letters/gone.html", status=404)
    action = letter.action
    if request.method == "POST":
        outcome = services.confirm(letter_id)
        if outcome is services.Outcome.GONE:
            return render(request, "letters/gone.html", status=404)
        if outcome is services.Outcome.CLOSED:
            return render(request, "letters/closed.html", {"letter_action": action}, status=410)
        return render(request, "letters/confirmed.html", {"letter_action": action})
    context = {
        "letter": letter,
        "letter_action": action,
        "already": letter.confirmed_at is not None,
        "officials": services.recipients_for(action, letter.zip_code),
    }
    return render(request, "letters/confirm.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token):
    letter_id, letter = _letter_for(token, "withdraw")
    if letter_id is None:
        return _bad_link(request)
    if letter is None or letter.state == Letter.State.WITHDRAWN:
        return render(request, "letters/gone.html", {"withdrawn": True}, status=404)
    if request.method == "POST":
        services.withdraw(letter_id)
        return render(request, "letters/withdrawn.html", {"letter_action": letter.action})
    return render(request, "letters/withdraw.html", {"letter": letter, "letter_action": letter.action})
