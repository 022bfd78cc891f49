"""The OpenAPI 3.1 description of the partner API, served at /api/v2/openapi.json and fuzzed by the tests."""

from django.conf import settings

from .paging import MAX_PAGE, MAX_PER_PAGE

HAL = "application/hal+json"
ERRORS = {
    "400": "Bad input: a page, per_page or filter outside what is supported, or a body that is not a valid signature.",
    "401": "Missing, wrong or revoked token.",
    "403": "The token's scope does not allow this.",
    "404": "No such resource (or not one this token may see).",
    "429": "Too many requests for this token; retry after the number of seconds in Retry-After.",
}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _responses(ok_schema: str, *codes) -> dict:
    responses = {"200": {"description": "OK", "content": {HAL: {"schema": _ref(ok_schema)}}}}
    for code in ("400", "401", "403", "404", "429", *codes):
        responses[code] = {"description": ERRORS[code], "content": {HAL: {"schema": _ref("Error")}}}
    responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"}, "required": True}}
    return responses


def _param(name, where="path", **schema) -> dict:
    return {"name": name, "in": where, "required": where == "path", "schema": {"type": "string", **schema}}


PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
    {
        "name": "per_page",
        "in": "query",
        "description": f"At most {MAX_PER_PAGE}; a larger number gives {MAX_PER_PAGE}, as Action Network does.",
        "schema": {"type": "integer", "minimum": 1},
    },
    {
        "name": "after",
        "in": "query",
        "description": "Set by the next links: where the previous page ended. Optional.",
        "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999},
    },
]


def _filter(description):
    return {"name": "filter", "in": "query", "description": description, "schema": {"type": "string", "maxLength": 500}}


DATE_FILTER = _filter("OData subset: modified_date or created_date, gt or lt, an ISO 8601 date; clauses joined by 'and'.")
PETITION = _param("petition_id", description="The petition's UUID (its identifier without 'action_network:').")
SIGNATURE = _param("signature_id", description="The signature's UUID.")
PERSON = _param("person_id", description="The person's UUID.")

LINK = {"type": "object", "required": ["href"], "properties": {"href": {"type": "string"}}}
DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"}
IDENTIFIERS = {"type": "array", "items": {"type": "string", "pattern": "^action_network:[0-9a-f-]{36}$"}, "minItems": 1}
PERSON_FIELDS = {
    "given_name": {"type": "string"},
    "family_name": {"type": "string"},
    "email_addresses": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["address"],
            "properties": {"address": {"type": "string"}, "primary": {"type": "boolean"}},
        },
    },
    "postal_addresses": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "locality": {"type": "string"},
                "region": {"type": "string"},
                "postal_code": {"type": "string"},
                "country": {"type": "string"},
                "primary": {"type": "boolean"},
            },
        },
    },
}


def _collection(item: str, rel: str) -> dict:
    return {
        "type": "object",
        "required": ["per_page", "page", "_links", "_embedded"],
        "properties": {
            "total_pages": {"type": "integer", "minimum": 0},
            "total_records": {"type": "integer", "minimum": 0},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "page": {"type": "integer", "minimum": 1},
            "_links": {
                "type": "object",
                "required": ["self", rel],
                "properties": {"self": LINK, "next": LINK, "previous": LINK, rel: {"type": "array", "items": LINK}},
            },
            "_embedded": {
                "type": "object",
                "required": [rel],
                "properties": {rel: {"type": "array", "maxItems": MAX_PER_PAGE, "items": _ref(item)}},
            },
        },
    }


SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string", "minLength": 1}}},
    "EntryPoint": {
        "type": "object",
        "required": ["max_page_size", "_links"],
        "properties": {"max_page_size": {"const": MAX_PER_PAGE}, "osdi_version": {"type": "string"}, "_links": {"type": "object"}},
    },
    "Petition": {
        "type": "object",
        "required": ["identifiers", "title", "total_signatures", "browser_url", "created_date", "modified_date", "_links"],
        "properties": {
            "identifiers": IDENTIFIERS,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "summary": {"type": "string"},
            "petition_text": {"type": "string"},
            "browser_url": {"type": "string"},
            "total_signatures": {"type": "integer", "minimum": 0},
            "target": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "created_date": DATE,
            "modified_date": DATE,
            "_links": {"type": "object", "required": ["self", "osdi:signatures"]},
        },
    },
    "Signature": {
        "type": "object",
        "required": ["identifiers", "created_date", "modified_date", "action_network:person_id", "_links"],
        "properties": {
            "identifiers": IDENTIFIERS,
            "created_date": DATE,
            "modified_date": DATE,
            "action_network:person_id": {"type": "string"},
            "action_network:petition_id": {"type": "string"},
            "status": {"enum": ["pending", "confirmed"]},
            "person": {"type": "object", "properties": PERSON_FIELDS},
            "_links": {"type": "object", "required": ["self", "osdi:petition", "osdi:person"]},
        },
    },
    "DeletedSignature": {
        "type": "object",
        "required": ["identifiers", "deleted_date", "_links"],
        "properties": {"identifiers": IDENTIFIERS, "deleted_date": DATE, "modified_date": DATE},
    },
    "Person": {
        "type": "object",
        "required": ["identifiers", "created_date", "modified_date", "_links"],
        "properties": {"identifiers": IDENTIFIERS, "created_date": DATE, "modified_date": DATE, **PERSON_FIELDS},
    },
    "PetitionCollection": _collection("Petition", "osdi:petitions"),
    "SignatureCollection": _collection("Signature", "osdi:signatures"),
    "DeletedSignatureCollection": _collection("DeletedSignature", "action_network:deleted_signatures"),
    "PersonCollection": _collection("Person", "osdi:people"),
    "RecordSignature": {
        "type": "object",
        "required": ["person"],
        "properties": {
            "person": {
                "type": "object",
                "required": ["email_addresses"],
                "properties": {
                    "given_name": {"type": "string", "maxLength": 100},
                    "family_name": {"type": "string", "maxLength": 100},
                    "email_addresses": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["address"],
                            "properties": {"address": {"type": "string", "format": "email"}, "primary": {"type": "boolean"}},
                        },
                    },
                    "postal_addresses": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"postal_code": {"type": "string"}, "primary": {"type": "boolean"}},
                        },
                    },
                },
            },
            "comments": {"type": "string"},
            "add_tags": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _get(summary, schema, params=(), op_id=None):
    return {"summary": summary, "operationId": op_id, "parameters": list(params), "responses": _responses(schema)}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stop ShotSpotter partner API (OSDI 1.1.1, Action Network v2 dialect)",
            "version": "2",
            "description": (
                "Read the confirmed signatures of your campaigns, and record the signatures you gathered, with the "
                "Action Network clients you already use. Authenticate with the OSDI-API-Token header. Every path "
                "also answers with a trailing slash. See the README, 'For partners'."
            ),
        },
        "servers": [{"url": f"{settings.SITE_URL}/api/v2"}],
        "security": [{"token": []}],
        "components": {
            "securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/": {"get": _get("The API entry point", "EntryPoint", op_id="entryPoint")},
            "/petitions": {
                "get": _get("The campaigns this token may read", "PetitionCollection", [*PAGING, DATE_FILTER], "listPetitions")
            },
            "/petitions/{petition_id}": {"get": _get("One campaign", "Petition", [PETITION], "getPetition")},
            "/petitions/{petition_id}/signatures": {
                "get": _get(
                    "Its confirmed signatures, oldest first",
                    "SignatureCollection",
                    [PETITION, *PAGING, DATE_FILTER],
                    "listSignatures",
                ),
                "post": {
                    "summary": "Record a signature (the record signature helper); it counts once confirmed",
                    "operationId": "recordSignature",
                    "parameters": [PETITION],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("RecordSignature")}}},
                    "responses": _responses("Signature"),
                },
            },
            "/petitions/{petition_id}/signatures/{signature_id}": {
                "get": _get("One confirmed signature", "Signature", [PETITION, SIGNATURE], "getSignature")
            },
            "/petitions/{petition_id}/deleted_signatures": {
                "get": _get(
                    "Signatures withdrawn, erased or struck out since you may have copied them: delete your copies",
                    "DeletedSignatureCollection",
                    [PETITION, *PAGING, _filter("modified_date or deleted_date, gt or lt.")],
                    "listDeletedSignatures",
                )
            },
            "/people": {
                "get": _get(
                    "The people who signed the campaigns this token may read",
                    "PersonCollection",
                    [*PAGING, _filter("email_address eq 'name@example.org' (needs a token that may see email addresses).")],
                    "listPeople",
                )
            },
            "/people/{person_id}": {"get": _get("One person", "Person", [PERSON], "getPerson")},
            "/people/{person_id}/signatures": {
                "get": _get(
                    "Their confirmed signatures", "SignatureCollection", [PERSON, *PAGING, DATE_FILTER], "listPersonSignatures"
                )
            },
            "/people/{person_id}/signatures/{signature_id}": {
                "get": _get("One of their signatures", "Signature", [PERSON, SIGNATURE], "getPersonSignature")
            },
        },
    }
