"""Texts of the reporter app in Dutch and English."""

from __future__ import annotations

from zichtbaar.standard.codes import CODE_LISTS

T: dict[str, tuple[str, str]] = {
    "title": ("zichtbaar — aanleveren", "zichtbaar — reporting"),
    "lang_switch": ("English", "Nederlands"),
    "intro": (
        "Deze app draait alleen op deze computer. Namen, geboortedata en BSN's worden hier "
        "versleuteld en verlaten uw organisatie nooit.",
        "This app runs on this computer only. Names, dates of birth and BSNs are encoded here "
        "and never leave your organisation.",
    ),
    "keys": ("Sleutels", "Keys"),
    "key_none": ("Nog geen koppelsleutel ingelezen.", "No linkage key imported yet."),
    "key_id": (
        "Koppelsleutel ingelezen, sleutel-id: {key_id}",
        "Linkage key imported, key id: {key_id}",
    ),
    "key_file": ("Sleutelbestand", "Key file"),
    "key_import": ("Sleutel inlezen", "Import key"),
    "key_imported": (
        "Sleutel {key_id} ingelezen. De inhoud wordt nooit getoond.",
        "Key {key_id} imported. Its content is never shown.",
    ),
    "api_none": ("Nog geen API-sleutel van de hub.", "No API key from the hub yet."),
    "api_set": (
        "API-sleutel van de hub is ingesteld (wordt niet getoond).",
        "The hub's API key is set (not shown).",
    ),
    "api_key": ("API-sleutel", "API key"),
    "save": ("Opslaan", "Save"),
    "upload_title": ("1. Export inlezen", "1. Read your export"),
    "upload_explain": (
        "Kies de export uit uw eigen registratiesysteem (.xlsx of .csv). Er wordt nog niets "
        "verstuurd.",
        "Choose the export from your own case system (.xlsx or .csv). Nothing is sent yet.",
    ),
    "export_file": ("Exportbestand", "Export file"),
    "read": ("Inlezen", "Read"),
    "mapping_title": ("2. Kolommen koppelen", "2. Map your columns"),
    "mapping_explain": (
        "Per veld van de standaard: welke van uw kolommen het is. De voorstellen zijn "
        "automatisch; controleer en verbeter ze.",
        "For each field of the standard: which of your columns it is. The suggestions are "
        "automatic; check and correct them.",
    ),
    "field": ("Veld", "Field"),
    "your_column": ("Uw kolom", "Your column"),
    "none_col": ("(geen)", "(none)"),
    "particle_col": ("Kolom tussenvoegsel", "Particle column"),
    "date_order": ("Datumvolgorde", "Date order"),
    "fixed_value": ("Vaste waarde als er geen kolom is", "Fixed value when there is no column"),
    "values_title": (
        "Uw waarden en de codes van de standaard",
        "Your values and the standard's codes",
    ),
    "your_value": ("Uw waarde", "Your value"),
    "code": ("Code", "Code"),
    "unmapped": ("nog niet gekoppeld", "not mapped yet"),
    "unmapped_explain": (
        "Deze waarden staan nog niet in de koppeltabel (tussen haakjes: aantal rijen). Ze gaan mee "
        "als 'onbekend' tot u ze koppelt bij 'Koppeling aanpassen'.",
        "These values are not in the mapping yet (in brackets: rows). They go as 'unknown' until "
        "you map them under 'Change the mapping'.",
    ),
    "check": ("Controleren", "Check"),
    "check_title": ("3. Controle", "3. Check"),
    "rows_ok": (
        "{n} rijen gaan mee, {rej} rijen niet, {warn} waarschuwingen.",
        "{n} rows go, {rej} rows do not, {warn} warnings.",
    ),
    "row": ("Rij", "Row"),
    "column": ("Kolom", "Column"),
    "reason": ("Reden", "Reason"),
    "action": ("Gevolg", "Outcome"),
    "rejected": ("rij niet verstuurd", "row not sent"),
    "warning": ("verstuurd, zonder dit veld", "sent, without this field"),
    "fix_mapping": ("Koppeling aanpassen", "Change the mapping"),
    "reupload": ("Verbeterd bestand opnieuw controleren", "Check a corrected file again"),
    "to_preview": ("Verder: wat verlaat het gebouw?", "Next: what leaves the building?"),
    "preview_title": ("4. Wat verlaat het gebouw", "4. What leaves the building"),
    "preview_explain": (
        "Dit is precies wat naar de hub gaat. De hub kan geen namen lezen: elke naam, datum en "
        "BSN is met de koppelsleutel omgezet in sleutelcodes en een geharde Bloomfilter. Zonder "
        "die sleutel, die de hub niet heeft, kan niemand uit een code de naam terugrekenen of een "
        "geraden naam omzetten om te vergelijken.",
        "This is exactly what goes to the hub. The hub cannot read names: every name, date and "
        "BSN has been turned, with the linkage key, into keyed tokens and a hardened Bloom "
        "filter. Without that key, which the hub does not hold, nobody can turn a code back into "
        "a name or encode a guessed name to compare.",
    ),
    "sent_fields": ("Velden die worden verstuurd", "Fields that are sent"),
    "what": ("Wat het is", "What it is"),
    "rows_with": ("Rijen met waarde", "Rows with a value"),
    "not_sent": ("Wat niet wordt verstuurd", "What is not sent"),
    "your_unsent": ("Uw kolommen die niet meegaan", "Your columns that are not sent"),
    "package": ("Pakket", "Package"),
    "checksum": ("Controlegetal (SHA-256)", "Checksum (SHA-256)"),
    "receipt": ("Ontvangstbewijs om te bewaren (HTML)", "Receipt to keep (HTML)"),
    "submit": ("Versturen naar de hub", "Send to the hub"),
    "result_title": ("5. Antwoord van de hub", "5. The hub's answer"),
    "accepted": ("{n} rijen opgeslagen, {q} in quarantaine.", "{n} rows stored, {q} quarantined."),
    "duplicate": (
        "Dit pakket was al eerder verstuurd; de hub heeft niets dubbel opgeslagen.",
        "This package had been sent before; the hub stored nothing twice.",
    ),
    "hub_problems": ("Rijen die de hub niet aannam", "Rows the hub did not accept"),
    "log_title": (
        "Verwerkingsregister (alle verzendingen)",
        "Record of processing (all submissions)",
    ),
    "when": ("Wanneer", "When"),
    "rows": ("Rijen", "Rows"),
    "answer": ("Antwoord", "Answer"),
    "withdraw_title": ("Registratie intrekken", "Withdraw a registration"),
    "record_id": ("Uw dossiernummer", "Your record id"),
    "withdraw": ("Intrekken", "Withdraw"),
    "withdrawn": (
        "Ingetrokken: {n} opgeslagen versies verwijderd.",
        "Withdrawn: {n} stored versions removed.",
    ),
    "reason_consent_withdrawn": ("Toestemming ingetrokken", "Consent withdrawn"),
    "reason_erasure_request": ("Verzoek om verwijdering (AVG)", "Request for erasure (GDPR)"),
    "reason_error": ("Ten onrechte geregistreerd", "Registered in error"),
    "failed": ("Niet gelukt: {reason}", "Did not work: {reason}"),
    "need_keys": (
        "Lees eerst de koppelsleutel en de API-sleutel in.",
        "Import the linkage key and the API key first.",
    ),
    "too_large": (
        "Het bestand is groter dan {mb} MB; splits de export.",
        "The file is larger than {mb} MB; split the export.",
    ),
    "home": ("Begin", "Start"),
    "encoding": (
        "Versleutelen: {done} van {total} rijen klaar…",
        "Encoding: {done} of {total} rows done…",
    ),
    "refresh": ("Vernieuwen", "Refresh"),
    "org": ("Organisatie-id", "Organisation id"),
    "reporter_type": ("Soort melder", "Reporter type"),
}

