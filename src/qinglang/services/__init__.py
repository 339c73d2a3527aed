"""Services: combine the pure core (pipeline, policy, detectors) with storage, one transaction per unit of work.

Edges (api, cli, console, workers) call one service function per request and render its result.
"""
