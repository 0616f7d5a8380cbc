"""The sample program `partnerbot demo seed` writes: partners and their behaviour,
customer names, check-in answers and questions the knowledge base cannot answer."""

#: (name, tier, target in thousands of the program currency or None, behaviour)
PARTNERS = (
    ("Northwind Traders", "gold", 250, "strong"),
    ("Contoso Resellers", "gold", 250, "missed_checkins"),
    ("Fabrikam Partners", "gold", 200, "steady"),
    ("Tailspin Systems", "silver", 100, "pipeline_drop"),
    ("Litware Solutions", "silver", 100, "steady"),
    ("Adatum Consulting", "silver", 80, "strong"),
    ("Proseware Digital", "bronze", 40, "idle"),
    ("Wingtip Networks", "bronze", 40, "steady"),
    ("Woodgrove Integrators", "bronze", None, "steady"),
)
COMPANIES = (
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark Industries",
    "Wayne Corp",
    "Acme Corp",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Massive Dynamic",
    "Gringotts",
    "Oscorp",
    "Pied Piper",
    "Dunder Mifflin",
    "Monarch",
    "Aperture",
    "Black Mesa",
    "Nakatomi",
)
LOST_REASONS = ("Budget cut", "Went with a competitor", "Project postponed", "No decision")
ANSWERS = (
    "Two demos booked with Globex; pricing call on Thursday.",
    "Closed the Initech pilot, moving to a full proposal.",
    "Blocked: waiting on the security questionnaire from Umbrella's IT.",
    "Quiet week, mostly renewals. No blockers.",
    "We're stuck on the SSO integration: can your SE join a call?",
    "Hooli wants a reference customer in retail.",
    "Proposal sent to Vandelay; decision expected end of month.",
)
GAPS = (
    "Does Lumora support on-premises deployment for banks?",
    "What is the partner discount on multi-year contracts?",
    "Is there a HIPAA BAA template we can share?",
    "Can Lumora export audit logs to Splunk?",
    "What are the MDF rules for co-marketing events?",
)
