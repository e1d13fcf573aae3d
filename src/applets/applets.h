// Every applet's entry point. An applet takes the name it was called by (for
// its messages) and its own argv, where argv[0] is that name.
#pragma once

#include <span>
#include <string_view>

namespace nskit {

using AppletMain = int (*)(std::string_view program, int argc, char** argv);

struct Applet {
    std::string_view name;
    AppletMain main;
    std::string_view summary;
    bool installed;  // gets its own link when nskit is installed
    // Enters containers as root and becomes visible there: runs from a
    // private copy of nskit, never from the host's file (base/private_copy.h).
    bool private_copy = false;
};

int nsenter_main(std::string_view program, int argc, char** argv);
int unshare_main(std::string_view program, int argc, char** argv);
int enter_main(std::string_view program, int argc, char** argv);
int install_main(std::string_view program, int argc, char** argv);
int uninstall_main(std::string_view program, int argc, char** argv);
int export_main(std::string_view program, int argc, char** argv);

// All applets, in the order --help lists them.
std::span<const Applet> applets();

}  // namespace nskit
