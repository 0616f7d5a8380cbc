"""A question asking for a version, a count or limit, a share (uptime, SLA), a place
(region), a plan or a port is declined when its page states none, though the page
covers its words; a figure stated of something else ("7 days" of a retention
metric) does not answer what is asked of another subject ("the audit log"); a figure
the quotes lack is quoted from the page when the page states it. End to end over a
small fixture corpus (handlers.knowledge.figure_quotes)."""

from __future__ import annotations

import pytest

from handlers.deps import Deps
from handlers.knowledge.answer import compose_extractive
from handlers.knowledge.search import retrieve
from storage.kb_search import Access
from tests.handlers.kb_world import assert_the_figure_decides

PAGES = {
    "php-sdk.md": """# PHP SDK

The PHP SDK evaluates feature flags inside your PHP application. It requires PHP
version 8.1 or greater.
""",
    "ruby-sdk.md": """# Ruby SDK

The Ruby SDK evaluates feature flags inside Ruby applications at runtime and supports
sticky bucketing for experiments. Pin the SDK version in your Gemfile for the minimum of
surprises.
""",
    "api-keys.md": """# API keys

API keys let scripts call the REST API. Each organization can create up to 20 API
keys; past that maximum number, revoke a key from the settings page first.
""",
    "projects.md": """# Projects

Projects group features and experiments by team. An organization creates projects
from the settings page and can archive the projects it no longer needs.
""",
    "enterprise.md": """# Enterprise plan

The enterprise plan guarantees 99.95% uptime for the cloud service and includes
single sign-on.
""",
    "proxy.md": """# Proxy server

The proxy server keeps features close to your users and streams every change to the
SDKs that are connected to it, with an uptime dashboard and SLA reports for operators.
""",
    "hosting.md": """# Cloud hosting

The cloud service is hosted in Frankfurt, and every backup is kept in the EU.
""",
    "exports.md": """# Exports

Admins export experiment results as CSV files. Exported files are stored in cloud
storage, and each region of the service keeps its own copy.
""",
    "audit-log.md": """# Audit log

The audit log records every change a member makes to a feature or an experiment.
Admins can export the audit log entries from the settings page.
""",
    "retention.md": """# Retention metrics

A retention metric counts the users who come back at least 7 days after their first
exposure to an experiment, over a retention period you choose. Every change to a
metric is recorded in the audit log.
""",
    "event-warehouse.md": """# Event warehouse

The event warehouse is a real-time analytics database that stores your raw events.
Every event sent to the ingestion API is stored in the warehouse within seconds.
""",
    "forwarder.md": """# Event forwarder

The event forwarder sends your events on to BigQuery and Snowflake. Support for
forwarding events to Databricks will be available soon.
""",
    "mobile-sdk.md": """# Mobile SDK

The mobile SDK evaluates flags on the device. Its offline mode will be available in
March 2027 for every plan.
""",
    "approvals.md": """# Approval flows

Approval flows make a teammate review every change to a feature before it is
published, and a reviewer can approve or request changes.
""",
    "visual-editor.md": """# Visual editor

The visual editor changes the copy and layout of a page without code, and it requires
a Pro subscription.
""",
    "postgres.md": """# PostgreSQL

Connect a PostgreSQL database with its host, its database name and a read-only user.
PostgreSQL listens on port 5432 unless you set another.
""",
    "vertica.md": """# Vertica connection

Connect a Vertica database with its host, its port, its database name and a read-only
user: the connection's default port is the one your cluster listens on.
""",
    "helm.md": """# Helm chart

Deploy the service on a Kubernetes cluster with the Helm chart. The chart sets
fsGroup: 1000 on its volumes, and it can run as the one release of its namespace.

## Upgrades

3. Run helm upgrade on the Kubernetes cluster to apply the change.
""",
    "cli.md": """# Command line tool

The command line tool requires Node 18 or later on the machine that runs it.
""",
    "programs.md": """# Testing programs

A testing program can be anything from running 1 test a quarter to running 10s of
thousands of tests at once, and its security reviews are run by the security team.
""",
    "warehouses.md": """# Warehouses

Redshift and Databricks warehouses are supported as data sources with a read-only
user, though Databricks is currently only supported on version 10.2 and above.
""",
    "goals.md": """# Goal metrics

If an experiment's estimated duration is high, it likely has (1) too many goal metrics
or (2) a minimum detectable effect on its goal metrics too small for its traffic.
""",
    "athena.md": """# Athena connection

The Athena connection reads results with an access key, or finds credentials on its
own when given a config in the following format:

```yml
type: athena
params:
  authType: auto
  region: us-east-1
  database: main
```
""",
    "scim.md": """# SCIM provisioning

Organizations provision their members through SCIM from the identity providers Okta
and Microsoft Entra ID.

## Groups

Groups pushed from the identity provider become teams, and a team's members get its
roles.

## Protocol

The service follows the SCIM 2.0 protocol.
""",
}


