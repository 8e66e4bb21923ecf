"""Handlers of the organization tree: registering organizations, development plans (A-P) and
term extensions (E-X.1)."""

from __future__ import annotations

from typing import Any

from domain.commands import ExtendTerm, RegisterOrganization, SetDevelopmentPlan
from domain.organizations import Organization
from services.handlers.unit import Changes, Handler, Unit, dated_context


def register_organization(command: RegisterOrganization, unit: Unit) -> Changes:
    parent = unit.organizations.organization(command.parent_id) if command.parent_id else None
    organization = Organization.register(
        name=command.name,
        kind=command.kind,
        parent=parent,
        may_approve_admissions=command.may_approve_admissions,
        unit=command.unit,
        context=dated_context(command.entry, unit),
        policy=unit.policy,
        term_started_on=command.term_started_on,
        years=command.term_years,
    )
    return Changes(unit.organizations, organization.id, (organization,))


def set_development_plan(command: SetDevelopmentPlan, unit: Unit) -> Changes:
    organization = unit.organizations.organization(command.organization_id)
    organization.set_development_plan(
        year=command.year, admissions=command.admissions, context=dated_context(command.entry, unit)
    )
    return Changes(unit.organizations, organization.id, (organization,))


def extend_term(command: ExtendTerm, unit: Unit) -> Changes:
    organization = unit.organizations.organization(command.organization_id)
    organization.extend_term(
        months=command.months, reason=command.reason, context=dated_context(command.entry, unit)
    )
    return Changes(unit.organizations, organization.id, (organization,))


HANDLERS: tuple[Handler[Any], ...] = (
    Handler(RegisterOrganization, register_organization),
    Handler(SetDevelopmentPlan, set_development_plan),
    Handler(ExtendTerm, extend_term),
)
