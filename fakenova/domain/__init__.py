"""Pure-Python rules of the fake, one package per service: no Flask here; time only from the backend's clock.

Top level: what every service shares (context, policy, paging, patterns) and seeding, the one module
that reaches into every package. Imports go one way: compute -> identity, image, volume, network;
control -> compute; every package -> the shared modules here. tests/test_layout.py holds the rule.
"""
