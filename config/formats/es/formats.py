"""Spanish numbers written as Spanish-language media in the US (and Mexico) write them: 1,234.5 and $85,097.

Django's "es" formats are Spain's (1 234,5); our readers, and our default content, use this style.
Dates stay Spanish ("4 de diciembre de 2026"): es_MX differs from es only in the two separators.
"""

from django.conf.locale.es_MX.formats import *  # noqa: F403
