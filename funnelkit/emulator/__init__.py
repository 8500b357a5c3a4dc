"""Local HTTP servers that behave as the documented Bitrix24 and amoCRM APIs do.

The parts, each a folder:

- `bitrix24/`, `amocrm/` — one vendor's API served over HTTP, reading and writing `state`;
- `serving/` — the HTTP plumbing both share, the clock, fault injection and `run.start`;
- `generate/` — generated portals: the messy one with its answer key, healthy ones from blueprints;
- `fixture/` — hand-written portal files: schema, loading, cross-checks and dumping;
- `state.py` — the vendor-neutral portal every part reads or builds.

Nothing is re-exported here: importing the servers must not pay for numpy and the sample data.
"""
