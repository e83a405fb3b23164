"""RELIABILITY R4 items 21-22: ID numbers validated, encrypted, blind-indexed, masked."""

from __future__ import annotations

import logging

import pytest

from api import idnumber
from api.crypto import DecryptionError, PiiVault
from api.keys import Keyring, generate_keyring_document, parse_keyring
from api.logging import install_redaction, redact

VALID = "44060419850312001X"


def _valid(first17: str) -> str:
    return first17 + idnumber.check_digit(first17)


class TestIdNumber:
    def test_check_digit_validates(self) -> None:
        good = _valid("44060419850312001")
        assert idnumber.normalize(good.lower()) == good
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
        with pytest.raises(idnumber.InvalidIdNumber) as exc:
            idnumber.normalize(bad)
        assert exc.value.code == "INVALID_ID_NUMBER"
        assert "身份证" in exc.value.message

    @pytest.mark.parametrize("raw", ["", "12345", "4406041985031200", "44060419851332001X",
                                     "4406041985031200１X", "44060419850230001X"])
    def test_malformed_refused(self, raw: str) -> None:
        assert not idnumber.is_valid(raw)

    def test_mask_hides_birth_date(self) -> None:
        number = _valid("44060419850312001")
        masked = idnumber.mask(number)
        assert masked == f"440***********{number[-4:]}"
        assert "19850312" not in masked
        assert len(masked) == 18

    def test_mask_name(self) -> None:
        assert idnumber.mask_name("陈志明") == "陈**"
        assert idnumber.mask_name("欧阳娜娜") == "欧***"


@pytest.fixture
def ring() -> Keyring:
    return parse_keyring(generate_keyring_document("test"))


class TestVault:
    def test_round_trip_and_no_plaintext(self, ring: Keyring) -> None:
        vault = PiiVault(ring)
        number = _valid("44060419850312001")
        token = vault.encrypt(number, table="citizen", column="id_number", row="r1")
        assert number not in token
        assert token.startswith(f"v1:{ring.pii_active}:")
        assert vault.decrypt(token, table="citizen", column="id_number", row="r1") == number

    def test_ciphertext_bound_to_table_column_row(self, ring: Keyring) -> None:
        vault = PiiVault(ring)
        token = vault.encrypt("x", table="citizen", column="id_number", row="r1")
        for table, column, row in [("citizen", "id_number", "r2"), ("citizen", "name", "r1"),
                                   ("other", "id_number", "r1")]:
            with pytest.raises(DecryptionError):
                vault.decrypt(token, table=table, column=column, row=row)

    def test_wrong_key_fails_closed(self, ring: Keyring) -> None:
        token = PiiVault(ring).encrypt("x", table="t", column="c", row="r")
        other = PiiVault(parse_keyring(generate_keyring_document("test")))
        with pytest.raises(DecryptionError):
            other.decrypt(token, table="t", column="c", row="r")

    def test_rotation_keeps_old_values_readable(self, ring: Keyring) -> None:
        doc = generate_keyring_document("test")
        old_vault = PiiVault(parse_keyring(doc))
        token = old_vault.encrypt("x", table="t", column="c", row="r")
        doc["pii"]["keys"]["pii-2"] = generate_keyring_document("test")["pii"]["keys"]["pii-1"]
        doc["pii"]["active"] = "pii-2"
        new_vault = PiiVault(parse_keyring(doc))
        assert new_vault.decrypt(token, table="t", column="c", row="r") == "x"
        assert new_vault.encrypt("y", table="t", column="c", row="r").startswith("v1:pii-2:")

    def test_blind_index_keyed_and_stable(self, ring: Keyring) -> None:
        vault = PiiVault(ring)
        number = _valid("44060419850312001")
        assert vault.blind_index(number) == vault.blind_index(number)
        other = PiiVault(parse_keyring(generate_keyring_document("test")))
        assert other.blind_index(number) != vault.blind_index(number)


class TestLogRedaction:
    def test_redact_ids_and_phones(self) -> None:
        number = _valid("44060419850312001")
        assert redact(f"id={number} phone=13812345678") == (
            f"id=440***********{number[-4:]} phone=138****5678")

    @pytest.mark.logs_errors  # a simulated server failure
    def test_records_are_redacted_whatever_the_handler(
            self, caplog: pytest.LogCaptureFixture) -> None:
        install_redaction()
        number = _valid("44060419850312001")
        with caplog.at_level(logging.INFO):
            logging.getLogger("x").info("looked up %s", number)
            try:
                raise ValueError(f"bad {number}")
            except ValueError:
                logging.getLogger("x").exception("failed")
        assert number not in caplog.text
        assert "19850312" not in caplog.text
