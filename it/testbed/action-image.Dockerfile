# The test action image: the offline twin of the repository root's Dockerfile (the image a
# `uses: …/zerocred-action@v1` step runs). Built by it/testbed/action-image.sh on top of a
# debootstrap'ed Debian root filesystem with a headless JRE, `docker import`ed as BASE_IMAGE; the
# build context holds only zerocred.jar. Same layout and entrypoint as the production image.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}

ARG INPUTS_HASH=unknown

LABEL zerocred.image="action" \
      zerocred.testbed.inputs="${INPUTS_HASH}" \
      org.opencontainers.image.title="zerocred GitHub Action (test build)"

ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8

COPY zerocred.jar /opt/zerocred/zerocred.jar
# A class-data-sharing archive of the classes a start loads (picocli, Netty, Bouncy Castle, Jackson,
# the proxy), made by one training start of `zerocred proxy` at build time with this image's own
# JVM and jar: a start then maps them instead of parsing and verifying them again (bench/RESULTS.md,
# workload 7). The token is a format-valid dummy; the proxy only listens on loopback and is stopped.
RUN cd /tmp \
    && CLAUDE_CODE_OAUTH_TOKEN="sk-ant-oat01-cds-training-$(printf 'x%.0s' $(seq 60))" \
       sh -c 'java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ArchiveClassesAtExit=/opt/zerocred/zerocred.jsa \
                -jar /opt/zerocred/zerocred.jar proxy --listen 127.0.0.1:0 --ready-file /tmp/cds-ready.json & \
              pid=$!; i=0; \
              while [ ! -e /tmp/cds-ready.json ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; \
              kill -TERM $pid; wait $pid; test -s /opt/zerocred/zerocred.jsa' \
    && rm -f /tmp/cds-ready.json

# Keep in step with the production Dockerfile: ActionImageTest compares the two.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:SharedArchiveFile=/opt/zerocred/zerocred.jsa", "-jar", "/opt/zerocred/zerocred.jar", "action"]
