"""``make bench`` (``python -m benchmarks``): how much fakenova slows the tests that use it.

Groups: start-up, in process (werkzeug's test client), request (one client over loopback), over the
wire (wrk against fakenova and mimic 2.2.0), end to end (openstacksdk), scale (store sizes and memory
per server), memory (a long life). Every figure is a median of repetitions, compared with a baseline measured in the same run.
"""
