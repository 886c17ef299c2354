# The handler groups' image: every group binary of handlers/, one image.
# A container runs one group, named by its command (docker-compose.yml:
# `command: ["districts"]`) or ZUFANG_GROUP, or the job worker (`command:
# ["zufang-worker", "serve"]`); see docker/handler/entrypoint.sh.
#
#   docker build -t zufang/handlers .
#   docker run --rm zufang/handlers districts --check   (validate the settings)

# ---- build: the -dev packages of tools/install-deps.sh, then cmake ---------
FROM debian:bookworm AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      libfcgi-dev libjsoncpp-dev libmysqlcppconn-dev libmemcached-dev libldap2-dev \
      libboost-test-dev libsodium-dev libjwt-dev libssl-dev libcurl4-openssl-dev \
      libgd-dev libfontconfig-dev libxlsxwriter-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY shared/ shared/
COPY handlers/ handlers/
# The dictionaries the pronunciation group's lexicon is compiled from.
COPY data/hokkien/ data/hokkien/
COPY tools/ tools/
COPY tests/ tests/
ARG BUILD_TYPE=RelWithDebInfo

# Builds what the image ships, not the tests: every group's binary
# (handlers/<group>/ builds <group>), the job worker, and the settings tool
# the entrypoint reads process and thread counts with, and the demo photos'
# generator the listings container runs, and the Hokkien lexicon the
# pronunciation group maps (pronunciation.lexicon); then installs them, stripped, as
# CMake's install rules lay them out (component runtime: the groups in sbin/,
# the tools in bin/). The debug info stays in this stage.
RUN groups="$(for dir in handlers/*/; do basename "$dir"; done)" \
 && cmake -S . -B /build -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
 && cmake --build /build -j "$(nproc)" --target zufang-settings zufang-worker zufang-demo-photos hokkien_lexicon $groups \
 && cmake --install /build --prefix /out/usr/local --strip --component runtime \
 && install -D -m 0644 /build/data/hokkien.lex /out/usr/local/share/zufang/data/hokkien.lex

# ---- runtime: shared libraries, spawn-fcgi and multiwatch only -------------
FROM debian:bookworm-slim

# Runtime halves of the build stage's -dev packages (Debian 12 names;
# libmariadb3, libhashkit2, libsasl2-2, libjansson4 and libb64-0d come in as
# their dependencies). ca-certificates: libcurl4 only recommends it, and the
# worker's https:// SMS gateway (and an ldaps:// directory) need it. libgd3:
# the listings group decodes and re-encodes uploaded photos with it; with a
# CJK font, zufang-demo-photos draws the demo listings' photos.
# libxlsxwriter4: the reports group's and the worker's workbooks.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libfcgi0ldbl libjsoncpp25 libmysqlcppconn7v5 libmemcached11 libldap-2.5-0 libsodium23 \
      libjwt0 libssl3 libcurl4 ca-certificates \
      libgd3 fonts-wqy-microhei libxlsxwriter4 \
      spawn-fcgi multiwatch \
 && rm -rf /var/lib/apt/lists/*

COPY docker/handler/entrypoint.sh /usr/local/bin/zufang-handler
# Handlers run unprivileged. The media folder is created here so that a new
# named volume mounted on it starts out owned by this user.
RUN chmod 0755 /usr/local/bin/zufang-handler \
 && useradd --system --uid 10001 --user-group --home-dir /nonexistent --shell /usr/sbin/nologin zufang \
 && install -d -o zufang -g zufang -m 0755 /var/lib/zufang /var/lib/zufang/media

COPY --from=build /out/ /
COPY conf.d/ /etc/zufang/conf.d/

# The binaries' built-in settings folder is the build tree's conf.d/, which
# does not exist here: name the copy explicitly.
ENV ZUFANG_ENV=production \
    ZUFANG_CONF_DIR=/etc/zufang/conf.d \
    FASTCGI_PORT=9000

USER zufang
EXPOSE 9000
# Checks only that the group accepts connections; whether its requests
# succeed shows in Nginx's access log and the handlers' log.
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${FASTCGI_PORT}"]
ENTRYPOINT ["/usr/local/bin/zufang-handler"]
