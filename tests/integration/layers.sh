#!/usr/bin/env bash
# The floors of src/ (src/README.md): a file includes its own floor and the
# ones below, never one above. Each source file's project includes, checked
# against the table; one case per floor.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

# The floors each folder may include, as src/README.md gives them.
declare -A allowed=(
    [base]="base"
    [context]="base context"
    [install]="base install version.h"
    [ns]="base context ns"
    [runtime]="base context ns runtime"
    [applets]="base context install ns runtime applets version.h"
)
for floor in base context install ns runtime applets; do
    wrong=
    while IFS= read -r line; do
        file=${line%%:*}
        included=${line#*#include \"}
        included=${included%%\"*}
        folder=${included%%/*}
        [ "$folder" = "$included" ] && folder=$included  # a file at src/'s top: version.h
        case " ${allowed[$floor]} " in *" $folder "*) ;; *) wrong="$wrong ${file#"$TOP/src/"} -> $included;" ;; esac
    done < <(grep -rH '^#include "' "$TOP/src/$floor")
    same "$floor/ includes only ${allowed[$floor]}" "$wrong" ""
done
