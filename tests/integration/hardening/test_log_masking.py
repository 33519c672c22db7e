"""Personal data is masked in log lines, whichever handler writes them."""

from __future__ import annotations

import io
import logging

import pytest

from clinic_core import masking as log_masking


@pytest.mark.parametrize(
    "line,secret",
    [
        ("Received user message 'it is Maria Lopez' with intent", "Maria Lopez"),
        ("contact jo.smith+clinic@example.co.uk please", "jo.smith+clinic@example.co.uk"),
        ("call +44 20 7946 0958 today", "7946 0958"),
        ("phone (212) 555-0147", "555-0147"),
        ("number 2125550147.", "2125550147"),
        ("SlotSet(key: callback_first_name, value: Priya)", "Priya"),
        ("{'callback_first_name': 'Priya', 'x': 1}", "Priya"),
        ("\tcallback_first_name: Priya", "Priya"),
        (r"\tcallback_first_name: Priya\n\tcallback_contact: None", "Priya"),
        ("hello, my name is Zebulon", "Zebulon"),
        ("BotUttered('Thanks, Zebulon. What phone number", "Zebulon"),
        ("Thank you, Priya. Your request is saved", "Priya"),
        ("IntegrityError [parameters: ('KT-ABC', 'Priya', 'p@x.org')]", "Priya"),
    ],
)
def test_personal_data_is_masked(line, secret):
    assert secret not in log_masking.mask(line)


@pytest.mark.parametrize(
    "line",
    [
        "Rasa server is up on port 5005 (took 33.5 s)",
        "confidence 0.9876543210 for intent faq",
        "event timestamp 1764230000.123456",
        "reference KT-ABC234 saved on 2026-11-27",
        "model clinic-b82867adbe21bdd2.tar.gz",
        "http://127.0.0.1:5055/webhook",
    ],
)
def test_ordinary_log_lines_are_left_alone(line):
    assert log_masking.mask(line) == line


def test_install_masks_records_for_every_handler_including_exceptions():
    previous = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # added after install, like coloredlogs
    logger = logging.getLogger("test.log_masking")
    try:
        log_masking.install()
        log_masking.install()  # idempotent
        logger.addHandler(handler)
        logger.error("saving %s at %s", "maria@example.org", "+1 212 555 0147")
        try:
            raise ValueError("bad contact maria@example.org")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(previous)
    written = stream.getvalue()
    assert "maria@example.org" not in written and "555 0147" not in written
    assert written.count("[email]") >= 2 and "[phone]" in written
