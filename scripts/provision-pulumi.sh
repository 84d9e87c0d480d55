#!/usr/bin/env bash
# Provision what plain `pulumi preview` / `pulumi up` in a program folder needs:
#
#   pulumi                         the CLI, matching the installed @pulumi/pulumi version;
#   pulumi-language-nodejs         the Node.js language host that runs a TypeScript program folder;
#   pulumi-language-yaml           the YAML language host that runs a Pulumi YAML program folder;
#   pulumi-language-go             the Go language host that builds and runs a Go program folder;
#   pulumi-language-python         the Python language host that runs a Python program folder:
#                                  ours is a launcher (scripts/go/pulumi-language-python/launcher)
#                                  that gives the real host Pulumi.yaml's runtime options
#                                  (the virtualenv) as its flags; the real host and its exec
#                                  shim pulumi-language-python-exec live side by side in
#                                  .tools/libexec/pulumi-language-python/;
#   pulumi-resource-pulumi-nodejs  the dynamic-provider plugin shipped by @pulumi/pulumi;
#   pulumi-resource-servicestage   this package's native plugin (bin/), for Go and YAML programs.
#
# Each one, in order of preference:
#   1. a working copy already on PATH (for the CLI and the language hosts also one next
#      to the CLI, where a normal Pulumi installation keeps it);
#   2. a copy in <repo>/.tools/bin built earlier for the pinned version;
#   3. a build from its Go module (needs `go` and a Go module proxy):
#        scripts/go/pulumi-cli             CLI, pinned to the lockfile's @pulumi/pulumi;
#        scripts/go/pulumi-language-nodejs Node.js host, pinned (and why) in its go.mod;
#        scripts/go/pulumi-language-yaml   YAML host, pinned (and why) in its go.mod;
#        scripts/go/pulumi-language-go     Go host, pinned (and why) in its go.mod;
#        scripts/go/pulumi-language-python Python host, pinned (and why) in its go.mod, and
#                                          its launcher (launcher/, same module).
#      Cold builds on 2 cores: the CLI about 6.5 minutes, each language host about 1 to 2
#      minutes. Builds run under one lock, so concurrent callers do not build twice, and
#      are skipped when a copy of the pinned version is there (a re-run takes under 1 s).
#
# All diagnostics go to stderr. The only stdout output is a final line: the directories
# to prepend to PATH, joined by ':'.
#
# Usage: PATH="$(scripts/provision-pulumi.sh):$PATH"   (scripts/pulumi-env.sh does this)
#        scripts/provision-pulumi.sh --check-host <path>  exits 0 if <path> is a language host
#                                                         that starts, 1 if not (test/tools/provision.test.ts)
#
# Never pipe a program into `grep -q`, `head` or the like here: under pipefail the reader
# leaves at its first match, the writer dies of SIGPIPE and the pipeline fails at random.
# Capture the output, then match it.
set -euo pipefail

log() { printf 'provision-pulumi: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# True if $1 is a language host that starts: it prints its flag usage for -help. The exit
# status of -help is not the signal (Go's flag package exits 0 for -help, 2 for other usage
# errors, and either could change); a host that starts lists its -tracing flag.
# It runs from /: the Python launcher reads the Pulumi.yaml above its working directory, and
# this checks the host, not whatever project the caller stands in.
host_runs() {
  [ -x "$1" ] || return 1
  local host usage
  host="$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")"
  usage="$(cd / && "$host" -help 2>&1)" || true
  [[ $usage == *-tracing* ]]
}

