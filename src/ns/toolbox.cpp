// --tools (toolbox.h): the toolbox checked on the host, then shown inside a
// private copy of the entered mount namespace.
#include "ns/toolbox.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>

#include <array>
#include <string_view>

#include "base/buffer.h"
#include "base/dir.h"
#include "base/sys.h"
#include "base/text.h"

namespace nskit {

using namespace std::literals;

namespace {

constexpr unsigned at_empty_path = 0x1000;  // AT_EMPTY_PATH

// The files of a toolbox that have been checked (busybox: 400 links, one file).
struct Checked {
    std::array<std::pair<dev_t, ino_t>, 16> files{};
    std::size_t count = 0;
    bool has(const struct stat& st) const
    {
        for (std::size_t i = 0; i < count; ++i)
            if (files[i].first == st.st_dev && files[i].second == st.st_ino)
                return true;
        return false;
    }
    void add(const struct stat& st)
    {
        if (count < files.size())
            files[count++] = {st.st_dev, st.st_ino};
    }
};

// True when the ELF file has a PT_INTERP header: it needs a dynamic loader
// and the libraries of the host, which the container's root does not have.
template <class Header, class ProgramHeader>
Result<bool> needs_loader(int fd, const Header& header)
{
    if (header.e_phentsize != sizeof(ProgramHeader) || header.e_phnum > 256)
        return false;  // not a program the kernel would run either
    for (unsigned i = 0; i < header.e_phnum; ++i) {
        ProgramHeader program;
        std::size_t got = TRY(sys::pread(fd, &program, sizeof program, header.e_phoff + i * sizeof program));
        if (got != sizeof program)
            return false;
        if (program.p_type == PT_INTERP)
            return true;
    }
    return false;
}

// A program of the toolbox runs in any root, or the error says why not.
Result<void> check_program(const char* dir, std::string_view name, int fd)
{
    char head[256] = {};
    std::size_t got = TRY(sys::pread(fd, head, sizeof head - 1, 0));
    std::string_view start(head, got);
    if (start.starts_with("#!"sv)) {
        std::string_view interpreter = start.substr(2);
        while (!interpreter.empty() && (interpreter[0] == ' ' || interpreter[0] == '\t'))
            interpreter.remove_prefix(1);
        std::size_t end = interpreter.find_first_of(" \t\n"sv);
        interpreter = interpreter.substr(0, end == std::string_view::npos ? interpreter.size() : end);
        std::string_view inside = toolbox_path;
        if (interpreter.size() > inside.size() && interpreter.starts_with(inside) && interpreter[inside.size()] == '/')
            return {};
        return Error::because("its interpreter must be in the toolbox too (as #!/.nskit/tools/sh): the "
                              "container may have none",
                              "toolbox entry ", dir, '/', name, " is a script for ", interpreter);
    }
    if (got < EI_NIDENT || !start.starts_with(ELFMAG))
        return {};  // not a program this check knows; the exec will say
    bool dynamic = false;
    if (head[EI_CLASS] == ELFCLASS64 && got >= sizeof(Elf64_Ehdr)) {
        Elf64_Ehdr header;
        __builtin_memcpy(&header, head, sizeof header);
        dynamic = TRY((needs_loader<Elf64_Ehdr, Elf64_Phdr>(fd, header)));
    } else if (head[EI_CLASS] == ELFCLASS32 && got >= sizeof(Elf32_Ehdr)) {
        Elf32_Ehdr header;
        __builtin_memcpy(&header, head, sizeof header);
        dynamic = TRY((needs_loader<Elf32_Ehdr, Elf32_Phdr>(fd, header)));
    }
    if (dynamic)
        return Error::because("the container does not have the host's libraries: put a static build of it there",
                              "toolbox entry ", dir, '/', name, " is dynamically linked");
    return {};
}

// One entry of the toolbox directory.
Result<void> check_entry(const char* dir, int box, std::string_view name, Checked& checked)
{
    const char* entry = name.data();  // NUL-terminated (dir.h)
    auto st = TRY(sys::fstatat(box, entry, AT_SYMLINK_NOFOLLOW));
    if (S_ISLNK(st.st_mode)) {
        // Inside, the toolbox is /.nskit/tools: a link out of it would point
        // into the container's root, not the host's.
        char target[PATH_MAX];
        std::size_t size = TRY(sys::readlinkat(box, entry, target, sizeof target - 1));
        std::string_view link(target, size);
        bool leaves = link.starts_with('/') || link == ".."sv || link.starts_with("../"sv) ||
                      link.find("/../"sv) != std::string_view::npos || link.ends_with("/.."sv);
        if (leaves)
            return Error::because("inside, it would point into the container's root: make it a relative link "
                                  "to a file in the toolbox",
                                  "toolbox entry ", dir, '/', name, " is a link out of the toolbox (to ", link, ')');
    }
    auto opened = sys::openat(box, entry, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (!opened.ok() && opened.error().code == ENOENT)
        return Error::because("it points to nothing", "toolbox entry ", dir, '/', name, " is a dangling link");
    Fd file = TRY(std::move(opened).describe("cannot open toolbox entry ", dir, '/', name));
    st = TRY(sys::fstat(file.get()));
    if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111) || checked.has(st))
        return {};
    TRY(check_program(dir, name, file.get()));
    checked.add(st);
    return {};
}

// The view's read-only layer. mount_setattr (Linux 5.12) could set it on a
// detached mount; a bind remount through the cwd does it from 5.2 on, and
// before the view is attached nobody else is in this namespace to see it.
Result<void> make_read_only(int mount, const char* what)
{
    TRY(sys::fchdir(mount));
    return sys::mount(nullptr, ".", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        .describe("cannot make ", what, " read-only");
}

// One entry of the old root, shown in the view: the same symlink, or a
// placeholder of its kind with a clone of it (and its submounts) on top.
// Names and kinds come from the container; each name is one component
// looked up from `old_root` without following a link.
Result<void> show_entry(int old_root, int view, const char* name)
{
    auto st = TRY(sys::fstatat(old_root, name, AT_SYMLINK_NOFOLLOW));
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        std::size_t size = TRY(sys::readlinkat(old_root, name, target, sizeof target - 1));
        target[size] = '\0';
        return sys::symlinkat(target, view, name);
    }
    Fd clone = TRY(sys::open_tree(old_root, name, sys::open_tree_clone | sys::at_recursive | AT_SYMLINK_NOFOLLOW));
    auto kind = TRY(sys::fstat(clone.get())).st_mode;
    if (S_ISLNK(kind))
        return {};  // it became a link after we looked: the container's doing, shown as missing
    if (S_ISDIR(kind))
        TRY(sys::mkdirat(view, name, 0755));
    else
        TRY(sys::openat(view, name, O_WRONLY | O_CREAT | O_EXCL, 0));
    return sys::move_mount(clone.get(), "", view, name, sys::move_mount_f_empty_path).describe("cannot show /", name);
}

}  // namespace

