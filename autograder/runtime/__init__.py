"""The submission's side and the channel to it: everything that runs or reaches student code.

- ``channel``: the data-only wire format; ``errors``: what the submission can do wrong;
- ``session``: in-process and worker sessions, and the current session; ``remote`` and
  ``proxy``: the proxies tests hold; ``worker``: the request handler and the worker's main;
- ``sandbox`` and ``view``: the worker's isolation (namespaces, allowlist view, limits);
- ``seeding``: seeding one process; ``probes``: kit code run on the submission's side.
"""
