from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """The shared cache (rate-limit counters) may be a database table: every `migrate` makes sure it exists.

    Connected for every app's post_migrate (core has no models, so it sends none of its own); the command
    returns at once when the table is already there, or when the cache is not a database one.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "adaptest.web.core"
    label = "core"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, dispatch_uid="adaptest-cache-table")
