#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/lxc_config.h"

using namespace nskit;

namespace {

// A temporary directory of configuration files, removed at the end.
struct Files {
    std::string top;

    Files()
    {
        char pattern[] = "/tmp/nskit-lxc-config-XXXXXX";
        top = mkdtemp(pattern);
        chmod(top.c_str(), 0755);
    }
    ~Files() { std::filesystem::remove_all(top); }

    std::string write(const std::string& name, const std::string& text, mode_t mode = 0644)
    {
        std::string path = top + "/" + name;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path, std::ios::binary) << text;
        chmod(path.c_str(), mode);
        return path;
    }
};

struct Read {
    std::string error;  // "" when it read
    std::vector<std::string> environment;
    std::string profile;
    bool no_new_privs = false;
};

Read read(const std::string& path)
{
    LxcConfig config;
    Read result;
    if (auto done = read_lxc_config(path.c_str(), config); !done.ok()) {
        result.error = std::string(done.error().what.view()) + ": " + done.error().why();
        return result;
    }
    std::string_view rest = config.environment.view();
    while (!rest.empty()) {
        result.environment.emplace_back(rest.substr(0, rest.find('\0')));
        rest.remove_prefix(result.environment.back().size() + 1);
    }
    result.profile = std::string(config.seccomp_profile.view());
    result.no_new_privs = config.no_new_privs;
    return result;
}

using Environment = std::vector<std::string>;

}  // namespace

TEST_CASE("LXC's configuration: settings across includes, the last one winning", "[lxc-config]")
{
    Files files;
    // As Debian's: common.conf names the policy and includes a directory of *.conf.
    files.write("share/common.conf", "# Default configuration shared by all containers\n"
                                     "lxc.environment = FROM_COMMON=1\n"
                                     "lxc.seccomp.profile = " + files.top + "/share/common.seccomp\n"
                                     "lxc.include = " + files.top + "/share/common.conf.d/\n");
    files.write("share/common.conf.d/README", "lxc.environment = NOT_A_CONF=1\n");
    files.write("share/common.conf.d/.conf", "lxc.environment = ONLY_THE_SUFFIX=1\n");
    files.write("share/common.conf.d/10-extra.conf", "lxc.environment = FROM_CONF_D=yes\nlxc.no_new_privs = 1\n");
    files.write("share/common.conf.d/20-extra.conf.bak", "lxc.environment = BACKUP=1\n");
    std::string config = files.write("web/config", "lxc.net.0.type = empty\n"
                                                   "lxc.include = " + files.top + "/share/common.conf\n"
                                                   "  lxc.environment=GREETING=hello, world \n"
                                                   "\tlxc.environment\t=\t\"QUOTED=a b\"\n"
                                                   "lxc.environment = 'SINGLE=x y'\n"
                                                   "lxc.environment = \"UNMATCHED=x'\n"
                                                   "lxc.environment = INHERITED_FROM_THE_CALLER\n"
                                                   "lxc.environment.runtime = RUNTIME=7\n"
                                                   "lxc.environment = AFTER=the runtime line\n"
                                                   "# lxc.environment = COMMENTED=1\n"
                                                   "not.lxc = ignored\n"
                                                   "lxc.rootfs.path = dir:/var/lib/lxc/web/rootfs\n");
    Read r = read(config);
    REQUIRE(r.error == "");
    CHECK(r.environment == Environment{"FROM_COMMON=1", "FROM_CONF_D=yes", "GREETING=hello, world", "QUOTED=a b",
                                       "SINGLE=x y", "\"UNMATCHED=x'", "AFTER=the runtime line", "RUNTIME=7"});
    CHECK(r.profile == files.top + "/share/common.seccomp");
    CHECK(r.no_new_privs);

    // The last setting wins; an empty one clears.
    files.write("web/config", "lxc.include = " + files.top + "/share/common.conf\n"
                              "lxc.seccomp.profile = /etc/lxc/mine.seccomp//\n"
                              "lxc.no_new_privs =\n");
    r = read(config);
    CHECK(r.profile == "/etc/lxc/mine.seccomp");
    CHECK_FALSE(r.no_new_privs);
    files.write("web/config", "lxc.include = " + files.top + "/share/common.conf\nlxc.seccomp.profile =\n"
                              "lxc.environment =\nlxc.environment = ONLY=this\n");
    r = read(config);
    CHECK(r.profile == "");
    CHECK(r.environment == Environment{"ONLY=this"});
    // Lines end at \r too; a NUL ends the file, as liblxc reads it as one C string.
    files.write("web/config", std::string("lxc.environment = A=1\r\nlxc.environment = B=2\rlxc.environment = C=3\0"
                                          "lxc.environment = D=4\n", 87));
    r = read(config);
    CHECK(r.environment == Environment{"A=1", "B=2", "C=3"});
    // A directory that does not exist includes nothing.
    files.write("web/config", "lxc.include = " + files.top + "/nowhere/\nlxc.environment = E=5\n");
    CHECK(read(config).environment == Environment{"E=5"});
}

