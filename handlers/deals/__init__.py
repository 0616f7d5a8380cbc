"""Deal registration: the form, conflicts, approvals, protection, /deals and export."""
