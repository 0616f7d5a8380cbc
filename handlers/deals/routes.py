"""Everything deal registration answers: registration, the manager's decisions, /deals."""

from __future__ import annotations

from handlers.deals import approval, changes, extensions, listing, registration
from handlers.routes import Routes, merge_routes

ROUTES: Routes = merge_routes(
    registration.ROUTES, approval.ROUTES, extensions.ROUTES, listing.ROUTES, changes.ROUTES
)
