"""Neutron: networks, subnets, ports, floating IPs, security groups and quotas. Imports only the
shared modules; never compute. Nova's side calls ``networks``' port functions and ``security_groups``."""
