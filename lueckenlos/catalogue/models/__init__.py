"""The inventory of offers, aligned with Open Referral HSDS 3.0.

HSDS names are kept where they fit (organization, service, location, service_at_location,
contact, phone, schedule, cost_option, language, accessibility, taxonomy, taxonomy_term) so
that the export of a later issue is a direct mapping. Departures, each for a reason:
ages are in months (infants need months), languages and accessibility are simpler records
on the service and location, and every tenant-owned record carries its Kommune.
"""

from lueckenlos.catalogue.models.contacts import Contact, Phone
from lueckenlos.catalogue.models.details import CostOption, Schedule, ServiceLanguage, Weekday
from lueckenlos.catalogue.models.locations import Location
from lueckenlos.catalogue.models.offers import Service, ServiceAtLocation, ServiceQuerySet
from lueckenlos.catalogue.models.providers import Organization
from lueckenlos.catalogue.models.taxonomy import Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.models.translations import ServiceTranslation

__all__ = [
    "Contact",
    "CostOption",
    "Location",
    "Organization",
    "Phone",
    "Schedule",
    "Service",
    "ServiceAtLocation",
    "ServiceLanguage",
    "ServiceQuerySet",
    "ServiceTranslation",
    "Taxonomy",
    "TaxonomyTerm",
    "Weekday",
]
