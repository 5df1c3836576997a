"""``make bench`` (``python -m benchmarks``): how much fakenova slows the tests that use it.

Groups: start-up, request (through waitress), end to end (openstacksdk), scale (store sizes and
memory). Every figure is a median of repetitions, compared with a baseline measured in the same run.
"""
