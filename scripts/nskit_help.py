"""What scripts/gen-man and scripts/gen-completions read: an applet's --help,
which the option tables of src/applets/ make (src/base/options.h), parsed
back into its synopsis, summary and options."""
import re
import subprocess
import sys
from dataclasses import dataclass

# " -t, --target <pid[:inode]>   help", "     --tools[=<dir>]  help"; a long
# argument leaves one space before the help.
OPTION = re.compile(r"^ (?:(-\S), |    )(--[A-Za-z0-9-]+)?(\[=<[^>]*>\]| <[^>]*>)?\s+(\S.*)$")


@dataclass
class Option:
    short: str      # "-t" or ""
    long: str       # "--target" or ""
    argument: str   # "pid[:inode]" or "" when none
    optional: bool  # the argument is optional ("--tools[=<dir>]")
    help: str

    def names(self):
        return [n for n in (self.short, self.long) if n]

    def left(self):
        """How --help shows the option: "-t, --target <pid[:inode]>"."""
        spec = ""
        if self.argument:
            spec = "[=<%s>]" % self.argument if self.optional else " <%s>" % self.argument
        return ", ".join(x for x in (self.short, self.long + spec if self.long else "") if x) or self.short + spec


@dataclass
class Help:
    synopsis: str
    summary: str
    options: list


def run(binary, *argv):
    return subprocess.run([binary, *argv], capture_output=True, text=True, check=True).stdout


def read_help(binary, applet):
    synopsis = summary = ""
    options = []
    section = None
    for line in run(binary, applet, "--help").split("\n"):
        if line == "Usage:":
            section = "usage"
        elif line == "Options:":
            section = "options"
        elif section == "usage" and line.startswith(" "):
            synopsis, section = line.strip(), "summary"
        elif section == "summary" and line.strip():
            summary += (" " if summary else "") + line.strip()
        elif section == "options" and line.startswith(" "):
            match = OPTION.match(line)
            if not match:
                sys.exit("cannot read the option line %r of %s --help" % (line, applet))
            short, long_name, spec, help_text = match.groups()
            spec = spec or ""
            optional = spec.startswith("[")
            argument = spec[3:-2] if optional else spec[2:-1]  # "[=<dir>]", " <pid[:inode]>"
            options.append(Option(short or "", long_name or "", argument, optional, help_text))
        elif section == "options" and not line.strip():
            section = None
    if not synopsis or not options:
        sys.exit("%s --help gave no synopsis or no options" % applet)
    return Help(synopsis, summary, options)


def applets(binary):
    """The applets nskit --help lists, with their summaries."""
    found, on = [], False
    for line in run(binary, "--help").split("\n"):
        if line == "Applets:":
            on = True
        elif on and not line.strip():
            break
        elif on:
            name, _, summary = line.strip().partition(" ")
            found.append((name, summary.strip()))
    return found
