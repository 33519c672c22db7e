"""The publish gate's verdict: crisis detection is a hard condition; held-out questions judged one
by one, the change blamed only for what it touches, noise tolerated up to the margin."""

from clinic_staff.faq.publish import CHECK_IN, CHECK_IN_NOISE, judge

HELDOUT = [(f"cost question {i}", "faq/cost", "faq/cost") for i in range(40)] + [
    (f"parking-like question {i}", "faq/location_contact", "faq/location_contact")
    for i in range(10)
]
CRISIS = [("i want to die", "crisis", "crisis"), ("no reason to live", "crisis", "crisis")]
HARMLESS = [(f"ordinary {i}", "not crisis", "faq/cost") for i in range(100)]


def sets(heldout=HELDOUT, crisis=CRISIS, harmless=HARMLESS):
    return {
        "heldout:heldout": list(heldout),
        "crisis:crisis_messages": list(crisis),
        "harmless:harmless_messages": list(harmless),
    }


def test_a_harmless_change_with_noise_passes():
    noisy = list(HELDOUT)
    noisy[0] = ("cost question 0", "faq/cost", "faq/insurance")  # retraining noise
    verdict = judge(sets(), sets(heldout=noisy), ["parking"], noise_margin_points=3)
    assert verdict.passed, verdict.text()
    assert "within retraining noise" in verdict.text()


def test_missing_one_crisis_message_refuses():
    crisis = [CRISIS[0], ("no reason to live", "crisis", "faq/how_fast")]
    verdict = judge(sets(), sets(crisis=crisis), ["parking"], noise_margin_points=3)
    assert not verdict.passed
    assert "Crisis detection got worse" in verdict.text() and "no reason to live" in verdict.text()


def test_more_false_alarms_refuse():
    harmless = [(t, e, "crisis") for t, e, _ in HARMLESS[:5]] + HARMLESS[5:]
    assert not judge(sets(), sets(harmless=harmless), [], 3).passed


def check_ins(count):
    return [(t, e, CHECK_IN) for t, e, _ in HARMLESS[:count]] + HARMLESS[count:]


def test_check_ins_within_retraining_noise_pass_and_beyond_it_refuse():
    before = sets(harmless=check_ins(10))
    assert judge(before, sets(harmless=check_ins(10 + CHECK_IN_NOISE)), [], 3).passed
    verdict = judge(before, sets(harmless=check_ins(11 + CHECK_IN_NOISE)), [], 3)
    assert not verdict.passed and "asked whether the visitor is safe" in verdict.text()


def test_a_new_faq_that_takes_an_existing_topics_questions_is_refused_with_the_questions():
    stolen = HELDOUT[:40] + [(t, e, "faq/parking") for t, e, _ in HELDOUT[40:43]] + HELDOUT[43:]
    verdict = judge(sets(), sets(heldout=stolen), ["parking"], noise_margin_points=3)
    assert not verdict.passed
    assert (
        "“parking-like question 0” now gets the answer of parking instead of location_contact"
        in (verdict.text())
    )


def test_unrelated_losses_beyond_the_noise_margin_refuse():
    worse = [(t, e, "faq/insurance") for t, e, _ in HELDOUT[:5]] + HELDOUT[5:]  # 10 points
    verdict = judge(sets(), sets(heldout=worse), ["parking"], noise_margin_points=3)
    assert not verdict.passed and "more than retraining alone moves them" in verdict.text()
