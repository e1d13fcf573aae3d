#include "applets/applets.h"
namespace nskit { int nsenter_main(std::string_view, int, char**) { return 0; } }
