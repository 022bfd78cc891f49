"""Old addresses keep working: a renamed campaign or local fight answers its old links with a 301.

A pre_save signal notes the slug being replaced; a middleware turns a 404 at an address built
on a known old slug into a permanent redirect to the same page at the new one.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from local_actions.models import LocalAction
from signatures.models import Campaign

from .models import OldAddress

# URL namespaces whose <slug> names an object of this model.
NAMESPACES = {"signatures": Campaign, "local_actions": LocalAction, "evidence": LocalAction}


def note_old_slug(sender, instance, **kwargs):
    if not instance.pk:
        return
    old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old and old != instance.slug:
        content_type = ContentType.objects.get_for_model(sender)
        OldAddress.objects.update_or_create(content_type=content_type, slug=old, defaults={"object_id": instance.pk})
        # The new slug is live again if it was an old one: it must not redirect any more.
        OldAddress.objects.filter(content_type=content_type, slug=instance.slug).delete()


def redirect_for(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    model = NAMESPACES.get(match.namespace)
    slug = match.kwargs.get("slug")
    if model is None or not slug:
        return None
    found = OldAddress.objects.filter(content_type=ContentType.objects.get_for_model(model), slug=slug).first()
    target = model.objects.filter(pk=found.object_id).first() if found else None
    if target is None:
        return None
    kwargs = {**match.kwargs, "slug": target.slug}
    if "kind" in kwargs:
        kwargs["kind"] = target.kind
    try:
        return reverse(match.view_name, kwargs=kwargs)
    except NoReverseMatch:
        return None


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            url = redirect_for(request.path_info)
            if url:
                query = request.META.get("QUERY_STRING")
                return HttpResponsePermanentRedirect(url + (f"?{query}" if query else ""))
        return response
