#!/usr/bin/env bash
# Brings each shipped library's PublicAPI.Unshipped.txt up to date with its public API: adds what the analyzer
# reports as undeclared (RS0016), removes what it reports as gone (RS0017). Review the diff before committing:
# every line in it is a change to a public surface. Symbols new on only one target of a multi-target project are
# not added; the build then says which (a baseline is one file for both targets).
set -euo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Pulse.Redis builds every shipped library but the hub client (and the client's net8.0 target).
for project in src/Pulse.Redis/Pulse.Redis.csproj src/Pulse.Hub.Client/Pulse.Hub.Client.csproj; do
  dotnet build "$project" --no-incremental -nologo -v quiet -clp:ErrorsOnly -p:TreatWarningsAsErrors=false \
    "-p:PublicApiErrorLogDirectory=$logs" > /dev/null
done

python3 - "$logs" <<'PY'
import collections, glob, json, os, re, sys

added = collections.defaultdict(list)    # project -> one set of symbols per target
removed = collections.defaultdict(set)
for log in glob.glob(os.path.join(sys.argv[1], "*.sarif")):
    project = os.path.basename(log)[:-len(".sarif")].rsplit("-", 1)[0]
    symbols = set()
    for run in json.load(open(log))["runs"]:
        for result in run.get("results", []):
            if result["ruleId"] == "RS0016":
                symbols.add(result["properties"]["customProperties"]["APIName"])
            elif result["ruleId"] == "RS0017":
                gone = re.match(r"Symbol '(.*)' is part of the declared API", result["message"]["text"])
                if gone:
                    removed[project].add(gone.group(1))
    added[project].append(symbols)

for project in sorted(set(added) | set(removed)):
    path = os.path.join("src", project, "PublicAPI.Unshipped.txt")
    lines = [l for l in open(path).read().splitlines() if l.strip() and not l.startswith("#")]
    new = set.intersection(*added[project]) if added[project] else set()
    result = sorted((set(lines) | new) - removed[project], key=str.lower)
    open(path, "w").write("#nullable enable\n" + "".join(l + "\n" for l in result))
    print(f"{path}: +{len(new - set(lines))} -{len(removed[project] & set(lines))}")
PY
