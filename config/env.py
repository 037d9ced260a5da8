"""The environment as the settings read it (django-environ), with an empty value counting as unset.

A blank line such as `STATIC_ROOT=` (copied from `.env.example`, or an empty variable in a
deployment tool) gives the setting's default, never '' or Path('.'); a required variable left
empty stops boot like a missing one.
"""

import os
from collections.abc import Iterator, MutableMapping

import environ


class NonEmptyEnviron(MutableMapping):
    """`os.environ` without its empty values (reads); writes go through."""

    def __init__(self, environ: MutableMapping[str, str]):
        self._environ = environ

    def __getitem__(self, name: str) -> str:
        value = self._environ[name]
        if value == "":
            raise KeyError(name)
        return value

    def __setitem__(self, name: str, value: str) -> None:
        self._environ[name] = value

    def __delitem__(self, name: str) -> None:
        del self._environ[name]

    def __iter__(self) -> Iterator[str]:
        return (name for name, value in self._environ.items() if value != "")

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Env(environ.Env):
    ENVIRON = NonEmptyEnviron(os.environ)