ASKED = (
    # A version: stated on the PHP page, not on the Ruby one.
    ("what php version does the php sdk require?", True),
    ("what is the minimum ruby version for the ruby sdk?", False),
    # ...asked with a misspelt word, as typo repair mends it.
    ("what is the minimum ruby verison for the ruby sdk?", False),
    ("what php verison does the php sdk require?", True),
    # ...of the runtime, which is what a version is asked of, not a subject.
    ("is there a php sdk, and what runtime versions?", True),
    # ...written as versions are: not "fsGroup: 1000", "the one release", a list's "3.".
    ("what is the minimum kubernetes version for the helm chart?", False),
    ("which node version does the command line tool need?", True),
    # ...of the thing asked about: Databricks's version is not Redshift's.
    ("minimum databricks version supported as a data source?", True),
    ("minimum redshift version supported as a data source?", False),
    # A count or a limit.
    ("what is the maximum number of api keys an organization can create?", True),
    ("how many projects can an organization create?", False),
    # ...not a list's numbering: "(1) too many goal metrics".
    ("how many goal metrics can an experiment have?", False),
    # A share: an uptime guarantee.
    ("what uptime does the enterprise plan guarantee for the cloud service?", True),
    ("what uptime sla does the proxy server have?", False),
    # ...though a yes/no question naming an SLA asks whether there is one.
    ("does the proxy server come with sla reports?", True),
    ("what sla does the proxy server have?", False),
    # A place.
    ("which region is the cloud service hosted in?", True),
    ("which region are exported csv files stored in?", False),
    # ...not by a code example's values ("region: us-east-1" in a sample config).
    ("which region is the athena connection hosted in?", False),
    # A figure stated of another subject: the retention metric's "7 days" is not the
    # audit log's retention.
    ("how many days is the retention period of the audit log?", False),
    ("how many days after first exposure does a retention metric count users?", True),
    # A date: "available soon" gives none.
    ("when will support for forwarding events to databricks be available?", False),
    ("when will offline mode for the mobile sdk be available?", True),
    # A plan: "requires a Pro subscription" states one; the approvals page none.
    ("which plan does the visual editor need?", True),
    ("approval flows for feature changes - included in pro or enterprise only?", False),
    # ...asked by every part of a question ("a paid feature? which tier?").
    ("approval flows for feature changes: a paid feature? which plan?", False),
    ("visual editor for page copy: a paid feature? which plan?", True),
    # A port.
    ("default port for postgresql?", True),
    ("default port for the vertica connection?", False),
    # "10s of thousands" is a number, not ten seconds.
    ("how often are security reviews of the testing program run?", False),
    # How soon events are stored ("within seconds", "real-time") is not how long.
    ("how long are raw events kept in the event warehouse?", False),
)


@pytest.mark.parametrize(("question", "answered"), ASKED)
async def test_a_figure_its_page_does_not_state_is_declined(
    docs: Deps, question: str, answered: bool
) -> None:
    await assert_the_figure_decides(docs, question, answered)


async def test_a_figure_the_quotes_lack_is_quoted_from_the_page(docs: Deps) -> None:
    question = "which identity providers provision members through scim, and which scim version?"
    answer = compose_extractive(await retrieve(docs, question, access=Access(staff=True)))
    assert answer.grounded
    assert "Okta" in answer.text
    assert "SCIM 2.0" in answer.text
