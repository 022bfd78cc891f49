"""Settings mistakes caught when the server starts (`migrate`, `check`), not on a visitor's request."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def trusted_proxies(app_configs, **kwargs):
    from core.privacy import trusted_proxy_networks

    try:
        trusted_proxy_networks()
    except ImproperlyConfigured as e:
        return [Error(str(e), hint="For example TRUSTED_PROXIES=127.0.0.1,::1 or 10.0.0.0/8", id="core.E001")]
    return []
