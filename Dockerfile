# The GitHub Action's image (action.yml: `runs: using: docker, image: Dockerfile`): the `zerocred`
# program on a slim JRE. It talks to the runner's Docker engine over /var/run/docker.sock (the
# runner mounts it into every container action) and starts Claude Code in a sibling container.
#
#   docker build -t zerocred-action .
#
# The tests build an offline twin (it/testbed/action-image.sh) with the same layout and entrypoint.

# --- build: the shaded zerocred.jar, with the Maven wrapper --------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# The wrapper and the POMs first: dependencies are resolved in a layer of their own.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY it/testkit/pom.xml it/testkit/pom.xml
COPY proxy-core/pom.xml proxy-core/pom.xml
COPY zerocred-action/pom.xml zerocred-action/pom.xml
COPY it/pom.xml it/pom.xml
COPY zerocred-maven-plugin/pom.xml zerocred-maven-plugin/pom.xml
COPY bench/pom.xml bench/pom.xml
RUN ./mvnw -B -q -pl zerocred-action -am dependency:go-offline -DskipTests || true
COPY . .
RUN ./mvnw -B -pl zerocred-action -am package -DskipTests -Dspotless.check.skip=true \
    && cp zerocred-action/target/zerocred.jar /zerocred.jar

# --- run: a slim JRE and the jar -------------------------------------------------------------------
FROM eclipse-temurin:17-jre
LABEL zerocred.image="action" \
      org.opencontainers.image.title="zerocred GitHub Action" \
      org.opencontainers.image.description="Claude Code PR reviews without giving the agent a real credential"
COPY --from=build /zerocred.jar /opt/zerocred/zerocred.jar
COPY zerocred-action/src/main/cds/action.classlist /opt/zerocred/action.classlist
# The npm registry the runner image's Claude Code is fetched from (the action has no npm of its
# own): a release build passes --build-arg NPM_CONFIG_REGISTRY="$(npm config get registry)";
# left empty, the action asks for its npm_registry input when it must build the runner image.
ARG NPM_CONFIG_REGISTRY=
ENV NPM_CONFIG_REGISTRY=${NPM_CONFIG_REGISTRY}
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
# Runs as root, as GitHub runs container actions: it needs the engine's socket and writes into
# the workspace the runner mounted.
# Keep in step with it/testbed/action-image.Dockerfile: ActionImageTest compares the two.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:SharedArchiveFile=/opt/zerocred/zerocred.jsa", "-jar", "/opt/zerocred/zerocred.jar", "action"]
