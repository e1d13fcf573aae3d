// The kernel constants nskit spells out itself (base/sys.h; musl's headers do
// not carry them) against the kernel's own headers for the target. Built with
// a cross compiler (make ARCH=... unit), this checks that architecture's
// values: the nsfs ioctls are encoded differently on powerpc, for one.
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/memfd.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <linux/sockios.h>
#include <linux/stat.h>

#include <catch2/catch.hpp>

#include "base/sys.h"

using namespace nskit;

TEST_CASE("the nsfs and socket ioctls are the target's")
{
    STATIC_REQUIRE(sys::ns_get_userns == NS_GET_USERNS);
    STATIC_REQUIRE(sys::ns_get_parent == NS_GET_PARENT);
    STATIC_REQUIRE(sys::ns_get_nstype == NS_GET_NSTYPE);
    STATIC_REQUIRE(sys::ns_get_owner_uid == NS_GET_OWNER_UID);
    STATIC_REQUIRE(sys::siocgskns == SIOCGSKNS);
}

TEST_CASE("filesystem magic numbers and statx attributes are the kernel's")
{
    STATIC_REQUIRE(sys::nsfs_magic == NSFS_MAGIC);
    STATIC_REQUIRE(sys::proc_super_magic == PROC_SUPER_MAGIC);
    STATIC_REQUIRE(sys::attribute_mount_root == STATX_ATTR_MOUNT_ROOT);
}

TEST_CASE("openat2, memfd, seal and mount API flags are the kernel's")
{
    STATIC_REQUIRE(sys::resolve_no_magiclinks == RESOLVE_NO_MAGICLINKS);
    STATIC_REQUIRE(sys::resolve_no_symlinks == RESOLVE_NO_SYMLINKS);
    STATIC_REQUIRE(sys::resolve_in_root == RESOLVE_IN_ROOT);
    STATIC_REQUIRE(sys::memfd_cloexec == MFD_CLOEXEC);
    STATIC_REQUIRE(sys::memfd_allow_sealing == MFD_ALLOW_SEALING);
    STATIC_REQUIRE(sys::seal_seal == F_SEAL_SEAL);
    STATIC_REQUIRE(sys::seal_shrink == F_SEAL_SHRINK);
    STATIC_REQUIRE(sys::seal_grow == F_SEAL_GROW);
    STATIC_REQUIRE(sys::seal_write == F_SEAL_WRITE);
    STATIC_REQUIRE(sys::open_tree_clone == OPEN_TREE_CLONE);
    STATIC_REQUIRE(sys::move_mount_f_empty_path == MOVE_MOUNT_F_EMPTY_PATH);
    STATIC_REQUIRE(sys::move_mount_t_empty_path == MOVE_MOUNT_T_EMPTY_PATH);
    STATIC_REQUIRE(sys::mount_attr_rdonly == MOUNT_ATTR_RDONLY);
    STATIC_REQUIRE(sys::mount_attr_nosuid == MOUNT_ATTR_NOSUID);
    STATIC_REQUIRE(sys::mount_attr_nodev == MOUNT_ATTR_NODEV);
#ifdef AT_RECURSIVE
    STATIC_REQUIRE(sys::at_recursive == AT_RECURSIVE);
#endif
}
