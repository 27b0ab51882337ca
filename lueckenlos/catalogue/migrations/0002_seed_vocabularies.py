"""Seed the vocabularies of shared/DOMAIN.md.

The data is frozen here as it was when this migration was written: a later change to
lueckenlos/catalogue/vocabularies.py comes with a migration of its own.
"""

from django.db import migrations

# (code, name, description, min_age_months, max_age_months) per term.
VOCABULARIES = [{'code': 'life_phase',
  'name': 'Lebensphasen',
  'description': 'Lebensphasen der Präventionskette von der Schwangerschaft bis zum '
                 'Berufseinstieg.',
  'terms': [('pregnancy', 'Rund um Schwangerschaft und Geburt', '', -10, 0),
            ('infant', '0 bis 3 Jahre', 'Krippe, Kindertagespflege', 0, 36),
            ('preschool', '3 bis 6 Jahre', 'Kita', 36, 72),
            ('primary', '6 bis 10 Jahre', 'Grundschule', 72, 120),
            ('secondary', '10 bis 16 Jahre', 'weiterführende Schule', 120, 192),
            ('transition_work', 'Übergang Schule–Beruf', '15 bis 27 Jahre', 180, 324)]},
 {'code': 'transition',
  'name': 'Übergänge',
  'description': 'Übergänge zwischen Lebensphasen und Lebenswelten.',
  'terms': [('birth_to_family', 'Geburtsklinik → Familie / Frühe Hilfen', '', None, None),
            ('family_to_childcare', 'Familie → Krippe / Kita', '', None, None),
            ('kita_to_primary', 'Kita → Grundschule', '', None, None),
            ('primary_to_secondary', 'Grundschule → weiterführende Schule', '', None, None),
            ('school_to_work', 'Schule → Ausbildung / Beruf', '', None, None)]},
 {'code': 'field_of_action',
  'name': 'Handlungsfelder',
  'description': 'Handlungsfelder der Präventionskette; ein Angebot kann mehreren angehören.',
  'terms': [('health', 'Gesundheit', '', None, None),
            ('education', 'Bildung', '', None, None),
            ('parenting_family', 'Erziehung und Familie', '', None, None),
            ('youth_welfare', 'Kinder- und Jugendhilfe', '', None, None),
            ('social_security',
             'Soziales und materielle Sicherung',
             'inkl. Bildung und Teilhabe',
             None,
             None),
            ('culture_sport_leisure', 'Kultur, Sport und Freizeit', '', None, None),
            ('counselling', 'Beratung', '', None, None),
            ('child_protection', 'Kinderschutz', '', None, None),
            ('participation', 'Partizipation', '', None, None)]},
 {'code': 'target_group',
  'name': 'Zielgruppen',
  'description': 'Für wen ein Angebot gedacht ist.',
  'terms': [('children', 'Kinder', '', None, None),
            ('young_people', 'Jugendliche und junge Erwachsene', '', None, None),
            ('parents', 'Eltern und Familien', '', None, None),
            ('expectant_parents', 'Werdende Eltern', '', None, None),
            ('single_parents', 'Alleinerziehende', '', None, None),
            ('families_in_poverty', 'Familien in Armutslagen', '', None, None),
            ('migrant_families',
             'Familien mit Migrations- oder Fluchtgeschichte',
             '',
             None,
             None),
            ('disability', 'Kinder mit Behinderung oder Förderbedarf', '', None, None),
            ('professionals', 'Fachkräfte', '', None, None)]},
 {'code': 'access',
  'name': 'Zugang',
  'description': 'Wie Familien zu einem Angebot kommen.',
  'terms': [('low_threshold', 'Niedrigschwellig', '', None, None),
            ('outreach', 'Aufsuchend', '', None, None),
            ('by_referral', 'Mit Zuweisung / Überweisung', '', None, None)]},
 {'code': 'prevention_type',
  'name': 'Präventionsart',
  'description': '',
  'terms': [('universal', 'Universell', '', None, None),
            ('selective', 'Selektiv', '', None, None),
            ('indicated', 'Indiziert', '', None, None)]},
 {'code': 'setting',
  'name': 'Lebenswelten',
  'description': '',
  'terms': [('family', 'Familie', '', None, None),
            ('childcare', 'Kindertagesbetreuung', '', None, None),
            ('school', 'Schule', '', None, None),
            ('neighbourhood', 'Quartier / Sozialraum', '', None, None)]},
 {'code': 'life_situation',
  'name': 'Lebenslagen',
  'description': 'Lebenslagedimensionen nach AWO-ISS.',
  'terms': [('material', 'Materielle Lage', '', None, None),
            ('cultural', 'Kulturelle Lage / Bildung', '', None, None),
            ('social', 'Soziale Lage', '', None, None),
            ('health', 'Gesundheitliche Lage', '', None, None)]}]


def seed(apps, schema_editor):
    Taxonomy = apps.get_model("catalogue", "Taxonomy")
    TaxonomyTerm = apps.get_model("catalogue", "TaxonomyTerm")
    for vocabulary in VOCABULARIES:
        taxonomy, _ = Taxonomy.objects.update_or_create(
            code=vocabulary["code"],
            defaults={"name": vocabulary["name"], "description": vocabulary["description"]},
        )
        for position, (code, name, description, min_age, max_age) in enumerate(
            vocabulary["terms"]
        ):
            TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy,
                code=code,
                defaults={
                    "name": name,
                    "description": description,
                    "position": position,
                    "min_age_months": min_age,
                    "max_age_months": max_age,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
