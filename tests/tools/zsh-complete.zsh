#!/usr/bin/zsh -f
# tests/tools/zsh-complete.zsh LINE: the completions zsh offers for LINE (the
# cursor at its end), one per line. COMPDIR holds the completion functions,
# COMPBIN goes first on PATH. zsh completes only inside its line editor, so an interactive
# zsh runs on a pty (zpty), LINE and a tab are typed, and every candidate the
# completion functions add is printed after a \x01 (which the echo of what
# we type never contains: it shows $'\x01').
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "PS1= PROMPT= RPROMPT=; unsetopt zle_bracketed_paste 2>/dev/null"
zpty -w z "fpath=($COMPDIR \$fpath); PATH=$COMPBIN:\$PATH; autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() { typeset -a found; builtin compadd -O found "$@"; (( $#found )) && print -l -- $'"'"'\x01'"'"'${^found}; builtin compadd "$@"; }'
zpty -w z "end-marker() { print -n \$'\\n\\x02' }; zle -N end-marker; bindkey '^X' end-marker; bindkey '^I' complete-word"
zpty -w -n z "$1"$'\t'  # typed, never entered: -n sends no newline
zpty -w -n z $'\x18'
out=
while zpty -r -t z chunk 2>/dev/null || sleep 0.05; do
    out+=$chunk
    [[ $out == *$'\x02'* ]] && break
done
for line in ${(f)out}; do
    [[ $line == *$'\x01'* ]] && print -r -- "${${line##*$'\x01'}%%[[:cntrl:]]*}"
done | sort -u
zpty -d z
