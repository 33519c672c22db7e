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
