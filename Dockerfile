# biteship-sandbox: one process (waitress), configured only through SANDBOX_* variables.
# The start command is the README's: `biteship-sandbox`.

# Build the wheel from the copied source: the same path `pip install biteship-sandbox` takes,
# which copies openapi.yaml and fixtures/ into the package (setup.py).
FROM python:3.11.13-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md openapi.yaml ./
COPY fixtures ./fixtures
COPY sandbox ./sandbox
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11.13-slim-bookworm
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl \
    && rm -rf /wheels \
    && groupadd --system --gid 10001 sandbox \
    && useradd --system --uid 10001 --gid sandbox --create-home --home-dir /home/sandbox sandbox \
    && mkdir /data \
    && chown sandbox:sandbox /data
USER 10001:10001
WORKDIR /home/sandbox

ENV SANDBOX_HOST=0.0.0.0 \
    SANDBOX_PORT=4000 \
    SANDBOX_DB=/data/biteship-sandbox.json \
    SANDBOX_SEED=0 \
    SANDBOX_THREADS=8
VOLUME /data
EXPOSE 4000

# slim has no curl: ask the control plane's health endpoint with Python's urllib.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import json, os, urllib.request as u; r = u.urlopen('http://127.0.0.1:%s/_sandbox/health' % os.environ.get('SANDBOX_PORT', '4000'), timeout=4); assert json.load(r)['status'] == 'ok'"]

# Python as PID 1 ignores SIGTERM (no default handler for PID 1); SIGINT stops it cleanly.
STOPSIGNAL SIGINT
CMD ["biteship-sandbox"]
