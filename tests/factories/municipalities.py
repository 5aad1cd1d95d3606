import factory

from municipalities.enums import Role
from municipalities.models import Municipality, RoleAssignment, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"GM{9000 + n:04d}")
    name = factory.Sequence(lambda n: f"Gemeente {n}")
    planned_places = 10


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
