import datetime

import factory

from coaching.enums import PriorSupport, SessionMode
from coaching.models import Entrepreneur, GuidanceSession

from .municipalities import MunicipalityFactory, UserFactory


class EntrepreneurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrepreneur

    municipality = factory.SubFactory(MunicipalityFactory)
    ref = factory.Sequence(lambda n: f"ENT-{n:04d}")
    trade_name = factory.Sequence(lambda n: f"Onderneming {n}")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    prior_support = PriorSupport.BBZ_START
    imk_coach = None


class GuidanceSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidanceSession

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    municipality = factory.SelfAttribute("entrepreneur.municipality")
    coach = factory.SubFactory(UserFactory)
    held_on = datetime.date(2024, 3, 1)
    minutes = 60
    mode = SessionMode.IN_PERSON
    topics = factory.LazyFunction(lambda: ["onboarding"])
    notes = "Besproken hoe de eerste week verliep."
