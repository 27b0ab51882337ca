from django.db import migrations


def seed(apps, schema_editor):
    from lueckenlos.catalogue.vocabularies import seed_vocabularies

    seed_vocabularies(apps.get_model("catalogue", "Taxonomy"), apps.get_model("catalogue", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
