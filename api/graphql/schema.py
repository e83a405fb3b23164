"""Composes the slices into one strawberry schema with the surface limits of R1."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError, is_abstract_type
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.graphql.input_limits import InputLimits, InputLimitsExtension
from api.graphql.masking import MaskUnexpectedErrors, RequestIdExtension
from api.graphql.validation import Validation
from api.infra.settings import Settings
from resolvers import errors
from resolvers.appointments.mutations import AppointmentMutation
from resolvers.appointments.queries import AppointmentQuery
from resolvers.certificates.mutations import CertificateMutation
from resolvers.certificates.queries import CertificateQuery
from resolvers.platform.queries import PlatformQuery
from resolvers.privacy.queries import PrivacyMutation, PrivacyQuery
from resolvers.proofs.resolvers import ProofMutation, ProofQuery
from resolvers.properties.queries import PropertyQuery
from resolvers.ratings.mutations import RatingMutation
from resolvers.ratings.queries import RatingQuery
from resolvers.session.mutations import SessionMutation
from resolvers.session.queries import SessionQuery


@strawberry.type
class Query(PlatformQuery, SessionQuery, PropertyQuery, PrivacyQuery, CertificateQuery,
            ProofQuery, AppointmentQuery, RatingQuery):
    pass


@strawberry.type
class Mutation(SessionMutation, PrivacyMutation, CertificateMutation, ProofMutation,
               AppointmentMutation, RatingMutation):
    pass


class Schema(strawberry.Schema):
    # Production: no "Did you mean" in variable-coercion errors either (the
    # validation half is ``api.graphql_validation``; RELIABILITY R1 5).
    hide_suggestions = False

    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Client mistakes are not server errors; unexpected ones are logged,
        with the request id, where they are masked (``api.graphql.masking``)."""

    def _get_custom_context_kwargs(self, operation_extensions: dict[str, Any] | None = None, *,
                                   sync: bool = False) -> dict[str, Any]:
        # The keyword arguments strawberry passes on to graphql-core's execute().
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        if self.hide_suggestions:
            kwargs["hide_suggestions"] = True
        return kwargs


def build_schema(settings: Settings) -> Schema:
    # The limiters' rule classes are built once: the validation cache is keyed
    # by (schema, document, rules), and a limiter instantiated per request
    # makes a new rule class each time, so nothing would ever be a cache hit.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if settings.is_production:
        rules.append(NoSchemaIntrospectionCustomRule)
    limits: list[InputLimits] = []  # the checker needs the built schema: filled in below
    extensions: list = [
        # Token limit first: it aborts a 5,000-field flood inside the parser.
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=settings.parser_cache_size),
        lambda: AddValidationRules(rules),
        lambda: Validation(maxsize=settings.parser_cache_size,
                           hide_suggestions=settings.is_production),
        lambda: InputLimitsExtension(limits[0]),
        MaskUnexpectedErrors,
        RequestIdExtension,
    ]
    config = StrawberryConfig(
        disable_field_suggestions=settings.is_production,
    )
    schema = Schema(query=Query, mutation=Mutation, extensions=extensions, config=config,
                    exception_handlers=errors.exception_handlers())
    schema.hide_suggestions = settings.is_production
    limits.append(InputLimits(schema._schema, settings.max_body_bytes))
    return schema


def export_sdl() -> str:
    return build_schema(Settings()).as_str() + "\n"


def possible_types(schema: strawberry.Schema) -> dict[str, list[str]]:
    """Every union and interface -> the object types that may stand for it.

    A caching client needs this to match fragments on abstract types, e.g.
    ``... on UserError { code message }`` in a mutation's result union: Apollo
    Client's ``InMemoryCache({possibleTypes})``, urql Graphcache's schema
    awareness. Served at ``/ui/possible-types.json``; ``python -m api
    possible-types`` prints it.
    """
    core = schema._schema
    return {name: sorted(t.name for t in core.get_possible_types(abstract))  # type: ignore[arg-type]
            for name, abstract in sorted(core.type_map.items())
            if not name.startswith("__") and is_abstract_type(abstract)}
