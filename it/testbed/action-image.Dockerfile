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

# Keep in step with the production Dockerfile: ActionImageTest compares the two.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", "/opt/zerocred/zerocred.jar", "action"]
