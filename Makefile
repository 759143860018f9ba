# Dockbase: the Docker extension template's targets, plus development, tests and benchmarks.
# Building the image needs BuildKit and the Node base image the Dockerfile pins (NODE_IMAGE); where no
# registry serves it, scripts/build-extension.sh assembles a local stand-in (Debian, root: see
# scripts/test-images/README.md). CA_CERT=file.pem lets npm inside the build trust a proxy's CA.
IMAGE ?= dockbase/dockbase-extension
TAG ?= latest
CA_CERT ?=
BUILDER = buildx-multi-arch
PLATFORMS = linux/amd64,linux/arm64
# The UI's dev server (ui/vite.config.ts: fixed port 3000).
DEV_UI_PORT ?= 3000
DEV_UI_URL ?= http://localhost:$(DEV_UI_PORT)

.DEFAULT_GOAL := help

build-extension: ## Build the extension image IMAGE:TAG with BuildKit (CA_CERT=… for a TLS-intercepting proxy)
	scripts/build-extension.sh --tag $(IMAGE):$(TAG) $(if $(CA_CERT),--ca $(CA_CERT))

install-extension: build-extension ## Build the image and install it into Docker Desktop
	docker extension install $(IMAGE):$(TAG)

update-extension: build-extension ## Build the image and update the installed extension
	docker extension update $(IMAGE):$(TAG)

validate-extension: build-extension ## Build the image and check it against the Marketplace's rules
	docker extension validate $(IMAGE):$(TAG)

prepare-buildx: ## Create the buildx builder for multi-arch images, if it does not exist
	docker buildx inspect $(BUILDER) >/dev/null 2>&1 || docker buildx create --name=$(BUILDER) --driver=docker-container --driver-opt=network=host

push-extension: prepare-buildx ## Build and push IMAGE:TAG for linux/amd64 and linux/arm64; refuses an existing tag
	@if docker buildx imagetools inspect $(IMAGE):$(TAG) >/dev/null 2>&1; then \
		echo "Failure: $(IMAGE):$(TAG) already exists; push a new TAG (make push-extension TAG=x.y.z)"; exit 1; \
	fi
	docker buildx build --push --builder=$(BUILDER) --platform=$(PLATFORMS) --tag=$(IMAGE):$(TAG) $(if $(CA_CERT),--secret id=ca,src=$(CA_CERT)) .

dev-ui-source: ## Serve the installed extension's UI from the dev server (run `npm run dev` first)
	docker extension dev ui-source $(IMAGE):$(TAG) $(DEV_UI_URL)

dev-debug: ## Open Chrome DevTools whenever the extension's tab opens
	docker extension dev debug $(IMAGE):$(TAG)

dev-reset: ## Undo dev-ui-source and dev-debug
	docker extension dev reset $(IMAGE):$(TAG)

test: ## Run every test layer (lint, types, unit, engine, browser); prepares the machine first
	npm test

bench: ## Run the benchmarks against the real engine
	npm run bench

help: ## Show this help
	@echo "Usage: make <target> [IMAGE=$(IMAGE)] [TAG=$(TAG)]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-20s %s\n", $$1, $$2}'

.PHONY: build-extension install-extension update-extension validate-extension prepare-buildx push-extension dev-ui-source dev-debug dev-reset test bench help
