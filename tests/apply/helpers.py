"""Valid answers for every step, and a helper that walks a client through the form."""
VALID = {
    "about-you": {"full_name": "Amal Hassan", "birth_year": "1988", "language": "en"},
    "contact": {"email": "amal@example.org", "phone": "+45 12 34 56 78", "address": "Nørrebrogade 1",
                "postcode": "2200", "municipality": "101"},
    "residence": {"country_of_origin": "SY", "arrival_year": "2016", "residence_basis": "7-1",
                  "reunified_with_basis": ""},
    "education": {"entries-0-level": "bachelor", "entries-0-field": "Civil engineering",
                  "entries-0-country": "SY", "entries-0-year_finished": "2010",
                  "entries-0-danish_assessment": "yes"},
    "work": {"entries-0-role": "Site engineer", "entries-0-sector": "Construction", "entries-0-years": "4,5",
             "entries-0-country": "SY"},
    "languages": {"danish_level": "A2", "danish_test_passed": "yes", "danish_test": "pd2",
                  "danish_course": "du3", "danish_module": "4", "english_level": "B2",
                  "english_test_passed": "no", "english_test": "", "english_test_score": "",
                  "other_languages": "Arabic"},
    "goals": {"goals": ["job", "internship"], "wished_fields": "Construction engineering", "more": ""},
    "consent": {"consent": "y"},
}


def fill(client, until=None, **changes):
    """Post every step (or up to `until`, exclusive) with valid answers; `changes` maps step -> overrides."""
    for step, data in VALID.items():
        if step == until:
            return
        response = client.post(f"/apply/{step}", data={**data, **changes.get(step, {})})
        assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])
