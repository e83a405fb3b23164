"""The biometric data we keep, and forget (RELIABILITY R3 17, 19; issue 12, items 2 and 8).

Owns:
- The reference template: the ID photo's descriptor, cached encrypted in the
  shared store under the identity (with the photo's hash inside, so a new ID
  photo gets a new template).
- Recent selfies: the embeddings of an identity's last ``face_selfie_history``
  attempts, encrypted with the PII vault in ``face_attempt``; older ones are
  dropped. A selfie within ``face_selfie_replay_threshold`` of any of them is
  a replay, however its bytes differ.
- Forgetting both when biometric consent is withdrawn.
"""

from __future__ import annotations

import hashlib
import json

from api.face.matcher import distance
from api.infra import limits
from api.infra.state import AppState
from api.models import FaceAttempt
from api.providers.identity import Person
from api.services.session.errors import NoReferencePhoto

_TEMPLATE_TTL_SECONDS = 7 * 24 * 3600


def _template_key(id_hash: str) -> str:
    return f"face:template:{id_hash}"


async def reference_embedding(state: AppState, person: Person,
                              id_hash: str) -> tuple[float, ...]:
    """The ID photo's descriptor; each login then embeds only the selfie."""
    photo = await state.providers.identity.reference_photo(person.id_number)
    if photo is None:
        raise NoReferencePhoto()
    digest = hashlib.sha256(photo).hexdigest()
    async with limits.store_errors():
        cached = await state.kv.get(_template_key(id_hash))
    if cached:
        text = cached.decode() if isinstance(cached, bytes) else cached
        stored = json.loads(state.vault.decrypt(text, table="face_template", column="embedding",
                                                row=id_hash))
        if stored["photo"] == digest:
            return tuple(stored["embedding"])
    result = await state.face.embed(photo)
    if result.embedding is None:
        raise NoReferencePhoto()
    sealed = state.vault.encrypt(json.dumps({"photo": digest, "embedding": list(
        result.embedding)}), table="face_template", column="embedding", row=id_hash)
    async with limits.store_errors():
        await state.kv.set(_template_key(id_hash), sealed.encode(), ex=_TEMPLATE_TTL_SECONDS)
    return result.embedding


def _open(state: AppState, attempt: FaceAttempt) -> tuple[float, ...]:
    assert attempt.embedding_enc is not None
    return tuple(json.loads(state.vault.decrypt(attempt.embedding_enc, table="face_attempt",
                                                column="embedding", row=str(attempt.id))))


async def is_recent_selfie(state: AppState, id_hash: str, embedding: tuple[float, ...]) -> bool:
    recent = await FaceAttempt.filter(id_number_hash=id_hash, embedding_enc__not_isnull=True
                                      ).order_by("-at").limit(state.settings.face_selfie_history)
    threshold = state.settings.face_selfie_replay_threshold
    return any(distance(embedding, _open(state, a)) < threshold for a in recent)


def seal(state: AppState, attempt: FaceAttempt, embedding: tuple[float, ...]) -> None:
    attempt.embedding_enc = state.vault.encrypt(json.dumps(list(embedding)),
                                                table="face_attempt", column="embedding",
                                                row=str(attempt.id))


async def prune(state: AppState, id_hash: str) -> None:
    """Keep the embeddings of the newest N attempts of the identity only."""
    # At most N + 1 rows carry one (this runs after every attempt).
    kept = await FaceAttempt.filter(id_number_hash=id_hash, embedding_enc__not_isnull=True
                                    ).order_by("-at").values_list("id", flat=True)
    older = kept[state.settings.face_selfie_history:]
    if older:
        await FaceAttempt.filter(id__in=list(older)).update(embedding_enc=None)


async def forget(state: AppState, id_hash: str) -> None:
    """Consent withdrawn: drop the template and every kept selfie embedding."""
    await limits.clear(state.kv, _template_key(id_hash))
    await FaceAttempt.filter(id_number_hash=id_hash, embedding_enc__not_isnull=True).update(
        embedding_enc=None)
