# shellcheck shell=bash
# Source this file (bash or zsh) to run the Pulumi CLI offline against a local
# file backend (needs node):
#
#   . scripts/pulumi-env.sh
#
# A backend, a Pulumi home or a passphrase already set is kept. The CLI is provisioned by
# scripts/provision-pulumi.sh (which may build it from source on first use).

if [ -n "${BASH_SOURCE:-}" ]; then
  _pulumi_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
elif [ -n "${ZSH_VERSION:-}" ]; then
  # shellcheck disable=SC2296
  _pulumi_env_dir="$(cd "$(dirname "${(%):-%x}")" && pwd -P)"
else
  _pulumi_env_dir="$(cd "$(dirname "$0")" && pwd -P)"
fi

# The offline settings (scripts/offline-env.js, their one home): a local file backend and
# a Pulumi home in a temporary folder unless already set, a passphrase unless already set,
# no update check, no plugin downloads.
if _pulumi_offline="$(node "$_pulumi_env_dir/offline-env.js" --shell)"; then
  eval "$_pulumi_offline"
  unset _pulumi_offline
else
  unset _pulumi_offline _pulumi_env_dir
  echo "pulumi-env.sh: node scripts/offline-env.js --shell failed (see above)" >&2
  return 1 2>/dev/null || false
fi

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
