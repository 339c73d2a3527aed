"""Test helpers shipped with qinglang so that plug-ins and deployments can reuse them.

- ``qinglang.testing.detector_contract``: the contract every detector must pass.
- ``qinglang.testing.postgres``: a throw-away PostgreSQL server on loopback, started from local binaries.
"""
