#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "runtime/state.h"

using namespace nskit;

namespace {

void write(const std::string& path, const std::string& text)
{
    std::string dir = path.substr(0, path.rfind('/'));
    std::string cmd = "mkdir -p '" + dir + "'";
    REQUIRE(system(cmd.c_str()) == 0);
    std::ofstream(path) << text;
}

std::string runc_state(int pid, const std::string& bundle)
{
    return R"({"id":"x","init_process_pid":)" + std::to_string(pid) +
           R"(,"init_process_start":12345,"config":{"hostname":"box","labels":["bundle=)" + bundle +
           R"(","other=1"]}})";
}

// A daemon's exec root and data root, as dockerd lays them out, plus a
// containerd task started by nerdctl.
struct Tree {
    std::string top;
    std::string exec_root, data_root;
    std::string crun_root;
    const char* dirs[2];
    state::Places places;

    Tree()
    {
        char pattern[] = "/tmp/nskit-state-XXXXXX";
        top = mkdtemp(pattern);
        exec_root = top + "/x";
        data_root = top + "/d";
        crun_root = top + "/crun";
        std::string tasks = exec_root + "/containerd/daemon/io.containerd.runtime.v2.task/moby/";
        // web: running, with Docker's record
        write(exec_root + "/runtime-runc/moby/nskitaaa111/state.json", runc_state(getpid(), tasks + "nskitaaa111"));
        write(tasks + "nskitaaa111/init.pid", "999999\n");
        write(data_root + "/containers/nskitaaa111/config.v2.json",
              R"({"ID":"nskitaaa111","Name":"/web","State":{"Running":true,"Pid":1},)"
              R"("Config":{"Hostname":"web-host","User":"1000:1000","Env":["FOO=bar","Q=\"x\""],"WorkingDir":"/srv","Tty":true}})");
        write(data_root + "/containers/nskitaaa111/hostconfig.json", R"({"Privileged":true})");
        // db: stopped (Docker knows it, no runtime state)
        write(data_root + "/containers/nskitaab222/config.v2.json", R"({"ID":"nskitaab222","Name":"/db"})");
        // cache: a containerd task only, named by nerdctl
        write(tasks + "nskitbbb333/init.pid", std::to_string(getpid()) + "\n");
        write(tasks + "nskitbbb333/config.json",
              R"({"process":{"env":["PATH=/bin","K=v"],"cwd":"/data","terminal":false,"user":{"uid":5,"gid":6}},)"
              R"("hostname":"cachehost","annotations":{"nerdctl/name":"cache"}})");
        // podman: crun's status next to its config.json
        write(top + "/crun/nskitddd555/status",
              R"({"pid" : )" + std::to_string(getpid()) + R"(, "process-start-time" : 4242, "bundle" : ")" + top +
                  R"(/bundle"})");
        write(top + "/crun/nskitddd555/config.json", "{}");
        write(top + "/bundle/config.json", R"({"process":{"env":["P=1"],"cwd":"/c","user":{"uid":0,"gid":0}}})");
        dirs[0] = exec_root.c_str();
        dirs[1] = crun_root.c_str();
        places.state_dirs = dirs;
        places.data_root = data_root.c_str();
    }
    ~Tree() { (void)system(("rm -rf '" + top + "'").c_str()); }
};

std::string error_of(Result<ContainerInfo>& r)
{
    return std::string(r.error().what.view()) + ": " + r.error().why();
}

std::string env_of(const ContainerInfo& info)
{
    std::string env(info.env.view());
    for (char& c : env)
        if (c == '\0')
            c = ';';
    return env;
}

}  // namespace

