#!/usr/bin/env bash
# Provision a Pulumi CLI matching the installed @pulumi/pulumi version.
#
# Order of preference:
#   1. a working `pulumi` already on PATH (other than our own .tools/bin copy);
#   2. <repo>/.tools/bin/pulumi if its `pulumi version` equals the wanted version;
#   3. build it from the Go module pinned in test/engine/pulumi-cli/go.mod
#      (needs `go` and access to a Go module proxy).
# Alongside, <repo>/.tools/bin/pulumi-resource-pulumi-nodejs is linked to the
# dynamic-provider plugin shipped by @pulumi/pulumi.
#
# All diagnostics go to stderr. The only stdout output is a final line: the
# absolute bin directory to prepend to PATH (in the one case where a PATH
# pulumi lacks the plugin, two directories joined by ':').
#
# Usage: PATH="$(scripts/provision-pulumi.sh):$PATH"
set -euo pipefail

log() { printf 'provision-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
TOOLS_BIN="$REPO_ROOT/.tools/bin"
MOD_DIR="$REPO_ROOT/test/engine/pulumi-cli"
PKG_ROOT="$REPO_ROOT/node_modules/@pulumi/pulumi"
PLUGIN_NAME="pulumi-resource-pulumi-nodejs"
CMD_PKG="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
VERSION_VAR="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"

export PULUMI_SKIP_UPDATE_CHECK=true

[ -f "$PKG_ROOT/package.json" ] || die "$PKG_ROOT/package.json not found; run 'npm ci' first"
WANTED="v$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG_ROOT/package.json" | head -n1)"
[ "$WANTED" != "v" ] || die "cannot read the version of @pulumi/pulumi from $PKG_ROOT/package.json"

# Prints the version reported by a pulumi binary, or nothing if it does not run.
cli_version() { "$1" version 2>/dev/null | tr -d '[:space:]' || true; }

# Makes sure .tools/bin holds a link to the dynamic-provider plugin of @pulumi/pulumi.
link_plugin() {
  local src="$PKG_ROOT/$PLUGIN_NAME"
  [ -f "$src" ] || die "$src not found (expected at the @pulumi/pulumi package root)"
  [ -x "$src" ] || die "$src is not executable"
  mkdir -p "$TOOLS_BIN"
  if [ "$(readlink "$TOOLS_BIN/$PLUGIN_NAME" 2>/dev/null || true)" != "$src" ]; then
    ln -sfn "$src" "$TOOLS_BIN/$PLUGIN_NAME"
    log "linked $TOOLS_BIN/$PLUGIN_NAME -> $src"
  fi
}

# 1. A pulumi already on PATH (ignoring our own .tools/bin copy, which gets the
#    version check below).
if existing="$(command -v pulumi 2>/dev/null)"; then
  existing_real="$(readlink -f "$existing")"
  if [ "$existing_real" != "$(readlink -f "$TOOLS_BIN/pulumi" 2>/dev/null || echo -)" ]; then
    have="$(cli_version "$existing")"
    if [ -n "$have" ]; then
      bindir="$(cd "$(dirname "$existing")" && pwd -P)"
      log "using pulumi $have from PATH: $existing"
      [ "$have" = "$WANTED" ] || log "warning: @pulumi/pulumi is $WANTED but the CLI is $have"
      if [ ! -x "$(dirname "$existing_real")/$PLUGIN_NAME" ] && ! command -v "$PLUGIN_NAME" >/dev/null 2>&1; then
        # Dynamic resources need the plugin: hand out both directories.
        log "$PLUGIN_NAME is neither on PATH nor next to $existing_real: adding $TOOLS_BIN"
        link_plugin
        bindir="$bindir:$TOOLS_BIN"
      fi
      printf '%s\n' "$bindir"
      exit 0
    fi
    log "ignoring $existing: 'pulumi version' failed"
  fi
fi

# 2. and 3. run under a lock so that concurrent callers do not build twice.
mkdir -p "$TOOLS_BIN"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$REPO_ROOT/.tools/provision.lock"
  flock 9
fi

# 2. A previously built .tools/bin/pulumi of the right version.
if [ -x "$TOOLS_BIN/pulumi" ]; then
  have="$(cli_version "$TOOLS_BIN/pulumi")"
  if [ "$have" = "$WANTED" ]; then
    link_plugin
    log "reusing $TOOLS_BIN/pulumi ($have)"
    printf '%s\n' "$TOOLS_BIN"
    exit 0
  fi
  log "$TOOLS_BIN/pulumi reports '${have:-nothing}', wanted $WANTED: rebuilding"
fi

# 3. Build from source with Go.
if ! command -v go >/dev/null 2>&1; then
  log "no 'pulumi' on PATH and no 'go' toolchain to build it."
  log "Install the Pulumi CLI $WANTED, then re-run:"
  log "  curl -fsSL https://get.pulumi.com | sh -s -- --version ${WANTED#v}"
  log "  (see https://www.pulumi.com/docs/install/ for other methods)"
  log "or install Go (https://go.dev/dl/) so this script can build it from source."
  exit 1
fi

[ -f "$MOD_DIR/go.mod" ] || die "$MOD_DIR/go.mod not found"
pinned_version() { # $1 = module path; prints its required version in go.mod
  awk -v m="$1" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$MOD_DIR/go.mod"
}
pin_pkg="$(pinned_version github.com/pulumi/pulumi/pkg/v3)"
pin_sdk="$(pinned_version github.com/pulumi/pulumi/sdk/v3)"
if [ "$pin_pkg" != "$WANTED" ] || [ "$pin_sdk" != "$WANTED" ]; then
  die "$(printf '%s\n' \
    "test/engine/pulumi-cli/go.mod pins pulumi/pkg/v3 ${pin_pkg:-<none>} and pulumi/sdk/v3 ${pin_sdk:-<none>}," \
    "but node_modules/@pulumi/pulumi is $WANTED. Update the pin and commit go.mod/go.sum:" \
    "  (cd test/engine/pulumi-cli && GONOSUMDB='github.com/pulumi/*' GOFLAGS=-mod=mod \\" \
    "     go get github.com/pulumi/pulumi/pkg/v3@$WANTED github.com/pulumi/pulumi/sdk/v3@$WANTED && \\" \
    "     GONOSUMDB='github.com/pulumi/*' GOFLAGS=-mod=mod go mod tidy)")"
fi

log "building pulumi $WANTED from $CMD_PKG into $TOOLS_BIN (a cold build takes several minutes)"
start=$(date +%s)
(
  cd "$MOD_DIR"
  # The checksum database has no entries for pulumi's modules here; go.sum still
  # pins their hashes once committed.
  GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/*" \
  GOFLAGS=-mod=mod \
  GOBIN="$TOOLS_BIN" \
    go install -ldflags "-X $VERSION_VAR=$WANTED" "$CMD_PKG"
) >&2 || die "go install $CMD_PKG failed"
log "built in $(( $(date +%s) - start ))s"

have="$(cli_version "$TOOLS_BIN/pulumi")"
[ "$have" = "$WANTED" ] || die "built $TOOLS_BIN/pulumi reports '${have:-nothing}', wanted $WANTED"
link_plugin
printf '%s\n' "$TOOLS_BIN"