TEST_CASE("LXC's configuration: what liblxc refuses, and files anyone could have written", "[lxc-config]")
{
    Files files;
    std::string config = files.top + "/web/config";
    struct Case {
        std::string text;
        std::string error;
    } cases[] = {
        {"lxc.environment = A=1\n\nlxc.apparmor.profile\n",
         config + ":3: 'lxc.apparmor.profile': a setting without '=', which liblxc refuses"},
        {"lxc.include = " + files.top + "/missing.conf\n", "cannot read " + files.top + "/missing.conf: No such file"},
        {"lxc.include = common.conf\n",
         config + ":1: lxc.include 'common.conf': a relative path, which liblxc takes from its own working directory"},
        {"lxc.include = " + config + "\n", "lxc.include nested deeper than 16: a loop?"},
        {"lxc.no_new_privs = 2\n", config + ":1: lxc.no_new_privs '2': not 0 or 1"},
    };
    for (const Case& c : cases) {
        files.write("web/config", c.text);
        INFO(c.text);
        std::string error = read(config).error;
        CHECK(error.find(c.error) != std::string::npos);
    }
    // An included file's error names that file and its line.
    files.write("other.conf", "lxc.environment = X=1\nlxc.bad\n");
    files.write("web/config", "lxc.include = " + files.top + "/other.conf\n");
    CHECK(read(config).error == files.top + "/other.conf:2: 'lxc.bad': a setting without '=', which liblxc refuses");

    // Owners and modes: others may not write a file or its directory; the group only when it is root's.
    files.write("web/config", "lxc.environment = A=1\n", 0646);
    CHECK(read(config).error == "cannot trust " + config + ": it belongs to another user or others may write it");
    files.write("web/config", "lxc.environment = A=1\n", 0660);
    CHECK(read(config).error == (getegid() == 0 ? "" : "cannot trust " + config +
                                                        ": it belongs to another user or others may write it"));
    chmod((files.top + "/web").c_str(), 0777);
    CHECK(read(config).error.find("cannot trust " + files.top + "/web: it belongs to another user") == 0);
    chmod((files.top + "/web").c_str(), 0770);  // as LXC makes a container's directory
    files.write("web/config", "lxc.include = " + files.top + "/share/\n", 0640);
    files.write("share/a.conf", "lxc.environment = A=1\n", 0666);
    CHECK(read(config).error == "cannot trust " + files.top + "/share/a.conf: it belongs to another user or others "
                                "may write it");
    if (geteuid() == 0) {
        files.write("share/a.conf", "lxc.environment = A=1\n", 0664);
        CHECK(read(config).error == "");
        CHECK(chown((files.top + "/share/a.conf").c_str(), 0, 1234) == 0);  // a group not root's may write it
        CHECK(read(config).error.find("cannot trust " + files.top + "/share/a.conf") == 0);
        CHECK(chown((files.top + "/share/a.conf").c_str(), 1234, 0) == 0);
        chmod((files.top + "/share/a.conf").c_str(), 0644);
        CHECK(read(config).error.find("cannot trust " + files.top + "/share/a.conf") == 0);
    }
}
