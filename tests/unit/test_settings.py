import pytest

from clinic_core.settings import ClinicSettingsError, load_clinic, load_settings


def write_clinic(tmp_path, **overrides):
    values = {
        "clinic_name": "Test clinic",
        "doctor_name": "Dr. Test",
        "phone": "(212) 555-0199",
        "email": "desk@example.org",
        "booking_url": "https://example.org/book",
        "hours": "Mon-Fri 9-5",
        "time_zone": "America/New_York",
        "address": "New York, NY",
    }
    values.update(overrides)
    path = tmp_path / "clinic.yml"
    path.write_text("".join(f'{k}: "{v}"\n' for k, v in values.items()))
    return path


def test_defaults_work_without_any_environment():
    settings = load_settings({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.tracker_store_url.startswith("sqlite:///")
    assert settings.lock_store_type == "clinic_rasa.lock_store.InMemoryQueueLockStore"
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"
    assert settings.auth_token is None and not settings.is_production


def test_environment_overrides_defaults():
    settings = load_settings(
        {
            "TRACKER_STORE_URL": "postgresql://u:p@db/rasa",
            "ACTION_PORT": "6000",
            "CLINIC_ENV": "production",
        }
    )
    assert settings.tracker_store_url == "postgresql://u:p@db/rasa"
    assert settings.action_endpoint_url == "http://127.0.0.1:6000/webhook"
    assert settings.is_production


def test_clinic_settings_are_read_from_the_file_staff_edit(tmp_path):
    path = write_clinic(tmp_path, phone="(646) 555-0123")
    clinic = load_clinic(load_settings({"CLINIC_SETTINGS_FILE": str(path)}))
    assert clinic.phone == "(646) 555-0123"
    assert clinic.as_slots()["clinic_phone"] == "(646) 555-0123"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("phone", "", "phone"),
        ("booking_url", "http://insecure.example.org", "https://"),
    ],
)
def test_bad_clinic_settings_are_refused_with_a_clear_message(tmp_path, field, value, message):
    path = write_clinic(tmp_path, **{field: value})
    with pytest.raises(ClinicSettingsError, match=message):
        load_clinic(load_settings({"CLINIC_SETTINGS_FILE": str(path)}))


def test_missing_clinic_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.yml"
    with pytest.raises(ClinicSettingsError, match="nope.yml"):
        load_clinic(load_settings({"CLINIC_SETTINGS_FILE": str(missing)}))


def test_opening_hours_are_read_as_days_and_minutes(tmp_path):
    path = write_clinic(tmp_path)
    with path.open("a") as f:
        f.write('opening_hours:\n  days: [monday, Tuesday]\n  opens: "08:30"\n  closes: "17:00"\n')
    hours = load_clinic(load_settings({"CLINIC_SETTINGS_FILE": str(path)})).opening_hours
    assert hours is not None and hours.days == {0, 1}
    assert (hours.opens, hours.closes) == (8 * 60 + 30, 17 * 60)
    assert hours.is_open(1, 16 * 60 + 59) and not hours.is_open(1, 17 * 60)
    assert not hours.is_open(2, 12 * 60)


@pytest.mark.parametrize(
    "block,message",
    [
        ('opening_hours:\n  days: [funday]\n  opens: "09:00"\n  closes: "17:00"\n', "funday"),
        ('opening_hours:\n  days: [monday]\n  opens: "9am"\n  closes: "17:00"\n', "24-hour"),
        ('opening_hours:\n  days: [monday]\n  opens: "17:00"\n  closes: "09:00"\n', "later"),
    ],
)
def test_bad_opening_hours_are_refused(tmp_path, block, message):
    path = write_clinic(tmp_path)
    with path.open("a") as f:
        f.write(block)
    with pytest.raises(ClinicSettingsError, match=message):
        load_clinic(load_settings({"CLINIC_SETTINGS_FILE": str(path)}))


def test_opening_hours_are_optional(tmp_path):
    path = write_clinic(tmp_path)
    assert load_clinic(load_settings({"CLINIC_SETTINGS_FILE": str(path)})).opening_hours is None
