import time

import factory
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from municipalities.enums import Role
from municipalities.models import Municipality, RoleAssignment, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    # GM9000-GM9999 (a full run makes more than a thousand: the codes come round again; no
    # test makes that many at once).
    code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Gemeente {n}")
    planned_places = 10


# Every factory user has an authenticator app with this secret (tests compute its codes with
# allauth's own TOTP functions); ``UserFactory(second_factor=False)`` makes one without.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator app's code for ``secret`` right now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            TOTP.activate(obj, TOTP_SECRET)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.FUNDER
    municipality = None


def user_with_role(role: str, *municipalities, **user_fields) -> User:
    """A user holding ``role``; a jobcoach is bound to the given municipalities."""
    user = UserFactory(**user_fields)
    if municipalities:
        for municipality in municipalities:
            RoleAssignment.objects.create(user=user, role=role, municipality=municipality)
    else:
        RoleAssignment.objects.create(user=user, role=role)
    return user
