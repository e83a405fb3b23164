"""Document validation: cached, with suggestions off in production, and one
operation chosen unambiguously.

Replaces strawberry's ``ValidationCache`` (which cannot pass graphql-core's
``hide_suggestions``): the same LRU cache keyed by (schema, document, rules,
hide), strawberry's own two rules added as it does. A document holding several
operations must name one (``operationName``), as the GraphQL spec requires;
strawberry would otherwise run the first, even a mutation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from functools import cache, lru_cache
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, validate
from graphql.language import OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from api.errors import ErrorCode


def _validate(schema: GraphQLSchema, document: DocumentNode,
              rules: Collection[type[ASTValidationRule]], hide_suggestions: bool
              ) -> list[GraphQLError]:
    return validate(schema, document, (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
                    hide_suggestions=hide_suggestions)


@cache
def validation_cache(maxsize: int) -> Callable[..., list[GraphQLError]]:
    """One LRU cache per size for the process (documents repeat across requests)."""
    return lru_cache(maxsize=maxsize)(_validate)


def _several_unnamed(document: DocumentNode, provided_name: str | None) -> GraphQLError | None:
    if provided_name is not None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) < 2:
        return None
    return GraphQLError("文档包含多个操作，请用 operationName 指明要执行哪一个",
                        extensions={"code": ErrorCode.OPERATION_RESOLUTION_FAILURE})


class Validation(SchemaExtension):
    def __init__(self, *, maxsize: int, hide_suggestions: bool) -> None:
        self._validate = validation_cache(maxsize)
        self._hide = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        assert ctx.graphql_document is not None
        errors = list(self._validate(ctx.schema._schema, ctx.graphql_document,
                                     ctx.validation_rules, self._hide))
        if not errors:
            # strawberry keeps the name the client gave (or None) here.
            provided: Any = getattr(ctx, "_provided_operation_name", None)
            ambiguous = _several_unnamed(ctx.graphql_document, provided)
            errors = [ambiguous] if ambiguous else []
        ctx.pre_execution_errors = errors
        yield
