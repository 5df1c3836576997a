# fakenova: Keystone, Nova, Glance, Neutron and Cinder fakes on one port (8774).
#
#   make image                                  # fakenova:latest without Docker Hub or a package index in
#                                               # the build (scripts/docker-image.sh: a local Debian base,
#                                               # wheels built on the host, then WHEEL_ONLY=1 below)
#   docker build -t fakenova .                  # installs from this checkout; needs the Python package index
#   docker build -t fakenova --build-arg WHEEL_ONLY=1 .
#                                               # offline: installs only from ./wheels, made on the host with
#                                               # `pip wheel . -w wheels` (same Python minor as the base image)
#   docker run --rm -p 8774:8774 fakenova       # auth URL: http://localhost:8774/identity
#
# BASE_IMAGE is a build argument so machines without Docker Hub can use a local Debian image; any base
# with python3 and its venv module works.
ARG BASE_IMAGE=python:3.12-slim

# Build stage: pip, the build context and the wheels stay here; only the finished venv moves on.
FROM ${BASE_IMAGE} AS build
ARG WHEEL_ONLY=0
SHELL ["/bin/sh", "-eu", "-c"]
# The whole context (filtered by .dockerignore): the source tree, or just wheels/ for WHEEL_ONLY=1.
# fakenova/schemas is a symlink to ../schemas; both are copied, and building the wheel dereferences it.
COPY . /src
# A venv keeps fakenova's dependencies away from the base image's Python; --no-cache-dir keeps pip's
# download cache out of the layer. pip and setuptools (about 25 MB) are not needed at run time.
RUN python3 -m venv /opt/fakenova; \
    if [ "$WHEEL_ONLY" = 1 ]; then \
        /opt/fakenova/bin/pip install --no-cache-dir --disable-pip-version-check --no-index \
            --find-links /src/wheels fakenova; \
    else \
        /opt/fakenova/bin/pip install --no-cache-dir --disable-pip-version-check /src; \
    fi; \
    /opt/fakenova/bin/python -m pip uninstall --quiet --yes pip setuptools; \
    /opt/fakenova/bin/fakenova --version

# Runtime stage: the same base (the venv's python links into it) plus the venv.
FROM ${BASE_IMAGE}
# An unprivileged user: the server needs no root, and nothing in the image is writable by it.
RUN groupadd --system --gid 10001 fakenova && \
    useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin fakenova
COPY --from=build /opt/fakenova /opt/fakenova
# Listen on all interfaces inside the container (the CLI's default is 127.0.0.1); logs unbuffered.
ENV PATH=/opt/fakenova/bin:$PATH \
    FAKENOVA_HOST=0.0.0.0 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
EXPOSE 8774
# Slim images have no curl; Python's urllib asks the unauthenticated compute version document.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/compute/' % os.environ.get('FAKENOVA_PORT', '8774'), timeout=4)"]
# fakenova handles SIGINT and SIGTERM alike (stop, save --state-file); SIGINT is also what Ctrl-C on
# `docker run -it` sends.
STOPSIGNAL SIGINT
CMD ["fakenova", "serve"]
