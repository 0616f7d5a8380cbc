"""The sample program for a first look (`partnerbot demo seed`)."""

from __future__ import annotations
