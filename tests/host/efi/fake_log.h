#pragma once

// The efi/ host tests' stand-in for the kernel's serial log: klog() formats
// with rota's own printf and keeps each line for the test to read.

#include <string>
#include <vector>

namespace rota_test {

std::vector<std::string>& logged_lines();

} // namespace rota_test
