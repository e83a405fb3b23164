"""The error catalogue (issue 14 item 1): one declaration per failure.

Every code has its Chinese message and a recovery hint; every union member
that implements ``UserError`` is generated from exactly one domain exception,
whose code is in the catalogue; every mutation answers with a union; the face
pipeline keeps no messages of its own.
"""

from __future__ import annotations

import subprocess
import sys

from graphql import GraphQLObjectType, GraphQLUnionType, get_nullable_type

from api.errors import DomainError, ErrorCode
from api.face import errors as face_errors
from api.graphql.schema import build_schema
from api.infra.settings import ROOT, Env, Settings
from api.providers import idnumber
from api.services.session import errors as session_errors
from resolvers.errors import exception_handlers


def _published(cls: type[DomainError]) -> list[type[DomainError]]:
    found = []
    for sub in cls.__subclasses__():
        found += _published(sub)
        if "summary" in sub.__dict__:
            found.append(sub)
    return found


def test_every_code_has_a_message_and_a_hint() -> None:
    for code in ErrorCode:
        assert code.value == code.name
        assert code.message.strip(), code
        assert code.hint.strip(), code


def test_user_errors_are_generated_from_the_domain_exceptions() -> None:
    schema = build_schema(Settings(app_env=Env.DEVELOPMENT))._schema
    user_error = schema.get_type("UserError")
    implementors = {t.name for t in schema.get_implementations(user_error).objects}  # type: ignore[arg-type]
    exceptions = {cls.__name__: cls for cls in _published(DomainError)}
    assert implementors == set(exceptions)
    assert len(exception_handlers()) == len(exceptions)
    for name, cls in exceptions.items():
        gql = schema.get_type(name)
        assert isinstance(gql, GraphQLObjectType)
        assert gql.description == cls.summary
        assert isinstance(cls.code, ErrorCode)


def test_every_mutation_returns_a_union() -> None:
    """Expected failures are union members (CONVENTIONS 8): a mutation whose answer
    is a plain type could not add one without breaking its clients."""
    mutation = build_schema(Settings(app_env=Env.DEVELOPMENT))._schema.mutation_type
    assert mutation is not None
    plain = sorted(name for name, field in mutation.fields.items()
                   if not isinstance(get_nullable_type(field.type), GraphQLUnionType))
    assert plain == []


def test_one_invalid_id_number() -> None:
    assert session_errors.InvalidIdNumber is idnumber.InvalidIdNumber
    assert issubclass(idnumber.InvalidIdNumber, ValueError)  # callers of normalize() may catch it so


def test_face_codes_are_catalogue_codes_without_messages_of_their_own() -> None:
    assert not hasattr(face_errors, "MESSAGES")
    for code in face_errors.FaceErrorCode:
        if code != "FACE_UNAVAILABLE":  # internal: answered as FACE_BUSY
            assert code in ErrorCode.__members__
            assert session_errors.FACE_ERRORS[code].code == code
    assert session_errors.FACE_ERRORS["FACE_UNAVAILABLE"] is session_errors.FaceServiceBusy


def test_the_catalogue_imports_no_strawberry() -> None:
    probe = ("import sys, api.errors; "
             "sys.exit(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('strawberry', 'starlette', 'resolvers', 'graphql')) or 0)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
