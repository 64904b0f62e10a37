# kubelite: one image with every component; the entrypoint is the `kubelite` launcher:
#   docker run IMAGE apiserver|controller-manager|scheduler|kubelet-sim [flags]
#
# The build context holds the built distribution, so this file only copies (no RUN, no
# package manager, nothing fetched at build time besides the base image):
#   mvn -B package -DskipTests          # writes dist/target/kubelite/{bin,lib}
#   docker build -t kubelite:dev .
# .dockerignore keeps everything else out of the context.
#
# JRE_IMAGE: any image with a Java 17+ runtime at $JAVA_HOME (or `java` on PATH) and a
# POSIX /bin/sh. docker/build-local-images.sh builds one from the host's JRE for
# machines that cannot pull.
ARG JRE_IMAGE=eclipse-temurin:17-jre
FROM ${JRE_IMAGE}

LABEL org.opencontainers.image.title="kubelite" \
      org.opencontainers.image.description="A Kubernetes-style control plane over a real etcd: apiserver, controller-manager, scheduler, kubelet-sim, dns, kube-proxy" \
      org.opencontainers.image.source="https://github.com/kubelite/kubelite"

# JVM flags of every component (the entrypoint passes them to java); compose sets a small heap.
ENV KUBELITE_HOME=/opt/kubelite \
    KUBELITE_JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"

# dependencies first: they change less often than kubelite's own jars
COPY dist/target/kubelite/lib/ /opt/kubelite/lib/
COPY dist/target/kubelite/bin/ /opt/kubelite/bin/
# state owned by the image's user: a named volume mounted here starts with that owner, so the
# compose stack's pki service (kubelite pki, running as 10001) can write certificates into it
COPY --chown=10001:10001 dist/target/kubelite/var/ /var/lib/kubelite/

# not root: a numeric uid works whether or not the base image knows the user
USER 10001:10001
WORKDIR /tmp

# API server, kubelet-sim log endpoint, health endpoints (/healthz /readyz /metrics), cluster DNS
# (kubelite dns's default port, UDP and TCP), kube-proxy's rules
EXPOSE 6443 10250 10257 10259 10053 10053/udp 10249

ENTRYPOINT ["/bin/sh", "/opt/kubelite/bin/kubelite"]
CMD ["--help"]
