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
# The npm registry the runner image's Claude Code is fetched from (the action has no npm of its
# own): a release build passes --build-arg NPM_CONFIG_REGISTRY="$(npm config get registry)";
# left empty, the action asks for its npm_registry input when it must build the runner image.
ARG NPM_CONFIG_REGISTRY=
ENV NPM_CONFIG_REGISTRY=${NPM_CONFIG_REGISTRY}
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
# Runs as root, as GitHub runs container actions: it needs the engine's socket and writes into
# the workspace the runner mounted.
# Keep in step with it/testbed/action-image.Dockerfile: ActionImageTest compares the two.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:SharedArchiveFile=/opt/zerocred/zerocred.jsa", "-jar", "/opt/zerocred/zerocred.jar", "action"]
