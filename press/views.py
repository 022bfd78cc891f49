from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import PressItem

PER_PAGE = 10


@require_safe
def press_list(request):
    paginator = Paginator(PressItem.objects.newest_first(), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(request, "press/list.html", {"page_obj": page_obj, "items": page_obj.object_list})