Result<Toolbox> Toolbox::open(const char* dir)
{
    auto opened = sys::open(dir, O_RDONLY | O_DIRECTORY);
    if (!opened.ok() && opened.error().code == ENOENT && std::string_view(dir) == default_toolbox)
        return Error::because("install it with docker run --rm -v /usr/local/lib/nskit:/target nskit:tools, or "
                              "give --tools=DIR",
                              "no toolbox at ", default_toolbox);
    Fd box = TRY(std::move(opened).describe("cannot open the toolbox ", dir));
    // The command may run as any user of the container, mapped or not.
    if ((TRY(sys::fstat(box.get())).st_mode & 05) != 05)
        return Error::because("the container's users could not reach its programs: make it readable and searchable "
                              "by all (chmod 755)",
                              "toolbox ", dir, " is not open to all users");
    Checked checked;
    Result<void> entries;
    TRY(for_each_entry(box.get(), [&](const DirEntry& entry) {
        entries = check_entry(dir, box.get(), entry.name, checked);
        return entries.ok();
    }));
    TRY(std::move(entries));
    auto tree = sys::open_tree(box.get(), "", sys::open_tree_clone | at_empty_path);
    if (!tree.ok() && tree.error().code == ENOSYS)
        return Error::because("this kernel has no open_tree (Linux 5.2 or later needed)", "cannot clone the toolbox ",
                              dir);
    Toolbox toolbox;
    toolbox.tree_ = TRY(std::move(tree).describe("cannot clone the toolbox ", dir));
    return toolbox;
}

Result<void> Toolbox::show_over(int root_before)
{
    // unshare moves our root and cwd to their copies; a descriptor keeps
    // naming the original, where the kernel (rightly) refuses our mounts.
    TRY(sys::fchdir(root_before));
    TRY(sys::unshare(CLONE_NEWNS).describe("cannot make a private copy of the mount namespace"));
    // The copy keeps the propagation of the original: as a slave, nothing
    // mounted here reaches the container's namespace.
    TRY(sys::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE).describe("cannot make the copy of the mount namespace a slave"));
    Fd copy = TRY(sys::open(".", O_PATH | O_DIRECTORY));
    Fd listing = TRY(sys::open(".", O_RDONLY | O_DIRECTORY));
    // A mount point must exist, and a scratch or read-only root has none to
    // spare: the view is a tmpfs of our own over the old root, with a
    // placeholder for everything it shows. Nothing is written to the container's files.
    Fd view = TRY(sys::new_tmpfs("755", sys::mount_attr_nosuid | sys::mount_attr_nodev));
    int old_root = copy.get();
    TRY(sys::move_mount(view.get(), "", old_root, "", sys::move_mount_f_empty_path | sys::move_mount_t_empty_path)
            .describe("cannot stack a tmpfs over the root"));

    Result<void> shown;
    TRY(for_each_entry(listing.get(), [&](const DirEntry& entry) {
        if (entry.name == ".nskit"sv)
            shown = Error::because("--tools shows the toolbox there", "the container's root has a .nskit of its own");
        else
            shown = show_entry(old_root, view.get(), entry.name.data());
        return shown.ok();
    }));
    TRY(std::move(shown));

    TRY(sys::mkdirat(view.get(), ".nskit", 0755));
    TRY(sys::mkdirat(view.get(), ".nskit/tools", 0755));
    TRY(sys::move_mount(tree_.get(), "", view.get(), ".nskit/tools", sys::move_mount_f_empty_path)
            .describe("cannot show the toolbox at ", toolbox_path));
    TRY(make_read_only(tree_.get(), "the toolbox"));
    TRY(make_read_only(view.get(), "the root"));
    tree_.reset();
    TRY(sys::fchdir(view.get()));
    return sys::chroot(".");
}

Result<void> add_toolbox_to_path(Environment& env)
{
    Buffer path;
    std::string_view theirs = env.get("PATH"sv);
    if (!path.append(theirs) || !path.append(theirs.empty() ? ""sv : ":"sv) || !path.append(toolbox_path))
        return Error::from_errno(ENOMEM, "cannot extend PATH");
    return env.set("PATH"sv, path.view());
}

}  // namespace nskit
