# The everyday commands. Variables: STATE_DIR (./var), HTTP_PORT (8080),
# MEMCACHED_PORT (21211), LDAP_PORT (3389), ZUFANG_ENV (local), BUILD_DIR (./build).
#
#   make run     install what is missing, build (handlers and pages), start the private stack, print the URL
#   make stop    stop what `make run` started
#   make test    build, run the unit tests, then the integration tests on their own stack
#   make sanitize  the unit tests and the database tests (ctest) under ASan and UBSan, in build-sanitize
#   make bench   benchmark the district detail against Nginx serving a static file
#   make settings-files  rewrite what is made from the settings schema

BUILD_DIR ?= $(CURDIR)/build
BUILD_TYPE ?= RelWithDebInfo
SANITIZE_DIR ?= $(CURDIR)/build-sanitize
# Leaks count as errors (LeakSanitizer works here); any undefined behaviour stops the test.
ASAN_OPTIONS ?= detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
export BUILD_DIR
MAKEFLAGS += --no-print-directory

.PHONY: all deps build run stop status test unit integration sanitize bench clean scale settings-files

all: build

deps:
	@tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > /dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@tools/build-site.sh

run: build
	@tools/stack.sh up

stop:
	@tools/stack.sh down

status:
	@tools/stack.sh status

# make scale GROUP=districts N=4
scale:
	@spawn/spawn.sh scale $(GROUP) $(N)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -LE integration

integration: build
	@tests/integration.sh

test: unit integration

# Its own tree, so the everyday build stays as it is. Debug (-O0): the
# sanitizers catch the same there, and the tree builds in a third of the
# time -O2 takes.
sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Debug -DZUFANG_SANITIZE=ON > /dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@cd $(SANITIZE_DIR) && ASAN_OPTIONS=$(ASAN_OPTIONS) UBSAN_OPTIONS=$(UBSAN_OPTIONS) ctest --output-on-failure

bench: build
	@tools/bench-districts.sh

# What is made from the settings schema (shared/base/settings_schema.cc):
# README.md's settings table, and docker/nginx/settings.env (production's
# nginx.* settings for the nginx container, whose image has no
# zufang-settings; read in a clean environment, as a container would).
# Unit tests fail when either is stale.
SETTINGS_ENV = docker/nginx/settings.env
settings-files: build
	@$(BUILD_DIR)/tools/zufang-settings schema --readme README.md
	@{ printf '%s\n' \
	    "# production's nginx.* settings, for the nginx service of docker-compose.yml" \
	    "# (its image has no zufang-settings): made by \`make settings-files\` with" \
	    "# \`ZUFANG_ENV=production zufang-settings env nginx\`. Do not edit: change" \
	    "# conf.d/ or shared/base/settings_schema.cc; a unit test fails when they differ."; \
	  env -i ZUFANG_ENV=production ZUFANG_CONF_DIR=$(CURDIR)/conf.d $(BUILD_DIR)/tools/zufang-settings env nginx; \
	} > $(SETTINGS_ENV).new && mv $(SETTINGS_ENV).new $(SETTINGS_ENV) && echo "$(SETTINGS_ENV): production's nginx.* settings"

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
