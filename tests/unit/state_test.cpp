#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "runtime/sources.h"
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

// state::find fills a ContainerInfo in place: a value, for CHECKs on it.
Result<ContainerInfo> find_in_state(std::string_view query, const state::Places& places)
{
    ContainerInfo info;
    TRY(state::find(query, places, info));
    return info;
}

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

    auto web = find_in_state("web", tree.places);
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

    CHECK(find_in_state("/web", tree.places).value().id.view() == "nskitaaa111");
    CHECK(find_in_state("nskitaaa111", tree.places).value().name.view() == "web");
    CHECK(find_in_state("nskitaaa", tree.places).value().id.view() == "nskitaaa111");

    auto cache = find_in_state("cache", tree.places);
    REQUIRE(cache.ok());
    CHECK(cache.value().id.view() == "nskitbbb333");
    CHECK(cache.value().pid == getpid());
    CHECK(cache.value().start_time == -1);
    CHECK(cache.value().user.view() == "5:6");
    CHECK(cache.value().workdir.view() == "/data");
    CHECK(env_of(cache.value()) == "PATH=/bin;K=v;");
    CHECK(find_in_state("nskitb", tree.places).value().id.view() == "nskitbbb333");

    auto podman = find_in_state("nskitd", tree.places);
    REQUIRE(podman.ok());
    CHECK(podman.value().pid == getpid());
    CHECK(podman.value().start_time == 4242);
    CHECK(podman.value().workdir.view() == "/c");
    CHECK(env_of(podman.value()) == "P=1;");

    auto db = find_in_state("db", tree.places);
    REQUIRE_FALSE(db.ok());
    CHECK(error_of(db) == "container db: the container is not running");
    CHECK(db.error().reason == not_running);

    auto ambiguous = find_in_state("nskitaa", tree.places);
    REQUIRE_FALSE(ambiguous.ok());
    CHECK(error_of(ambiguous) == "'nskitaa' matches nskitaaa111, nskitaab222: ambiguous ID prefix");
    CHECK(ambiguous.error().reason == ambiguous_prefix);

    auto missing = find_in_state("nosuch", tree.places);
    REQUIRE_FALSE(missing.ok());
    CHECK(error_of(missing) == "cannot find container nosuch: no such container");
    CHECK(missing.error().reason == no_such_container);
    CHECK_FALSE(find_in_state("", tree.places).ok());
    CHECK_FALSE(find_in_state("../x", tree.places).ok());
}

TEST_CASE("a broken state file is an error, not a crash")
{
    Tree tree;
    write(tree.exec_root + "/runtime-runc/moby/nskitccc444/state.json", "{\"init_process_pid\": 7,");
    auto broken = find_in_state("nskitccc444", tree.places);
    REQUIRE_FALSE(broken.ok());
    CHECK(std::string(broken.error().what.view()).find("bad runc state in") == 0);
    CHECK(std::string(broken.error().why()) == "truncated JSON");
}

namespace {

// A runc state whose bundle's config.json carries `annotations`.
void runc_container(const std::string& root, const std::string& id, const std::string& bundle,
                    const std::string& annotations)
{
    write(root + "/" + id + "/state.json", runc_state(getpid(), bundle));
    write(bundle + "/config.json", R"({"process":{"env":["ID=)" + id + R"("],"cwd":"/"},"annotations":{)" +
                                       annotations + "}}");
}

// CRI-O's annotations: the pod's labels are one JSON document in a string.
std::string crio(const std::string& type, const std::string& ns, const std::string& pod, const std::string& name)
{
    return R"("io.kubernetes.cri-o.ContainerType":")" + type +
           R"(","io.kubernetes.cri-o.ImageName":"registry.example/app:1","io.kubernetes.cri-o.Labels":"{\"io.kubernetes.pod.namespace\":\")" +
           ns + R"(\",\"io.kubernetes.pod.name\":\")" + pod + R"(\",\"io.kubernetes.container.name\":\")" + name +
           R"(\"}")";
}

