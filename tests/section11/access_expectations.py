"""The expected status of every Section 11 URL for every persona and method (see test_access_matrix.py).

Written from the access rules in DESIGN.md; test_access_matrix fails if a URL has no row here.
"""


SIGN_IN = 302  # anonymous, always: a redirect to the sign-in page
PERSONAS = ("anonymous", "outsider_lead", "police_contributor", "police_lead", "police_senior_officer", "chair",
            "reader", "qa_member", "business_unit", "reviews_member", "ld_coordinator")
SIGNED_IN = PERSONAS[1:]
POLICE = ("police_contributor", "police_lead", "police_senior_officer")  # the senior officer holds no S11 role
OVERSIGHT = ("qa_member", "business_unit")
ANALYSIS = ("chair", "reader", "qa_member", "business_unit")


def each(names, status: int) -> dict[str, int]:
    return dict.fromkeys(names, status)


def row(default: int, *groups: dict[str, int], **statuses: int) -> dict[str, int]:
    """Anonymous → sign-in; every signed-in persona → `default`, unless in a group or named (later wins)."""
    result = {"anonymous": SIGN_IN, **each(SIGNED_IN, default)}
    for overrides in (*groups, statuses):
        unknown = set(overrides) - set(SIGNED_IN)
        assert not unknown, f"unknown personas in the expected table: {unknown}"
        result.update(overrides)
    return result


def same(statuses: dict[str, int]) -> dict[str, dict[str, int]]:
    """A view that answers GET and POST alike (reads, and GET/POST forms refused before the form)."""
    return {"GET": statuses, "POST": statuses}


def post_only(statuses: dict[str, int]) -> dict[str, dict[str, int]]:
    return {"GET": row(405), "POST": statuses}


SEES_RETURN = (*POLICE, *OVERSIGHT)  # the police return (submitted, so no one may change it)

# URL name → method → persona → status, for the fixture below: an open cycle, the police return
# submitted (with evidence, a moderated answer and a challenge session), the outsider's in progress.
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # Cycles are the partnership's records: the business unit manages them, QA members read them.
    "cycle-list": same(row(403, qa_member=200, business_unit=200)),
    "cycle-create": {"GET": row(403, business_unit=200), "POST": row(403, business_unit=400)},
    "cycle-detail": same(row(403, qa_member=200, business_unit=200)),
    "cycle-launch": same(row(403, business_unit=302)),  # already open: back to the tracker, nothing done
    "cycle-close": post_only(row(403, business_unit=302)),  # closes it (a write, rolled back)
    "return-remind": post_only(row(403, business_unit=302)),  # submitted: "nothing to remind about"
    "cycle-remind-all": {"GET": row(403, business_unit=200), "POST": row(403, business_unit=302)},  # GET: how many
    # Lists are scoped, never refused.
    "return-list": same(row(200)),
    "return-detail": same(row(404, each(SEES_RETURN, 200))),
    "standard": same(row(404, each(SEES_RETURN, 200))),
    "return-export-xlsx": same(row(404, each(SEES_RETURN, 200))),
    "return-export-pdf": post_only(row(404, each(SEES_RETURN, 302))),  # asks for it; made in the background
    "evidence-download": same(row(404, each(SEES_RETURN, 200))),
    # Changing the return: submitted, so refused to everyone who can see it.
    "return-header": same(row(404, each(SEES_RETURN, 403))),
    "answer-save": post_only(row(404, each(SEES_RETURN, 403))),
    "standard-save": post_only(row(404, each(SEES_RETURN, 403))),
    "answer-kept": same(row(404, each(SEES_RETURN, 302))),  # after signing in again: back to the answer
    "answer-action-add": same(row(404, each(SEES_RETURN, 403))),
    "return-start-from-last": post_only(row(404, each(SEES_RETURN, 403))),
    "return-submit": same(row(404, each(SEES_RETURN, 403))),
    "evidence-delete": post_only(row(404, each(SEES_RETURN, 403))),
    "return-import": same(row(404, each(SEES_RETURN, 403))),
    "return-import-preview": same(row(404, each(SEES_RETURN, 403))),
    "return-import-cancel": post_only(row(404)),  # nobody has an upload with a made-up token
    # Only the named senior officer signs off.
    "return-sign-off": {"GET": row(404, each(SEES_RETURN, 403), police_senior_officer=200),
                        "POST": row(404, each(SEES_RETURN, 403), police_senior_officer=302)},
    # Only the agency lead or the business unit names the senior officer (an empty POST: the form re-shown).
    "return-officer": same(row(404, each(SEES_RETURN, 403), police_lead=200, business_unit=200)),
    # The senior officer's emailed link needs no account; a made-up token is 404 to everyone (test_sign_off.py).
    "sign-off-link": same({**row(404), "anonymous": 404}),
    # Oversight of a submitted return.
    "return-send-back": {"GET": row(404, each(SEES_RETURN, 403), business_unit=200),
                         "POST": row(404, each(SEES_RETURN, 403), business_unit=200)},  # form re-shown
    "moderation-summary": same(row(404, each(POLICE, 403), each(OVERSIGHT, 200))),
    "moderate-standard": same(row(404, each(POLICE, 403), each(OVERSIGHT, 200))),
    "moderate-answer": post_only(row(404, each(POLICE, 403), each(OVERSIGHT, 400))),
    "moderate-standard-save": post_only(row(404, each(POLICE, 403), each(OVERSIGHT, 400))),  # an empty post
    "challenge-record": {"GET": row(404, each(POLICE, 403), each(OVERSIGHT, 200)),
                         "POST": row(404, each(POLICE, 403), each(OVERSIGHT, 400))},
    # The letter is addressed to the agency: its lead reads it, its contributors do not.
    # Asking for it: while criteria are not moderated, the page that says how many and asks to confirm.
    "feedback-letter": post_only(row(404, each(POLICE, 403), each(OVERSIGHT, 200), police_lead=200)),
    # The analysis: the partnership's comparison of agencies.
    "analysis-list": same(row(403, each(ANALYSIS, 200))),
    "cycle-analysis": same(row(403, each(ANALYSIS, 200))),
    "cycle-analysis-csv": same(row(403, each(ANALYSIS, 200))),
    "cycle-analysis-pdf": post_only(row(403, chair=302, qa_member=302, business_unit=302)),  # readers may not
}

# The only requests that may change Section 11 rows: the business unit closing the cycle, and the
# senior officer signing off. (Each is rolled back before the next request.)
WRITES = {("POST", "cycle-close", "business_unit"), ("POST", "return-sign-off", "police_senior_officer")}