if [ "${1-}" = "--check-host" ]; then
  [ $# -eq 2 ] || die "usage: $0 --check-host <path>"
  if host_runs "$2"; then exit 0; else exit 1; fi
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
TOOLS_BIN="$REPO_ROOT/.tools/bin"
CLI_MOD="$REPO_ROOT/scripts/go/pulumi-cli"
PKG_ROOT="$REPO_ROOT/node_modules/@pulumi/pulumi"
PLUGIN_NAME="pulumi-resource-pulumi-nodejs"
CLI_PKG="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
VERSION_VAR="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"

export PULUMI_SKIP_UPDATE_CHECK=true

[ -f "$PKG_ROOT/package.json" ] || die "$PKG_ROOT/package.json not found; run 'npm ci' first"
# The first "version" line, read by sed alone (`q` after it): no pipe into `head`.
WANTED="v$(sed -n '/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/{s//\1/p;q;}' "$PKG_ROOT/package.json")"
[ "$WANTED" != "v" ] || die "cannot read the version of @pulumi/pulumi from $PKG_ROOT/package.json"

# The version a go.mod requires of a module.
pinned_version() { # $1 = go.mod, $2 = module path
  awk -v m="$2" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"
}

# Prints the version reported by a pulumi binary, or nothing if it does not run.
cli_version() {
  local out
  out="$("$1" version 2>/dev/null)" || true
  printf '%s' "${out//[[:space:]]/}"
}

# True if $1 is our own .tools/bin copy of the file named like it.
is_ours() { [ "$(readlink -f "$1")" = "$(readlink -f "$TOOLS_BIN/$(basename "$1")" 2>/dev/null || echo -)" ]; }

# Builds go package $2 from the wrapper module $1 into the file $3 with extra go flags $4...,
# into a temporary file beside it first, then renamed over it: a process that starts the old
# copy meanwhile never finds a half-written file.
go_build_to() {
  local mod="$1" pkg="$2" out="$3"
  shift 3
  command -v go >/dev/null 2>&1 || {
    log "neither a usable $(basename "$out") nor a 'go' toolchain to build it."
    log "Install the Pulumi CLI ${WANTED} (it ships the language host), then re-run:"
    log "  curl -fsSL https://get.pulumi.com | sh -s -- --version ${WANTED#v}"
    log "  (see https://www.pulumi.com/docs/install/ for other methods)"
    log "or install Go (https://go.dev/dl/) so this script can build it from source."
    exit 1
  }
  log "building $(basename "$out") from $pkg into $(dirname "$out") (a cold build takes minutes)"
  local start
  start=$(date +%s)
  mkdir -p "$(dirname "$out")"
  (
    cd "$mod"
    # The checksum database has no entries for pulumi's modules here; the committed go.sum
    # still pins their hashes.
    GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/*" GOFLAGS=-mod=mod \
      go build -o "$out.part.$$" "$@" "$pkg"
  ) >&2 || { rm -f "$out.part.$$"; die "go build $pkg failed"; }
  mv -f "$out.part.$$" "$out"
  log "built $(basename "$out") in $(($(date +%s) - start))s"
}

# Builds go package $2 from the wrapper module $1 into .tools/bin with extra go flags $3...
go_build() {
  local mod="$1" pkg="$2"
  shift 2
  go_build_to "$mod" "$pkg" "$TOOLS_BIN/$(basename "$pkg")" "$@"
}

DIRS=()
add_dir() { case ":$(IFS=:; echo "${DIRS[*]-}"):" in *":$1:"*) ;; *) DIRS+=("$1") ;; esac; }

mkdir -p "$TOOLS_BIN"
# Builds and the .tools/bin links run under a lock so that concurrent callers do not race.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$REPO_ROOT/.tools/provision.lock"
  flock 9
fi

# ---- the CLI -------------------------------------------------------------------------------
cli=""
if existing="$(command -v pulumi 2>/dev/null)" && ! is_ours "$existing"; then
  have="$(cli_version "$existing")"
  if [ -n "$have" ]; then
    cli="$(readlink -f "$existing")"
    log "using pulumi $have from PATH: $existing"
    [ "$have" = "$WANTED" ] || log "warning: @pulumi/pulumi is $WANTED but the CLI is $have"
    add_dir "$(cd "$(dirname "$existing")" && pwd -P)"
  else
    log "ignoring $existing: 'pulumi version' failed"
  fi
fi
if [ -z "$cli" ]; then
  have=""
  [ -x "$TOOLS_BIN/pulumi" ] && have="$(cli_version "$TOOLS_BIN/pulumi")"
  if [ "$have" = "$WANTED" ]; then
    log "reusing $TOOLS_BIN/pulumi ($have)"
  else
    [ -z "$have" ] || log "$TOOLS_BIN/pulumi reports '$have', wanted $WANTED: rebuilding"
    pin_pkg="$(pinned_version "$CLI_MOD/go.mod" github.com/pulumi/pulumi/pkg/v3)"
    pin_sdk="$(pinned_version "$CLI_MOD/go.mod" github.com/pulumi/pulumi/sdk/v3)"
    if [ "$pin_pkg" != "$WANTED" ] || [ "$pin_sdk" != "$WANTED" ]; then
      die "$(printf '%s\n' \
        "scripts/go/pulumi-cli/go.mod pins pulumi/pkg/v3 ${pin_pkg:-<none>} and pulumi/sdk/v3 ${pin_sdk:-<none>}," \
        "but node_modules/@pulumi/pulumi is $WANTED. Update the pin and commit go.mod/go.sum:" \
        "  (cd scripts/go/pulumi-cli && GONOSUMDB='github.com/pulumi/*' GOFLAGS=-mod=mod \\" \
        "     go get github.com/pulumi/pulumi/pkg/v3@$WANTED github.com/pulumi/pulumi/sdk/v3@$WANTED && \\" \
        "     GONOSUMDB='github.com/pulumi/*' GOFLAGS=-mod=mod go mod tidy)")"
    fi
    go_build "$CLI_MOD" "$CLI_PKG" -ldflags "-X $VERSION_VAR=$WANTED"
    have="$(cli_version "$TOOLS_BIN/pulumi")"
    [ "$have" = "$WANTED" ] || die "built $TOOLS_BIN/pulumi reports '${have:-nothing}', wanted $WANTED"
  fi
  cli="$TOOLS_BIN/pulumi"
  add_dir "$TOOLS_BIN"
fi

# ---- the language hosts ----------------------------------------------------------------------
# True (and its folder put on PATH) if a language host named $1 that is not ours starts, next
# to the CLI or on PATH: a normal Pulumi installation's, which is then used as it is.
ambient_host() { # $1 = name
  local candidate
  for candidate in "$(dirname "$cli")/$1" "$(command -v "$1" 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && [ -e "$candidate" ] && ! is_ours "$candidate" && host_runs "$candidate"; then
      log "using $1 from $candidate"
      add_dir "$(cd "$(dirname "$candidate")" && pwd -P)"
      return 0
    fi
  done
  return 1
}

# A language host: one next to the CLI or on PATH when it starts, else our .tools/bin copy of
# the pinned version, else a build from its wrapper module (the pin is the version that
# wrapper requires of the module named in $4, stamped beside the binary).
provide_host() { # $1 = name, $2 = wrapper module dir, $3 = go package, $4 = pinned module
  local name="$1" mod="$2" pkg="$3" wanted stamp
  wanted="$(pinned_version "$mod/go.mod" "$4")"
  [ -n "$wanted" ] || die "$mod/go.mod does not pin $4"
  ambient_host "$name" && return 0
  stamp="$TOOLS_BIN/$name.version"
  if host_runs "$TOOLS_BIN/$name" && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    log "reusing $TOOLS_BIN/$name ($wanted)"
  else
    go_build "$mod" "$pkg"
    host_runs "$TOOLS_BIN/$name" || die "the built $TOOLS_BIN/$name does not start"
    printf '%s\n' "$wanted" >"$stamp"
  fi
  add_dir "$TOOLS_BIN"
}
provide_host pulumi-language-nodejs "$REPO_ROOT/scripts/go/pulumi-language-nodejs" \
  github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3
provide_host pulumi-language-yaml "$REPO_ROOT/scripts/go/pulumi-language-yaml" \
  github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml github.com/pulumi/pulumi-yaml
provide_host pulumi-language-go "$REPO_ROOT/scripts/go/pulumi-language-go" \
  github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go github.com/pulumi/pulumi/sdk/v3

# The Python host: a normal installation's when there is one (it reads the runtime options
# itself), else ours, in two parts. The real host, pinned, with its exec shim (a Python script,
# from the module the host was built from, never committed) side by side in
# .tools/libexec/pulumi-language-python/: it runs the shim found next to its own executable.
# And in .tools/bin, on PATH, the launcher: the host of v3.65.0 takes the runtime options as
# flags, which CLI v3.248 no longer passes, so the launcher reads them from the project's
# Pulumi.yaml and starts the real host with them (scripts/go/pulumi-language-python/launcher).
# The launcher's stamp carries a checksum of its source: an edit rebuilds it.
provide_python_host() {
  local name="pulumi-language-python" shim="pulumi-language-python-exec"
  local mod="$REPO_ROOT/scripts/go/pulumi-language-python" dir="$REPO_ROOT/.tools/libexec/pulumi-language-python"
  local wanted launcher_wanted module_dir
  wanted="$(pinned_version "$mod/go.mod" github.com/pulumi/pulumi/sdk/v3)"
  [ -n "$wanted" ] || die "$mod/go.mod does not pin github.com/pulumi/pulumi/sdk/v3"
  ambient_host "$name" && return 0
  if host_runs "$dir/$name" && [ -x "$dir/$shim" ] && [ "$(cat "$dir/$name.version" 2>/dev/null)" = "$wanted" ]; then
    log "reusing $dir/$name ($wanted)"
  else
    go_build_to "$mod" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python "$dir/$name"
    host_runs "$dir/$name" || die "the built $dir/$name does not start"
    module_dir="$(cd "$mod" &&
      GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/*" GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)" ||
      die "could not find the module of $name for its exec shim"
    [ -f "$module_dir/python/cmd/$shim" ] || die "$module_dir/python/cmd/$shim not found"
    install -m 0755 "$module_dir/python/cmd/$shim" "$dir/$shim"
    log "copied $shim beside $name from $module_dir"
    printf '%s\n' "$wanted" >"$dir/$name.version"
  fi
  launcher_wanted="$wanted launcher $(cat "$mod"/launcher/*.go "$mod/go.mod" "$mod/go.sum" | cksum)"
  if host_runs "$TOOLS_BIN/$name" && [ "$(cat "$TOOLS_BIN/$name.version" 2>/dev/null)" = "$launcher_wanted" ]; then
    log "reusing $TOOLS_BIN/$name (the launcher of $dir/$name)"
  else
    go_build_to "$mod" ./launcher "$TOOLS_BIN/$name"
    host_runs "$TOOLS_BIN/$name" || die "the built launcher $TOOLS_BIN/$name does not start $dir/$name"
    printf '%s\n' "$launcher_wanted" >"$TOOLS_BIN/$name.version"
  fi
  add_dir "$TOOLS_BIN"
}
provide_python_host

# Links $2 into .tools/bin as $1 (unless that link is there already) and puts .tools/bin on PATH.
link_tool() { # $1 = name, $2 = source
  if [ "$(readlink "$TOOLS_BIN/$1" 2>/dev/null || true)" != "$2" ]; then
    ln -sfn "$2" "$TOOLS_BIN/$1"
    log "linked $TOOLS_BIN/$1 -> $2"
  fi
  add_dir "$TOOLS_BIN"
}

# ---- the dynamic-provider plugin ---------------------------------------------------------------
if { ! is_ours "$cli" && [ -x "$(dirname "$cli")/$PLUGIN_NAME" ]; } || { p="$(command -v "$PLUGIN_NAME" 2>/dev/null)" && ! is_ours "$p"; }; then
  log "using the $PLUGIN_NAME found with the CLI or on PATH"
else
  [ -x "$PKG_ROOT/$PLUGIN_NAME" ] || die "$PKG_ROOT/$PLUGIN_NAME not found or not executable (expected at the @pulumi/pulumi package root)"
  link_tool "$PLUGIN_NAME" "$PKG_ROOT/$PLUGIN_NAME"
fi

# ---- this package's native plugin -------------------------------------------------------------
# pulumi-resource-servicestage, for Go, YAML and Python programs in any folder: this checkout's
# bin/ script (it runs dist/, which `npm ci` builds), linked where the other tools are.
[ -x "$REPO_ROOT/bin/pulumi-resource-servicestage" ] || die "$REPO_ROOT/bin/pulumi-resource-servicestage not found or not executable"
link_tool pulumi-resource-servicestage "$REPO_ROOT/bin/pulumi-resource-servicestage"

(IFS=:; printf '%s\n' "${DIRS[*]}")