std::string containerd_cri(const std::string& type, const std::string& ns, const std::string& pod,
                           const std::string& name)
{
    return R"("io.kubernetes.cri.container-type":")" + type + R"(","io.kubernetes.cri.sandbox-namespace":")" + ns +
           R"(","io.kubernetes.cri.sandbox-name":")" + pod + R"(","io.kubernetes.cri.container-name":")" + name +
           R"(","io.kubernetes.cri.image-name":"docker.io/library/nginx:1")";
}

// Every source at once: the Docker containers of Tree, a Podman container in
// containers/storage, a CRI-O pod, a containerd CRI pod and a Kata task.
struct Sources : Tree {
    std::string runc_root = top + "/run-runc";
    const char* more_dirs[3];

    Sources()
    {
        std::string storage = top + "/storage/overlay-containers";
        write(storage + "/containers.json",
              R"([{"id":"other","names":["x"]},{"id":"podaaa777","names":["web","alias"],"image":"0a5d",)"
              R"("metadata":"{\"image-name\":\"localhost/busybox:latest\",\"name\":\"web\"}"}])");
        runc_container(runc_root, "podaaa777", storage + "/podaaa777/userdata", R"("io.container.manager":"libpod")");
        // CRI-O: a pod "shop" with its sandbox and two containers, and a pod with a sandbox only.
        runc_container(runc_root, "criosand1", top + "/crio/criosand1", crio("sandbox", "prod", "shop", "POD"));
        runc_container(runc_root, "crioapp22", top + "/crio/crioapp22", crio("container", "prod", "shop", "app"));
        runc_container(runc_root, "criolog33", top + "/crio/criolog33", crio("container", "prod", "shop", "log"));
        runc_container(runc_root, "crioempty", top + "/crio/crioempty", crio("sandbox", "prod", "empty", "POD"));
        // Malformed CRI-O labels and a name with a slash in it: not k8s containers.
        runc_container(runc_root, "criobad44", top + "/crio/criobad44",
                       R"("io.kubernetes.cri-o.ContainerType":"container","io.kubernetes.cri-o.Labels":"{nope")");
        runc_container(runc_root, "crioslash", top + "/crio/crioslash", crio("container", "prod", "a/b", "c"));
        // containerd's CRI: a pod "solo" with one container.
        runc_container(runc_root, "ctrdsand5", top + "/ctrd/ctrdsand5", containerd_cri("sandbox", "dev", "solo", ""));
        runc_container(runc_root, "ctrdsolo6", top + "/ctrd/ctrdsolo6", containerd_cri("container", "dev", "solo", "main"));
        // A containerd CRI task that Kata Containers' shim runs.
        std::string kata = exec_root + "/containerd/daemon/io.containerd.runtime.v2.task/k8s.io/katavm777";
        write(kata + "/init.pid", std::to_string(getpid()) + "\n");
        write(kata + "/shim-binary-path", "/usr/bin/containerd-shim-kata-v2");
        write(kata + "/config.json", "{\"annotations\":{" + containerd_cri("container", "dev", "vm", "guest") + "}}");
        more_dirs[0] = dirs[0];
        more_dirs[1] = dirs[1];
        more_dirs[2] = runc_root.c_str();
        places.state_dirs = more_dirs;
    }
};

std::string list_of(const state::Places& places)
{
    std::string listed;
    sources::for_each(places, [&](const sources::Named& named) {
        if (named.by && named.by->list)
            return true;  // this host's LXC containers and machines: tests/integration/lxc.sh, machine.sh
        listed += std::string(named.source) + ":" + std::string(named.name.view()) + "=" +
                  std::string(named.id.view()) + (named.image.empty() ? "" : " " + std::string(named.image.view())) +
                  "\n";
        return true;
    });
    return listed;
}

}  // namespace

