#!/usr/bin/env bash
# The man pages (make man, scripts/gen-man): generated from the binary's own
# --help, lint clean under groff -ww, every option --help lists is in its
# page, util-linux's nsenter(1) and unshare(1) are not shadowed, and the page
# each --help names at its end exists.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

need_cmd "man pages" python3 || exit 0
need_cmd "man pages" groff || exit 0
MAN=$(mktemp -d /tmp/nskit-man.XXXXXX)
at_exit "rm -rf $MAN"
if ! "$TOP/scripts/gen-man" "$NSKIT" "$MAN" 2>"$MAN.err"; then
    fail "scripts/gen-man writes the pages" "$(head -c 300 "$MAN.err")"
    exit 0
fi
rm -f "$MAN.err"
same "the pages, none named nsenter.1 or unshare.1" "$(cd "$MAN" && ls | tr '\n' ' ')" \
    "docker-enter.1 nskit-install.1 nskit-nsenter.1 nskit-unshare.1 nskit.1 "
for page in "$MAN"/*.1; do
    name=$(basename "$page")
    same "$name: groff -ww finds nothing to warn about" "$(groff -man -ww -z "$page" 2>&1)" ""
done
render() { groff -man -Tascii -P-c -P-b -P-u -rLL=200n "$1" 2>/dev/null; }
#          applet        its page
for row in "nsenter      nskit-nsenter" \
           "unshare      nskit-unshare" \
           "docker-enter docker-enter" \
           "install      nskit-install"; do
    read -r applet name <<<"$row"
    text=$(render "$MAN/$name.1")
    missing=
    # Each option's names, as --help shows them: "-t, --target" or "--tools".
    while read -r option; do
        grep -qF -- "$option" <<<"$text" || missing="$missing $option"
    done < <("$NSKIT" "$applet" --help | sed -n 's/^ \(-[^ ,]*\)\(, --[A-Za-z0-9-]*\)\{0,1\}.*/\1\2/p;
                                                   s/^     \(--[A-Za-z0-9-]*\).*/\1/p')
    same "$name.1 lists every option $applet --help lists" "$missing" ""
    footer=$("$NSKIT" "$applet" --help | sed -n 's/^For more details see \(.*\)(1)\.$/\1/p')
    same "$applet --help names its page, which exists ($footer)" "$([ -e "$MAN/$footer.1" ] && echo yes)" yes
done
applets=$("$NSKIT" --help | awk '/^Applets:/ { on = 1; next } on && !NF { exit } on { print $1 }')
same "nskit.1 lists every applet ($(echo $applets))" \
    "$(for a in $applets; do render "$MAN/nskit.1" | grep -qw -- "$a" || echo "$a"; done)" ""
