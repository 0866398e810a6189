# Source me: `source testbed/env.sh` -- puts the pinned toolchain first on PATH and sets the
# Pulumi variables for offline, file-backend tests (see testbed/README.md).
_tb_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
_tb_env=$(bash "$_tb_dir/setup.sh" --env-path)
if [ -f "$_tb_env" ]; then
  . "$_tb_env"
else
  echo "testbed/env.sh: toolchain not built yet; run: bash $_tb_dir/setup.sh" >&2
  return 1 2>/dev/null || exit 1
fi
unset _tb_dir _tb_env