TEST_CASE("every source names its own containers, once each")
{
    Sources tree;
    std::string listed = list_of(tree.places);
    // Docker's web and nerdctl's cache (Tree), Podman's web, the pods' containers; no sandbox, no duplicate.
    CHECK(listed.find("docker:web=nskitaaa111\n") != std::string::npos);
    CHECK(listed.find("nerdctl:cache=nskitbbb333\n") != std::string::npos);
    CHECK(listed.find("podman:web=podaaa777 localhost/busybox:latest\n") != std::string::npos);
    CHECK(listed.find("k8s:prod/shop/app=crioapp22 registry.example/app:1\n") != std::string::npos);
    CHECK(listed.find("k8s:prod/shop/log=criolog33") != std::string::npos);
    CHECK(listed.find("k8s:dev/solo/main=ctrdsolo6 docker.io/library/nginx:1\n") != std::string::npos);
    CHECK(listed.find("k8s:dev/vm/guest=katavm777") != std::string::npos);
    CHECK(listed.find("runc:=criobad44\n") != std::string::npos);   // named by no source: its runtime's
    CHECK(listed.find("runc:=crioslash\n") != std::string::npos);
    CHECK(listed.find("sand") == std::string::npos);
    CHECK(listed.find("crioempty") == std::string::npos);
    CHECK(listed.find("crun:=nskitddd555\n") != std::string::npos);
    CHECK(std::count(listed.begin(), listed.end(), '\n') == 10);
}

TEST_CASE("SOURCE:NAME finds a name in that source; NAME alone, in every source")
{
    Sources tree;
    auto found = [&](std::string_view query) -> std::string {
        auto named = sources::find(query, tree.places);
        if (!named.ok())
            return std::string(named.error().what.view()) + ": " + named.error().why();
        return std::string(named.value().source) + " " + std::string(named.value().id.view());
    };
    CHECK(found("podman:web") == "podman podaaa777");
    CHECK(found("docker:web") == "docker nskitaaa111");
    CHECK(found("docker:/web") == " ");  // Docker's slash belongs to the unprefixed form only
    CHECK(found("web") == "'web' names 2 containers: docker:web, podman:web: name one of them in full, as SOURCE:NAME");
    CHECK(found("/web").find("'/web' names 2 containers: docker:web, podman:web") == 0);
    CHECK(found("cache") == "nerdctl nskitbbb333");
    CHECK(found("k8s:prod/shop/app") == "k8s crioapp22");
    CHECK(found("k8s:prod/shop") ==
          "'k8s:prod/shop' names 2 containers: k8s:prod/shop/app, k8s:prod/shop/log: name one of them in full, as "
          "SOURCE:NAME");
    CHECK(found("k8s:dev/solo") == "k8s ctrdsolo6");  // a pod's only container needs no name
    CHECK(found("k8s:prod/sho") == " ");              // parts are whole
    CHECK(found("k8s:prod/empty") == " ");            // its sandbox is nothing to enter
    CHECK(found("k8s:prod") == " ");
    CHECK(found("k8s:dev/vm/guest") ==
          "container k8s:dev/vm/guest: a sandboxed runtime (Kata, gVisor) runs it: its namespaces are not the container's");
    CHECK(found("nerdctl:web") == " ");
    CHECK(found("podman:") == " ");

    ContainerInfo info;
    REQUIRE(state::find("podman:web", tree.places, info).ok());
    CHECK(info.id.view() == "podaaa777");
    CHECK(info.name.view() == "podman:web");
    CHECK(env_of(info) == "ID=podaaa777;");
    ContainerInfo none;
    auto missing = state::find("podman:nosuch", tree.places, none);
    REQUIRE_FALSE(missing.ok());
    CHECK(std::string(missing.error().what.view()) == "cannot find container podman:nosuch");
    CHECK(missing.error().reason == no_such_container);
}
