"""Open Badges 3.0 certificates for passing the certification exam, signed as VC-JWTs (docs/credentials.md).

``verification`` and ``status_list`` import no Django, so ``adaptest credential verify`` runs offline.
"""
