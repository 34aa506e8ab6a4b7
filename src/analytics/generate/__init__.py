"""Synthetic raw data for the five source systems (today: bank), written as the raw data
contract describes it, with deliberate defects and a manifest of what was injected."""

from analytics.generate.bank import (
    DEFECT_KINDS,
    HEADER,
    BankFileManifest,
    BankManifest,
    generate_bank,
    generate_bank_sample,
)

__all__ = [
    "DEFECT_KINDS",
    "HEADER",
    "BankFileManifest",
    "BankManifest",
    "generate_bank",
    "generate_bank_sample",
]
