# The Shardcast image: the node (`shardcast node`) and the operator (`shardcast operator`) in one.
#   docker build -t shardcast:0.1.0 .
# Build stage: the distribution from the sources, as ./shardcast builds it.
FROM debian:bookworm-slim AS build
RUN apt-get update -q && apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install -pl cli -am

# Runtime stage: a JRE, the few system libraries the bundled ffmpeg links, the distribution, and a
# class-data-sharing archive trained here, at image build time, so every node starts from it.
FROM debian:bookworm-slim
RUN apt-get update -q && apt-get install -y -q --no-install-recommends openjdk-17-jre-headless \
      libpulse0 libasound2 libxcb1 libxcb-shm0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 shardcast && useradd --uid 10001 --gid 10001 --home-dir /opt/shardcast shardcast
WORKDIR /opt/shardcast
COPY --from=build --chown=10001:10001 /src/shardcast ./shardcast
COPY --from=build --chown=10001:10001 /src/setup ./setup
COPY --from=build --chown=10001:10001 /src/cli/target/shardcast-cli.jar ./cli/target/shardcast-cli.jar
COPY --from=build --chown=10001:10001 /src/cli/target/lib ./cli/target/lib
USER 10001:10001
# The image is provisioned: the launcher installs nothing. Containers bind every interface.
ENV SHARDCAST_PROVISION=off \
    SHARDCAST_HTTP_INTERFACE=0.0.0.0
# The launcher trains the archive on its first run; this run is it (the image then starts from it).
RUN ./shardcast --version && test -s cli/target/shardcast-classes.jsa
EXPOSE 8080 8180 8280 1935 8380/udp 25520 26520/udp 8558 8090
ENTRYPOINT ["/opt/shardcast/shardcast"]
CMD ["node"]
