# shellcheck shell=bash
# Source this file (bash or zsh) to run the Pulumi CLI offline against a local
# file backend:
#
#   . scripts/pulumi-env.sh
#
# Values already set in the environment are kept. The CLI is provisioned by
# scripts/provision-pulumi.sh (which may build it from source on first use).

if [ -n "${BASH_SOURCE:-}" ]; then
  _pulumi_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
elif [ -n "${ZSH_VERSION:-}" ]; then
  # shellcheck disable=SC2296
  _pulumi_env_dir="$(cd "$(dirname "${(%):-%x}")" && pwd -P)"
else
  _pulumi_env_dir="$(cd "$(dirname "$0")" && pwd -P)"
fi

if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  _pulumi_state_dir="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-state.XXXXXX")"
  export PULUMI_BACKEND_URL="file://$_pulumi_state_dir"
  unset _pulumi_state_dir
fi
if [ -z "${PULUMI_HOME:-}" ]; then
  PULUMI_HOME="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-home.XXXXXX")"
  export PULUMI_HOME
fi
# A fixed, public demo passphrase: it only protects throw-away local stacks.
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-servicestage-demo-passphrase}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

if _pulumi_bin="$("$_pulumi_env_dir/provision-pulumi.sh")"; then
  case ":$PATH:" in
    *":$_pulumi_bin:"*) ;;
    *) export PATH="$_pulumi_bin:$PATH" ;;
  esac
  unset _pulumi_bin _pulumi_env_dir
else
  unset _pulumi_bin _pulumi_env_dir
  echo "pulumi-env.sh: provisioning the Pulumi CLI failed (see above)" >&2
  # `return` works when sourced; `false` keeps `set -e` callers honest otherwise.
  return 1 2>/dev/null || false
fi
