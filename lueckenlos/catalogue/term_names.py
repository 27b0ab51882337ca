"""The names of the seeded vocabulary terms, marked for translation.

Term names are German data (lueckenlos.catalogue.vocabularies); the interface shows them
through pgettext("taxonomy term", name). Listing them here puts them into the catalogues;
a test keeps this list equal to the vocabularies. Terms a Kommune adds show in German."""

from django.utils.translation import pgettext_lazy

TERM_NAMES = [
    pgettext_lazy("taxonomy term", "Rund um Schwangerschaft und Geburt"),
    pgettext_lazy("taxonomy term", "0 bis 3 Jahre"),
    pgettext_lazy("taxonomy term", "3 bis 6 Jahre"),
    pgettext_lazy("taxonomy term", "6 bis 10 Jahre"),
    pgettext_lazy("taxonomy term", "10 bis 16 Jahre"),
    pgettext_lazy("taxonomy term", "Übergang Schule–Beruf"),
    pgettext_lazy("taxonomy term", "Geburtsklinik → Familie / Frühe Hilfen"),
    pgettext_lazy("taxonomy term", "Familie → Krippe / Kita"),
    pgettext_lazy("taxonomy term", "Kita → Grundschule"),
    pgettext_lazy("taxonomy term", "Grundschule → weiterführende Schule"),
    pgettext_lazy("taxonomy term", "Schule → Ausbildung / Beruf"),
    pgettext_lazy("taxonomy term", "Gesundheit"),
    pgettext_lazy("taxonomy term", "Bildung"),
    pgettext_lazy("taxonomy term", "Erziehung und Familie"),
    pgettext_lazy("taxonomy term", "Kinder- und Jugendhilfe"),
    pgettext_lazy("taxonomy term", "Soziales und materielle Sicherung"),
    pgettext_lazy("taxonomy term", "Kultur, Sport und Freizeit"),
    pgettext_lazy("taxonomy term", "Beratung"),
    pgettext_lazy("taxonomy term", "Kinderschutz"),
    pgettext_lazy("taxonomy term", "Partizipation"),
    pgettext_lazy("taxonomy term", "Kinder"),
    pgettext_lazy("taxonomy term", "Jugendliche und junge Erwachsene"),
    pgettext_lazy("taxonomy term", "Eltern und Familien"),
    pgettext_lazy("taxonomy term", "Werdende Eltern"),
    pgettext_lazy("taxonomy term", "Alleinerziehende"),
    pgettext_lazy("taxonomy term", "Familien in Armutslagen"),
    pgettext_lazy("taxonomy term", "Familien mit Migrations- oder Fluchtgeschichte"),
    pgettext_lazy("taxonomy term", "Kinder mit Behinderung oder Förderbedarf"),
    pgettext_lazy("taxonomy term", "Fachkräfte"),
    pgettext_lazy("taxonomy term", "Niedrigschwellig"),
    pgettext_lazy("taxonomy term", "Aufsuchend"),
    pgettext_lazy("taxonomy term", "Mit Zuweisung / Überweisung"),
    pgettext_lazy("taxonomy term", "Universell"),
    pgettext_lazy("taxonomy term", "Selektiv"),
    pgettext_lazy("taxonomy term", "Indiziert"),
    pgettext_lazy("taxonomy term", "Familie"),
    pgettext_lazy("taxonomy term", "Kindertagesbetreuung"),
    pgettext_lazy("taxonomy term", "Schule"),
    pgettext_lazy("taxonomy term", "Quartier / Sozialraum"),
    pgettext_lazy("taxonomy term", "Materielle Lage"),
    pgettext_lazy("taxonomy term", "Kulturelle Lage / Bildung"),
    pgettext_lazy("taxonomy term", "Soziale Lage"),
    pgettext_lazy("taxonomy term", "Gesundheitliche Lage"),
]