DATE_ORDER_LABELS = {
    "DMY": ("dag-maand-jaar (dd-mm-jjjj)", "day-month-year (dd-mm-yyyy)"),
    "MDY": ("maand-dag-jaar (mm/dd/jjjj)", "month-day-year (mm/dd/yyyy)"),
    "YMD": ("jaar-maand-dag (jjjj-mm-dd)", "year-month-day (yyyy-mm-dd)"),
}

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "record_id": ("Dossiernummer", "Record id"),
    "registration_date": ("Registratiedatum", "Registration date"),
    "given_names": ("Voornamen", "Given names"),
    "surname": ("Achternaam", "Surname"),
    "date_of_birth": ("Geboortedatum", "Date of birth"),
    "place_of_birth": ("Geboorteplaats", "Place of birth"),
    "bsn": ("BSN", "BSN"),
    "street": ("Straat", "Street"),
    "house_number": ("Huisnummer", "House number"),
    "postcode": ("Postcode", "Postcode"),
    "residence": ("Woonplaats", "Place of residence"),
    "gender": ("Geslacht", "Gender"),
    "nationality": ("Nationaliteit", "Nationality"),
    "age_group": ("Leeftijdsgroep", "Age group"),
    "form": ("Vorm van uitbuiting", "Form of exploitation"),
    "exploitation_year": ("Jaar van uitbuiting", "Year of exploitation"),
    "region": ("Politie-eenheid", "Police region"),
    "legal_basis": ("Grondslag", "Legal basis"),
}


def t(key: str, lang: str, **kw: object) -> str:
    nl, en = T[key] if key in T else FIELD_LABELS.get(key, (key, key))
    text = nl if lang == "nl" else en
    return text.format(**kw) if kw else text


def code_label(field: str, code: str, lang: str) -> str:
    """A code's label in ``lang`` (the code itself where no list has one, e.g. nationality)."""
    code_list = CODE_LISTS.get(field)
    if code_list is None or code not in code_list:
        return code
    return code_list.label(code, lang)
