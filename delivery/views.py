from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import services
from .forms import CheckForm
from .models import Delivery


def _public(pk: int) -> Delivery:
    return get_object_or_404(Delivery.objects.public().select_related("campaign"), pk=pk)


@require_safe
def detail(request, pk):
    delivery = _public(pk)
    response = render(request, "delivery/detail.html", {"delivery": delivery, "campaign": delivery.campaign})
    patch_cache_control(response, public=True, max_age=300)
    return response


@require_safe
def manifest(request, pk):
    """The manifest, for anyone: counts and hashes, no personal data."""
    delivery = _public(pk)
    if not delivery.manifest:
        raise Http404
    response = FileResponse(delivery.manifest.open("rb"), content_type="application/json; charset=utf-8",
                            filename=delivery.manifest.name.rsplit("/", 1)[-1])  # fmt: skip
    patch_cache_control(response, public=True, max_age=3600)
    response["Access-Control-Allow-Origin"] = "*"  # the press and partner sites may verify from their own pages
    return response


@require_safe
def check(request):
    """A signer pastes (or follows the link with) the receipt code from their email."""
    form = CheckForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        receipt = services.check_receipt(form.cleaned_data["code"])
        if receipt is None:
            form.add_error("code", _("This is not a receipt code from our emails. Please copy it again, with the dash."))
        else:
            context.update(code=receipt.code, digest=receipt.digest, deliveries=receipt.deliveries)
    response = render(request, "delivery/check.html", context, status=400 if form.errors else 200)
    add_never_cache_headers(response)  # the answer is about one person
    return response