TEST_CASE("runc state and OCI configuration files")
{
    auto state = state::parse_runc_state(runc_state(42, "/b/u n"));
    REQUIRE(state.ok());
    CHECK(state.value().pid == 42);
    CHECK(state.value().start_time == 12345);
    CHECK(state.value().bundle.view() == "/b/u n");
    CHECK(state.value().hostname.view() == "box");
    auto crun = state::parse_runc_state(R"({"pid" : 77, "process-start-time" : 999, "bundle" : "/b/c", "rootfs" : "/r"})");
    REQUIRE(crun.ok());
    CHECK(crun.value().pid == 77);
    CHECK(crun.value().start_time == 999);
    CHECK(crun.value().bundle.view() == "/b/c");
    CHECK_FALSE(state::parse_runc_state(R"({"init_process_pid":0})").ok());
    CHECK_FALSE(state::parse_runc_state(R"({"init_process_pid":-5})").ok());
    CHECK_FALSE(state::parse_runc_state(R"({"id":"x"})").ok());
    CHECK_FALSE(state::parse_runc_state(R"({"init_process_pid":)").ok());

    ContainerInfo info;
    REQUIRE(state::read_oci_config(R"({"process":{"env":["A=1","B=2"],"cwd":"/w","terminal":true,)"
                                   R"("user":{"uid":1000,"gid":100}},"hostname":"h"})",
                                   info)
                .ok());
    CHECK(env_of(info) == "A=1;B=2;");
    CHECK(info.workdir.view() == "/w");
    CHECK(info.tty);
    CHECK(info.user.view() == "1000:100");
    CHECK(info.hostname.view() == "h");
}

TEST_CASE("finding containers in state files as the daemon would")
{
    Tree tree;

    auto web = state::find("web", tree.places);
    REQUIRE(web.ok());
    CHECK(web.value().id.view() == "nskitaaa111");
    CHECK(web.value().name.view() == "web");
    CHECK(web.value().pid == getpid());
    CHECK(web.value().start_time == 12345);  // runc's state.json wins over the task's init.pid
    CHECK(web.value().running);
    CHECK(web.value().user.view() == "1000:1000");
    CHECK(web.value().workdir.view() == "/srv");
    CHECK(web.value().hostname.view() == "web-host");
    CHECK(web.value().tty);
    CHECK(web.value().privileged);
    CHECK(env_of(web.value()) == "FOO=bar;Q=\"x\";");
    CHECK(std::string(web.value().found_at.view()).find("/runtime-runc/moby/nskitaaa111/state.json") !=
          std::string::npos);

    CHECK(state::find("/web", tree.places).value().id.view() == "nskitaaa111");
    CHECK(state::find("nskitaaa111", tree.places).value().name.view() == "web");
    CHECK(state::find("nskitaaa", tree.places).value().id.view() == "nskitaaa111");

    auto cache = state::find("cache", tree.places);
    REQUIRE(cache.ok());
    CHECK(cache.value().id.view() == "nskitbbb333");
    CHECK(cache.value().pid == getpid());
    CHECK(cache.value().start_time == -1);
    CHECK(cache.value().user.view() == "5:6");
    CHECK(cache.value().workdir.view() == "/data");
    CHECK(env_of(cache.value()) == "PATH=/bin;K=v;");
    CHECK(state::find("nskitb", tree.places).value().id.view() == "nskitbbb333");

    auto podman = state::find("nskitd", tree.places);
    REQUIRE(podman.ok());
    CHECK(podman.value().pid == getpid());
    CHECK(podman.value().start_time == 4242);
    CHECK(podman.value().workdir.view() == "/c");
    CHECK(env_of(podman.value()) == "P=1;");

    auto db = state::find("db", tree.places);
    REQUIRE_FALSE(db.ok());
    CHECK(error_of(db) == "container db: the container is not running");
    CHECK(db.error().reason == not_running);

    auto ambiguous = state::find("nskitaa", tree.places);
    REQUIRE_FALSE(ambiguous.ok());
    CHECK(error_of(ambiguous) == "'nskitaa' matches nskitaaa111, nskitaab222: ambiguous ID prefix");
    CHECK(ambiguous.error().reason == ambiguous_prefix);

    auto missing = state::find("nosuch", tree.places);
    REQUIRE_FALSE(missing.ok());
    CHECK(error_of(missing) == "cannot find container nosuch: no such container");
    CHECK(missing.error().reason == no_such_container);
    CHECK_FALSE(state::find("", tree.places).ok());
    CHECK_FALSE(state::find("../x", tree.places).ok());
}

TEST_CASE("a broken state file is an error, not a crash")
{
    Tree tree;
    write(tree.exec_root + "/runtime-runc/moby/nskitccc444/state.json", "{\"init_process_pid\": 7,");
    auto broken = state::find("nskitccc444", tree.places);
    REQUIRE_FALSE(broken.ok());
    CHECK(std::string(broken.error().what.view()).find("bad runc state in") == 0);
    CHECK(std::string(broken.error().why()) == "truncated JSON");
}
