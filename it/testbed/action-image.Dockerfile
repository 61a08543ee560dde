# The test action image: the offline twin of the repository root's Dockerfile (the image a
# `uses: …/zerocred-action@v1` step runs). Built by it/testbed/action-image.sh on top of a
# debootstrap'ed Debian root filesystem with a headless JRE, `docker import`ed as BASE_IMAGE; the
# build context holds zerocred.jar and the committed class list (action.classlist) its CDS archive is
# dumped from. Same layout, archive and entrypoint as the production image.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}

ARG INPUTS_HASH=unknown

LABEL zerocred.image="action" \
      zerocred.testbed.inputs="${INPUTS_HASH}" \
      org.opencontainers.image.title="zerocred GitHub Action (test build)"

ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8

COPY zerocred.jar /opt/zerocred/zerocred.jar
COPY action.classlist /opt/zerocred/action.classlist
# A class-data-sharing archive of the classes a real action run loads (the JDK's, picocli, Netty,
# Bouncy Castle, Jackson, docker-java, httpclient5, the review): a static dump from the committed
# class list zerocred-action/src/main/cds/action.classlist, which two real action reviews made
# (regenerate it with `bash it/testbed/action-classlist.sh`; ActionClassDataTest fails when it no
# longer covers what a run loads). A run then maps these classes instead of parsing and verifying
# them (bench/RESULTS.md, workload 12). Dumped with the entrypoint's JVM options and its class path
# (exactly the -jar path), or the archive would not map; the JVM's heap objects are not archived
# for the serial collector on JDK 17, so nothing is lost against the JDK's default archive, which
# this one replaces. The check start with -Xshare:on fails the build if the archive does not map.
# Hostile input: none. The list is build input from this repository, never from a workspace; the
# archive is made here, root-owned and read-only; the workspace is mounted elsewhere
# (/github/workspace) and the agent's container is a sibling that never sees /opt/zerocred.
RUN java -Xshare:dump -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -XX:SharedClassListFile=/opt/zerocred/action.classlist \
        -XX:SharedArchiveFile=/opt/zerocred/zerocred.jsa -cp /opt/zerocred/zerocred.jar \
        >/tmp/cds-dump.log 2>&1 \
      || { cat /tmp/cds-dump.log; echo "the CDS archive dump failed" >&2; exit 1; } \
    && test -s /opt/zerocred/zerocred.jsa \
    && chmod 0444 /opt/zerocred/zerocred.jsa \
    && java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:on \
        -XX:SharedArchiveFile=/opt/zerocred/zerocred.jsa -jar /opt/zerocred/zerocred.jar --version \
    && rm -f /tmp/cds-dump.log

# Keep in step with the production Dockerfile: ActionImageTest compares the two.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:SharedArchiveFile=/opt/zerocred/zerocred.jsa", "-jar", "/opt/zerocred/zerocred.jar", "action"]
