#!/usr/bin/env bash
# Fails when the repository tracks a built binary or a large file: sources
# only. A tracked file fails if it is an executable or object format (ELF,
# PE, Mach-O, WebAssembly), executable without being a "#!" script, or
# larger than 1 MB (the screenshots under docs/screenshots/ excepted).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((1024 * 1024))
bad=0
while IFS= read -r -d '' entry; do
  mode=${entry%% *}
  path=${entry#*$'\t'}
  [ -f "$path" ] || continue
  size=$(stat -c %s -- "$path")
  magic=$(head -c 4 -- "$path" | od -An -tx1 | tr -d ' \n')
  case "$magic" in
    7f454c46*) echo "tracked binary (ELF executable or object): $path" >&2; bad=1 ;;
    4d5a*) echo "tracked binary (Windows executable): $path" >&2; bad=1 ;;
    feedface|feedfacf|cefaedfe|cffaedfe|cafebabe) echo "tracked binary (Mach-O): $path" >&2; bad=1 ;;
    0061736d) echo "tracked binary (WebAssembly): $path" >&2; bad=1 ;;
  esac
  if [ "$mode" = 100755 ] && [ "$(head -c 2 -- "$path")" != '#!' ]; then
    echo "tracked executable that is not a script: $path" >&2
    bad=1
  fi
  if [ "$size" -gt "$limit" ]; then
    case "$path" in
      docs/screenshots/*.png) ;;
      *) echo "tracked file larger than 1 MB ($size bytes): $path" >&2; bad=1 ;;
    esac
  fi
done < <(git ls-files -s -z | sed -z 's/^\([0-7]*\) [0-9a-f]* [0-3]\t/\1 \t/')
if [ "$bad" -ne 0 ]; then
  echo "commit sources only: build into build/ or a temporary directory" >&2
  exit 1
fi
