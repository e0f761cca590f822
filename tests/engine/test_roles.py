import pytest

from engine.roles import role_for_lane, roles_for_lane, task_roles


@pytest.mark.parametrize(
    ("lane", "roles"),
    [
        ("Court clerk", ("court_clerk",)),
        ("court-clerk ", ("court_clerk",)),
        ("Investigator / Prosecutor", ("investigator", "prosecutor")),
        ("Prosecutor/Prosecutor", ("prosecutor",)),
        ("Tiesnesis", ("tiesnesis",)),
        ("Ģimenes tiesa", ("gimenes_tiesa",)),
        ("", ()),
        (None, ()),
    ],
)
def test_lane_names_name_roles(lane, roles):
    assert roles_for_lane(lane) == roles
    assert task_roles(role_for_lane(lane)) == frozenset(roles)
