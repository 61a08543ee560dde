# The test runner image: the offline twin of runner-image/Dockerfile.
# Built by it/testbed/claude-image.sh on top of a debootstrap'ed Debian root filesystem that was
# `docker import`ed as BASE_IMAGE; the build context holds only the Claude Code native binary.
# No registry is needed: the only FROM is the locally imported base. Works with the classic builder.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}

ARG CLAUDE_CODE_VERSION
ARG INPUTS_HASH=unknown

LABEL zerocred.image="runner" \
      zerocred.claude-code.version="${CLAUDE_CODE_VERSION}" \
      zerocred.testbed.inputs="${INPUTS_HASH}" \
      org.opencontainers.image.title="zerocred Claude Code runner (test build)" \
      org.opencontainers.image.description="Offline-built twin of the zerocred runner image, for tests" \
      org.opencontainers.image.version="${CLAUDE_CODE_VERSION}"

ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    DISABLE_AUTOUPDATER=1 \
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1

# The binary keeps its mode (0755) from the context. Never chmod/chown it in a later RUN: that
# would copy the whole ~380 MB file into another layer.
COPY claude /usr/local/bin/claude

# uid/gid 1000, home /home/claude, /workspace owned by claude: as in runner-image/Dockerfile.
RUN set -eu; \
    groupadd --gid 1000 claude; \
    useradd --uid 1000 --gid claude --home-dir /home/claude --create-home --shell /bin/bash claude; \
    mkdir -p /workspace; \
    chown claude:claude /workspace

WORKDIR /workspace
USER claude
CMD ["claude"]
