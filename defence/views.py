from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from . import pow


@require_safe
def challenge(request):
    response = JsonResponse(pow.challenge())
    add_never_cache_headers(response)
    return response
