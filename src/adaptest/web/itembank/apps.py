from django.apps import AppConfig


class ItembankConfig(AppConfig):
    name = "adaptest.web.itembank"
    label = "itembank"
    verbose_name = "Item bank"
