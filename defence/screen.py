"""The defence's word on a signature in the request: the proof of work and the network's list mark.

Called by the signatures app (settings.SIGNATURE_SCREEN) with the raw client
address, which is used here and dropped; it returns a verdict and changes nothing.
The limits that need the rows around a signature wait for the worker (checks.py).
"""

from django.utils.translation import gettext_noop

from core.verdicts import Action, Verdict

from . import lists, pow


def screen_signature(campaign_id: int, *, ip: str, network: str, email: str, proof: str) -> Verdict:
    """ALLOW with the proof's salt (or None: no proof, or one made for another network, domain or campaign,
    which counts as no proof and meets the stricter limits) and the list mark; REJECT for a broken proof."""
    salt = None
    if proof:
        try:
            salt = pow.verify(proof)
        except pow.Invalid:
            return Verdict(Action.REJECT, gettext_noop("proof of work forged, expired or malformed"))
        if not pow.bound_to(salt, campaign_id, network, email):
            salt = None
    return Verdict(proof=salt, listed=lists.network_mark(ip))
