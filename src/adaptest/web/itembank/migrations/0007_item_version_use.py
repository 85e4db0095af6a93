from django.db import migrations, models


def generated_variants_serve_both(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Versions stored before pools existed: a generated variant (id ``<family>~<seed>``) serves both
    pools; a hand-written item stays secure until its file says otherwise (a new version then)."""
    ItemVersion = apps.get_model("itembank", "ItemVersion")
    variants = [pk for pk, data in ItemVersion.objects.values_list("pk", "data") if "~" in data.get("id", "")]
    ItemVersion.objects.filter(pk__in=variants).update(use="both")


class Migration(migrations.Migration):
    dependencies = [
        ("itembank", "0006_bank_decks"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemversion",
            name="use",
            field=models.CharField(
                choices=[("secure", "Secure"), ("practice", "Practice"), ("both", "Both")],
                default="secure",
                help_text="the pool: secure (assessments), practice, or both (generated variants)",
                max_length=10,
            ),
        ),
        migrations.RunPython(generated_variants_serve_both, migrations.RunPython.noop),
    ]
