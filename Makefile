# Dockbase: the Docker extension template's targets, plus development, tests and benchmarks.
IMAGE ?= dockbase/dockbase-extension
TAG ?= latest
BUILDER = buildx-multi-arch
DEV_UI_PORT ?= 3000

.DEFAULT_GOAL := help

build-extension: ## Build the extension image (needs the base images from a registry)
	docker build --tag=$(IMAGE):$(TAG) .

install-extension: build-extension ## Build and install the extension into Docker Desktop
	docker extension install $(IMAGE):$(TAG)

update-extension: build-extension ## Build and update the installed extension
	docker extension update $(IMAGE):$(TAG)

prepare-buildx: ## Create a buildx builder for multi-arch images
	docker buildx inspect $(BUILDER) || docker buildx create --name=$(BUILDER) --driver=docker-container --driver-opt=network=host

push-extension: prepare-buildx ## Build and push the extension for linux/amd64 and linux/arm64
	docker pull $(IMAGE):$(TAG) && echo "Failure: tag $(TAG) already exists" || docker buildx build --push --builder=$(BUILDER) --platform=linux/amd64,linux/arm64 --build-arg TAG=$(TAG) --tag=$(IMAGE):$(TAG) .

dev-ui-source: ## Load the UI from the Vite dev server into the installed extension (run `npm run dev` first)
	docker extension dev ui-source $(IMAGE):$(TAG) http://localhost:$(DEV_UI_PORT)

dev-debug: ## Open Chrome DevTools whenever the extension's tab opens
	docker extension dev debug $(IMAGE):$(TAG)

dev-reset: ## Undo dev-ui-source and dev-debug
	docker extension dev reset $(IMAGE):$(TAG)

test: ## Run every test layer (unit, engine, browser); prepares the machine first
	npm test

bench: ## Run the benchmarks against the real engine
	npm run bench

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## .*$$' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*?## "}; {printf "\033[36m%-20s\033[0m %s\n", $$1, $$2}'

.PHONY: build-extension install-extension update-extension prepare-buildx push-extension dev-ui-source dev-debug dev-reset test bench help
